"""Refusals carry a code, and neither variable values nor document literals are echoed."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import make_gateway_settings, running_gateway
from tests.gateway.write.support import SUBMIT

PHI = ("Jane Roe", "123-45-6789", "1980-13-45")


@pytest.fixture
async def tight(emulator_app, cache_namespace):
    settings = make_gateway_settings(cache_namespace, gateway_max_tokens=60, gateway_max_depth=3,
                                     gateway_max_cost=10)
    async with running_gateway(settings, emulator_app) as (_, client):
        yield client


async def test_the_token_limit_is_query_too_large(tight):
    query = "query { " + " ".join(f"a{i}: __typename" for i in range(80)) + " }"
    body = (await tight.post("/graphql", json={"query": query})).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"


async def test_a_syntax_error_has_a_code(tight):
    body = (await tight.post("/graphql", json={"query": "{ groups { "})).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_depth_is_reported_first_even_when_the_cost_is_exceeded_too(tight):
    query = "{ groups(first: 100) { edges { node { employees { edges { node { id } } } } } } }"
    body = (await tight.post("/graphql", json={"query": query})).json()
    codes = [e["extensions"]["code"] for e in body["errors"]]
    assert codes[0] == "QUERY_TOO_DEEP"
    assert "QUERY_TOO_COSTLY" in codes
    assert body["data"] is None


@pytest.mark.parametrize("literal, expected, refused", [
    ('terminationDatePreview(rule: {endOfPriorMonth: true}, submittedOn: "1980-13-45")', "expected Date", '"1980'),
    ('terminationDatePreview(rule: {endOfPriorMonth: "Jane Roe"}, submittedOn: "2026-01-01")', "expected Boolean",
     '"Jane'),
    ('terminationDatePreview(rule: {endOfPriorMonth: true}, submittedOn: 123456789)', "expected Date", "1234"),
    ('memberSnapshots(status: Jane) { totalCount }', "MemberSnapshotStatus", "Jane"),
])
async def test_a_bad_literal_is_refused_at_its_place_without_echoing_it(gql, literal, expected, refused):
    query = "{ " + literal + " }"
    body = await gql(query)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert expected in error["message"]
    for value in (*PHI, "123456789", "Jane"):
        assert value not in error["message"]
    # the error points at the refused literal (GraphiQL underlines it there)
    assert error["locations"] == [{"line": 1, "column": query.index(refused) + 1}]


async def test_a_bad_variable_names_its_path_and_reason_without_the_value(gql, emulator_app):
    state = emulator_app.state.emulator
    employee = next(iter(state.employees.values()))
    snapshot = {"employee": {"id": employee["id"],
                             "person": {"firstName": "Jane", "lastName": "Roe", "dateOfBirth": "1980-13-45",
                                        "ssn": "123-45-6789"}},
                "coverages": []}
    body = await gql(SUBMIT, {"groupId": employee["group_id"], "snapshot": snapshot})
    messages = [e["message"] for e in body["errors"]]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert "Variable $snapshot.employee.person.dateOfBirth: expected Date." in messages
    assert "Variable $snapshot.employee.person: required field 'sex' is missing." in messages
    for value in PHI:
        assert value not in str(body)


async def test_an_unknown_variable_field_is_named_without_its_value(gql):
    body = await gql("query($r: TerminationRuleInput!) { terminationDatePreview(rule: $r) }",
                     {"r": {"firstName": "Jane Roe"}})
    [error] = body["errors"]
    assert "'firstName' is not a field of TerminationRuleInput" in error["message"]
    assert "Jane Roe" not in str(body)
