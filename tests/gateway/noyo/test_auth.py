"""Access tokens: fetched once, refreshed before expiry, refreshed once on a 401."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from starlette.applications import Starlette

from gateway.noyo import NoyoAuthError, NoyoClient, NoyoUnauthorized, RetryPolicy, TokenProvider
from gateway.settings import Settings
from noyo_emulator import create_app

from .support import BASE_URL, TOKEN_KEY, RecordingTransport, inject_fault, upstream_counts

GROUP_KEY = "GET /api/v1/groups/{group_id}"


def any_group_id(app: Starlette) -> str:
    return next(iter(app.state.emulator.groups))


async def test_fifty_concurrent_calls_share_one_token(client: NoyoClient, emulator_app, hooks) -> None:
    # given a client that has not fetched a token yet
    group_id = any_group_id(emulator_app)

    # when 50 reads start at once
    groups = await asyncio.gather(*(client.get_group(group_id) for _ in range(50)))

    # then they all succeed on a single token request
    assert {g.id for g in groups} == {group_id}
    counts = await upstream_counts(hooks)
    assert counts[TOKEN_KEY] == 1
    assert counts[GROUP_KEY] == 50


def _provider(http: httpx.AsyncClient, settings: Settings, now: list[float]) -> TokenProvider:
    """A provider with a 60 s refresh margin whose clock reads ``now[0]``."""
    return TokenProvider(
        http,
        token_url=settings.noyo_token_url,
        client_id=settings.noyo_client_id,
        client_secret=settings.noyo_client_secret,
        refresh_margin=60,
        clock=lambda: now[0],
    )


async def test_token_is_refreshed_before_it_expires(emulator_app, hooks, settings: Settings) -> None:
    # given a provider on a controllable clock, holding a fresh 600 s token (60 s margin)
    now = [1000.0]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator_app), base_url=BASE_URL) as http:
        tokens = _provider(http, settings, now)
        client = NoyoClient(http, tokens, retry=RetryPolicy())
        group_id = any_group_id(emulator_app)
        first = await tokens.get_token()
        await client.get_group(group_id)

        # when time passes to within the margin of expiry
        now[0] += 541
        await client.get_group(group_id)

    # then the second call used a new token, fetched ahead of time (no 401 round trip)
    assert await tokens.get_token() != first
    counts = await upstream_counts(hooks)
    assert counts[TOKEN_KEY] == 2
    assert counts[GROUP_KEY] == 2


async def test_token_kept_while_far_from_expiry(emulator_app, hooks, settings: Settings) -> None:
    # given a provider on a controllable clock
    now = [0.0]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator_app), base_url=BASE_URL) as http:
        tokens = _provider(http, settings, now)
        first = await tokens.get_token()
        # when time passes but stays outside the refresh margin
        now[0] += 539
        second = await tokens.get_token()

    # then the cached token is reused
    assert second == first
    assert (await upstream_counts(hooks))[TOKEN_KEY] == 1


async def test_expired_token_is_refreshed_once_and_the_read_repeated(client: NoyoClient, emulator_app, hooks) -> None:
    # given a client holding a token that Noyo has since expired
    group_id = any_group_id(emulator_app)
    await client.get_group(group_id)
    await hooks.post("/__emulator/tokens/expire")

    # when it reads again
    group = await client.get_group(group_id)

    # then the 401 triggered one refresh and the read was sent again
    assert group.id == group_id
    counts = await upstream_counts(hooks)
    assert counts[TOKEN_KEY] == 2
    assert counts[GROUP_KEY] == 3


async def test_concurrent_401s_share_one_refresh(client: NoyoClient, emulator_app, hooks) -> None:
    # given 50 callers holding a token Noyo has since expired
    group_id = any_group_id(emulator_app)
    await client.get_group(group_id)
    await hooks.post("/__emulator/tokens/expire")

    # when they all read at once
    groups = await asyncio.gather(*(client.get_group(group_id) for _ in range(50)))

    # then one refresh served them all (1 initial token + 1 refresh)
    assert len(groups) == 50
    assert (await upstream_counts(hooks))[TOKEN_KEY] == 2


async def test_write_is_repeated_once_after_a_401(client: NoyoClient, emulator_app, hooks) -> None:
    # given Noyo refuses the next disconnection POST with a 401
    state = emulator_app.state.emulator
    body = _disconnection_body(state)
    await client.get_group(body["group_id"])  # token in hand
    await inject_fault(hooks, path="/api/v1/group_disconnection_requests", error_rate=1.0, error_status=401, count=1)
    before = len(state.disconnections)

    # when the platform creates a disconnection request
    created = await client.create_disconnection_request(body)

    # then the POST was sent twice (401, then with a fresh token) and one record exists
    counts = await upstream_counts(hooks)
    assert counts["POST /api/v1/group_disconnection_requests"] == 2
    assert counts[TOKEN_KEY] == 2
    assert len(state.disconnections) == before + 1
    assert created.id in state.disconnections


async def test_second_401_raises_unauthorized(client: NoyoClient, emulator_app, hooks) -> None:
    # given Noyo refuses the next two calls to a group with 401
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=401, count=2)

    # when the client reads it
    with pytest.raises(NoyoUnauthorized) as caught:
        await client.get_group(group_id)

    # then it refreshed exactly once and then gave up
    assert caught.value.status == 401
    counts = await upstream_counts(hooks)
    assert counts[GROUP_KEY] == 2
    assert counts[TOKEN_KEY] == 2


async def test_bad_credentials_raise_auth_error_without_the_secret(
    emulator_app, hooks, caplog: pytest.LogCaptureFixture
) -> None:
    # given a client with a wrong secret
    secret = "not-the-secret-5f1c"
    settings = Settings(
        noyo_base_url=BASE_URL,
        noyo_token_url=f"{BASE_URL}/auth/public/token",
        noyo_client_id="demo-client",
        noyo_client_secret=secret,
    )
    caplog.set_level(logging.DEBUG, logger="gateway.noyo")
    async with NoyoClient.from_settings(settings, transport=httpx.ASGITransport(app=emulator_app)) as client:
        # when it reads
        with pytest.raises(NoyoAuthError) as caught:
            await client.get_group(any_group_id(emulator_app))

    # then the token endpoint's refusal surfaces, with no trace of the secret and no API call made
    assert caught.value.status == 401
    assert secret not in str(caught.value) and secret not in caplog.text
    counts = await upstream_counts(hooks)
    assert GROUP_KEY not in counts


async def test_logs_carry_no_token_secret_or_query(
    client: NoyoClient, settings: Settings, emulator_app, caplog: pytest.LogCaptureFixture
) -> None:
    # given debug logging on the client's logger
    caplog.set_level(logging.DEBUG, logger="gateway.noyo")
    company = next(iter(emulator_app.state.emulator.groups.values()))["name"]

    # when the client makes calls with a name in the query
    await client.list_groups(company=company)
    token = await client.tokens.get_token()

    # then every call is logged by path template, without token, secret or query values
    records = [r for r in caplog.records if r.name == "gateway.noyo"]
    assert any(getattr(r, "noyo_path", None) == "/api/v1/groups" for r in records)
    assert token not in caplog.text
    assert settings.noyo_client_secret.get_secret_value() not in caplog.text
    assert company not in caplog.text


async def test_token_request_uses_basic_auth_and_client_credentials(
    client: NoyoClient, transport: RecordingTransport, emulator_app
) -> None:
    # when the client makes its first call
    await client.get_group(any_group_id(emulator_app))

    # then the token request was a client-credentials POST with HTTP Basic, then a bearer call
    token_request, api_request = transport.requests
    assert token_request.method == "POST" and token_request.url.path == "/auth/public/token"
    assert token_request.headers["authorization"].startswith("Basic ")
    assert token_request.content == b'{"grant_type":"client_credentials"}'
    assert api_request.headers["authorization"] == f"Bearer {await client.tokens.get_token()}"


def _disconnection_body(state) -> dict:
    """A platform disconnection for a connected, unprotected group and carrier."""
    for conn in state.connections.values():
        group_id = conn.get("group_id")
        if (
            conn["status"] == "completed"
            and group_id not in state.protected_group_ids
            and not any(
                d["group_id"] == group_id and d["carrier_id"] == conn["carrier_id"]
                for d in state.disconnections.values()
            )
        ):
            return {"group_id": group_id, "carrier_id": conn["carrier_id"], "effective_end_date": "2026-08-31"}
    raise AssertionError("the seeded world has no connection to disconnect")


async def test_short_lived_token_is_refreshed_halfway(settings: Settings) -> None:
    # given an emulator issuing 1 s tokens, shorter than twice the 60 s margin
    app = create_app(seed=42, token_ttl=1)
    now = [0.0]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        tokens = _provider(http, settings, now)
        first = await tokens.get_token()
        # when less than half its life has passed, then it is reused
        now[0] = 0.4
        assert await tokens.get_token() == first
        # when more than half has passed, then a new one is fetched
        now[0] = 0.6
        assert await tokens.get_token() != first
        assert (await upstream_counts(http))[TOKEN_KEY] == 2
