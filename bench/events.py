"""Noyo events across two replicas: webhook acknowledgement, event-to-invalidation, event-to-subscriber.

``python -m bench events [--rate 50] [--events 600] [--health-rate 50] [--flood 0]``

One run: the emulator (``--latency-ms`` per upstream request), two gateway replicas (``noyo-gateway
serve``: uvicorn, uvloop, httptools, the access log on) and the load generator
(``bench._deliveries``), each a process of its own on loopback, the replicas sharing a private
redis-server (never the shared one). The generator plays Noyo, which delivers webhooks as events
happen: open loop, ``--rate`` signed status-change events per second of the emulator's records
whether or not earlier ones were answered, alternating replicas, a tenth of them delivered twice
(Noyo's at-least-once, the second copy to the other replica in the next slot). ``GET /healthz``
probes run beside them at ``--health-rate`` on the same servers: the baseline.

- acknowledgement: from sending a webhook to its answer (target p99 <= 50 ms); baseline: ``GET
  /healthz`` on the same servers in the same seconds;
- event-to-invalidation: from sending to the record's invalidation reaching a bus subscriber on
  the replicas' Redis, i.e. every replica (target p99 <= 1 s); baseline: one direct refetch of a
  record from the emulator (the pipeline makes one);
- event-to-subscriber: from sending to the ``Change`` reaching a subscriber of the ``changes``
  channel (target p99 <= 2 s): a bus subscriber, the closest measure of what GraphQL
  subscriptions deliver (they consume that channel).

Also printed: how late the generator left its slots (p99; a late generator means the rate was
not offered), and the CPU each process used over the load (the machine has 2 cores shared with
whatever else runs). ``--flood N`` adds a second, labeled phase on the same servers: N closed-loop
senders delivering as fast as they are answered (each then probes ``/healthz``): a capacity
figure, not Noyo's load model, and the targets do not apply to it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench._redis_server import RedisServer, free_port
from gateway.cache.invalidation import INVALIDATIONS
from gateway.events import CHANGES, Bus
from noyo_emulator import create_app as create_emulator

SECRET = "bench-webhook-secret"
TICKS = os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Probe:
    """When the bus delivered each event's invalidation and change (a bus of the bench's own on the
    replicas' Redis: pub/sub hands it every message at the same moment as the replicas)."""

    def __init__(self) -> None:
        self.invalidated: dict[str, list[float]] = {}
        self.changed: dict[str, list[float]] = {}

    def listen(self, bus: Bus) -> Any:
        """Start listening; returns the function that stops it."""
        def on_invalidation(message: dict[str, Any]) -> None:
            for record_id in (message.get("entities") or {}).get("disconnection", []):
                self.invalidated.setdefault(record_id, []).append(time.perf_counter())

        def on_change(message: dict[str, Any]) -> None:
            if message.get("event_id"):
                self.changed.setdefault(message["event_id"], []).append(time.perf_counter())

        removers = [bus.add_listener(INVALIDATIONS, on_invalidation), bus.add_listener(CHANGES, on_change)]
        return lambda: [remove() for remove in removers]


class CpuMeter:
    """CPU seconds of named processes (``/proc/PID/stat``) and of the whole machine (``/proc/stat``)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self._start: dict[str, float] = {}
        self._wall = 0.0

    @staticmethod
    def _process(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime

    @staticmethod
    def _machine() -> float:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return (sum(values[:8]) - values[3] - values[4]) / TICKS  # all but idle and iowait

    def _now(self) -> dict[str, float]:
        now = {name: self._process(pid) for name, pid in self.pids.items()}
        now["machine (all processes)"] = self._machine()
        return now

    def start(self) -> None:
        self._start, self._wall = self._now(), time.perf_counter()

    def stop(self) -> dict[str, float]:
        """Each one's CPU use since ``start`` in % of one core."""
        wall = time.perf_counter() - self._wall
        return {name: 100 * (used - self._start[name]) / wall for name, used in self._now().items()}


