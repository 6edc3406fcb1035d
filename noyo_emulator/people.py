"""Seeded people: employees, dependents, group and individual enrollments, member snapshots.

Employees are enrolled only at carriers whose group connection is ``completed``;
each group spreads its lines over two or more carriers, so most families hold
coverage at several carriers, and many enroll dependents too (the omitted-coverage
rules of member snapshots need both). Optional personal fields of Noyo's ``Person``
(middle name, suffix, mailing address, contact, details) are drawn from a random
generator of their own, so adding them leaves the rest of the world as it was.
"""

from __future__ import annotations

import datetime as dt
import random

from . import names
from .state import OPEN_END_DATE, State

LINE_OF = {  # carrier line of coverage -> enrollment line of coverage
    "medical": "medical",
    "dental": "dental",
    "vision": "vision",
    "life-basic": "life",
    "std-basic": "std",
    "ltd-basic": "ltd",
    "accident-voluntary": "accident",
}
SNAPSHOT_STATUSES = ["submitted", "processing", "completed", "replaced", "canceled"]


def _stamp(today: dt.date, days_ago: int, second: int) -> int:
    day = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9), tzinfo=dt.UTC)
    return int(day.timestamp()) + second


def populate_people(state: State, rng: random.Random, groups: list[dict]) -> None:
    live: dict[str, list[dict]] = {}
    for connection in state.connections.values():
        if connection["status"] == "completed":
            live.setdefault(connection["group_id"], []).append(state.carriers[connection["carrier_id"]])
    extras = random.Random(f"people-details-{state.seed}")
    for group in groups:
        lines = _group_enrollments(state, live.get(group["id"], []), group)
        for _ in range(rng.randint(3, 6)):
            employee = _employee(state, rng, group)
            dependents = _dependents(state, rng, employee)
            _optional_details(extras, employee["person"], employee=True)
            for dependent in dependents:
                _optional_details(extras, dependent["person"], employee=False)
            family = [(employee["id"], "employee")]
            family.extend((dependent["id"], "dependent") for dependent in dependents)
            _enroll(state, rng, lines, family)
    _snapshots(state, rng)


def _group_enrollments(state: State, carriers: list[dict], group: dict) -> dict[str, dict]:
    """One group enrollment per line, spread over the group's completed carriers."""
    lines: dict[str, dict] = {}
    for position, line in enumerate(["medical", "dental", "vision", "life-basic", "std-basic"]):
        offering = [c for c in carriers if line in c["lines_of_coverage"]]
        if not offering:
            continue
        carrier = offering[position % len(offering)]
        ge = {
            "id": state.new_id(),
            "group_id": group["id"],
            "carrier_id": carrier["id"],
            "line_of_coverage": LINE_OF[line],
            "plan_id": state.new_id(),
        }
        state.group_enrollments[ge["id"]] = ge
        lines[LINE_OF[line]] = ge
    return lines


def _person(rng: random.Random, sex: str, last_name: str, born: dt.date, address: dict) -> dict:
    first = rng.choice(names.FIRST_NAMES_F if sex == "F" else names.FIRST_NAMES_M)
    return {
        "first_name": first,
        "last_name": last_name,
        "sex": sex,
        "date_of_birth": born.isoformat(),
        # 9xx area numbers are never issued as SSNs: obviously fake, still Noyo's pattern.
        "ssn": f"9{rng.randrange(10, 99)}{rng.randrange(10, 99)}{rng.randrange(1000, 9999)}",
        "home_address": address,
    }


