"""Disconnection request subscriptions: every change, and moves in and out of the review queue."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.events import Change
from gateway.noyo import models

from ..describe import described_enum
from ..ids import filter_id
from ..live import LiveChanges, record
from .enums import DisconnectionStatus
from .types import DisconnectionRequest

KIND = "disconnection_request"
REVIEW = "needs_review"
# A request leaves the review queue by being confirmed (processing) or rejected.
_DECIDED = ("processing", "rejected")


@described_enum(
    "How a change moved a disconnection request relative to the review queue.",
    {
        "ENTERED": "The request now needs review.",
        "LEFT": "The request was decided and no longer needs review.",
    },
)
class ReviewQueueMovement(enum.Enum):
    ENTERED = "entered"
    LEFT = "left"


@strawberry.type(description="A disconnection request that entered or left the review queue.")
class ReviewQueueChange:
    movement: ReviewQueueMovement = strawberry.field(description="Whether the request entered or left the queue.")
    request: DisconnectionRequest = strawberry.field(
        description="The request as Noyo now has it (replace your copy, or drop it when it LEFT)."
    )


def queue_movement(request: models.DisconnectionRequest, change: Change) -> ReviewQueueMovement | None:
    """ENTERED / LEFT for a change of ``request``, or None when the queue did not change.

    The previous status is what the gateway's cache held, so it may be unknown (None) or already
    the new one (a decision made through this gateway refreshed the cache before Noyo's event
    arrived): a request now decided then counts as LEFT, and one needing review as ENTERED
    (removing an entry a client does not hold, or replacing one it holds, changes nothing).
    """
    previous = change.previous_status
    created = change.event_type.endswith(".created")
    if request.status == REVIEW:
        return ReviewQueueMovement.ENTERED if created or previous != REVIEW else None
    if request.status in _DECIDED and not created and previous in (REVIEW, None, request.status):
        return ReviewQueueMovement.LEFT
    return None


@strawberry.type
class DisconnectionSubscriptions:
    @strawberry.subscription(
        description="Pushes a disconnection request each time it enters the review queue (Noyo asks for a "
        "decision) or leaves it (confirmed or rejected). Only requests of groups in your scope."
    )
    async def review_queue_changed(self, info: Info) -> AsyncGenerator[ReviewQueueChange, None]:
        live = LiveChanges(info.context, "reviewQueueChanged", [KIND])
        async for change in live:
            request = await record(info.context, change)
            movement = queue_movement(request, change) if request is not None else None
            if movement is not None:
                pushed = ReviewQueueChange(movement=movement, request=DisconnectionRequest.from_model(request))
                yield live.pushed(pushed)

    @strawberry.subscription(
        description="Pushes a disconnection request, as the `disconnectionRequest` query returns it, each time "
        "Noyo changes it. Every argument narrows the stream; only requests of groups in your scope."
    )
    async def disconnection_request_changed(
        self,
        info: Info,
        group_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only requests of this group (its id or Noyo id)."),
        ] = None,
        carrier_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only requests with this carrier (its id or Noyo id)."),
        ] = None,
        status: Annotated[
            DisconnectionStatus | None,
            strawberry.argument(description="Only changes after which the request has this status."),
        ] = None,
    ) -> AsyncGenerator[DisconnectionRequest, None]:
        group = filter_id(group_id, "groupId", "Group")
        carrier = filter_id(carrier_id, "carrierId", "Carrier")
        wanted_status = status.value if status is not None else None
        live = LiveChanges(info.context, "disconnectionRequestChanged", [KIND])
        async for change in live:
            request = await record(info.context, change)
            if request is None:
                continue
            if group is not None and request.group_id != group:
                continue
            if carrier is not None and request.carrier_id != carrier:
                continue
            if wanted_status is not None and request.status != wanted_status:
                continue
            yield live.pushed(DisconnectionRequest.from_model(request))


__all__ = ["DisconnectionSubscriptions", "ReviewQueueChange", "ReviewQueueMovement", "queue_movement"]
