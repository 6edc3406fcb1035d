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


def selects_type(info: Info, type_name: str) -> bool:
    """Whether any field at any depth under the current one returns the GraphQL type ``type_name``
    (fragments and abstract types followed), so a read of that type can start before its parents."""
    raw = info._raw_info
    schema = raw.schema
    pending: list[tuple[Any, Any]] = [
        (get_named_type(raw.return_type), node.selection_set) for node in raw.field_nodes if node.selection_set
    ]
    seen: set[str] = set()
    while pending:
        parent, selection_set = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = parent.fields if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else {}
                definition = fields.get(selection.name.value)
                if definition is None:
                    continue
                named = get_named_type(definition.type)
                if named.name == type_name:
                    return True
                if selection.selection_set:
                    pending.append((named, selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                pending.append(
                    (schema.get_type(condition.name.value) if condition else parent, selection.selection_set)
                )
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = raw.fragments.get(selection.name.value)
                if fragment is not None:
                    pending.append((schema.get_type(fragment.type_condition.name.value), fragment.selection_set))
    return False


__all__ = ["selected_names", "selects_type"]
