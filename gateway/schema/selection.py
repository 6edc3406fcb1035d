"""What a resolver's field asks for: the names selected on it, fragments flattened.

Resolvers use it to start reads the selection will need together, and to answer a selection
from data already at hand (``DisconnectionRequest.group`` with only ``name``). The answer is
remembered per field node for the request, so a list of 50 items computes it once.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    get_named_type,
)
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField


def _names(selections: list[Any], out: set[str]) -> set[str]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            out.add(selection.name)
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            _names(selection.selections, out)
    return out


def selected_names(info: Info) -> frozenset[str]:
    """Field names selected directly under the current field (through fragments, any directive)."""
    memo: dict[int, frozenset[str]] | None = getattr(info.context, "selections", None)
    node_id = id(info._raw_info.field_nodes[0])
    if memo is not None and node_id in memo:
        return memo[node_id]
    names: set[str] = set()
    for field in info.selected_fields:
        _names(field.selections, names)
    found = frozenset(names)
    if memo is not None:
        memo[node_id] = found
    return found


def fields_below(info: Info) -> dict[str, frozenset[str]]:
    """Per GraphQL type name, the field names selected on it at any depth below the current field's
    own selection (``selected_names``), fragments followed (an inline fragment's fields count on
    its type condition), so that a read those fields need can start before their parents
    resolve. Remembered per field node."""
    memo: dict[int, dict[str, frozenset[str]]] | None = getattr(info.context, "below", None)
    raw = info._raw_info
    node_id = id(raw.field_nodes[0])
    if memo is not None and node_id in memo:
        return memo[node_id]
    schema = raw.schema
    pending: list[tuple[Any, Any, bool]] = [
        (get_named_type(raw.return_type), node.selection_set, True) for node in raw.field_nodes if node.selection_set
    ]
    found: dict[str, set[str]] = {}
    seen: set[str] = set()
    while pending:
        parent, selection_set, own = pending.pop()
        names: set[str] = set() if own else found.setdefault(parent.name, set())
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
                fields = parent.fields if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else {}
                definition = fields.get(selection.name.value)
                if definition is not None and selection.selection_set:
                    pending.append((get_named_type(definition.type), selection.selection_set, False))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = schema.get_type(condition.name.value) if condition else parent
                pending.append((target, selection.selection_set, own and target is parent))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = raw.fragments.get(selection.name.value)
                if fragment is not None:
                    target = schema.get_type(fragment.type_condition.name.value)
                    pending.append((target, fragment.selection_set, own and target is parent))
    below = {name: frozenset(names) for name, names in found.items()}
    if memo is not None:
        memo[node_id] = below
    return below


def selects_type(info: Info, type_name: str) -> bool:
    """Whether any field at any depth under the current one returns the GraphQL type ``type_name``
    (fragments and abstract types followed), so a read of that type can start before its parents."""
    return type_name in fields_below(info)


__all__ = ["fields_below", "selected_names", "selects_type"]
