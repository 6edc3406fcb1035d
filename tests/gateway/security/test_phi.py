"""PHI (names, SSNs, dates of birth, addresses) needs the `phi` scope; without it: null."""

from __future__ import annotations

from .support import bearer, codes, post, upstream_calls

EMPLOYEE = "query($id: ID!) { employee(id: $id) { id: noyoId groupId person { firstName lastName } } }"


def an_employee(emulator_app) -> dict:
    state = emulator_app.state.emulator
    return state.employees[sorted(state.employees)[0]]


async def test_phi_without_scope_is_masked(client, token, emulator_app):
    # given: an employee, and a caller without the phi scope
    employee = an_employee(emulator_app)
    body = (await post(client, EMPLOYEE, {"id": employee["id"]}, headers=bearer(token(role="admin")))).json()

    # then: the record is there, its personal data is null (and appears nowhere in the response)
    assert "errors" not in body, body
    assert body["data"]["employee"]["id"] == employee["id"]
    assert body["data"]["employee"]["person"] is None
    assert employee["person"]["last_name"] not in str(body)


async def test_phi_with_scope_is_shown(client, token, emulator_app):
    employee = an_employee(emulator_app)
    headers = bearer(token(role="viewer", scope="read phi"))
    body = (await post(client, EMPLOYEE, {"id": employee["id"]}, headers=headers)).json()
    person = body["data"]["employee"]["person"]
    assert person == {"firstName": employee["person"]["first_name"], "lastName": employee["person"]["last_name"]}


# -- every personal field, everywhere a person is reachable -------------------------------------

from tests.gateway.schema.test_current_snapshot import GRAPHQL, selection  # noqa: E402
from tests.gateway.schema.test_employees import PERSON  # noqa: E402

EVERYTHING = f"""
query($id: ID!, $groupId: ID!) {{
  employee(id: $id) {{
    id noyoId groupId employmentStatus hireDate person {{ {PERSON} }}
    employment {{ employmentStatus hoursWorked occupation salary {{ amount type unit }} }}
    dependents {{ noyoId relationship person {{ {PERSON} }} employee {{ person {{ firstName }} }} }}
    coverages {{ lineOfCoverage members {{ individualId individualType person {{ {PERSON} }}
      dependent {{ noyoId relationship person {{ {PERSON} }} }} }} }}
    currentSnapshot {{ {selection(GRAPHQL.type_map["MemberSnapshotState"])} }}
  }}
  group(id: $groupId) {{ employees(first: 100) {{ nodes {{ noyoId person {{ {PERSON} }}
    dependents {{ person {{ firstName }} }} currentSnapshot {{ employee {{ id person {{ ssn }} }} }} }} }} }}
}}"""


def leaves(value) -> list:
    """Every scalar in a JSON value (strings, numbers, booleans), however deep."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in leaves(v)]
    return [] if value is None else [value]


def personal_values(state, employee: dict) -> set:
    """Every personal value the emulator holds for the family: as Noyo sends it and as GraphQL spells enums."""
    people = [employee["person"], *(state.dependents[d]["person"] for d in state.family_of(employee["id"])[1:])]
    values = {v for p in people for v in leaves(p) if isinstance(v, str) and len(v) > 1}
    values |= {v.upper().replace("-", "_") for v in values}
    return values | {employee["employment"]["salary"]["amount"]}


def a_family(emulator_app) -> dict:
    state = emulator_app.state.emulator
    return next(e for e in sorted(state.employees.values(), key=lambda e: e["id"])
                if "contact" in e["person"] and any(
                    x["individual_id"] in state.family_of(e["id"])[1:] for x in state.enrollments.values()))


async def test_without_phi_no_personal_value_appears_anywhere(secure, token, emulator_app):
    # given: a family with dependents, coverages and contact details; its personal values as Noyo holds them
    state = emulator_app.state.emulator
    employee = a_family(emulator_app)
    secrets = personal_values(state, employee)
    variables = {"id": employee["id"], "groupId": employee["group_id"]}

    # when: the same query (everything at once: above the default cost limit) with and without the phi scope
    async with secure(gateway_max_cost=100_000) as client:
        shown = (await post(client, EVERYTHING, variables, headers=bearer(token(role="admin", scope="phi")))).json()
        masked = (await post(client, EVERYTHING, variables, headers=bearer(token(role="admin")))).json()

    # then: with phi the walk finds them (so it can fail); without, none is anywhere, structure stays
    assert "errors" not in shown and "errors" not in masked, masked
    assert secrets & set(leaves(shown["data"])) >= {employee["person"]["ssn"], employee["person"]["last_name"]}
    assert secrets & set(leaves(masked["data"])) == set()
    found = masked["data"]["employee"]
    assert found["person"] is None and found["employment"]["salary"] is None
    assert found["dependents"] and all(d["person"] is None and d["relationship"] for d in found["dependents"])
    assert [m["person"] for c in found["coverages"] for m in c["members"]] == [None] * sum(
        len(c["members"]) for c in found["coverages"])
    current = found["currentSnapshot"]
    assert current["employee"]["id"] == employee["id"] and current["employee"]["person"] is None
    assert current["dependents"] and all(d["person"] is None and d["id"] for d in current["dependents"])
    assert current["coverages"] == shown["data"]["employee"]["currentSnapshot"]["coverages"]
    assert {n["noyoId"] for n in masked["data"]["group"]["employees"]["nodes"]} >= {employee["id"]}
    assert all(n["person"] is None for n in masked["data"]["group"]["employees"]["nodes"])


async def test_a_name_search_needs_the_phi_scope(client, token, emulator_app, hooks):
    employee = a_family(emulator_app)
    query = "query($g: ID!, $s: String) { group(id: $g) { employees(search: $s) { totalCount } } }"
    variables = {"g": employee["group_id"], "s": employee["person"]["last_name"]}
    await hooks.delete("/__emulator/requests")

    refused = (await post(client, query, variables, headers=bearer(token(role="admin")))).json()
    allowed = (await post(client, query, variables, headers=bearer(token(role="viewer", scope="phi")))).json()

    assert codes(refused) == ["FORBIDDEN"] and employee["person"]["last_name"] not in str(refused)
    assert allowed["data"]["group"]["employees"]["totalCount"] >= 1
    assert (await upstream_calls(hooks)).get("GET /api/v1/groups/{group_id}/employees") == 1  # the allowed one