def _employee(state: State, rng: random.Random, group: dict) -> dict:
    city, home_state = rng.choice(names.CITIES)
    address = {
        "street_one": f"{rng.randint(10, 9899)} {rng.choice(names.STREETS)} {rng.choice(names.STREET_KINDS)}",
        "city": city,
        "state": home_state,
        "zip_code": f"{rng.randrange(10000, 99999)}",
    }
    born = dt.date(rng.randint(1960, 2002), rng.randint(1, 12), rng.randint(1, 28))
    person = _person(rng, rng.choice("FM"), rng.choice(names.LAST_NAMES), born, address)
    person["marital_status"] = rng.choice(["single", "married"])
    roll = rng.random()
    status = "full-time" if roll < 0.8 else "part-time" if roll < 0.93 else "terminated"
    hired = state.today - dt.timedelta(days=rng.randint(60, 4000))
    created = max(group["created"], _stamp(state.today, (state.today - hired).days, 0)) + rng.randrange(3600)
    employment: dict = {
        "employment_status": status,
        "employment_dates": {"hire_date": hired.isoformat()},
        "hours_worked": 40 if status == "full-time" else 20,
        "occupation": rng.choice(names.OCCUPATIONS),
        "salary": {"type": "salary", "unit": "annual", "amount": rng.randrange(38, 180) * 1000},
    }
    if status == "terminated":
        employment["employment_dates"]["terminated"] = (state.today - dt.timedelta(days=rng.randint(1, 50))).isoformat()
    employee = {
        "id": state.new_id(),
        "version": state.new_id(),
        "created": created,
        "modified": created,
        "group_id": group["id"],
        "person": person,
        "employment": employment,
    }
    state.employees[employee["id"]] = employee
    return employee


def _optional_details(rng: random.Random, person: dict, *, employee: bool) -> None:
    """Some of ``Person``'s optional fields: middle name, suffix, mailing address, contact, details."""
    if rng.random() < 0.5:
        person["middle_name"] = rng.choice(names.FIRST_NAMES_F if person["sex"] == "F" else names.FIRST_NAMES_M)
    if person["sex"] == "M" and rng.random() < 0.1:
        person["suffix"] = rng.choice(["Jr.", "III"])
    if not employee:
        return
    if rng.random() < 0.3:
        home = person["home_address"]
        person["mailing_address"] = {
            "street_one": f"PO Box {rng.randint(100, 9999)}",
            "city": home["city"],
            "state": home["state"],
            "zip_code": home["zip_code"],
        }
    handle = f"{person['first_name']}.{person['last_name']}{rng.randint(1, 99)}".lower()
    person["contact"] = {
        "email_address": f"{handle}@example.com",
        "email_address_type": rng.choice(["home", "work"]),
        "home_phone": f"+1555{rng.randrange(1000000, 9999999)}",
        "preferred_method": rng.choice(["email", "home-phone", "mail"]),
        "speaks_english": True,
    }
    if rng.random() < 0.2:
        person["details"] = {"tobacco": {"user": True, "types": ["cigarettes"]}, "is_military": False}


def _dependents(state: State, rng: random.Random, employee: dict) -> list[dict]:
    person = employee["person"]
    born = dt.date.fromisoformat(person["date_of_birth"])
    members: list[tuple[str, dict]] = []
    if person["marital_status"] == "married":
        sex = "M" if person["sex"] == "F" else "F"
        spouse_born = dt.date(born.year + rng.randint(-3, 3), rng.randint(1, 12), rng.randint(1, 28))
        members.append(("spouse", _person(rng, sex, person["last_name"], spouse_born, person["home_address"])))
    if rng.random() < 0.45:
        for _ in range(rng.randint(1, 3)):
            year = min(state.today.year - 1, born.year + rng.randint(24, 40))
            child_born = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            child = _person(rng, rng.choice("FM"), person["last_name"], child_born, person["home_address"])
            members.append(("child", child))
    result = []
    for relationship, member in members:
        dependent = {
            "id": state.new_id(),
            "version": state.new_id(),
            "created": employee["created"],
            "modified": employee["created"],
            "employee_id": employee["id"],
            "relationship": relationship,
            "person": member,
        }
        state.dependents[dependent["id"]] = dependent
        result.append(dependent)
    return result


def _enroll(state: State, rng: random.Random, lines: dict[str, dict], family: list[tuple[str, str]]) -> None:
    start = dt.date(state.today.year, 1, 1).isoformat()
    for line, ge in lines.items():
        chance = {"medical": 0.95, "dental": 0.85, "vision": 0.6}.get(line, 0.4)
        if rng.random() >= chance:
            continue
        members = family if line in ("medical", "dental", "vision") else family[:1]
        for individual_id, individual_type in members:
            if individual_type == "dependent" and rng.random() < 0.15:
                continue
            created = state.employees[family[0][0]]["created"]
            enrollment = {
                "id": state.new_id(),
                "version": state.new_id(),
                "created": created,
                "modified": created,
                "group_enrollment_id": ge["id"],
                "individual_id": individual_id,
                "individual_type": individual_type,
                "line_of_coverage": line,
                "plan_id": ge["plan_id"],
                "status": "active",
                "effective_start_date": start,
                "effective_end_date": OPEN_END_DATE,
                "enroll_data": {},
                "cobra_enrollment": {"cobra_enrolled": False},
            }
            state.enrollments[enrollment["id"]] = enrollment


