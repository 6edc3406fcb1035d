"""The console and GraphiQL assets as the gateway serves them (no browser): pages, policy, documents, size."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from gateway import console
from gateway.schema import schema as live_schema
from tests.gateway.conftest import make_gateway_settings, running_gateway

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = sorted((ROOT / "console" / "src" / "operations").glob("*.graphql"))
EXAMPLES = sorted((ROOT / "console" / "src" / "graphiql" / "examples").glob("*.graphql"))
CONSOLE_JS_BUDGET = 200 * 1024  # gzipped bytes of JavaScript the console page loads


def built() -> Path:
    if not (console.STATIC_DIR / "console.html").is_file():
        pytest.fail("browser assets are not built: run `make assets`")
    return console.STATIC_DIR


def committed_schema():
    return build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))


def test_the_console_operations_match_the_committed_schema():
    # the files share fragments: together they are one document
    document = "\n".join(path.read_text(encoding="utf-8") for path in OPERATIONS)
    assert OPERATIONS and validate(committed_schema(), parse(document)) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_graphiql_example_matches_the_committed_schema(path: Path):
    assert validate(committed_schema(), parse(path.read_text(encoding="utf-8"))) == []


def test_the_built_documents_are_the_current_operations_and_run_on_the_live_schema():
    documents = console.console_documents()
    built()
    names = {m for path in OPERATIONS for m in re.findall(r"^(?:query|mutation|subscription) (\w+)", path.read_text(), re.M)}
    built_names = {m for doc in documents.values() for m in re.findall(r"(?:query|mutation|subscription) (\w+)", doc)}
    assert names and built_names == names, "gateway/static is stale: run `make assets`"
    for document in documents.values():
        assert validate(live_schema._schema, parse(document)) == []


def test_console_javascript_stays_within_its_budget():
    static = built()
    html = (static / "console.html").read_text(encoding="utf-8")
    scripts = set(re.findall(r'(?:src|href)="/static/(assets/[^"]+\.js)"', html))
    assert scripts, html
    size = sum(len(gzip.compress((static / name).read_bytes(), 9)) for name in scripts)
    assert size <= CONSOLE_JS_BUDGET, f"console JavaScript is {size} bytes gzipped"


async def test_pages_carry_a_policy_allowing_only_the_gateways_origin(emulator_app, cache_namespace):
    built()
    async with running_gateway(make_gateway_settings(cache_namespace), emulator_app) as (_, client):
        graphiql = await client.get("/graphql", headers={"Accept": "text/html"})
        page = await client.get("/console/groups/some-group")  # the app routes in the browser
        assert graphiql.status_code == page.status_code == 200
        for response in (graphiql, page):
            policy = response.headers["content-security-policy"]
            sources = {token for part in policy.split(";") for token in part.split()[1:]}
            assert sources <= {"'self'", "'none'", "data:", "'unsafe-inline'"} | {
                t for t in sources if t.startswith("'nonce-")}
            assert "script-src 'self'" in policy and "connect-src 'self'" in policy
            assert not re.search(r'(?:src|href)="(?!/static/|data:)', response.text), response.text
        nonce = re.search(r"'nonce-([^']+)'", graphiql.headers["content-security-policy"]).group(1)
        assert f'content="{nonce}"' in graphiql.text
        again = await client.get("/graphql", headers={"Accept": "text/html"})
        assert nonce not in again.headers["content-security-policy"]
        asset = re.search(r'src="(/static/assets/[^"]+\.js)"', page.text).group(1)
        script = await client.get(asset)
        assert script.status_code == 200 and "immutable" in script.headers["cache-control"]
        assert (await client.get("/static/assets/missing.js")).status_code == 404


async def test_console_documents_run_by_hash_alone_in_both_persisted_modes(emulator_app, cache_namespace, tmp_path):
    documents = console.console_documents()
    built()
    carriers = next(h for h, d in documents.items() if d.startswith("query Carriers"))
    other = tmp_path / "trusted.json"
    query = "{ carriers { id } }"
    other.write_text(json.dumps({hashlib.sha256(query.encode()).hexdigest(): query}))
    for overrides in ({}, {"gateway_trusted_documents": str(other)}):
        settings = make_gateway_settings(cache_namespace, **overrides)
        async with running_gateway(settings, emulator_app) as (_, client):
            body = (await client.post("/graphql", json={"documentId": f"sha256:{carriers}"})).json()
            assert body.get("errors") is None and len(body["data"]["carriers"]) > 0
    # with the console switched off, a trusted-documents gateway no longer accepts its documents
    settings = make_gateway_settings(cache_namespace, gateway_trusted_documents=str(other), gateway_console_enabled=False)
    async with running_gateway(settings, emulator_app) as (_, client):
        body = (await client.post("/graphql", json={"documentId": f"sha256:{carriers}"})).json()
        assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        assert (await client.get("/console")).status_code == 404


async def test_without_built_assets_the_pages_say_how_to_build_them(emulator_app, cache_namespace, tmp_path, monkeypatch):
    monkeypatch.setattr(console, "STATIC_DIR", tmp_path / "absent")
    async with running_gateway(make_gateway_settings(cache_namespace), emulator_app) as (_, client):
        page = await client.get("/console")
        assert page.status_code == 503 and "make assets" in page.text
        assert (await client.get("/static/assets/x.js")).status_code == 404


def test_the_wheel_carries_the_built_assets(tmp_path):
    static = built()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(tmp_path.glob("noyo_gateway-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"gateway/static/{p.relative_to(static).as_posix()}" for p in static.rglob("*") if p.is_file() and p.name != ".built"}
    assert {"gateway/static/console.html", "gateway/static/graphiql.html", "gateway/static/persisted-documents.json"} <= names
    assert expected <= names
