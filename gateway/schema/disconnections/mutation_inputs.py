"""Inputs of the disconnection mutations and their translation to Noyo's request bodies."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import strawberry

from gateway.writes import WriteError
from gateway.writes import check_id as uuid_problem

from .enums import DisconnectionReason, DisconnectionRejectionReason


@strawberry.enum(description="The status an edit moves a disconnection request to.")
class DisconnectionEditStatus(enum.Enum):
    PROCESSING = "processing"
    REJECTED = "rejected"


@strawberry.input(description="Ask Noyo to stop exchanging a group's data with one carrier.")
class RequestDisconnectionInput:
    group_id: strawberry.ID
    carrier_id: strawberry.ID
    effective_end_date: dt.date = strawberry.field(
        description="The last day coverage is managed through Noyo; today or later (Noyo's clock)."
    )
    reason: DisconnectionReason | None = None
    context: str | None = strawberry.field(default=None, description="Free text; must not contain personal data.")

    def to_noyo(self) -> dict[str, Any]:
        return _clean({
            "group_id": str(self.group_id),
            "carrier_id": str(self.carrier_id),
            "effective_end_date": self.effective_end_date.isoformat(),
            "reason": self.reason.value if self.reason else None,
            "context": self.context,
        })

    def problems(self) -> list[WriteError]:
        return [*uuid_problem(self.group_id, ("input", "groupId")),
                *uuid_problem(self.carrier_id, ("input", "carrierId"))]


@strawberry.input(description="Fix or change a disconnection request (a rejected one, or its date).")
class EditDisconnectionInput:
    status: DisconnectionEditStatus
    effective_end_date: dt.date | None = strawberry.field(
        default=None, description="Required to move to PROCESSING when the request has no date yet."
    )
    reason: DisconnectionRejectionReason | None = None
    context: str | None = None

    def to_noyo(self) -> dict[str, Any]:
        return _clean({
            "status": self.status.value,
            "effective_end_date": self.effective_end_date.isoformat() if self.effective_end_date else None,
            "reason": self.reason.value if self.reason else None,
            "context": self.context,
        })


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


__all__ = ["DisconnectionEditStatus", "EditDisconnectionInput", "RequestDisconnectionInput", "uuid_problem"]
