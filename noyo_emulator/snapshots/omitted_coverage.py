"""Omitted coverages: what is active at the carriers that a snapshot leaves out.

A coverage is *active* for a family member when an enrollment has status
``active`` and the open end date ``9999-12-31``; it is *omitted* when no coverage
entry of the snapshot for the same carrier and line of coverage lists that member.
``termination_date`` implements the ``terminate`` rules relative to the
submission date; Noyo's wording of what happened to them is in ``messages``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..state import OPEN_END_DATE, Record, State


@dataclass(frozen=True)
class Omission:
    carrier_id: str
    line_of_coverage: str
    individual_id: str
    individual_type: str
    plan_id: str | None
    effective_start_date: str | None
    effective_end_date: str

    def enrolled_member(self, end_date: str | None = None) -> dict[str, Any]:
        member: dict[str, Any] = {
            "individual_id": self.individual_id,
            "individual_type": self.individual_type,
            "effective_start_date": self.effective_start_date or self.effective_end_date,
            "effective_end_date": end_date or self.effective_end_date,
        }
        return member


def current_enrollments(state: State, member_ids: Iterable[str]) -> list[tuple[str, Record]]:
    """``(carrier_id, enrollment)`` for active enrollments of these members not yet ended."""
    wanted = set(member_ids)
    today = state.today.isoformat()
    found = []
    for enrollment in state.enrollments.values():
        if enrollment.get("individual_id") not in wanted or enrollment.get("status") != "active":
            continue
        if (enrollment.get("effective_end_date") or OPEN_END_DATE) < today:
            continue
        carrier_id = state.carrier_of_group_enrollment(enrollment.get("group_enrollment_id", ""))
        if carrier_id is not None:
            found.append((carrier_id, enrollment))
    return sorted(found, key=lambda pair: (pair[0], pair[1]["line_of_coverage"], pair[1]["id"]))


def _is_open(enrollment: Record) -> bool:
    return (enrollment.get("effective_end_date") or OPEN_END_DATE) == OPEN_END_DATE


def find_omissions(state: State, member_ids: Iterable[str], coverages: list[dict[str, Any]]) -> list[Omission]:
    """Open active coverages of these members that no snapshot coverage lists."""
    listed = {
        (c["carrier_id"], c["line_of_coverage"], m.get("individual_id"))
        for c in coverages
        for m in c.get("enrolled_members") or []
    }
    omissions = []
    for carrier_id, enrollment in current_enrollments(state, member_ids):
        key = (carrier_id, enrollment["line_of_coverage"], enrollment["individual_id"])
        if _is_open(enrollment) and key not in listed:
            omissions.append(
                Omission(
                    carrier_id=carrier_id,
                    line_of_coverage=enrollment["line_of_coverage"],
                    individual_id=enrollment["individual_id"],
                    individual_type=enrollment["individual_type"],
                    plan_id=enrollment.get("plan_id"),
                    effective_start_date=enrollment.get("effective_start_date"),
                    effective_end_date=enrollment.get("effective_end_date") or OPEN_END_DATE,
                )
            )
    return omissions


def termination_date(handling: dict[str, Any], submitted: dt.date) -> str:
    """The end date for omitted coverages under ``terminate`` (the body is already validated)."""
    rule = handling["termination_rule"]
    if rule == "end_of_current_month":
        last = calendar.monthrange(submitted.year, submitted.month)[1]
        return submitted.replace(day=last).isoformat()
    if rule == "end_of_prior_month":
        return (submitted.replace(day=1) - dt.timedelta(days=1)).isoformat()
    return str(handling["custom"]["effective_end_date"])


def carry_back(coverages: list[dict[str, Any]], omissions: list[Omission], end_date: str | None) -> None:
    """Put omitted coverages back into ``coverages`` (in place), ending them at ``end_date``."""
    for omission in omissions:
        entry = next(
            (
                c
                for c in coverages
                if c["carrier_id"] == omission.carrier_id
                and c["line_of_coverage"] == omission.line_of_coverage
                and (omission.plan_id is None or c.get("plan_id") in (None, omission.plan_id))
            ),
            None,
        )
        if entry is None:
            entry = {
                "carrier_id": omission.carrier_id,
                "line_of_coverage": omission.line_of_coverage,
                "enrolled_members": [],
            }
            if omission.plan_id:
                entry["plan_id"] = omission.plan_id
            coverages.append(entry)
        entry.setdefault("enrolled_members", []).append(omission.enrolled_member(end_date))
