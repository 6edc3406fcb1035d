"""Noyo's wording of the warnings and fulfillment errors a member snapshot carries.

Noyo serves ``warnings`` and ``fulfillment_summary[].errors`` as plain strings
(``OutboundMemberSnapshot``, ``CarrierFulfillmentStatus``): no codes. Every text
names carriers and members by id, coverages by Noyo's ``line_of_coverage`` value and
members by ``individual_type`` (``dental for dependent <id>``), never by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Coverage(Protocol):
    @property
    def line_of_coverage(self) -> str: ...
    @property
    def individual_type(self) -> str: ...
    @property
    def individual_id(self) -> str: ...


def describe(coverage: Coverage) -> str:
    """``dental for dependent <id>``: line and member, never a name."""
    return f"{coverage.line_of_coverage} for {coverage.individual_type} {coverage.individual_id}"


def missing_coverages(omissions: Iterable[Coverage]) -> str:
    """The ``reject`` error of a carrier (and the core of its warning)."""
    listed = ", ".join(describe(o) for o in omissions)
    return (
        f"This snapshot is missing the following active coverages: {listed}. If you intend to "
        "terminate a coverage, please send a snapshot that includes a termination date before "
        "omitting it from future snapshots."
    )


def carrier_canceled(carrier_id: str, omissions: Iterable[Coverage]) -> str:
    """The ``reject`` warning: that carrier's changes were canceled."""
    return f"Changes for carrier {carrier_id} were canceled. {missing_coverages(omissions)}"


def coverage_continued(carrier_id: str, omission: Coverage) -> str:
    """The ``continue`` warning of one omitted coverage left as it is."""
    return f"Omitted active coverage left unchanged: {describe(omission)} at carrier {carrier_id}."


def not_connected(carrier_id: str) -> str:
    return f"Carrier {carrier_id} is not connected for this group; nothing will change there."


__all__ = ["carrier_canceled", "coverage_continued", "describe", "missing_coverages", "not_connected"]
