"""GraphQL view of a Noyo carrier."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.types import Info

from gateway.noyo import models
from gateway.record_loader import MaybeAwaitable, then

from ..members.enums import UsState
from ..node import by_loader, noyo_id_field
from ..scalars import to_enum
from .enums import LineOfCoverage, LineOfCoverageVariant, carrier_line

NATIONWIDE = "US"


@strawberry.type(description="A line of coverage a carrier offers.")
class CarrierLine:
    line_of_coverage: LineOfCoverage = strawberry.field(description="The line of coverage.")
    variant: LineOfCoverageVariant | None = strawberry.field(
        description="Basic (employer-paid) or voluntary (employee-paid); null when the carrier makes no distinction."
    )


def carrier_lines(values: list[str]) -> list[CarrierLine]:
    """The Carrier API's line names as ``CarrierLine``s (names this gateway does not know are left out)."""
    lines = []
    for value in values:
        line, variant = carrier_line(value)
        if line is not None:
            lines.append(CarrierLine(line_of_coverage=line, variant=variant))
    return lines


def _lines_of_coverage(root: Any) -> list[CarrierLine]:
    return carrier_lines(root.lines)


@strawberry.type(description="An insurance carrier Noyo exchanges data with.")
class Carrier(relay.Node):
    id: relay.NodeID[str]
    noyo_id = noyo_id_field()
    display_name: str = strawberry.field(description="The carrier's name as shown to people.")
    internal_name: str | None = strawberry.field(description="Noyo's internal short name of the carrier.")
    lines_of_coverage: list[CarrierLine] = strawberry.field(
        resolver=_lines_of_coverage, description="The lines of coverage the carrier offers."
    )
    state: UsState | None = strawberry.field(
        description="The state the carrier operates in; null for a nationwide carrier (see `nationwide`)."
    )
    nationwide: bool = strawberry.field(description="True when the carrier operates across the United States.")
    status: str | None = strawberry.field(
        description="The carrier's status at the platform's organization (free text in Noyo, e.g. `active`)."
    )
    is_send: bool | None = strawberry.field(description="Whether Noyo sends enrollment changes to this carrier.")
    lines: strawberry.Private[list[str]]  # Noyo's line names, typed only when asked for

    resolve_nodes = by_loader("carrier_by_id")

    @classmethod
    def from_model(cls, carrier: models.Carrier) -> Carrier:
        return cls(
            id=carrier.id,
            display_name=carrier.display_name,
            internal_name=carrier.internal_name,
            lines=list(carrier.lines_of_coverage or []),
            state=None if carrier.state == NATIONWIDE else to_enum(UsState, carrier.state),
            nationwide=carrier.state == NATIONWIDE,
            status=carrier.status,
            is_send=carrier.is_send,
        )

    @classmethod
    def maybe(cls, carrier: models.Carrier | None) -> Carrier | None:
        return None if carrier is None else cls.from_model(carrier)


def carrier_of(info: Info, carrier_id: Any) -> MaybeAwaitable[Carrier | None]:
    """The carrier of ``carrier_id`` (None without one): at once when the request holds it."""
    if carrier_id is None:
        return None
    known: MaybeAwaitable[models.Carrier | None] = info.context.loaders.carrier_by_id.get(str(carrier_id))
    if not asyncio.isfuture(known):
        return _view(info.context.views, cast("models.Carrier | None", known))
    return then(cast("MaybeAwaitable[models.Carrier | None]", known), Carrier.maybe)


def _view(views: dict[tuple[str, str], tuple[Any, Any]], carrier: models.Carrier | None) -> Carrier | None:
    """A request names the same few carriers again and again (every connection, status and
    request has one): one ``Carrier`` per carrier record the request holds (``Context.views``),
    not one per place it appears."""
    if carrier is None:
        return None
    held = views.get(("Carrier", carrier.id))
    if held is not None and held[0] is carrier:
        return held[1]
    view = Carrier.from_model(carrier)
    views[("Carrier", carrier.id)] = (carrier, view)
    return view
