"""The chart's `helm test` pod really runs a GraphQL operation: its script, against a live gateway."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from gateway.security.authn import hash_api_key
from tests.gateway.conftest import make_gateway_settings, running_gateway
from tests.gateway.schema.resilience_support import served

from .support import one, render

API_KEY = "chart-test-key-0123456789"


def namespace() -> str:
    return f"test-{uuid.uuid4().hex}"  # memory:// caches; unique all the same


def chart_test_pod(values: dict[str, Any]) -> tuple[list[str], dict[str, str], str]:
    """The test pod's command, its literal environment and the key file path it expects."""
    pod = one(render(values), "Pod")
    container = pod["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
    key_path = ""
    if "api-key" in mounts:
        item = pod["spec"]["volumes"][0]["secret"]["items"][0]
        key_path = f"{mounts['api-key']}/{item['path']}"
    return [*container["command"], *container["args"]], env, key_path


async def run_pod(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    # the pod's image runs "python"; here it is this interpreter
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command[1:], env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, output.decode()


async def test_the_test_pod_passes_against_a_gateway_that_answers(emulator_app, tmp_path: Path):
    # given: a gateway requiring an API key, on a real socket, over the emulator
    keys = json.dumps([{"sha256": hash_api_key(API_KEY), "role": "viewer", "name": "chart-test"}])
    settings = make_gateway_settings(namespace(), gateway_allow_anonymous=False, gateway_api_keys=keys)
    command, env, key_path = chart_test_pod({"tests": {"apiKeySecret": "chart-test"}})
    assert env["GATEWAY_URL"] == "http://noyo-gateway:80/graphql"
    assert env["GATEWAY_TEST_API_KEY_FILE"] == key_path
    key_file = tmp_path / "api-key"
    key_file.write_text(API_KEY + "\n")

    async with running_gateway(settings, emulator_app) as (app, _), served(app) as url:
        # when: the pod's own script runs, pointed at it
        status, output = await run_pod(command, {**env, "GATEWAY_URL": f"{url}/graphql",
                                                 "GATEWAY_TEST_API_KEY_FILE": str(key_file)})

    # then: it passed, having read carriers through Noyo
    assert status == 0, output
    assert "GraphQL operation ok: carriers" in output


async def test_the_test_pod_fails_when_the_gateway_refuses_or_errs(emulator_app, hooks):
    # given: a gateway with no anonymous access, and the pod without a key
    settings = make_gateway_settings(namespace(), gateway_allow_anonymous=False)
    command, env, _ = chart_test_pod({})
    async with running_gateway(settings, emulator_app) as (app, _), served(app) as url:
        refused, refused_output = await run_pod(command, {**env, "GATEWAY_URL": f"{url}/graphql"})
    assert refused != 0, refused_output

    # and: an anonymous gateway whose upstream fails -> GraphQL errors -> the pod fails too
    open_settings = make_gateway_settings(namespace())
    response = await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers*", "error_rate": 1.0,
                                                            "error_status": 500})
    assert response.status_code == 200
    async with running_gateway(open_settings, emulator_app) as (app, _), served(app) as url:
        failed, failed_output = await run_pod(command, {**env, "GATEWAY_URL": f"{url}/graphql"})
    assert failed != 0
    assert "GraphQL operation failed" in failed_output
