"""Retries: GETs on transient failures with back-off and Retry-After; writes never."""

from __future__ import annotations

import datetime as dt
import email.utils

import httpx
import pytest

from gateway.noyo import (
    NoyoClient,
    NoyoRateLimited,
    NoyoServerError,
    NoyoTimeout,
    NoyoUnavailable,
    RetryPolicy,
)
from gateway.noyo.retry import RETRYABLE_STATUSES, parse_retry_after
from gateway.settings import Settings

from .support import RecordingSleep, inject_fault, upstream_counts
from .test_auth import _disconnection_body, any_group_id

GROUP_KEY = "GET /api/v1/groups/{group_id}"
CREATE_KEY = "POST /api/v1/group_disconnection_requests"


async def test_read_succeeds_after_two_injected_503s(client: NoyoClient, emulator_app, hooks, sleeps) -> None:
    # given Noyo fails the next two reads of a group with 503
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=503, count=2)

    # when the client reads it
    group = await client.get_group(group_id)

    # then the third call succeeded after two back-offs
    assert group.id == group_id
    assert (await upstream_counts(hooks))[GROUP_KEY] == 3
    assert len(sleeps.delays) == 2


@pytest.mark.parametrize("status", sorted(RETRYABLE_STATUSES))
async def test_each_retryable_status_is_retried(client: NoyoClient, emulator_app, hooks, status: int) -> None:
    # given one failure with a retryable status
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=status, count=1)

    # when the client reads, then it recovers on the second call
    assert (await client.get_group(group_id)).id == group_id
    assert (await upstream_counts(hooks))[GROUP_KEY] == 2


async def test_read_survives_a_connection_reset(client: NoyoClient, emulator_app, hooks) -> None:
    # given the next read's connection is reset mid-response
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", reset_rate=1.0, count=1)

    # when the client reads, then it retries and succeeds
    assert (await client.get_group(group_id)).id == group_id
    assert (await upstream_counts(hooks))[GROUP_KEY] == 2


async def test_retry_after_is_honoured(client: NoyoClient, emulator_app, hooks, sleeps) -> None:
    # given a 503 asking to retry after 3 s
    group_id = any_group_id(emulator_app)
    await inject_fault(
        hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=503, retry_after=3, count=1
    )

    # when the client reads
    await client.get_group(group_id)

    # then it waited exactly what Noyo asked
    assert sleeps.delays == [3.0]


async def test_retry_after_is_capped_at_the_max_delay(client: NoyoClient, emulator_app, hooks, sleeps, policy) -> None:
    # given a 429 asking for a wait far above the max back-off
    group_id = any_group_id(emulator_app)
    await inject_fault(
        hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=429, retry_after=600, count=1
    )

    # when the client reads
    await client.get_group(group_id)

    # then the wait was capped
    assert sleeps.delays == [policy.backoff_max]


async def test_gives_up_after_max_attempts(client: NoyoClient, emulator_app, hooks, sleeps, policy) -> None:
    # given a group that always answers 503
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=503)

    # when the client reads it
    with pytest.raises(NoyoUnavailable) as caught:
        await client.get_group(group_id)

    # then it tried max_attempts times with a back-off between each
    assert caught.value.status == 503
    assert (await upstream_counts(hooks))[GROUP_KEY] == policy.max_attempts
    assert len(sleeps.delays) == policy.max_attempts - 1


async def test_persistent_429_raises_rate_limited_with_hint(client: NoyoClient, emulator_app, hooks) -> None:
    # given a group that always answers 429 with a Retry-After
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=429, retry_after=2)

    # when the client reads, then the final error carries Noyo's hint
    with pytest.raises(NoyoRateLimited) as caught:
        await client.get_group(group_id)
    assert caught.value.retry_after == 2.0


async def test_500_is_not_retried(client: NoyoClient, emulator_app, hooks) -> None:
    # given a 500 on the next read
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=500, count=1)

    # when the client reads, then it fails at once with a server error
    with pytest.raises(NoyoServerError) as caught:
        await client.get_group(group_id)
    assert caught.value.status == 500
    assert (await upstream_counts(hooks))[GROUP_KEY] == 1


