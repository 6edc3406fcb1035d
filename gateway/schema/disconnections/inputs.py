"""Filters of ``disconnectionRequests``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from ..errors import bad_input
from ..ids import filter_id
from .enums import DisconnectionSourceType, DisconnectionStatus


@strawberry.input(description="Every field narrows the list; omitted fields do not filter.")
class DisconnectionRequestFilterInput:
    status: DisconnectionStatus | None = strawberry.field(default=None, description="Only requests in this status.")
    carrier_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only requests with one of these carriers (Noyo or global ids)."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only requests of this group (a Noyo or global id)."
    )
    effective_end_date_from: dt.date | None = strawberry.field(
        default=None, description="Only requests ending on or after this date."
    )
    effective_end_date_to: dt.date | None = strawberry.field(
        default=None, description="Only requests ending on or before this date."
    )
    search: str | None = strawberry.field(default=None, description="Free text matched by Noyo (e.g. group name).")
    source_type: DisconnectionSourceType | None = strawberry.field(
        default=None, description="Only requests with this origin."
    )

    def to_params(self) -> dict[str, Any]:
        """Noyo's query parameters for this filter (the client's keyword names)."""
        if (
            self.effective_end_date_from is not None
            and self.effective_end_date_to is not None
            and self.effective_end_date_from > self.effective_end_date_to
        ):
            raise bad_input("`effectiveEndDateFrom` is after `effectiveEndDateTo`.", argument="filter")
        carriers = [filter_id(c, "carrierIds", "Carrier") for c in self.carrier_ids or []]
        return {
            "status": self.status.value if self.status else None,
            "carrier_ids": sorted(carriers) if carriers else None,
            "group_id": filter_id(self.group_id, "groupId", "Group"),
            "min_effective_end_date": self.effective_end_date_from,
            "max_effective_end_date": self.effective_end_date_to,
            "search": self.search or None,
            "source_type": self.source_type.value if self.source_type else None,
        }
