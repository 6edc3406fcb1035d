"""Response ``extensions`` built from the request context.

``OperationFactsExtension`` records the operation's kind on the context (see below).
``StaleDataExtension`` reports records served from cache past their TTL because
Noyo failed (stale-if-error): ``{"stale": [{"resource", "id", "ageSeconds"}]}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension


class StaleDataExtension(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        notes = getattr(self.execution_context.context, "stale", None)
        if not notes:
            return {}
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for note in notes:
            key = (note.resource, note.id)
            if key not in seen or note.age_seconds > seen[key]["ageSeconds"]:
                seen[key] = {"resource": note.resource, "id": note.id, "ageSeconds": note.age_seconds}
        return {"stale": list(seen.values())}


def _introspects(document: Any, operation_name: str | None) -> bool:
    """Whether the operation asks for ``__schema`` or ``__type`` at its root (fragments included)."""
    from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, get_operation_ast

    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return False
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    pending, seen = list(operation.selection_set.selections), set()
    while pending:
        node = pending.pop()
        if isinstance(node, FieldNode):
            if node.name.value in ("__schema", "__type"):
                return True
        elif isinstance(node, InlineFragmentNode):
            pending.extend(node.selection_set.selections)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            seen.add(node.name.value)
            fragment = fragments.get(node.name.value)
            if fragment is not None:
                pending.extend(fragment.selection_set.selections)
    return False


class OperationFactsExtension(SchemaExtension):
    """Tells the request context what runs: ``"query"``, ``"mutation"``, ``"subscription"``, or
    ``"introspection"`` for a query reading the schema itself (the response cache keeps queries only)."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        context = ctx.context
        if hasattr(context, "operation"):
            try:
                kind = ctx.operation_type.value
                if kind == "query" and _introspects(ctx.graphql_document, ctx.operation_name):
                    kind = "introspection"
            except Exception:  # noqa: BLE001 - no single operation: nothing to classify
                kind = None
            context.operation = kind
            on_operation = getattr(context, "on_operation", None)
            if on_operation is not None:
                on_operation(kind)
        yield
