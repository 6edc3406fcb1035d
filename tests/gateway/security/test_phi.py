"""PHI (names, SSNs, dates of birth, addresses) needs the `phi` scope; without it: null."""

from __future__ import annotations

from .support import bearer, post

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
