"""Inputs of the disconnection mutations and their translation to Noyo's request bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from gateway.writes import WriteError
from gateway.writes import check_id as uuid_problem

from ..ids import id_problem
from .enums import DisconnectionEditStatus, DisconnectionReason, DisconnectionRejectionReason


@strawberry.input(description="Ask Noyo to stop exchanging a group's data with one carrier.")
class CreateDisconnectionRequestInput:
    group_id: strawberry.ID = strawberry.field(description="The group (a Noyo or global id).")
    carrier_id: strawberry.ID = strawberry.field(description="The carrier to disconnect from (a Noyo or global id).")
    effective_end_date: dt.date = strawberry.field(
        description="The last day coverage is managed through Noyo; today or later (Noyo's clock)."
    )
    reason: DisconnectionReason | None = strawberry.field(default=None, description="Why the platform asks.")
    context: str | None = strawberry.field(default=None, description="Free text; must not contain personal data.")

    def to_noyo(self) -> dict[str, Any]:
        return _clean(
            {
                "group_id": str(self.group_id),
                "carrier_id": str(self.carrier_id),
                "effective_end_date": self.effective_end_date.isoformat(),
                "reason": self.reason.value if self.reason else None,
                "context": self.context,
            }
        )

    def problems(self) -> list[WriteError]:
        return [
            *uuid_problem(self.group_id, ("input", "groupId")),
            *uuid_problem(self.carrier_id, ("input", "carrierId")),
        ]

    def resolve_ids(self) -> list[WriteError]:
        """Turn global ids into Noyo ids in place; problems for ids of another type."""
        problems = []
        for name, type_name, path in (("group_id", "Group", "groupId"), ("carrier_id", "Carrier", "carrierId")):
            value, found = id_problem(getattr(self, name), type_name, ("input", path))
            setattr(self, name, value)
            problems += found
        return problems


@strawberry.input(description="Fix or change a disconnection request (a rejected one, or its date).")
class EditDisconnectionRequestInput:
    status: DisconnectionEditStatus = strawberry.field(description="The status the request moves to.")
    effective_end_date: dt.date | None = strawberry.field(
        default=None, description="Required to move to PROCESSING when the request has no date yet."
    )
    reason: DisconnectionRejectionReason | None = strawberry.field(
        default=None, description="Why it is rejected (status REJECTED)."
    )
    context: str | None = strawberry.field(default=None, description="Free text; must not contain personal data.")

    def to_noyo(self) -> dict[str, Any]:
        return _clean(
            {
                "status": self.status.value,
                "effective_end_date": self.effective_end_date.isoformat() if self.effective_end_date else None,
                "reason": self.reason.value if self.reason else None,
                "context": self.context,
            }
        )


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


__all__ = ["CreateDisconnectionRequestInput", "EditDisconnectionRequestInput", "uuid_problem"]
