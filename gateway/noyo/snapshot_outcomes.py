"""What Noyo did with the active coverages a member snapshot left out, read from its record.

Nothing is recomputed from enrollments: every outcome is read from Noyo's
``OutboundMemberSnapshot`` (or the dry run's), in two places.

- ``terminate`` and ``continue``: Noyo carries each omitted coverage back into
  ``member_snapshot`` (the snapshot after processing), while ``inbound_snapshot`` is
  the snapshot as received. A member of a processed coverage that the inbound
  snapshot does not list was carried back: ``terminated`` when Noyo gave it an end
  date, ``continued`` when it stays open-ended (9999-12-31).
- ``reject``: nothing is carried back. The carrier's fulfillment entry is ``invalid``
  and its errors name the missing coverages; the whole snapshot was canceled when its
  status is ``canceled``, else only that carrier's changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import snapshot_messages as text
from .models import MemberSnapshot

OPEN_END_DATE = "9999-12-31"
CANCELED_WITH_SNAPSHOT = "canceled_with_snapshot"
CANCELED_FOR_CARRIER = "canceled_for_carrier"
TERMINATED = "terminated"
CONTINUED = "continued"

Key = tuple[str, str, str]  # carrier_id, line_of_coverage, individual_id


@dataclass(frozen=True)
class OmittedCoverage:
    """One member's coverage on one line at one carrier, left out of the snapshot."""

    carrier_id: str
    line_of_coverage: str
    individual_id: str
    individual_type: str | None
    outcome: str
    effective_end_date: str | None = None  # the termination date, or 9999-12-31 when continued
    message: str | None = None  # Noyo's text about it, when it gave one


def inbound_of(snapshot: MemberSnapshot) -> dict[str, Any] | None:
    """``inbound_snapshot`` parsed, or None when Noyo's record has none (or not JSON)."""
    if not snapshot.inbound_snapshot:
        return None
    try:
        inbound = json.loads(snapshot.inbound_snapshot)
    except ValueError:
        return None
    return inbound if isinstance(inbound, dict) else None


def _local_ids(snapshot: MemberSnapshot, processed: dict[str, Any]) -> dict[str, str]:
    """The platform's ids of the family's members (``custom_individual_id``...) -> Noyo ids."""
    ids: dict[str, str] = {}
    people = [processed.get("employee") or {}, *(processed.get("dependents") or [])]
    for person in people:
        for key in ("custom_individual_id", "group_individual_id"):
            if person.get(key) and person.get("id"):
                ids[person[key]] = person["id"]
    for created in snapshot.created_members or []:
        if created.custom_individual_id:
            ids[created.custom_individual_id] = created.id
    return ids


def _listed(snapshot: MemberSnapshot, inbound: dict[str, Any], local: dict[str, str]) -> set[tuple[Any, ...]]:
    keys: set[tuple[Any, ...]] = set()
    for coverage in inbound.get("coverages") or []:
        for member in coverage.get("enrolled_members") or []:
            member_id = member.get("individual_id") or local.get(member.get("custom_individual_id") or "")
            if member.get("individual_type") == "employee":
                member_id = member_id or snapshot.employee_id
            keys.add((coverage.get("carrier_id"), coverage.get("line_of_coverage"), member_id))
    return keys


def _continued_messages(warnings: Iterable[str]) -> dict[Key, str]:
    found = {}
    for warning in warnings:
        notice = text.read_message(warning)
        if notice.kind == text.OMITTED_COVERAGE_CONTINUED and notice.carrier_id:
            for c in notice.coverages:
                found[(notice.carrier_id, c.line_of_coverage, c.individual_id)] = warning
    return found


def carried_back(snapshot: MemberSnapshot, inbound: dict[str, Any] | None) -> list[OmittedCoverage]:
    """Coverages Noyo added to the processed snapshot (``terminate`` / ``continue``)."""
    processed = snapshot.member_snapshot or {}
    if inbound is None:
        return []
    listed = _listed(snapshot, inbound, _local_ids(snapshot, processed))
    messages = _continued_messages(snapshot.warnings or [])
    found = []
    for coverage in processed.get("coverages") or []:
        carrier_id, line = coverage.get("carrier_id"), coverage.get("line_of_coverage")
        for member in coverage.get("enrolled_members") or []:
            key = (carrier_id, line, member.get("individual_id"))
            if not (carrier_id and line and key[2]) or key in listed:
                continue
            end = member.get("effective_end_date") or OPEN_END_DATE
            found.append(
                OmittedCoverage(
                    carrier_id=carrier_id,
                    line_of_coverage=line,
                    individual_id=key[2],
                    individual_type=member.get("individual_type"),
                    outcome=CONTINUED if end == OPEN_END_DATE else TERMINATED,
                    effective_end_date=end,
                    message=messages.get(key),
                )
            )
    return found


def rejected(snapshot: MemberSnapshot) -> list[OmittedCoverage]:
    """Coverages whose omission made Noyo cancel a carrier's changes (``reject``)."""
    outcome = CANCELED_WITH_SNAPSHOT if snapshot.status == "canceled" else CANCELED_FOR_CARRIER
    found: dict[Key, OmittedCoverage] = {}
    for entry in snapshot.fulfillment_summary:
        if entry.status != "invalid":
            continue
        for error in entry.errors:
            notice = text.read_message(error, entry.carrier_id)
            if notice.kind != text.MISSING_ACTIVE_COVERAGE:
                continue
            for c in notice.coverages:
                key = (entry.carrier_id, c.line_of_coverage, c.individual_id)
                found.setdefault(
                    key, OmittedCoverage(*key, individual_type=c.individual_type, outcome=outcome, message=error)
                )
    return list(found.values())


def omitted_coverages(snapshot: MemberSnapshot, sent: dict[str, Any] | None = None) -> list[OmittedCoverage]:
    """Every omitted coverage of a detail record and what Noyo did with it.

    ``sent`` is the snapshot as the gateway sent it, used when the record does not carry
    ``inbound_snapshot`` (the same thing, as Noyo received it).
    """
    inbound = inbound_of(snapshot)
    return [*rejected(snapshot), *carried_back(snapshot, inbound if inbound is not None else sent)]


__all__ = [
    "CANCELED_FOR_CARRIER",
    "CANCELED_WITH_SNAPSHOT",
    "CONTINUED",
    "TERMINATED",
    "OmittedCoverage",
    "carried_back",
    "inbound_of",
    "omitted_coverages",
    "rejected",
]
