"""Token endpoint and bearer auth on /api/v1/*."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from noyo_emulator import create_app
from tests.conftest import BASE_URL, fetch_token


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


async def test_client_credentials_give_a_bearer_token(hooks: httpx.AsyncClient) -> None:
    # when the client exchanges its credentials
    response = await hooks.post(
        "/auth/public/token", auth=("demo-client", "demo-secret"), json={"grant_type": "client_credentials"}
    )
    # then it gets a bearer token whose lifetime is reported in milliseconds
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600_000 and body["access_token"]
    # and the token opens the API
    groups = await hooks.get("/api/v1/groups", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert groups.status_code == 200


@pytest.mark.parametrize(
    "auth", [("demo-client", "wrong"), ("someone-else", "demo-secret"), None], ids=["secret", "client", "missing"]
)
async def test_bad_client_credentials_are_refused(hooks: httpx.AsyncClient, auth) -> None:
    response = await hooks.post("/auth/public/token", auth=auth, json={"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json()["status"] == 401


async def test_wrong_grant_type_is_a_bad_request(hooks: httpx.AsyncClient) -> None:
    response = await hooks.post("/auth/public/token", auth=("demo-client", "demo-secret"), json={"grant_type": "password"})
    assert response.status_code == 400 and response.json() == {
        "message": "grant_type must be client_credentials", "status": 400
    }


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Basic ZGVtbw==", "Bearer not-a-token"], ids=["missing", "empty", "basic", "unknown"]
)
async def test_api_needs_a_valid_bearer_token(noyo: httpx.AsyncClient, header: str | None) -> None:
    # given a request with a missing, malformed or unknown token
    request = noyo.build_request("GET", "/api/v1/groups")
    del request.headers["authorization"]
    if header:
        request.headers["Authorization"] = header
    # when it reaches the API
    response = await noyo.send(request)
    # then Noyo refuses it with its JSON error body
    assert response.status_code == 401
    assert response.json()["status"] == 401 and isinstance(response.json()["message"], str)


async def test_tokens_expire_after_their_ttl() -> None:
    # given an emulator whose tokens live half a second (time enough to use one on a loaded machine)
    app = create_app(token_ttl=0.5)
    async with client_for(app) as client:
        token = await fetch_token(client)
        headers = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/api/v1/carriers", headers=headers)).status_code == 200
        # when the TTL has passed
        await asyncio.sleep(0.6)
        # then the token is refused and a new one works
        assert (await client.get("/api/v1/carriers", headers=headers)).status_code == 401
        fresh = await fetch_token(client)
        assert (await client.get("/api/v1/carriers", headers={"Authorization": f"Bearer {fresh}"})).status_code == 200


async def test_the_expire_hook_invalidates_every_token(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    assert (await noyo.get("/api/v1/carriers")).status_code == 200
    expired = await hooks.post("/__emulator/tokens/expire")
    assert expired.json() == {"expired": 1}
    assert (await noyo.get("/api/v1/carriers")).status_code == 401


async def test_custom_credentials() -> None:
    app = create_app(client_id="acme", client_secret="s3cret")
    async with client_for(app) as client:
        assert await fetch_token(client, "acme", "s3cret")
        with pytest.raises(httpx.HTTPStatusError):
            await fetch_token(client)
