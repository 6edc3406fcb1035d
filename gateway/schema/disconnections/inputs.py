"""Filters of ``disconnectionRequests``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from ..errors import bad_input
from ..ids import filter_id
from .enums import DisconnectionSourceType, DisconnectionStatus


@strawberry.input(description="Every field narrows the list; omitted fields do not filter.")
class DisconnectionRequestFilter:
    status: DisconnectionStatus | None = None
    carrier_ids: list[strawberry.ID] | None = None
    group_id: strawberry.ID | None = None
    effective_end_date_from: dt.date | None = strawberry.field(default=None, description="Inclusive.")
    effective_end_date_to: dt.date | None = strawberry.field(default=None, description="Inclusive.")
    search: str | None = strawberry.field(default=None, description="Free text matched by Noyo (e.g. group name).")
    source_type: DisconnectionSourceType | None = None

    def to_params(self) -> dict[str, Any]:
        """Noyo's query parameters for this filter (the client's keyword names)."""
        for name, value in (("status", self.status), ("sourceType", self.source_type)):
            if value is not None and value.name == "UNKNOWN":
                raise bad_input(f"`{name}` cannot be UNKNOWN.", argument=name)
        if (
            self.effective_end_date_from is not None
            and self.effective_end_date_to is not None
            and self.effective_end_date_from > self.effective_end_date_to
        ):
            raise bad_input("`effectiveEndDateFrom` is after `effectiveEndDateTo`.", argument="filter")
        return {
            "status": self.status.value if self.status else None,
            "carrier_ids": sorted(filter_id(c, "carrierIds") for c in self.carrier_ids) if self.carrier_ids else None,
            "group_id": filter_id(self.group_id, "groupId"),
            "min_effective_end_date": self.effective_end_date_from,
            "max_effective_end_date": self.effective_end_date_to,
            "search": self.search or None,
            "source_type": self.source_type.value if self.source_type else None,
        }
