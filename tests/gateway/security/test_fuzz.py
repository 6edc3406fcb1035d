"""Fuzzing the whole HTTP surface with operations generated from the schema (hypothesis-graphql).

Every generated query and mutation (valid by construction, random arguments) goes through the
real gateway to the emulator. Whatever happens, the gateway must answer without a 5xx (the
request timeout's 504 aside, which is the limit doing its job) and never with an unmasked
internal error. ``HYPOTHESIS_GRAPHQL_EXAMPLES`` sets the number of examples (default 200).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from pathlib import Path
from typing import Any, Iterator

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

from gateway.app import create_app

from .support import security_settings

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx is the pinned client here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient  # sync client: hypothesis drives plain functions

EXAMPLES = int(os.environ.get("HYPOTHESIS_GRAPHQL_EXAMPLES", "200"))
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema.graphql"
GENERIC_INTERNAL = re.compile(r"^Internal server error\.( Request id: [\w-]+\.)?$")
LEAK_MARKERS = ("Traceback", 'File "', "Exception", "Error(", "httpx.", "noyo.test")


def schema_sdl() -> str:
    if SCHEMA_FILE.is_file():
        return SCHEMA_FILE.read_text(encoding="utf-8")
    from gateway.schema import schema

    return schema.as_str()


def _string(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.StringValueNode]:
    return strategy.map(lambda value: graphql.StringValueNode(value=value))


SCALARS = {
    "Date": _string(st.one_of(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat), st.text())),
    "DateTime": _string(st.datetimes().map(lambda d: d.isoformat() + "Z")),
    "JSON": st.just(graphql.ObjectValueNode(fields=())),
}
SDL = schema_sdl()
OPERATIONS = st.one_of(
    queries(SDL, custom_scalars=SCALARS),
    mutations(SDL, custom_scalars=SCALARS) if "type Mutation" in SDL else st.nothing(),
)


@pytest.fixture
def gateway_http(emulator_app, cache_namespace) -> Iterator[TestClient]:
    """A synchronous client on a gateway (anonymous admin with PHI) over the test's emulator."""
    config = security_settings(
        cache_namespace,
        gateway_allow_anonymous=True,
        gateway_anonymous_role="admin",
        gateway_anonymous_scopes="phi",
        gateway_request_timeout=10,
    )
    app = create_app(config, noyo_transport=httpx.ASGITransport(app=emulator_app))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def check(response: Any, query: str) -> None:
    assert response.status_code < 500 or response.status_code == 504, (response.status_code, query, response.text)
    if response.status_code >= 400 or not response.headers.get("content-type", "").startswith("application/json"):
        return
    for error in response.json().get("errors") or []:
        message, code = error["message"], (error.get("extensions") or {}).get("code")
        if code == "INTERNAL_SERVER_ERROR":
            assert GENERIC_INTERNAL.match(message), (query, message)
        assert not any(marker in message for marker in LEAK_MARKERS), (query, message)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(operation=OPERATIONS)
def test_generated_operations_never_fail_the_server(gateway_http: TestClient, operation: str) -> None:
    response = gateway_http.post("/graphql", json={"query": operation})
    check(response, operation)
