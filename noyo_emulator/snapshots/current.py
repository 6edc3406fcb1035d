"""An employee's current state as an ``InboundMemberSnapshot`` (``snapshot_mode: current_open``).

Coverages are built from the family's active, not yet ended enrollments, one
entry per carrier, line of coverage and plan. The result is ready to be edited
and posted back as a new snapshot.
"""

from __future__ import annotations

import copy
from typing import Any

from ..state import OPEN_END_DATE, Record, State
from .omitted_coverage import current_enrollments

_PERSON_KEYS = (
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "maiden_name",
    "date_of_birth",
    "ssn",
    "sex",
    "marital_status",
    "home_address",
    "mailing_address",
    "contact",
    "details",
)


def _person(stored: dict[str, Any] | None) -> dict[str, Any]:
    stored = stored or {}
    person = {k: copy.deepcopy(stored[k]) for k in _PERSON_KEYS if stored.get(k) is not None}
    if "mailing_address" not in person and "home_address" in person:
        person["mailing_address"] = copy.deepcopy(person["home_address"])
    return person


def _employment(stored: dict[str, Any] | None, fallback_hire: str) -> dict[str, Any]:
    employment = copy.deepcopy(stored or {})
    dates = employment.setdefault("employment_dates", {}) or {}
    dates.setdefault("hire_date", fallback_hire)
    employment["employment_dates"] = dates
    employment.setdefault("employment_status", "full-time")
    employment.setdefault("hours_worked", 40)
    return employment


def _with_local_id(record: Record, body: dict[str, Any]) -> dict[str, Any]:
    if record.get("custom_individual_id"):
        body["custom_individual_id"] = record["custom_individual_id"]
    return body


def current_snapshot(state: State, employee: Record) -> dict[str, Any]:
    """The employee's current snapshot built from stored records."""
    family = state.family_of(employee["id"])
    dependents = [state.dependents[d] for d in family[1:]]
    coverages: dict[tuple[str, str, str], dict[str, Any]] = {}
    for carrier_id, enrollment in current_enrollments(state, family):
        key = (carrier_id, enrollment["line_of_coverage"], enrollment.get("plan_id") or "")
        coverage = coverages.setdefault(
            key,
            {"carrier_id": carrier_id, "line_of_coverage": enrollment["line_of_coverage"], "enrolled_members": []},
        )
        if enrollment.get("plan_id"):
            coverage["plan_id"] = enrollment["plan_id"]
        coverage["enrolled_members"].append(
            {
                "individual_id": enrollment["individual_id"],
                "individual_type": enrollment["individual_type"],
                "effective_start_date": enrollment.get("effective_start_date") or state.today.isoformat(),
                "effective_end_date": enrollment.get("effective_end_date") or OPEN_END_DATE,
            }
        )
    for coverage in coverages.values():
        coverage["enrolled_members"].sort(key=lambda m: (m["individual_type"] != "employee", m["individual_id"]))
    employee_body = _with_local_id(
        employee,
        {
            "id": employee["id"],
            "group_id": employee.get("group_id"),
            "person": _person(employee.get("person")),
            "employment": _employment(employee.get("employment"), state.today.isoformat()),
            "classifications": copy.deepcopy(employee.get("classifications") or {}),
        },
    )
    return {
        "employee": employee_body,
        "dependents": [
            _with_local_id(d, {"id": d["id"], "relationship": d["relationship"], "person": _person(d.get("person"))})
            for d in dependents
        ],
        "coverages": list(coverages.values()),
        "snapshot_mode": "current_open",
    }
