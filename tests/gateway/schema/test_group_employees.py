"""Group.employees: find the employee to work on (Noyo's employee list and its name filter)."""

from __future__ import annotations

import logging

from .support import data, error_codes, world

LIST_PATH = "GET /api/v1/groups/{group_id}/employees"
EMPLOYEES = """
query($id: ID!, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
  group(id: $id) { employees(search: $search, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { noyoId groupId person { firstName lastName ssn homeAddress { city } } } }
  } }
}"""


def staff_of(state, group_id: str) -> list[dict]:
    """The group's employees in Noyo's list order (oldest first)."""
    return sorted((e for e in state.employees.values() if e["group_id"] == group_id),
                  key=lambda e: (e["created"], e["id"]))


def a_people_group(state) -> str:
    return max({e["group_id"] for e in state.employees.values()},
               key=lambda g: (len(staff_of(state, g)), g))


async def test_employees_with_their_persons_take_one_upstream_call(gql, emulator_app, upstream_counts):
    # given: a group with employees
    state = world(emulator_app)
    group_id = a_people_group(state)
    staff = staff_of(state, group_id)
    await upstream_counts(reset=True)

    # when
    page = data(await gql(EMPLOYEES, {"id": group_id, "first": 100}))["group"]["employees"]

    # then: every employee with its person, from Noyo's list alone (no call per employee)
    assert page["totalCount"] == len(staff)
    assert [e["node"]["noyoId"] for e in page["edges"]] == [e["id"] for e in staff]
    for edge, record in zip(page["edges"], staff):
        assert edge["node"]["person"]["ssn"] == record["person"]["ssn"]
        assert edge["node"]["person"]["homeAddress"]["city"] == record["person"]["home_address"]["city"]
    assert await upstream_counts() == {"GET /api/v1/groups": 1, LIST_PATH: 1}  # the group (by group_ids), its list


async def test_pages_forward_and_backward(gql, emulator_app):
    state = world(emulator_app)
    group_id = a_people_group(state)
    staff = [e["id"] for e in staff_of(state, group_id)]

    first = data(await gql(EMPLOYEES, {"id": group_id, "first": 2}))["group"]["employees"]
    after = data(await gql(EMPLOYEES, {"id": group_id, "first": 2, "after": first["pageInfo"]["endCursor"]}))
    last = data(await gql(EMPLOYEES, {"id": group_id, "last": 2}))["group"]["employees"]
    before = data(await gql(EMPLOYEES, {"id": group_id, "last": 1, "before": last["pageInfo"]["startCursor"]}))

    assert [e["node"]["noyoId"] for e in first["edges"]] == staff[:2] and first["pageInfo"]["hasNextPage"]
    assert [e["node"]["noyoId"] for e in after["group"]["employees"]["edges"]] == staff[2:4]
    assert [e["node"]["noyoId"] for e in last["edges"]] == staff[-2:] and not last["pageInfo"]["hasNextPage"]
    assert [e["node"]["noyoId"] for e in before["group"]["employees"]["edges"]] == staff[-3:-2]
    assert error_codes(await gql(EMPLOYEES, {"id": group_id, "first": 101})) == ["BAD_USER_INPUT"]


async def test_search_is_noyos_name_filter_and_is_never_logged(gql, emulator_app, upstream_counts, caplog):
    # given: an employee whose last name we search for, in a group where not everyone shares it
    state = world(emulator_app)
    group_id = a_people_group(state)
    staff = staff_of(state, group_id)
    target = next(e for e in staff if sum(x["person"]["last_name"] == e["person"]["last_name"] for x in staff) < len(staff))
    search = target["person"]["last_name"].upper()
    expected = [e["id"] for e in staff
                if search.lower() in f"{e['person']['first_name']} {e['person']['last_name']}".lower()]
    await upstream_counts(reset=True)
    caplog.set_level(logging.DEBUG)

    # when
    page = data(await gql(EMPLOYEES, {"id": group_id, "search": f"  {search} "}))["group"]["employees"]

    # then: Noyo's matches, in one call; the name appears in no log record
    assert [e["node"]["noyoId"] for e in page["edges"]] == expected and len(expected) < len(staff)
    assert page["totalCount"] == len(expected)
    assert (await upstream_counts())[LIST_PATH] == 1
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records and search.lower() not in logged.lower()


async def test_a_search_longer_than_noyos_names_is_refused_without_echoing_it(gql, emulator_app, upstream_counts):
    group_id = a_people_group(world(emulator_app))
    await upstream_counts(reset=True)
    result = await gql(EMPLOYEES, {"id": group_id, "search": "Zebulon" * 20})
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "Zebulon" not in str(result)
    assert LIST_PATH not in await upstream_counts()


async def test_blank_search_lists_everyone(gql, emulator_app):
    state = world(emulator_app)
    group_id = a_people_group(state)
    page = data(await gql(EMPLOYEES, {"id": group_id, "search": "   ", "first": 100}))["group"]["employees"]
    assert page["totalCount"] == len(staff_of(state, group_id))
