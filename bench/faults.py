"""Redis fault benchmark: ``python -m bench faults [--pause 10] [--concurrency 10]``.

Runs the gateway in-process on a redis-server of its own (a free port, with an append-only
file as the README asks; the shared Redis is never touched) against the emulator served over loopback HTTP, with a steady read load at
the given concurrency and a writer sending keyed ``createDisconnectionRequest``s (every third one
hit by an after-commit connection reset, and every one retried with its key until it has an
outcome). Each reader waits 2 ms between requests: with everything in one process, readers
answered from memory without ever waiting on a socket would otherwise starve the emulator's
thread, and the requests that do need Noyo stall until their deadline, Redis fault or not.
Phases: normal; Redis paused with SIGSTOP; Redis killed, then restarted. Prints,
per phase, requests, gateway 5xx and read p50/p99; the pause target (p99 <= 2 x normal p99 +
100 ms); how long the gateway took to use Redis again after SIGCONT and after the restart
(target <= 5 s); and upstream writes against records made (target: 0 duplicates).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import threading
import time
from dataclasses import dataclass, field

import httpx
import uvicorn

from bench._redis_server import RedisServer, free_port
from gateway.app import create_app
from gateway.settings import Settings
from noyo_emulator import create_app as create_emulator

GROUP = "query($id: ID!) { group(id: $id) { id name connections { status carrier { displayName } } } }"
QUEUE = "query { reviewQueue(first: 20) { totalCount edges { node { id status group { name } } } } }"
REQUEST = """mutation($input: CreateDisconnectionRequestInput!, $key: String) {
  createDisconnectionRequest(input: $input, idempotencyKey: $key) { disconnectionRequest { id } errors { code } } }"""
THINK = 0.002  # seconds each reader waits between requests
RETRYABLE = {"IDEMPOTENCY_UNAVAILABLE", "IDEMPOTENCY_KEY_IN_USE", "OUTCOME_UNKNOWN", "UPSTREAM_UNAVAILABLE",
             "UPSTREAM_TIMEOUT", "UPSTREAM_ERROR"}


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors_5xx: int = 0
    failures: int = 0  # GraphQL errors in a 200 answer

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def _serve_emulator(latency_ms: int) -> tuple[str, uvicorn.Server, object]:
    port = free_port()
    app = create_emulator(seed=42, latency_ms=latency_ms)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, app


def _pairs(state: object) -> list[tuple[str, str]]:
    busy = {(r["group_id"], r["carrier_id"]) for r in state.disconnections.values()}  # type: ignore[attr-defined]
    pairs = []
    for conn in sorted(state.connections.values(), key=lambda c: c["id"]):  # type: ignore[attr-defined]
        pair = (conn["group_id"], conn["carrier_id"])
        if conn["status"] == "completed" and pair not in busy and conn["group_id"] not in state.protected_group_ids:  # type: ignore[attr-defined]
            pairs.append(pair)
    return pairs


class Load:
    """Readers at a fixed concurrency, recording into whichever phase is current."""

    def __init__(self, client: httpx.AsyncClient, group_ids: list[str], concurrency: int) -> None:
        self.client = client
        self.group_ids = group_ids
        self.concurrency = concurrency
        self.phase = Phase("warm-up")
        self.stopping = False

    async def reader(self, n: int) -> None:
        i = n
        while not self.stopping:
            i += self.concurrency
            query, variables = (QUEUE, {}) if i % 5 == 0 else (GROUP, {"id": self.group_ids[i % len(self.group_ids)]})
            phase = self.phase
            started = time.perf_counter()
            try:
                response = await self.client.post("/graphql", json={"query": query, "variables": variables})
            except Exception:  # noqa: BLE001 - counted as a server failure
                phase.errors_5xx += 1
                continue
            phase.latencies.append(time.perf_counter() - started)
            await asyncio.sleep(THINK)  # leave the emulator's thread (same process) room to answer
            if response.status_code >= 500:
                phase.errors_5xx += 1
            elif response.json().get("errors"):
                phase.failures += 1


class Writer:
    """Keyed disconnection requests, each retried with its key until it has an outcome."""

    def __init__(self, client: httpx.AsyncClient, hooks: httpx.AsyncClient, pairs: list[tuple[str, str]],
                 end: str) -> None:
        self.client, self.hooks, self.pairs, self.end = client, hooks, pairs, end
        self.sent: list[tuple[str, str]] = []
        self.attempts = 0
        self.errors_5xx = 0
        self.stopping = False

    async def run(self) -> None:
        for n, (group_id, carrier_id) in enumerate(self.pairs):
            if self.stopping:
                return
            if n % 3 == 0:  # this one's answer is lost after Noyo committed it
                await self.hooks.post("/__emulator/faults", json={
                    "path": "/api/v1/group_disconnection_requests", "method": "POST", "after_commit": "reset",
                    "count": 1})
            variables = {"input": {"groupId": group_id, "carrierId": carrier_id, "effectiveEndDate": self.end},
                         "key": f"bench-{n}"}
            self.sent.append((group_id, carrier_id))
            while not self.stopping:
                self.attempts += 1
                response = await self.client.post("/graphql", json={"query": REQUEST, "variables": variables})
                if response.status_code >= 500:
                    self.errors_5xx += 1
                    await asyncio.sleep(0.2)
                    continue
                codes = [e["code"] for e in response.json()["data"]["createDisconnectionRequest"]["errors"]]
                if not codes or not set(codes) & RETRYABLE:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(0.3)


async def _until(check, limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if await check():
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    return None


async def run(pause: float, normal: float, killed: float, concurrency: int, latency_ms: int) -> None:
    redis = RedisServer(persistent=True).start()  # AOF, as the README asks for idempotency keys
    base_url, server, emulator = _serve_emulator(latency_ms)
    state = emulator.state.emulator  # type: ignore[attr-defined]
    settings = Settings(noyo_base_url=base_url, noyo_token_url=f"{base_url}/auth/public/token",
                        noyo_client_id="demo-client", noyo_client_secret="demo-secret",
                        gateway_cache_url=redis.url, gateway_cache_namespace=f"bench-faults-{time.monotonic_ns()}",
                        gateway_allow_anonymous=True, gateway_anonymous_role="admin", gateway_anonymous_scopes="phi",
                        gateway_rate_limit="")
    gateway = create_app(settings)
    pairs = _pairs(state)
    group_ids = sorted({g for g, _ in pairs})[:40]
    end = (state.today + dt.timedelta(days=30)).isoformat()
    try:
        async with gateway.router.lifespan_context(gateway):
            client = httpx.AsyncClient(transport=httpx.ASGITransport(gateway), base_url="http://gateway.bench",
                                       timeout=60)
            hooks = httpx.AsyncClient(base_url=base_url, timeout=10)
            load = Load(client, group_ids, concurrency)
            writer = Writer(client, hooks, pairs[: max(6, min(len(pairs), 24))], end)
            readers = [asyncio.create_task(load.reader(n)) for n in range(concurrency)]
            await asyncio.sleep(2)  # warm caches
            phases = {name: Phase(name) for name in ("normal", "paused", "killed")}
            writing = asyncio.create_task(writer.run())

            load.phase = phases["normal"]
            await asyncio.sleep(normal)

            load.phase = phases["paused"]
            redis.pause()
            await asyncio.sleep(pause)
            redis.resume()

            async def redis_used() -> bool:
                return (await client.get("/readyz")).json().get("degraded") == []

            load.phase = Phase("after pause")
            after_pause = await _until(redis_used, 15)

            load.phase = phases["killed"]
            await asyncio.to_thread(redis.kill)
            await asyncio.sleep(killed)
            await asyncio.to_thread(redis.start)
            after_restart = await _until(redis_used, 15)
            load.phase = Phase("end")
            await asyncio.wait_for(asyncio.shield(writing), timeout=30)
            load.stopping = writer.stopping = True
            await asyncio.gather(*readers, writing, return_exceptions=True)
            upstream_posts = state.request_counts.get("POST /api/v1/group_disconnection_requests", 0)
            await client.aclose()
            await hooks.aclose()
    finally:
        redis.__exit__()
        server.should_exit = True

    made: dict[tuple[str, str], int] = {}
    for record in state.disconnections.values():
        pair = (record["group_id"], record["carrier_id"])
        if pair in set(writer.sent):
            made[pair] = made.get(pair, 0) + 1
    duplicates = sum(n - 1 for n in made.values() if n > 1)

    print(f"concurrency {concurrency}; emulator latency {latency_ms} ms; Redis paused {pause:g} s, "
          f"killed {killed:g} s (a redis-server of its own on port {redis.port})\n")
    header = f"{'phase':10} {'requests':>9} {'5xx':>5} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    for phase in phases.values():
        print(f"{phase.name:10} {len(phase.latencies):>9} {phase.errors_5xx:>5} {phase.failures:>7} "
              f"{phase.p(0.5):>8.1f} {phase.p(0.99):>8.1f}")
    normal_p99, paused_p99 = phases["normal"].p(0.99), phases["paused"].p(0.99)
    bound = 2 * normal_p99 + 100
    total_5xx = sum(p.errors_5xx for p in phases.values()) + writer.errors_5xx
    print()
    print(f"paused p99 / normal p99: {paused_p99 / normal_p99:.2f}x; target p99 <= 2 x normal + 100 ms = "
          f"{bound:.1f} ms: {'met' if paused_p99 <= bound else 'MISSED'}")

    def seconds(value: float | None) -> str:
        return "not within 15 s" if value is None else f"{value:.2f} s"

    print(f"Redis used again after SIGCONT: {seconds(after_pause)}; after the restart: {seconds(after_restart)} "
          f"(target <= 5 s: {'met' if after_restart is not None and after_restart <= 5 else 'MISSED'})")
    print(f"gateway 5xx in all phases (reads and writes): {total_5xx} (target 0)")
    print(f"keyed writes: {len(writer.sent)} (a third with the answer lost after commit), attempts {writer.attempts}, "
          f"upstream POSTs {upstream_posts}, records made {sum(made.values())}, duplicates {duplicates} (target 0)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench faults", description=__doc__)
    parser.add_argument("--pause", type=float, default=10.0, help="seconds Redis stays paused")
    parser.add_argument("--normal", type=float, default=8.0, help="seconds of the baseline phase")
    parser.add_argument("--killed", type=float, default=3.0, help="seconds Redis stays dead")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=5, help="emulator latency per upstream request")
    args = parser.parse_args(argv)
    asyncio.run(run(args.pause, args.normal, args.killed, args.concurrency, args.latency_ms))


if __name__ == "__main__":
    main()