async def test_post_is_never_retried_on_503(client: NoyoClient, emulator_app, hooks, sleeps) -> None:
    # given Noyo answers the next disconnection POST with 503
    state = emulator_app.state.emulator
    before = len(state.disconnections)
    await inject_fault(hooks, path="/api/v1/group_disconnection_requests", error_rate=1.0, error_status=503, count=1)

    # when the platform creates a disconnection request
    with pytest.raises(NoyoUnavailable):
        await client.create_disconnection_request(_disconnection_body(state))

    # then exactly one POST went upstream, and nothing was created
    assert (await upstream_counts(hooks))[CREATE_KEY] == 1
    assert sleeps.delays == []
    assert len(state.disconnections) == before


async def test_post_is_never_retried_on_reset(client: NoyoClient, emulator_app, hooks) -> None:
    # given the next disconnection POST's connection is reset
    state = emulator_app.state.emulator
    await inject_fault(hooks, path="/api/v1/group_disconnection_requests", reset_rate=1.0, count=1)

    # when the platform creates a disconnection request, then it fails after one POST
    with pytest.raises(NoyoUnavailable):
        await client.create_disconnection_request(_disconnection_body(state))
    assert (await upstream_counts(hooks))[CREATE_KEY] == 1


async def test_total_deadline_bounds_a_slow_call(emulator_app, hooks, settings: Settings) -> None:
    # given a client with a 0.2 s overall deadline and a read that takes 2 s
    group_id = any_group_id(emulator_app)
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", latency_ms=2000)
    policy = RetryPolicy(total_timeout=0.2, sleep=RecordingSleep())
    transport = httpx.ASGITransport(app=emulator_app)

    async with NoyoClient.from_settings(settings, transport=transport, retry=policy) as client:
        # when it reads, then it gives up with a timeout at the deadline
        with pytest.raises(NoyoTimeout):
            await client.get_group(group_id)


async def test_no_retry_when_the_wait_would_pass_the_deadline(
    emulator_app, hooks, settings: Settings
) -> None:
    # given a 10 s deadline and a 503 asking to retry after 20 s
    group_id = any_group_id(emulator_app)
    await inject_fault(
        hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=503, retry_after=20, count=1
    )
    sleeps = RecordingSleep()
    policy = RetryPolicy(total_timeout=10, backoff_max=30, sleep=sleeps)

    async with NoyoClient.from_settings(
        settings, transport=httpx.ASGITransport(app=emulator_app), retry=policy
    ) as client:
        # when it reads, then it fails at once rather than waiting past its deadline
        with pytest.raises(NoyoUnavailable):
            await client.get_group(group_id)
    assert sleeps.delays == []
    assert (await upstream_counts(hooks))[GROUP_KEY] == 1


# -- the policy's arithmetic -------------------------------------------------


def test_backoff_doubles_up_to_the_max_with_full_jitter() -> None:
    # given a policy whose jitter always draws its top value
    top = RetryPolicy(backoff_base=0.2, backoff_max=1.0, jitter=lambda: 1.0)
    # then the ceiling doubles per retry and is capped
    assert [top.backoff(n) for n in range(5)] == [0.2, 0.4, 0.8, 1.0, 1.0]
    # and a draw of 0.5 gives half of it (full jitter)
    half = RetryPolicy(backoff_base=0.2, backoff_max=1.0, jitter=lambda: 0.5)
    assert half.backoff(2) == pytest.approx(0.4)


def test_next_delay_stops_at_max_attempts_and_deadline() -> None:
    now = [100.0]
    policy = RetryPolicy(max_attempts=3, backoff_base=1, backoff_max=8, total_timeout=5,
                         jitter=lambda: 1.0, clock=lambda: now[0])
    # within budget: a wait is granted
    assert policy.next_delay(1, started=100.0) == 1.0
    # attempts exhausted
    assert policy.next_delay(3, started=100.0) is None
    # the wait would end past the deadline
    now[0] = 104.5
    assert policy.next_delay(2, started=100.0) is None


def test_parse_retry_after_seconds_and_http_date() -> None:
    now = dt.datetime(2026, 7, 4, 12, 0, 0, tzinfo=dt.timezone.utc)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=7), usegmt=True)
    assert parse_retry_after("3", now=now) == 3.0
    assert parse_retry_after(later, now=now) == pytest.approx(7.0)
    assert parse_retry_after(email.utils.format_datetime(now - dt.timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None