def _snapshots(state: State, rng: random.Random) -> None:
    """A few snapshots per status, aged so the clock rules agree with their status."""
    active: dict[str, list[dict]] = {}
    for enrollment in state.enrollments.values():
        if enrollment["status"] == "active":
            active.setdefault(enrollment["individual_id"], []).append(enrollment)
    employees = [e for e in state.employees.values() if e["id"] in active]
    chosen = rng.sample(employees, 3 * len(SNAPSHOT_STATUSES))
    for index, status in enumerate(SNAPSHOT_STATUSES * 3):
        employee = chosen[index]
        if status == "replaced":
            # the replaced snapshot is older; the newer one that replaced it is completed
            newer = _snapshot(state, rng, active, employee, "completed", days_ago=rng.randint(3, 9))
            older = _snapshot(state, rng, active, employee, "replaced", days_ago=rng.randint(10, 20))
            older["replaced_by"] = newer["id"]
            continue
        days_ago = {"submitted": 0, "processing": 1}.get(status, rng.randint(2, 30))
        _snapshot(state, rng, active, employee, status, days_ago=days_ago)


def _snapshot(
    state: State, rng: random.Random, active: dict[str, list[dict]], employee: dict, status: str, *, days_ago: int
) -> dict:
    family = state.family_of(employee["id"])
    coverages: dict[str, dict] = {}
    for individual_id in family:
        for enrollment in active.get(individual_id, []):
            ge = state.group_enrollments[enrollment["group_enrollment_id"]]
            coverage = coverages.setdefault(
                ge["id"],
                {
                    "carrier_id": ge["carrier_id"],
                    "line_of_coverage": ge["line_of_coverage"],
                    "plan_id": ge["plan_id"],
                    "enrolled_members": [],
                },
            )
            coverage["enrolled_members"].append(
                {
                    "individual_id": individual_id,
                    "individual_type": enrollment["individual_type"],
                    "effective_start_date": enrollment["effective_start_date"],
                    "effective_end_date": enrollment["effective_end_date"],
                }
            )

    def inbound_person(person: dict) -> dict:
        return {**person, "mailing_address": person["home_address"]}

    dependents = [
        {"id": d["id"], "relationship": d["relationship"], "person": inbound_person(d["person"])}
        for d in state.dependents.values()
        if d["employee_id"] == employee["id"]
    ]
    carrier_ids = sorted({c["carrier_id"] for c in coverages.values()})
    carrier_status = {
        "submitted": "processing",
        "processing": "processing",
        "completed": "sent",
        "replaced": "replaced",
        "canceled": "invalid",
    }[status]
    created = _stamp(state.today, days_ago, rng.randrange(3600))
    event_date = (state.today - dt.timedelta(days=days_ago)).isoformat()
    snapshot = {
        "id": state.new_id(),
        "version": state.new_id(),
        "created": created,
        "modified": created + (0 if status == "submitted" else 86400),
        "employee_id": employee["id"],
        "status": status,
        "warnings": [],
        "created_members": [],
        "fulfillment_summary": [{"carrier_id": c, "status": carrier_status} for c in carrier_ids],
        "member_snapshot": {
            "snapshot_mode": "current_open",
            "employee": {
                "id": employee["id"],
                "person": inbound_person(employee["person"]),
                "employment": employee["employment"],
            },
            "dependents": dependents,
            "coverages": list(coverages.values()),
            "events": [
                {"id": f"evt-{created}", "type": "demographic", "reason": "demographic_change", "date": event_date}
            ],
            "omitted_coverage_handling": {"policy": "reject"},
        },
    }
    state.snapshots[snapshot["id"]] = snapshot
    return snapshot