def _spawn(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env={**os.environ, **(env or {})},
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


async def _generate(plan: dict[str, Any], meter: CpuMeter) -> tuple[dict[str, Any], dict[str, float]]:
    """Run the generator process on ``plan``; its record and the CPU used meanwhile."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(plan, handle)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench._deliveries", handle.name, stdout=asyncio.subprocess.PIPE, limit=2**26
        )
        assert process.stdout is not None
        if await process.stdout.readline() != b"go\n":
            raise RuntimeError("the load generator failed at start-up")
        meter.start()
        out = await process.stdout.readline()
        cpu = meter.stop()
        await process.wait()
    finally:
        Path(handle.name).unlink()
    if process.returncode != 0:
        raise RuntimeError("the load generator failed")
    record = json.loads(out)
    cpu["load generator"] = 100 * record["cpu_seconds"] / (record["ended"] - record["began"])
    return record, cpu


async def run(args: argparse.Namespace) -> None:
    """The emulator, each replica and the generator in a process of its own, as deployed."""
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
    emulator = _spawn(["-m", "noyo_emulator", "--port", str(emulator_port), "--latency-ms", str(args.latency_ms)])
    replicas = [_spawn(["-m", "gateway", "serve", "--port", str(port), "--log-level", "warning"], env)
                for port in ports]
    processes = [emulator, *replicas]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    bus = Bus.from_url(redis.url, namespace=namespace)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            await _ready(client, f"{emulator_url}/__emulator/clock", emulator)
            for url, process in zip(urls, replicas):
                await _ready(client, f"{url}/healthz", process)
            await bus.start()
            state = create_emulator(seed=42).state.emulator  # the same seeded world: its record ids
            record_ids = sorted(state.disconnections)
            meter = CpuMeter({"replica A": replicas[0].pid, "replica B": replicas[1].pid, "emulator": emulator.pid,
                              "redis-server": redis.process.pid, "bench (bus subscriber)": os.getpid()})
            plan = {"urls": urls, "record_ids": record_ids, "secret": SECRET, "events": args.events,
                    "duplicate_every": 10, "rate": args.rate, "health_rate": args.health_rate, "model": "open"}
            refetch = await _refetch_baseline(client, emulator_url, record_ids)
            await _phase(f"open loop (Noyo's model): {args.rate:g} deliveries/s offered across 2 replicas, "
                         f"/healthz probes at {args.health_rate:g}/s beside them", plan, bus, meter, refetch,
                         args.latency_ms, targets=True)
            if args.flood:
                plan = {**plan, "model": "flood", "concurrency": args.flood, "events": args.flood_events}
                await _phase(f"FLOOD (closed loop, capacity, not Noyo's model): {args.flood} senders, each "
                             "event -> its answer -> GET /healthz -> next", plan, bus, meter, refetch,
                             args.latency_ms, targets=False)
    finally:
        await bus.close()
        for process in processes:
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        redis.kill()


async def _refetch_baseline(client: httpx.AsyncClient, emulator_url: str, record_ids: list[str]) -> list[float]:
    token = (await client.post(f"{emulator_url}/auth/public/token", auth=("demo-client", "demo-secret"),
                               json={"grant_type": "client_credentials"})).json()["access_token"]
    refetch = []
    for record_id in record_ids[:50]:
        started = time.perf_counter()
        await client.get(f"{emulator_url}/api/v1/group_disconnection_requests/{record_id}",
                         headers={"authorization": f"Bearer {token}"})
        refetch.append(time.perf_counter() - started)
    return refetch


async def _phase(label: str, plan: dict[str, Any], bus: Bus, meter: CpuMeter, refetch: list[float],
                 latency_ms: int, *, targets: bool) -> None:
    probe = Probe()
    stop_listening = probe.listen(bus)
    record, cpu = await _generate(plan, meter)
    deliveries = record["deliveries"]
    firsts = [d for d in deliveries if not d["duplicate"]]
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and len(probe.changed) < len(firsts):
        await asyncio.sleep(0.05)
    stop_listening()

    to_invalidation, to_subscriber, missing = [], [], 0
    for d in firsts:
        heard = sorted(t for t in probe.invalidated.get(d["record_id"], []) if t >= d["sent"])
        changes = probe.changed.get(d["event_id"], [])
        if not heard or not changes:
            missing += 1
            continue
        to_invalidation.append(heard[0] - d["sent"])
        to_subscriber.append(changes[0] - d["sent"])
    extra = sum(max(len(c) - 1, 0) for c in probe.changed.values())
    published = sum(len(c) for c in probe.changed.values())
    statuses: dict[str, int] = {}
    for d in deliveries:
        statuses[str(d["status"])] = statuses.get(str(d["status"]), 0) + 1
    seconds = record["ended"] - record["began"]
    acks = [d["seconds"] for d in deliveries]
    health = [h["seconds"] for h in record["health"]]
    lag = [r["lag"] for r in (*deliveries, *record["health"])]

    print(f"\n== {label} ==")
    print(f"{len(firsts)} events (+{len(deliveries) - len(firsts)} duplicate deliveries) and {len(health)} /healthz "
          f"probes in {seconds:.1f} s: {len(deliveries) / seconds:.0f} deliveries/s achieved; emulator latency "
          f"{latency_ms} ms; answers {dict(sorted(statuses.items()))}")
    if plan["model"] == "open":
        print(f"generator lateness behind its slots: p50 {_pct(lag, 0.5) * 1000:.1f} ms, "
              f"p99 {_pct(lag, 0.99) * 1000:.1f} ms")
    print(f"changes published: {published} for {len(firsts)} events (exactly once each: {published == len(firsts)}); "
          f"events without a change {missing}; extra changes {extra}")
    print("CPU over the load, % of one core (2 cores): "
          + ", ".join(f"{name} {value:.0f}" for name, value in cpu.items()) + "\n")
    header = (f"{'measure':38} {'p50 ms':>8} {'p99 ms':>8} {'target':>10} {'baseline p50/p99 ms':>20}"
              f" {'p50/baseline':>12} {'p99/baseline':>12}")
    print(header)
    print("-" * len(header))
    rows = [
        ("webhook acknowledgement", acks, 50, health),
        ("event -> invalidation (every replica)", to_invalidation, 1000, refetch),
        ("event -> subscriber*", to_subscriber, 2000, refetch),
    ]
    for name, values, target, baseline in rows:
        p50, p99 = _pct(values, 0.5) * 1000, _pct(values, 0.99) * 1000
        b50, b99 = _pct(baseline, 0.5) * 1000, _pct(baseline, 0.99) * 1000
        verdict = (f"{target} ok" if p99 <= target else f"{target} MISSED") if targets else "n/a"
        print(f"{name:38} {p50:>8.1f} {p99:>8.1f} {verdict:>10} {f'{b50:.1f}/{b99:.1f}':>20}"
              f" {p50 / b50:>12.2f} {p99 / b99:>12.2f}")
    print("\n* a bus subscriber of the changes channel (what GraphQL subscriptions consume); baselines: GET /healthz "
          "on the same servers in the same seconds, one direct GET of a record from the emulator (before the load)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench events", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50, help="deliveries per second offered (open loop)")
    parser.add_argument("--events", type=int, default=600, help="events of the open-loop phase")
    parser.add_argument("--health-rate", type=float, default=50, help="GET /healthz probes per second")
    parser.add_argument("--flood", type=int, default=0, metavar="N", help="add a closed-loop phase of N senders")
    parser.add_argument("--flood-events", type=int, default=300, help="events of the flood phase")
    parser.add_argument("--latency-ms", type=int, default=20, help="emulator latency per upstream request")
    args = parser.parse_args(argv)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
