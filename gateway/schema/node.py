"""The ``Node`` interface (Strawberry's Relay ``Node``) and ``node(id:)`` / ``nodes(ids:)``.

A type implements ``Node`` by subclassing ``relay.Node`` with ``id: relay.NodeID[str]``
(the Noyo id), ``noyo_id = noyo_id_field()`` and ``resolve_nodes = by_loader("x_by_id")``:
``nodes(ids:)`` groups the ids by type and loads each type's ids through that request
loader in one batch (so through the shared cache and Noyo's batch filters), in the order
asked. An id that is not a global id, names no ``Node`` type, or names no record reads as
null; a malformed one is a ``BAD_USER_INPUT`` error.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from .errors import bad_input
from .ids import decode_global_id

MAX_NODES = 100


def _noyo_id(root: Any) -> strawberry.ID:
    return strawberry.ID(str(root.id))


def noyo_id_field() -> Any:
    """``noyoId``: the record's id in Noyo (a UUID), as Noyo's API and webhooks name it."""
    return strawberry.field(
        resolver=_noyo_id, description="The record's id in Noyo (a UUID), as Noyo's API and webhooks name it."
    )


def by_loader(loader_name: str) -> Any:
    """A ``resolve_nodes`` classmethod loading ids through ``info.context.loaders.<loader_name>``
    and building each node with the type's ``maybe(record)``."""

    async def resolve_nodes(cls: Any, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list[Any]:
        loader = getattr(info.context.loaders, loader_name)
        records = await loader.load_many([str(i) for i in node_ids])
        return [cls.maybe(r) for r in records]

    return classmethod(resolve_nodes)


def _node_type(info: Info, type_name: str) -> Any:
    definition = info.schema.get_type_by_name(type_name)
    if not isinstance(definition, StrawberryObjectDefinition):
        return None
    origin = definition.origin
    return origin if isinstance(origin, type) and issubclass(origin, relay.Node) else None


async def resolve_many(info: Info, ids: list[str]) -> list[Any]:
    """The nodes of ``ids`` in order (None for unknown ones), one loader batch per type."""
    wanted: dict[Any, list[tuple[int, str]]] = defaultdict(list)
    for position, value in enumerate(ids):
        decoded = decode_global_id(str(value))
        if decoded is None:
            raise bad_input("Not a global id: use the `id` of a Node.", argument="id")
        node_type = _node_type(info, decoded[0])
        if node_type is not None:
            wanted[node_type].append((position, decoded[1]))
    found: list[Any] = [None] * len(ids)
    types = list(wanted)
    batches = await asyncio.gather(*(t.resolve_nodes(info=info, node_ids=[i for _, i in wanted[t]]) for t in types))
    for node_type, nodes in zip(types, batches):
        for (position, _), node in zip(wanted[node_type], nodes):
            found[position] = node
    return found


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any record implementing `Node`, by its global `id`; null when none.")
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global id (`Node.id`).")]
    ) -> relay.Node | None:
        return (await resolve_many(info, [str(id)]))[0]

    @strawberry.field(
        description=f"Records implementing `Node`, by global ids (at most {MAX_NODES}), in the order asked; "
        "null for an id naming no record. Ids of one type load in one batch."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids (`Node.id`).")],
    ) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise bad_input(f"`ids` must not list more than {MAX_NODES} ids.", argument="ids", max=MAX_NODES)
        return await resolve_many(info, [str(i) for i in ids])


__all__ = ["MAX_NODES", "NodeQueries", "by_loader", "noyo_id_field", "resolve_many"]
