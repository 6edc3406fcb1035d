"""The deterministic seeded world: carriers, groups, connections, disconnection requests.

People (employees, dependents, enrollments, member snapshots) are seeded by
``people.populate_people``. Everything is drawn from ``random.Random(seed)`` and
``state.new_id()``, so the same seed gives the same world, ids included. Dates are
relative to ``state.today``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from . import names, people
from .state import State

GROUP_COUNT = 240
PROTECTED_COUNT = 24
PEOPLE_GROUPS = 60  # the first groups get employees, enrollments and snapshots
CONNECTION_STATUSES = [
    "created",
    "processing",
    "noyo_review",
    "waiting_on_carrier",
    "carrier_authorization",
    "action_required",
    "unable_to_connect",
    "completed",
]
BASE_LINES = ["medical", "dental", "vision"]


def stamp(today: dt.date, days_ago: int, second: int = 0) -> int:
    """Epoch seconds ``days_ago`` days before ``today`` (09:00 UTC plus ``second``)."""
    day = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9), tzinfo=dt.UTC)
    return int(day.timestamp()) + second


def build_state(seed: int, today: dt.date) -> State:
    """A freshly seeded world with its clock at ``today`` (no tick handlers registered)."""
    state = State(seed=seed, today=today)
    populate(state)
    return state


def reset_in_place(state: State, today: dt.date) -> None:
    """Rebuild the seeded world inside ``state`` (same object, same seed and tick handlers)."""
    handlers = list(state.tick_handlers)
    fresh = build_state(state.seed, today)
    state.__dict__.update(fresh.__dict__)
    state.tick_handlers[:] = handlers


def populate(state: State) -> None:
    """Fill ``state`` with the world for ``state.seed`` (fast: every test builds one)."""
    rng = random.Random(f"world-{state.seed}")
    organization_id = state.new_id()
    carriers = _carriers(state, rng)
    groups = _groups(state, rng, organization_id)
    _connections(state, rng, groups, carriers)
    people.populate_people(state, rng, groups[:PEOPLE_GROUPS])
    _disconnections(state, rng, groups)


def _carriers(state: State, rng: random.Random) -> list[dict]:
    result = []
    for index, (display, internal, home_state, extra) in enumerate(names.CARRIERS):
        carrier: dict[str, Any] = {
            "id": state.new_id(),
            "version": state.new_id(),
            "display_name": display,
            "internal_name": internal,
            "is_send": index % 3 != 2,  # two thirds are "Sync and Send"
            "lines_of_coverage": [*BASE_LINES, *extra],
            "state": home_state,
            "status": "active",
        }
        state.carriers[carrier["id"]] = carrier
        result.append(carrier)
    return result


def _company_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = (
            f"{rng.choice(names.COMPANY_FIRST)} {rng.choice(names.COMPANY_SECOND)} {rng.choice(names.COMPANY_SUFFIX)}"
        )
        if name not in taken:
            taken.add(name)
            return name


def _groups(state: State, rng: random.Random, organization_id: str) -> list[dict]:
    taken: set[str] = set()
    groups = []
    for index in range(GROUP_COUNT):
        created = stamp(state.today, 900 - index * 3, rng.randrange(3600))
        group: dict[str, Any] = {
            "id": state.new_id(),
            "version": state.new_id(),
            "created": created,
            "modified": created + rng.randrange(86400 * 30),
            "organization_id": organization_id,
            "name": _company_name(rng, taken),
            "sic_code": f"{rng.randrange(100, 9999):04d}",
            "federal_ein": f"{rng.randrange(10, 99)}{rng.randrange(10**7):07d}",
        }
        if rng.random() < 0.4:
            group["dba_name"] = group["name"].rsplit(" ", 1)[0]
        state.groups[group["id"]] = group
        groups.append(group)
    # Protected groups: never among the first ones (those carry people and fixtures).
    state.protected_group_ids.update(g["id"] for g in rng.sample(groups[PEOPLE_GROUPS:], PROTECTED_COUNT))
    return groups


def _connections(state: State, rng: random.Random, groups: list[dict], carriers: list[dict]) -> None:
    forced = iter(CONNECTION_STATUSES[:-1])  # every non-completed status appears at least once
    for index, group in enumerate(groups):
        if index >= PEOPLE_GROUPS and rng.random() < 0.08:
            continue  # a few groups are not connected anywhere yet
        count = rng.choice([2, 2, 3, 4]) if index < PEOPLE_GROUPS else rng.randint(1, 4)
        for position, carrier in enumerate(rng.sample(carriers, count)):
            status: str | None
            if index < PEOPLE_GROUPS and position < 2:
                status = "completed"  # people groups have at least two live carriers
            elif index >= 100 and position == 0 and (status := next(forced, None)) is not None:
                pass
            else:
                status = "completed" if rng.random() < 0.75 else rng.choice(CONNECTION_STATUSES[:-1])
            assert status is not None
            _add_connection(state, rng, group, carrier, status)


def _add_connection(state: State, rng: random.Random, group: dict, carrier: dict, status: str) -> None:
    created = group["created"] + rng.randrange(86400, 86400 * 20)
    connection = {
        "id": state.new_id(),
        "version": state.new_id(),
        "created": created,
        "modified": created + rng.randrange(3600, 86400 * 10),
        "carrier_id": carrier["id"],
        "group_id": group["id"],
        "organization_id": group["organization_id"],
        "federal_ein": group["federal_ein"],
        "request_type": "new_group",
        "status": status,
        "group_data": {
            "carrier_group_id": f"{carrier['internal_name'][:3].upper()}-{rng.randrange(10**6):06d}",
            "group_name": group["name"],
        },
        "setup_metadata": {},
        "setup_result": {},
    }
    if status == "completed":
        connection["completed"] = connection["modified"]
    state.connections[connection["id"]] = connection


# (status, source_type, how many); carrier-sourced needs_review ones alternate with/without a date.
DISCONNECTION_PLAN = [
    ("needs_review", "carrier", 12),
    ("needs_review", "group_audit_request", 3),
    ("needs_review", "member_transaction", 3),
    ("processing", "platform", 8),
    ("processing", "carrier", 4),
    ("processing", "group_setup_request", 3),
    ("completed", "platform", 10),
    ("completed", "carrier", 8),
    ("completed", "member_transaction", 3),
    ("completed", "group_audit_request", 3),
    ("rejected", "carrier", 5),
    ("rejected", "platform", 3),
    ("rejected", "group_setup_request", 2),
]


def _disconnections(state: State, rng: random.Random, groups: list[dict]) -> None:
    by_group: dict[str, list[dict]] = {}
    for connection in state.connections.values():
        by_group.setdefault(connection["group_id"], []).append(connection)
    open_pairs: set[tuple[str, str]] = set()
    done_pairs: set[tuple[str, str]] = set()
    # Completed disconnections stay away from the people groups, whose coverage is still active.
    candidates = [g for g in groups[PEOPLE_GROUPS:] if g["id"] in by_group]
    people_candidates = [g for g in groups[:PEOPLE_GROUPS] if g["id"] in by_group]
    for status, source_type, count in DISCONNECTION_PLAN:
        for number in range(count):
            pool = candidates if status == "completed" or rng.random() < 0.7 else people_candidates
            while True:
                group = rng.choice(pool)
                if group["id"] in state.protected_group_ids and status != "rejected":
                    continue
                connection = rng.choice(by_group[group["id"]])
                pair = (group["id"], connection["carrier_id"])
                if pair in done_pairs or (status in ("needs_review", "processing") and pair in open_pairs):
                    continue
                break
            if status in ("needs_review", "processing"):
                open_pairs.add(pair)
            elif status == "completed":
                done_pairs.add(pair)
            _add_disconnection(state, rng, group, connection["carrier_id"], status, source_type, number)


def _add_disconnection(
    state: State, rng: random.Random, group: dict, carrier_id: str, status: str, source_type: str, number: int
) -> None:
    today = state.today
    age = {"needs_review": rng.randint(1, 20), "processing": rng.randint(3, 40)}.get(status, rng.randint(30, 400))
    created = stamp(today, age, rng.randrange(3600))
    record = {
        "id": state.new_id(),
        "version": state.new_id(),
        "created": created,
        "modified": created,
        "carrier_id": carrier_id,
        "group_id": group["id"],
        "group_name": group["name"],
        "organization_id": group["organization_id"],
        "source_id": state.new_id(),
        "source_type": source_type,
        "status": status,
    }
    if status == "processing":
        record["effective_end_date"] = (today + dt.timedelta(days=rng.randint(5, 90))).isoformat()
    elif status == "completed":
        end = today - dt.timedelta(days=rng.randint(1, max(1, age - 10)))
        record["effective_end_date"] = end.isoformat()
    elif status == "rejected" or number % 2 == 0 or source_type != "carrier":
        record["effective_end_date"] = (today + dt.timedelta(days=rng.randint(10, 120))).isoformat()
    if status != "needs_review":
        record["decided"] = created + rng.randrange(3600, 86400 * 3)
        record["modified"] = record["decided"]
    if status == "completed":
        end_stamp = stamp(dt.date.fromisoformat(record["effective_end_date"]), 0)
        record["completed"] = max(end_stamp, record["decided"])
        record["modified"] = record["completed"]
    state.disconnections[record["id"]] = record
