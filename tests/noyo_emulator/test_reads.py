"""Read endpoints: paths, filters, pagination and 404s (every response is contract-checked)."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from starlette.applications import Starlette

from noyo_emulator.state import State


@pytest.fixture
def state(emulator_app: Starlette) -> State:
    return emulator_app.state.emulator


def ids(page: dict) -> list[str]:
    return [r["id"] for r in page["response"]]


# -- pagination ---------------------------------------------------------------


async def test_lists_default_to_twenty_per_page(noyo: httpx.AsyncClient, state: State) -> None:
    page = (await noyo.get("/api/v1/groups")).json()
    assert page["meta"] == {"offset": 0, "page_num": 1, "page_size": 20, "total_records": len(state.groups)}
    assert len(page["response"]) == 20


async def test_offset_gives_the_page_number(noyo: httpx.AsyncClient) -> None:
    page = (await noyo.get("/api/v1/groups", params={"page_size": 20, "offset": 45})).json()
    assert page["meta"]["page_num"] == 3 and page["meta"]["offset"] == 45
    everything = []
    for offset in range(0, 300, 100):
        everything += ids((await noyo.get("/api/v1/groups", params={"page_size": 100, "offset": offset})).json())
    # then paging walks every group once, in a stable order
    assert ids(page) == everything[45:65]
    assert len(everything) == len(set(everything)) == 240


@pytest.mark.parametrize("params", [{"page_size": 101}, {"page_size": 0}, {"offset": -1}, {"page_size": "ten"}])
async def test_pagination_limits_are_bad_requests(noyo: httpx.AsyncClient, params: dict) -> None:
    response = await noyo.get("/api/v1/groups", params=params)
    assert response.status_code == 400


async def test_offset_past_the_end_gives_an_empty_page(noyo: httpx.AsyncClient, state: State) -> None:
    page = (await noyo.get("/api/v1/groups", params={"offset": 1000})).json()
    assert page["response"] == [] and page["meta"]["total_records"] == len(state.groups)


# -- groups ---------------------------------------------------------------------


async def test_company_matches_name_or_dba_name_ignoring_case(noyo: httpx.AsyncClient, state: State) -> None:
    word = next(g for g in state.groups.values() if "dba_name" in g)["name"].split()[0]
    expected = {g["id"] for g in state.groups.values() if word.lower() in (g["name"] + " " + g.get("dba_name", "")).lower()}
    page = (await noyo.get("/api/v1/groups", params={"company": word.upper(), "page_size": 100})).json()
    assert set(ids(page)) == expected and expected


async def test_group_ids_filter(noyo: httpx.AsyncClient, state: State) -> None:
    wanted = list(state.groups)[3:6]
    page = (await noyo.get("/api/v1/groups", params={"group_ids": ",".join(wanted)})).json()
    assert sorted(ids(page)) == sorted(wanted)
    assert (await noyo.get("/api/v1/groups", params={"group_ids": "nope"})).status_code == 400


async def test_carrier_filters(noyo: httpx.AsyncClient, state: State) -> None:
    connection = next(iter(state.connections.values()))
    carrier_id = connection["carrier_id"]
    expected = {c["group_id"] for c in state.connections.values() if c["carrier_id"] == carrier_id}
    page = (await noyo.get("/api/v1/groups", params={"carrier_id": carrier_id, "page_size": 100})).json()
    assert set(ids(page)) == expected
    exact = await noyo.get(
        "/api/v1/groups",
        params={"carrier_id": carrier_id, "carrier_group_id": connection["group_data"]["carrier_group_id"]},
    )
    assert ids(exact.json()) == [connection["group_id"]]
    alone = await noyo.get("/api/v1/groups", params={"carrier_group_id": "X"})
    assert alone.status_code == 400


async def test_get_group_and_404s(noyo: httpx.AsyncClient, state: State) -> None:
    group_id = list(state.groups)[7]
    assert (await noyo.get(f"/api/v1/groups/{group_id}")).json() == state.groups[group_id]
    unknown = str(uuid.uuid4())
    missing = await noyo.get(f"/api/v1/groups/{unknown}")
    assert missing.status_code == 404 and missing.json() == {
        "message": f"Group not found with UUID {unknown}", "status": 404
    }
    assert (await noyo.get("/api/v1/groups/not-a-uuid")).status_code == 404


async def test_unknown_paths_are_noyo_404s(noyo: httpx.AsyncClient) -> None:
    response = await noyo.get("/api/v1/no_such_thing")
    assert response.status_code == 404 and response.json()["status"] == 404


# -- carriers ---------------------------------------------------------------------


async def test_carriers_are_a_bare_array(noyo: httpx.AsyncClient, state: State) -> None:
    body = (await noyo.get("/api/v1/carriers")).json()
    assert isinstance(body, list) and {c["id"] for c in body} == set(state.carriers)


async def test_carrier_filters_and_lookup(noyo: httpx.AsyncClient, state: State) -> None:
    carriers = list(state.carriers.values())
    some = [c["id"] for c in carriers[:3]]
    assert {c["id"] for c in (await noyo.get("/api/v1/carriers", params={"ids": ",".join(some)})).json()} == set(some)
    by_state = (await noyo.get("/api/v1/carriers", params={"state": carriers[0]["state"]})).json()
    assert by_state and all(c["state"] == carriers[0]["state"] for c in by_state)
    by_name = (await noyo.get("/api/v1/carriers", params={"internal_name": carriers[1]["internal_name"]})).json()
    assert [c["id"] for c in by_name] == [carriers[1]["id"]]
    life = (await noyo.get("/api/v1/carriers", params={"line_of_coverage": "life-basic"})).json()
    assert {c["id"] for c in life} == {c["id"] for c in carriers if "life-basic" in c["lines_of_coverage"]}
    send = (await noyo.get("/api/v1/carriers", params={"is_send": "false"})).json()
    assert send and {c["id"] for c in send} == {c["id"] for c in carriers if not c["is_send"]}
    assert (await noyo.get(f"/api/v1/carriers/{carriers[2]['id']}")).json() == carriers[2]
    assert (await noyo.get(f"/api/v1/carriers/{uuid.uuid4()}")).status_code == 404


# -- group connections ---------------------------------------------------------------


async def test_group_connection_filters(noyo: httpx.AsyncClient, state: State) -> None:
    connections = list(state.connections.values())
    review = (await noyo.get("/api/v1/group_connections", params={"status": "noyo_review,action_required", "page_size": 100})).json()
    expected = {c["id"] for c in connections if c["status"] in ("noyo_review", "action_required")}
    assert set(ids(review)) == expected and review["meta"]["total_records"] == len(expected)
    carrier_id = connections[0]["carrier_id"]
    by_carrier = (await noyo.get("/api/v1/group_connections", params={"carrier_id": carrier_id})).json()
    assert by_carrier["meta"]["total_records"] == sum(c["carrier_id"] == carrier_id for c in connections)
    pair = [connections[4]["id"], connections[9]["id"]]
    assert set(ids((await noyo.get("/api/v1/group_connections", params={"id": ",".join(pair)})).json())) == set(pair)
    org = (await noyo.get("/api/v1/group_connections", params={"organization_id": connections[0]["organization_id"]})).json()
    assert org["meta"]["total_records"] == len(connections)
    assert (await noyo.get(f"/api/v1/group_connections/{pair[0]}")).json() == state.connections[pair[0]]
    assert (await noyo.get(f"/api/v1/group_connections/{uuid.uuid4()}")).status_code == 404


async def test_connections_of_one_group(noyo: httpx.AsyncClient, state: State) -> None:
    group_id = next(iter(state.connections.values()))["group_id"]
    mine = [c for c in state.connections.values() if c["group_id"] == group_id]
    page = (await noyo.get(f"/api/v1/groups/{group_id}/group_connections")).json()
    assert set(ids(page)) == {c["id"] for c in mine}
    completed = (await noyo.get(f"/api/v1/groups/{group_id}/group_connections", params={"status": "completed"})).json()
    assert set(ids(completed)) == {c["id"] for c in mine if c["status"] == "completed"}
    assert (await noyo.get(f"/api/v1/groups/{uuid.uuid4()}/group_connections")).status_code == 404


# -- employees -----------------------------------------------------------------------


async def test_employees_of_a_group_and_their_filters(noyo: httpx.AsyncClient, state: State) -> None:
    employee = next(iter(state.employees.values()))
    group_id = employee["group_id"]
    staff = [e for e in state.employees.values() if e["group_id"] == group_id]
    page = (await noyo.get(f"/api/v1/groups/{group_id}/employees")).json()
    assert set(ids(page)) == {e["id"] for e in staff}
    first = employee["person"]["first_name"]
    by_first = (await noyo.get(f"/api/v1/groups/{group_id}/employees", params={"first_name": first.lower()})).json()
    assert set(ids(by_first)) == {e["id"] for e in staff if e["person"]["first_name"] == first}
    last = employee["person"]["last_name"]
    by_last = (await noyo.get(f"/api/v1/groups/{group_id}/employees", params={"last_name": last})).json()
    assert employee["id"] in ids(by_last)
    by_name = (await noyo.get(f"/api/v1/groups/{group_id}/employees", params={"name": f"{first} {last}"})).json()
    assert employee["id"] in ids(by_name)
    status = employee["employment"]["employment_status"]
    by_status = (await noyo.get(f"/api/v1/groups/{group_id}/employees", params={"employment_status": status})).json()
    assert set(ids(by_status)) == {e["id"] for e in staff if e["employment"]["employment_status"] == status}
    assert (await noyo.get(f"/api/v1/groups/{uuid.uuid4()}/employees")).status_code == 404


async def test_get_employee(noyo: httpx.AsyncClient, state: State) -> None:
    employee = list(state.employees.values())[5]
    assert (await noyo.get(f"/api/v1/employees/{employee['id']}")).json() == employee
    assert (await noyo.get(f"/api/v1/employees/{uuid.uuid4()}")).status_code == 404


async def test_dependents_of_an_employee_and_by_id(noyo: httpx.AsyncClient, state: State) -> None:
    # given: an employee with dependents
    employee_id = next(e for e in state.employees if len(state.family_of(e)) > 2)
    stored = sorted((d for d in state.dependents.values() if d["employee_id"] == employee_id),
                    key=lambda d: (d["created"], d["id"]))

    # then: the list pages them (contract-checked as PaginatedDependentResult), the detail is the record
    page = (await noyo.get(f"/api/v1/employees/{employee_id}/dependents")).json()
    assert page["response"] == stored and page["meta"]["total_records"] == len(stored)
    second = (await noyo.get(f"/api/v1/employees/{employee_id}/dependents", params={"page_size": 1, "offset": 1})).json()
    assert second["response"] == stored[1:2]
    assert (await noyo.get(f"/api/v1/dependents/{stored[0]['id']}")).json() == stored[0]
    assert (await noyo.get(f"/api/v1/dependents/{uuid.uuid4()}")).status_code == 404
    assert (await noyo.get(f"/api/v1/employees/{uuid.uuid4()}/dependents")).status_code == 404


def test_people_carry_noyos_optional_person_fields(state: State) -> None:
    people = [e["person"] for e in state.employees.values()]
    for key in ("middle_name", "mailing_address", "contact", "details"):
        assert any(key in p for p in people), key
    assert all("contact" in p for p in people)


async def test_individual_enrollments_with_and_without_dependents(noyo: httpx.AsyncClient, state: State) -> None:
    # given an employee whose dependents are enrolled too
    dependent_enrollment = next(e for e in state.enrollments.values() if e["individual_type"] == "dependent")
    employee_id = state.dependents[dependent_enrollment["individual_id"]]["employee_id"]
    family = set(state.family_of(employee_id))
    url = f"/api/v1/employees/{employee_id}/individual_enrollments"
    # when listed without and with include_dependents
    own = (await noyo.get(url, params={"page_size": 100})).json()
    with_family = (await noyo.get(url, params={"page_size": 100, "include_dependents": "true"})).json()
    # then the first holds only the employee's enrollments, the second the family's
    assert {e["individual_id"] for e in own["response"]} == {employee_id}
    assert set(ids(with_family)) == {e["id"] for e in state.enrollments.values() if e["individual_id"] in family}
    assert dependent_enrollment["id"] in ids(with_family)
    assert all(e["individual_enrollment_configuration"] == {} for e in with_family["response"])
    assert (await noyo.get(f"/api/v1/employees/{uuid.uuid4()}/individual_enrollments")).status_code == 404


async def test_individual_enrollments_by_effective_date(noyo: httpx.AsyncClient, state: State) -> None:
    # given an enrolled employee whose coverage starts on January 1st
    enrollment = next(e for e in state.enrollments.values() if e["individual_type"] == "employee")
    url = f"/api/v1/employees/{enrollment['individual_id']}/individual_enrollments"
    start = dt.date.fromisoformat(enrollment["effective_start_date"])
    # when asked for the day before and the day itself
    before = (await noyo.get(url, params={"effective_date": (start - dt.timedelta(days=1)).isoformat()})).json()
    on = (await noyo.get(url, params={"effective_date": start.isoformat()})).json()
    # then only the latter holds it
    assert before["response"] == [] and enrollment["id"] in ids(on)
    assert (await noyo.get(url, params={"effective_date": "July 4"})).status_code == 400
