"""The access log: one JSON line per request, without query strings, bodies or PHI."""

from __future__ import annotations

import json
import logging
import re

import pytest

from gateway.security.logging import JsonFormatter
from tests.gateway.write.support import SUBMIT, current_snapshot, families, to_input

SSN = "123-45-6789"


def access_records(caplog) -> list[dict]:
    return [r.access for r in caplog.records if r.name == "gateway.access"]


def every_line(caplog) -> str:
    formatter = JsonFormatter()
    return "\n".join(formatter.format(r) for r in caplog.records)


@pytest.fixture
def person(emulator_app) -> dict:
    """A seeded employee's real name and date of birth (what must never be logged)."""
    employee = sorted(emulator_app.state.emulator.employees.values(), key=lambda e: e["id"])[0]
    return {"id": employee["id"], "first": employee["person"]["first_name"], "last": employee["person"]["last_name"],
            "dob": employee["person"]["date_of_birth"]}


async def test_a_get_with_phi_in_its_query_string_logs_none_of_it(gateway_client, person, caplog, upstream_counts):
    caplog.set_level(logging.DEBUG)
    await upstream_counts(reset=True)
    # given: names, an SSN and a date of birth in the literal, the variables and the operation
    query = (f'query Lookup($id: ID!, $who: String) {{ employee(id: $id) {{ id person {{ firstName lastName }} }} '
             f'groups(search: "{person["first"]} {person["last"]} {SSN}") {{ totalCount }} '
             f'other: groups(search: $who) {{ totalCount }} }}')
    variables = {"id": person["id"], "who": f'{person["last"]} {SSN} {person["dob"]}'}

    # when: it is sent as a GET
    response = await gateway_client.get("/graphql", params={"query": query, "variables": json.dumps(variables)})
    assert response.status_code == 200 and response.json()["data"]["employee"]["person"]["firstName"]

    # then: one access line with the request's facts
    [line] = access_records(caplog)
    assert line["method"] == "GET" and line["path"] == "/graphql" and line["status"] == 200
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["operation_type"] == "query" and line["operation_name"] == "Lookup"
    assert line["outcome"] == "OK" and isinstance(line["cost"], int) and line["cost"] > 0
    assert line["upstream_calls"] == sum((await upstream_counts()).values()) > 0
    assert line["caller"].startswith("anonymous:")
    assert isinstance(line["duration_ms"], float)
    # and: nothing anywhere in the logs carries the query string or the person
    text = every_line(caplog)
    for secret in (person["first"], person["last"], SSN, person["dob"], "search", "?query", "variables"):
        assert secret not in text, secret


async def test_a_mutation_logs_its_outcome_and_upstream_calls_not_its_variables(gql, emulator_app, noyo, caplog,
                                                                                upstream_counts):
    family = families(emulator_app, 2)[0]
    snapshot = await current_snapshot(noyo, family["employee_id"])
    names = [snapshot["employee"]["person"]["first_name"], snapshot["employee"]["person"]["last_name"]]
    caplog.set_level(logging.DEBUG)
    await upstream_counts(reset=True)

    body = await gql(SUBMIT.replace("mutation(", "mutation Submit("),
                     {"groupId": family["group_id"], "snapshot": to_input(snapshot), "key": "k-1"})
    assert body["data"]["submitMemberSnapshot"]["errors"] == []

    [line] = access_records(caplog)
    assert (line["operation_type"], line["operation_name"], line["outcome"]) == ("mutation", "Submit", "OK")
    assert line["upstream_calls"] == sum((await upstream_counts()).values()) >= 1
    text = every_line(caplog)
    for secret in names:
        assert secret not in text


async def test_a_whole_response_hit_logs_the_line_its_miss_logged(gateway_client, caplog):
    caplog.set_level(logging.INFO)
    # given: a query with a long operation name, answered once (a miss that fills the response cache)
    name = "Carriers" + "x" * 200
    body = {"query": f"query {name} {{ carriers {{ displayName }} }}", "operationName": name}
    miss = await gateway_client.post("/graphql", json=body)
    assert miss.headers["x-response-cache"] == "miss"

    # when: it comes again, served from the response cache
    hit = await gateway_client.post("/graphql", json=body)
    assert hit.headers["x-response-cache"] == "hit"

    # then: one line each, with the same operation facts (the name cut at 128 characters both times)
    first, second = access_records(caplog)
    facts = ("method", "path", "status", "caller", "operation_type", "operation_name", "outcome")
    assert [second[k] for k in facts] == [first[k] for k in facts]
    assert (second["operation_type"], second["operation_name"], second["outcome"]) == ("query", name[:128], "OK")
    assert (first["request_id"], second["request_id"]) == (miss.headers["x-request-id"], hit.headers["x-request-id"])
    assert second["upstream_calls"] == 0 and isinstance(second["duration_ms"], float)


async def test_a_payload_error_is_the_outcome(gql, caplog):
    caplog.set_level(logging.INFO)
    body = await gql('mutation { confirmDisconnectionRequest(id: "../x") { errors { code } } }')
    assert body["data"]["confirmDisconnectionRequest"]["errors"][0]["code"] == "VALIDATION"
    [line] = access_records(caplog)
    assert line["outcome"] == "VALIDATION" and line["upstream_calls"] == 0


async def test_a_refusal_before_graphql_is_logged_with_its_code(gateway_client, caplog):
    caplog.set_level(logging.INFO)
    response = await gateway_client.post("/graphql", content=f"query={SSN}", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    [line] = access_records(caplog)
    assert (line["status"], line["outcome"], line["operation_type"]) == (415, "UNSUPPORTED_MEDIA_TYPE", None)
    assert SSN not in every_line(caplog)


async def test_every_request_gets_one_line_in_json_with_milliseconds(gateway_client, caplog):
    caplog.set_level(logging.INFO)
    await gateway_client.get("/healthz")
    await gateway_client.get("/readyz?probe=1")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "gateway.access"]
    assert [(line["path"], line["status"]) for line in lines] == [("/healthz", 200), ("/readyz", 200)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"]) for line in lines)


def test_the_server_turns_uvicorns_access_log_off(monkeypatch):
    from gateway.__main__ import main

    seen: dict = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: seen.update(kwargs))
    assert main(["serve", "--port", "0"]) == 0
    assert seen["access_log"] is False
