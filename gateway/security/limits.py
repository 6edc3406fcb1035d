"""What one operation may cost: depth, aliases and a list-aware cost, in one memoized pass.

Strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` do follow fragment
spreads, but they re-walk a fragment at every spread without memoizing, so a
chain of fragments each spreading the previous one twice costs 2^n steps to
validate (n=24 is minutes of CPU from a ~600 byte document). ``analyze`` walks
each fragment once and reuses its numbers at every spread, so aliases and cost
multiply through fragments correctly while the analysis stays linear.

Cost model: every field costs 1 (introspection fields and ``__typename`` are
free and not counted in depth); a field with a ``first`` argument multiplies the
cost of its selection by ``first`` (its literal or variable value, else the
argument's default, else ``DEFAULT_FIRST``, capped at ``MAX_FIRST``); a list of
objects without ``first`` multiplies by ``DEFAULT_FIRST``, except ``edges``/``nodes``
of a ``*Connection`` (already counted by the connection's ``first``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)

DEFAULT_FIRST = 20
MAX_FIRST = 100


@dataclass(frozen=True)
class Complexity:
    cost: int = 0
    depth: int = 0
    aliases: int = 0


ZERO = Complexity()


class _Analyzer:
    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.memo: dict[str, Complexity] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> Complexity:
        if selection_set is None:
            return ZERO
        cost = depth = aliases = 0
        spread: set[str] = set()  # a fragment spread twice in one selection set executes once
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                part = self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                part = self.selection_set(
                    selection.selection_set, self.schema.get_type(condition.name.value) if condition else parent
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in spread:
                    continue
                spread.add(name)
                part = self.fragment(name)
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            cost += part.cost
            aliases += part.aliases
            depth = max(depth, part.depth)
        return Complexity(cost, depth, aliases)

    def fragment(self, name: str) -> Complexity:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:  # unknown or cyclic: validation reports it
            return ZERO
        self.in_progress.add(name)
        result = self.selection_set(
            definition.selection_set, self.schema.get_type(definition.type_condition.name.value)
        )
        self.in_progress.discard(name)
        self.memo[name] = result
        return result

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Complexity:
        alias = 1 if node.alias else 0
        name = node.name.value
        if name.startswith("__"):
            return Complexity(0, 0, alias)
        definition = parent.fields.get(name) if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else None
        child = get_named_type(definition.type) if definition is not None else None
        inner = self.selection_set(node.selection_set, child)
        factor = self.multiplier(node, definition, parent)
        return Complexity(1 + factor * inner.cost, 1 + inner.depth, alias + inner.aliases)

    def multiplier(self, node: FieldNode, definition: Any, parent: GraphQLNamedType | None) -> int:
        if definition is None:
            return 1
        if "first" in definition.args:
            return self.first(node, definition)
        field_type = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        if isinstance(field_type, GraphQLList) and is_composite_type(get_named_type(field_type)):
            is_connection = parent is not None and (
                parent.name.endswith("Connection") or "pageInfo" in getattr(parent, "fields", {})
            )  # Relay connections: *Connection, or any type with pageInfo
            if is_connection and node.name.value in ("edges", "nodes"):
                return 1
            return DEFAULT_FIRST
        return 1

    def first(self, node: FieldNode, definition: Any) -> int:
        value: Any = None
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value)
        if value is None:
            default = definition.args["first"].default_value
            value = default if isinstance(default, int) else DEFAULT_FIRST  # Undefined is no int
        if not isinstance(value, int) or isinstance(value, bool):
            value = DEFAULT_FIRST
        return max(0, min(value, MAX_FIRST))


def analyze(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None = None,
) -> Complexity:
    """Cost, depth and alias count of ``operation`` (fragments expanded, each walked once)."""
    root = schema.get_root_type(operation.operation)
    return _Analyzer(schema, fragments, variables or {}).selection_set(operation.selection_set, root)


__all__ = ["DEFAULT_FIRST", "MAX_FIRST", "Complexity", "analyze"]
