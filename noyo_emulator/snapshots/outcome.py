"""What a member snapshot does at each carrier: the outcome decided at submission.

``decide`` applies the omitted-coverage policy and connection state to a snapshot
whose members are resolved, and returns the snapshot status, warnings, the
per-carrier ``fulfillment_summary`` and the snapshot after processing (omitted
coverages carried back in). Decisions:

- Only connected carriers (a ``completed`` connection for the group and no
  completed disconnection) are acted on; others are ``not_connected`` and their
  omissions are ignored, since nothing can change there.
- ``reject``: carriers with omissions become ``invalid`` (errors name member id,
  type and line of coverage); when that is every connected carrier involved
  (e.g. the only one), the whole snapshot is ``canceled``. Omissions are not
  carried back.
- ``terminate``: omissions are carried back ending on the termination date.
- ``continue``: omissions are carried back unchanged with one warning each, except
  when the employee's division or subgroup changes: then they are carried along
  as part of that change at their carrier, without warnings.
- A connected carrier is ``processing`` when something changes there, else
  ``no_changes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..state import OPEN_END_DATE, Record, State
from . import messages
from . import omitted_coverage as oc
from .members import Members

FAMILY_WIDE_KEYS = ("division", "subgroup")


@dataclass
class Outcome:
    status: str
    warnings: list[str]
    fulfillment_summary: list[Record]
    member_snapshot: dict[str, Any]
    omissions: list[oc.Omission] = field(default_factory=list)


def is_connected(state: State, group_id: str, carrier_id: str) -> bool:
    if state.is_disconnected(group_id, carrier_id):
        return False
    return any(
        c.get("group_id") == group_id and c.get("carrier_id") == carrier_id and c.get("status") == "completed"
        for c in state.connections.values()
    )


def _family_wide(classifications: Any) -> dict[str, Any]:
    if not isinstance(classifications, dict):
        return {}
    return {k.lower(): v for k, v in classifications.items() if k.lower() in FAMILY_WIDE_KEYS}


def changes_division(members: Members) -> bool:
    """True when the snapshot moves an existing employee to another division or subgroup."""
    if members.existing_employee is None:
        return False
    sent = _family_wide(members.snapshot["employee"].get("classifications"))
    stored = _family_wide(members.existing_employee.get("classifications"))
    return any(stored.get(key) != value for key, value in sent.items())


def _carrier_changes(state: State, carrier_id: str, coverages: list[dict[str, Any]], current: dict) -> bool:
    today = state.today.isoformat()
    for coverage in coverages:
        if coverage["carrier_id"] != carrier_id:
            continue
        for member in coverage.get("enrolled_members") or []:
            existing = current.get((carrier_id, coverage["line_of_coverage"], member.get("individual_id")))
            end = member.get("effective_end_date") or OPEN_END_DATE
            if existing is None:
                if end >= today:
                    return True
                continue
            plan = coverage.get("plan_id")
            if end != (existing.get("effective_end_date") or OPEN_END_DATE):
                return True
            if plan is not None and plan != existing.get("plan_id"):
                return True
    return False


def _ordered_carriers(coverages: list[dict[str, Any]], omissions: list[oc.Omission]) -> list[str]:
    ids = [c["carrier_id"] for c in coverages] + [o.carrier_id for o in omissions]
    return list(dict.fromkeys(ids))


def decide(
    state: State,
    group_id: str,
    members: Members,
    overrides: dict[str, bool] | None = None,
) -> Outcome:
    """The outcome of a resolved snapshot submitted today (pure: changes nothing)."""
    snapshot = members.snapshot
    coverages: list[dict[str, Any]] = snapshot.setdefault("coverages", [])
    handling = snapshot.get("omitted_coverage_handling") or {}
    policy = handling.get("policy", "reject")
    family = members.family(state)
    current = {(c, e["line_of_coverage"], e["individual_id"]): e for c, e in oc.current_enrollments(state, family)}
    all_omissions = oc.find_omissions(state, family, coverages)
    carriers = _ordered_carriers(coverages, all_omissions)

    overrides = overrides or {}
    connected = {c: overrides[c] if c in overrides else is_connected(state, group_id, c) for c in carriers}
    omissions = [o for o in all_omissions if connected[o.carrier_id]]
    division_change = changes_division(members)
    warnings: list[str] = []
    invalid: dict[str, list[str]] = {}
    carried_carriers: set[str] = set()

    if policy == "reject":
        by_carrier: dict[str, list[oc.Omission]] = {}
        for omission in omissions:
            by_carrier.setdefault(omission.carrier_id, []).append(omission)
        for carrier_id, missing in by_carrier.items():
            invalid[carrier_id] = [messages.missing_coverages(missing)]
            warnings.append(messages.carrier_canceled(carrier_id, missing))
    elif policy == "terminate":
        end = oc.termination_date(handling, state.today)
        oc.carry_back(coverages, omissions, end)
        carried_carriers = {o.carrier_id for o in omissions}
    else:
        oc.carry_back(coverages, omissions, None)
        if division_change:
            carried_carriers = {o.carrier_id for o in omissions}
        else:
            warnings.extend(messages.coverage_continued(o.carrier_id, o) for o in omissions)

    summary: list[Record] = []
    for carrier_id in carriers:
        if not connected[carrier_id]:
            status = "not_connected"
            warnings.append(messages.not_connected(carrier_id))
        elif carrier_id in invalid:
            status = "invalid"
        elif (
            carrier_id in carried_carriers
            or (division_change and any(c["carrier_id"] == carrier_id for c in coverages))
            or _carrier_changes(state, carrier_id, coverages, current)
        ):
            status = "processing"
        else:
            status = "no_changes"
        summary.append({"carrier_id": carrier_id, "status": status, "errors": invalid.get(carrier_id, [])})

    acting = [c for c in carriers if connected[c]]
    whole_rejected = bool(invalid) and all(c in invalid for c in acting)
    return Outcome(
        status="canceled" if whole_rejected else "submitted",
        warnings=warnings,
        fulfillment_summary=summary,
        member_snapshot=snapshot,
        omissions=omissions,
    )
