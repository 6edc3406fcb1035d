"""Inputs of the disconnection mutations and their translation to Noyo's request bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from gateway.writes import WriteError
from gateway.writes import check_id as uuid_problem

from ..ids import id_problem
from .enums import DisconnectionReason, DisconnectionRejectionReason


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


@strawberry.input(
    description="Submit a disconnection request (again) with corrected data: it moves to, or stays in, "
    "PROCESSING. Resubmits a rejected request, confirms one in review, or changes the date of one in progress."
)
class ResubmitDisconnectionRequestInput:
    effective_end_date: dt.date | None = strawberry.field(
        default=None,
        description="The last day coverage is managed through Noyo; today or later. Required when the "
        "request has no date yet, and replaces its date otherwise.",
    )
    context: str | None = strawberry.field(
        default=None, description="Why it is resubmitted; free text that must not contain personal data."
    )

    def to_noyo(self) -> dict[str, Any]:
        return _clean(
            {
                "status": "processing",
                "effective_end_date": self.effective_end_date.isoformat() if self.effective_end_date else None,
                "context": self.context,
            }
        )


@strawberry.input(description="Reject a disconnection request: the group stays connected.")
class RejectDisconnectionRequestInput:
    reason: DisconnectionRejectionReason | None = strawberry.field(default=None, description="Why it is rejected.")
    context: str | None = strawberry.field(default=None, description="Free text; must not contain personal data.")

    def to_noyo(self) -> dict[str, Any]:
        return _clean(
            {"status": "rejected", "reason": self.reason.value if self.reason else None, "context": self.context}
        )


@strawberry.input(
    one_of=True,
    description="What an edit does to a disconnection request: exactly one of `resubmit` (to PROCESSING, "
    "optionally with a corrected date) or `reject` (to REJECTED, with a reason).",
)
class EditDisconnectionRequestInput:
    resubmit: ResubmitDisconnectionRequestInput | None = strawberry.field(
        default=strawberry.UNSET, description="Send the request (back) to PROCESSING, e.g. with a corrected date."
    )
    reject: RejectDisconnectionRequestInput | None = strawberry.field(
        default=strawberry.UNSET, description="Reject the request: the group stays connected."
    )

    @property
    def chosen(self) -> tuple[str, ResubmitDisconnectionRequestInput | RejectDisconnectionRequestInput]:
        """The option given (``@oneOf``: GraphQL validation guarantees exactly one) and its value."""
        if self.resubmit is not strawberry.UNSET and self.resubmit is not None:
            return "resubmit", self.resubmit
        if self.reject is not strawberry.UNSET and self.reject is not None:
            return "reject", self.reject
        raise ValueError("EditDisconnectionRequestInput needs exactly one option")

    def to_noyo(self) -> dict[str, Any]:
        """Noyo's edit body: ``status`` ``processing`` or ``rejected`` and that option's fields."""
        return self.chosen[1].to_noyo()

    def path(self, prefix: tuple[str, ...]) -> tuple[str, ...]:
        """The input path of the option given, e.g. ``("input", "resubmit")``."""
        return (*prefix, self.chosen[0])


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


__all__ = [
    "CreateDisconnectionRequestInput",
    "EditDisconnectionRequestInput",
    "RejectDisconnectionRequestInput",
    "ResubmitDisconnectionRequestInput",
    "uuid_problem",
]
