"""Who a member snapshot is about: matching or creating the employee and dependents.

``resolve_members`` maps the snapshot's people onto stored records (by ``id``,
else by ``custom_individual_id``/``group_individual_id``), prepares the records
to create for new people (not stored yet: the caller commits them, or not for a
dry run) and returns a copy of the snapshot with every ``id`` and every enrolled
member's ``individual_id`` filled in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..http import NoyoHTTPError
from ..state import Record, State
from .validation import Problem, SnapshotInvalid

IdFactory = Callable[[], str]


@dataclass
class Members:
    employee_id: str
    existing_employee: Record | None
    snapshot: dict[str, Any]  # the inbound snapshot with ids resolved
    new_employee: Record | None = None
    new_dependents: list[Record] = field(default_factory=list)
    created_members: list[Record] = field(default_factory=list)

    def family(self, state: State) -> list[str]:
        return [*state.family_of(self.employee_id), *(d["id"] for d in self.new_dependents)]

    def commit(self, state: State) -> None:
        """Store the newly created employee and dependents."""
        if self.new_employee is not None:
            state.employees[self.new_employee["id"]] = self.new_employee
        for dependent in self.new_dependents:
            state.dependents[dependent["id"]] = dependent


def _local_ids(person: dict[str, Any]) -> set[str]:
    return {person[k] for k in ("custom_individual_id", "group_individual_id") if person.get(k)}


def _person_record(state: State, new_id: IdFactory, source: dict[str, Any]) -> Record:
    now = state.now()
    record: Record = {"id": new_id(), "version": new_id(), "created": now, "modified": now}
    if source.get("custom_individual_id") or source.get("group_individual_id"):
        record["custom_individual_id"] = source.get("custom_individual_id") or source["group_individual_id"]
    record["person"] = copy.deepcopy(source["person"])
    return record


def _created(record: Record, kind: str) -> Record:
    entry = {"id": record["id"], "type": kind}
    if record.get("custom_individual_id"):
        entry["custom_individual_id"] = record["custom_individual_id"]
    return entry


def _resolve_employee(state: State, group_id: str, employee: dict[str, Any]) -> Record | None:
    if employee.get("id"):
        stored = state.employees.get(employee["id"])
        if stored is None:
            raise NoyoHTTPError(404, f"Employee not found with UUID {employee['id']}")
        if stored.get("group_id") != group_id:
            raise SnapshotInvalid([Problem("employee.id", "does not belong to this group")])
        return stored
    wanted = _local_ids(employee)
    for stored in state.employees.values():
        if stored.get("group_id") == group_id and stored.get("custom_individual_id") in wanted:
            return stored
    return None


def _same_person(stored: Record, person: dict[str, Any]) -> bool:
    theirs = stored.get("person") or {}
    keys = ("first_name", "last_name", "date_of_birth")
    return all(str(theirs.get(k, "")).lower() == str(person.get(k, "")).lower() for k in keys)


def _resolve_dependents(state: State, members: Members, new_id: IdFactory, problems: list[Problem]) -> None:
    stored = [d for d in state.dependents.values() if d.get("employee_id") == members.employee_id]
    for index, dependent in enumerate(members.snapshot.get("dependents") or []):
        if dependent.get("id"):
            record = state.dependents.get(dependent["id"])
            if record is None:
                raise NoyoHTTPError(404, f"Dependent not found with UUID {dependent['id']}")
            if record.get("employee_id") != members.employee_id:
                problems.append(Problem(f"dependents[{index}].id", "does not belong to this employee"))
            continue
        wanted = _local_ids(dependent)
        match = next((d for d in stored if wanted and d.get("custom_individual_id") in wanted), None)
        if match is None:
            twin = next((d for d in stored if _same_person(d, dependent["person"])), None)
            if twin is not None:
                raise NoyoHTTPError(
                    400,
                    "Error creating dependent. Existing dependent has matching name and date of birth: " + twin["id"],
                )
            match = _person_record(state, new_id, dependent)
            match["employee_id"] = members.employee_id
            match["relationship"] = dependent["relationship"]
            members.new_dependents.append(match)
            members.created_members.append(_created(match, "dependent"))
        dependent["id"] = match["id"]


def _resolve_enrolled(state: State, members: Members, problems: list[Problem]) -> None:
    family = set(members.family(state))
    by_local: dict[str, str] = {}
    for dependent in members.snapshot.get("dependents") or []:
        for local in _local_ids(dependent):
            by_local[local] = dependent["id"]
    for c, coverage in enumerate(members.snapshot.get("coverages") or []):
        for m, member in enumerate(coverage.get("enrolled_members") or []):
            path = f"coverages[{c}].enrolled_members[{m}].individual_id"
            given = member.get("individual_id")
            if member["individual_type"] == "employee":
                if given and given != members.employee_id:
                    problems.append(Problem(path, "is not the snapshot's employee"))
                member["individual_id"] = members.employee_id
                continue
            if not given:
                given = by_local.get(member.get("custom_individual_id") or "")
                if given is None:
                    problems.append(Problem(path, "is required to identify a dependent"))
                    continue
            if given not in family or given == members.employee_id:
                problems.append(Problem(path, "is not a dependent of this employee"))
            member["individual_id"] = given


def _check_carriers(state: State, snapshot: dict[str, Any], problems: list[Problem]) -> None:
    for c, coverage in enumerate(snapshot.get("coverages") or []):
        if coverage["carrier_id"] not in state.carriers:
            problems.append(Problem(f"coverages[{c}].carrier_id", "is not a known carrier"))


def resolve_members(state: State, group_id: str, body: dict[str, Any], new_id: IdFactory) -> Members:
    """Match or prepare every person in a (schema-valid) snapshot; raises on bad references."""
    snapshot = copy.deepcopy(body)
    employee = snapshot["employee"]
    stored = _resolve_employee(state, group_id, employee)
    problems: list[Problem] = []
    if stored is None:
        record = _person_record(state, new_id, employee)
        record["group_id"] = group_id
        record["employment"] = copy.deepcopy(employee["employment"])
        record["classifications"] = copy.deepcopy(employee.get("classifications") or {})
        members = Members(record["id"], None, snapshot, new_employee=record)
        members.created_members.append(_created(record, "employee"))
    else:
        members = Members(stored["id"], stored, snapshot)
    employee["id"] = members.employee_id
    _resolve_dependents(state, members, new_id, problems)
    _resolve_enrolled(state, members, problems)
    _check_carriers(state, snapshot, problems)
    if problems:
        raise SnapshotInvalid(problems)
    return members
