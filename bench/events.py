"""Noyo events across two replicas: webhook acknowledgement, event-to-invalidation, event-to-subscriber.

One run: the emulator (``--latency-ms`` per upstream request) and two gateway replicas, each a
process of its own on loopback (``noyo-gateway serve``), sharing a private redis-server (never the
shared one). The bench
plays Noyo: it signs status-change events of the emulator's records and POSTs them, alternating
replicas, ``--concurrency`` at a time, a tenth of them delivered twice (Noyo's at-least-once).

- acknowledgement: from sending a webhook to its answer (target p99 <= 50 ms); baseline: ``GET
  /healthz`` on the same servers in the same run;
- event-to-invalidation: from sending to the record's invalidation reaching a bus subscriber on
  the replicas' Redis, i.e. every replica (target p99 <= 1 s); baseline: one direct refetch of a
  record from the emulator (the pipeline makes one);
- event-to-subscriber: from sending to the ``Change`` reaching a subscriber of the ``changes``
  channel (target p99 <= 2 s): a bus subscriber, the closest measure of what GraphQL
  subscriptions deliver (they consume that channel).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import httpx

from bench._redis_server import RedisServer, free_port
from gateway.cache.invalidation import INVALIDATIONS
from gateway.events import CHANGES, Bus
from gateway.events.signature import sign
from noyo_emulator import create_app as create_emulator

SECRET = "bench-webhook-secret"
HOOK = "/webhooks/noyo"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _signed(event_type: str, record_id: str) -> tuple[str, bytes, dict[str, str]]:
    event_id = str(uuid.uuid4())
    body = json.dumps({"data": {"id": record_id}, "event": {"id": event_id, "created": int(time.time()),
                                                            "type": event_type}}, separators=(",", ":")).encode()
    timestamp = dt.datetime.now(dt.timezone.utc).isoformat()
    return event_id, body, {"content-type": "application/json", "x-noyo-timestamp": timestamp,
                            "x-noyo-signature": sign(SECRET, timestamp, body)}


class Probe:
    """When the bus delivered each event's invalidation and change (a bus of the bench's own on the
    replicas' Redis: pub/sub hands it every message at the same moment as the replicas)."""

    def __init__(self) -> None:
        self.invalidated: dict[str, list[float]] = {}
        self.changed: dict[str, list[float]] = {}

    def listen(self, bus: Bus) -> None:
        def on_invalidation(message: dict[str, Any]) -> None:
            for record_id in (message.get("entities") or {}).get("disconnection", []):
                self.invalidated.setdefault(record_id, []).append(time.perf_counter())

        def on_change(message: dict[str, Any]) -> None:
            if message.get("event_id"):
                self.changed.setdefault(message["event_id"], []).append(time.perf_counter())

        bus.add_listener(INVALIDATIONS, on_invalidation)
        bus.add_listener(CHANGES, on_change)


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _ready(client: httpx.AsyncClient, url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited at start-up")
        with contextlib.suppress(httpx.HTTPError):
            if (await client.get(url)).status_code < 500:
                return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not start")


async def run(events: int, concurrency: int, latency_ms: int) -> None:
    """The emulator and each replica in a process of its own, as deployed."""
    redis = RedisServer().start()
    namespace = f"bench-events-{uuid.uuid4().hex[:8]}"
    emulator_port, ports = free_port(), [free_port(), free_port()]
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    env = {
        "NOYO_BASE_URL": emulator_url, "NOYO_TOKEN_URL": f"{emulator_url}/auth/public/token",
        "NOYO_CLIENT_ID": "demo-client", "NOYO_CLIENT_SECRET": "demo-secret", "NOYO_READ_MAX_ATTEMPTS": "1",
        "GATEWAY_CACHE_URL": redis.url, "GATEWAY_CACHE_NAMESPACE": namespace, "GATEWAY_ALLOW_ANONYMOUS": "true",
        "GATEWAY_RATE_LIMIT": "", "GATEWAY_WEBHOOK_SECRETS": SECRET,
    }
    processes = [_spawn(["-m", "noyo_emulator", "--port", str(emulator_port), "--latency-ms", str(latency_ms)], {})]
    processes += [_spawn(["-m", "gateway", "serve", "--port", str(port), "--log-level", "warning"], env)
                  for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    bus = Bus.from_url(redis.url, namespace=namespace)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            await _ready(client, f"{emulator_url}/__emulator/clock", processes[0])
            for url, process in zip(urls, processes[1:]):
                await _ready(client, f"{url}/healthz", process)
            await bus.start()
            probe = Probe()
            probe.listen(bus)
            state = create_emulator(seed=42).state.emulator  # the same seeded world: its record ids
            await _report(client, urls, emulator_url, sorted(state.disconnections), probe, events, concurrency,
                          latency_ms)
    finally:
        await bus.close()
        for process in processes:
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        redis.kill()


async def _report(client: httpx.AsyncClient, urls: list[str], emulator_url: str, record_ids: list[str],
                  probe: Probe, events: int, concurrency: int, latency_ms: int) -> None:
    acks: list[float] = []
    health: list[float] = []
    sent: list[tuple[str, str, int, float]] = []  # event id, record id, receiving replica, sent at
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(events):
        queue.put_nowait(i)

    async def sender() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            replica = i % len(urls)
            record_id = record_ids[i % len(record_ids)]
            event_id, body, headers = _signed("group_disconnection_request.status_change", record_id)
            started = time.perf_counter()
            response = await client.post(f"{urls[replica]}{HOOK}", content=body, headers=headers)
            acks.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            sent.append((event_id, record_id, replica, started))
            if i % 10 == 0:  # Noyo delivering the same event twice, to the other replica
                started = time.perf_counter()
                await client.post(f"{urls[1 - replica]}{HOOK}", content=body, headers=headers)
                acks.append(time.perf_counter() - started)
            started = time.perf_counter()
            await client.get(f"{urls[replica]}/healthz")
            health.append(time.perf_counter() - started)
            await asyncio.sleep(0.005)

    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and len(probe.changed) < len(sent):
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - began

    to_invalidation, to_subscriber, missing, duplicates = [], [], 0, 0
    for event_id, record_id, _replica, started in sent:
        heard = sorted(t for t in probe.invalidated.get(record_id, []) if t >= started)
        changes = probe.changed.get(event_id, [])
        if not heard or not changes:
            missing += 1
            continue
        to_invalidation.append(heard[0] - started)
        to_subscriber.append(changes[0] - started)
    for changes in probe.changed.values():
        duplicates += max(len(changes) - 1, 0)

    token = (await client.post(f"{emulator_url}/auth/public/token", auth=("demo-client", "demo-secret"),
                               json={"grant_type": "client_credentials"})).json()["access_token"]
    refetch = []
    for record_id in record_ids[:50]:
        started = time.perf_counter()
        await client.get(f"{emulator_url}/api/v1/group_disconnection_requests/{record_id}",
                         headers={"authorization": f"Bearer {token}"})
        refetch.append(time.perf_counter() - started)

    print(f"{len(sent)} events (+{len(acks) - len(sent)} duplicate deliveries) over 2 replicas, concurrency "
          f"{concurrency}, emulator latency {latency_ms} ms; {elapsed:.1f} s; answers {dict(sorted(statuses.items()))}")
    published = sum(len(c) for c in probe.changed.values())
    print(f"changes published: {published} for {len(sent)} events (exactly once each: {published == len(sent)}); "
          f"events without a change {missing}; extra changes {duplicates}\n")
    header = (f"{'measure':38} {'p50 ms':>8} {'p99 ms':>8} {'target':>10} {'baseline p50/p99 ms':>20}"
              f" {'p50/baseline':>12} {'p99/baseline':>12}")
    print(header)
    print("-" * len(header))
    rows = [
        ("webhook acknowledgement", acks, 50, "GET /healthz", health),
        ("event -> invalidation (every replica)", to_invalidation, 1000, "one refetch", refetch),
        ("event -> subscriber*", to_subscriber, 2000, "one refetch", refetch),
    ]
    for name, values, target, _, baseline in rows:
        p50, p99 = _pct(values, 0.5) * 1000, _pct(values, 0.99) * 1000
        b50, b99 = _pct(baseline, 0.5) * 1000, _pct(baseline, 0.99) * 1000
        verdict = "ok" if p99 <= target else "MISSED"
        print(f"{name:38} {p50:>8.1f} {p99:>8.1f} {f'{target} {verdict}':>10} {f'{b50:.1f}/{b99:.1f}':>20}"
              f" {p50 / b50:>12.2f} {p99 / b99:>12.2f}")
    print("\n* a bus subscriber of the changes channel (what GraphQL subscriptions consume); "
          "baselines: /healthz on the same servers, one direct GET of a record from the emulator")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench events", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency-ms", type=int, default=20, help="emulator latency per upstream request")
    args = parser.parse_args(argv)
    asyncio.run(run(args.events, args.concurrency, args.latency_ms))


if __name__ == "__main__":
    main()
