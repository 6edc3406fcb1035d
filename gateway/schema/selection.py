"""What a resolver's field asks for: the names selected on it, fragments flattened.

Resolvers use it to start reads the selection will need together, and to answer a selection
from data already at hand (``DisconnectionRequest.group`` with only ``name``). The answer is
remembered per field node for the request, so a list of 50 items computes it once.
"""

from __future__ import annotations

from typing import Any

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


__all__ = ["selected_names"]
