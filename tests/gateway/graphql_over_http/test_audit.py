"""The graphql-http package's server audit (GraphQL over HTTP conformance) against a live gateway.

``make tools`` installs the audit from ``package-lock.json`` (``npm ci``); under ``CI=true`` a
missing node or audit fails the test instead of skipping it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.gateway.conftest import make_gateway_settings, running_gateway
from tests.gateway.schema.resilience_support import served

HERE = Path(__file__).resolve().parent
AUDIT = HERE / "audit.mjs"


def node() -> str:
    path = shutil.which("node")
    missing = "node is not installed" if path is None else None
    if path and not (HERE / "node_modules" / "graphql-http").is_dir():
        missing = "the graphql-http audit is not installed (make tools)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    assert path is not None
    return path


async def audit(url: str) -> list[dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        node(), str(AUDIT), url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=HERE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()[-2000:]
    return json.loads(out)


@pytest.mark.parametrize("response_cache", [False, True], ids=["plain", "response-cache"])
async def test_the_server_audit_finds_no_warning_and_no_error(emulator_app, response_cache):
    # given: a gateway served on a real socket (the audit is a separate node process)
    settings = make_gateway_settings(f"test-{uuid.uuid4().hex}", gateway_response_cache_enabled=response_cache)
    async with running_gateway(settings, emulator_app) as (app, _), served(app) as url:
        # when: every audit of the GraphQL-over-HTTP suite runs against /graphql
        results = await audit(f"{url}/graphql")

    # then: all of them ran, and none warns or errs
    statuses = Counter(result["status"] for result in results)
    failing = [(r["id"], r["name"], r["reason"]) for r in results if r["status"] in ("warn", "error")]
    assert len(results) >= 60, statuses
    assert failing == [], failing
    assert statuses["ok"] == len(results), statuses
