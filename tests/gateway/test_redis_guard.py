"""The Redis guard: a timeout per operation, a breaker that fails fast, a probe that closes it."""

from __future__ import annotations

import asyncio

import pytest

from gateway.redis_guard import Guarded, RedisGuard, RedisUnavailable


class Flaky:
    def __init__(self) -> None:
        self.up = True
        self.calls = 0

    async def op(self) -> str:
        self.calls += 1
        if not self.up:
            raise ConnectionError("down")
        return "ok"

    async def ping(self) -> None:
        if not self.up:
            raise ConnectionError("down")


async def test_a_slow_operation_fails_after_the_timeout():
    guard = RedisGuard(timeout=0.05, failures=10)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(RedisUnavailable):
        await guard.run(lambda: asyncio.sleep(5))
    assert loop.time() - started < 2.5  # cut long before the operation's 5 s, however loaded the machine


async def test_failures_open_the_circuit_and_later_calls_fail_at_once():
    redis = Flaky()
    guard = RedisGuard(timeout=0.5, failures=3, probe=redis.ping, probe_interval=0.05)
    redis.up = False
    for _ in range(3):
        with pytest.raises(RedisUnavailable):
            await guard.run(redis.op)
    assert guard.degraded and guard.opened_count == 1
    with pytest.raises(RedisUnavailable):
        await guard.run(redis.op)
    assert redis.calls == 3  # the open circuit did not call Redis

    # when Redis is back, the background probe closes the circuit
    redis.up = True
    for _ in range(40):
        if not guard.degraded:
            break
        await asyncio.sleep(0.05)
    assert not guard.degraded
    assert await guard.run(redis.op) == "ok"
    await guard.close()


async def test_a_success_resets_the_count_of_failures():
    redis = Flaky()
    guard = RedisGuard(failures=2)
    redis.up = False
    with pytest.raises(RedisUnavailable):
        await guard.run(redis.op)
    redis.up = True
    await guard.run(redis.op)
    redis.up = False
    with pytest.raises(RedisUnavailable):
        await guard.run(redis.op)
    assert not guard.degraded


async def test_guarded_proxies_coroutine_methods_only():
    redis = Flaky()
    guard = RedisGuard(failures=1, probe=redis.ping, probe_interval=10)
    proxy = Guarded(redis, guard)
    assert await proxy.op() == "ok"
    redis.up = False
    with pytest.raises(RedisUnavailable):
        await proxy.op()
    assert proxy.calls == 2  # plain attributes pass through
    await guard.close()


async def test_recovery_hooks_run_before_the_circuit_closes():
    redis = Flaky()
    guard = RedisGuard(failures=1, probe=redis.ping, probe_interval=0.02)
    seen: list[bool] = []

    async def drop_pools() -> None:
        seen.append(guard.degraded)

    guard.recovery_hooks.append(drop_pools)
    redis.up = False
    with pytest.raises(RedisUnavailable):
        await guard.run(redis.op)
    redis.up = True
    for _ in range(50):
        if not guard.degraded:
            break
        await asyncio.sleep(0.02)
    assert seen == [True] and not guard.degraded
    await guard.close()
