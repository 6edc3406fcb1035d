"""Warm throughput under load: ``python -m bench throughput [--seconds 3] [--connections 50] [--rounds 7]``.

Runs the emulator (20 ms per upstream request), the gateway (``noyo-gateway serve``: uvicorn
with uvloop and httptools, access log and a rate limit on, response cache on) and a bare
Starlette app serving the very bytes of the gateway's warm answer on the same server stack, each
in its own process, and loads them with wrk at concurrency 50 from a fourth. Prints req/s of each
query against the baseline, p99/p50, ``--workers 2`` against one worker (Redis cache), and the
gateway's RSS growth over 100,000 warm requests. Every ratio comes from this one run: each side
of a comparison (gateway and bare app, two workers and one) is measured in ``--rounds``
alternating rounds, the order reversed every other round, so that both sides of a round run back
to back, and the round with the median ratio is reported (``_paired``: the machine's speed drifts
over a suite, by twofold on a busy host; one round each, or the median round of each side, would
compare two different moments). Every server first takes a second of load that is not measured
(``_warm_up``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

REVIEW_QUEUE = ("query { reviewQueue(first: 50) { totalCount edges { node { id status "
                "group { name } carrier { displayName } } } } }")
ONE_FIELD = "query { carriers { displayName } }"
REDIS_URL = "redis://127.0.0.1:6379/0"
RSS_REQUESTS = 100_000
LIST_TTL = 30  # GATEWAY_CACHE_TTL_LISTS's default: the warm entries' life
WARM_UP_SECONDS = 1  # of load on every server before its measured rounds


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def _process(args: list[str], env: dict[str, str], ready_url: str) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        _wait_http(ready_url)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _gateway(emulator_url: str, port: int, cache_url: str, workers: int) -> tuple[list[str], dict[str, str]]:
    env = {
        "NOYO_BASE_URL": emulator_url, "NOYO_TOKEN_URL": f"{emulator_url}/auth/public/token",
        "NOYO_CLIENT_ID": "demo-client", "NOYO_CLIENT_SECRET": "demo-secret",
        "GATEWAY_ALLOW_ANONYMOUS": "true", "GATEWAY_ANONYMOUS_ROLE": "viewer",
        "GATEWAY_RATE_LIMIT": "100000000/minute",  # counted on every request, never refusing
        "GATEWAY_CACHE_URL": cache_url, "GATEWAY_CACHE_NAMESPACE": f"bench-{uuid.uuid4().hex[:12]}",
    }
    args = [sys.executable, "-m", "gateway", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--log-level", "warning"]
    return args, env


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, body: str, seconds: float, connections: int) -> Load:
    """Load ``url`` with POSTs of ``body`` for ``seconds`` at ``connections`` (one wrk thread)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     f"wrk.body = [==[{body}]==]\n")
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s", script.name,
                              url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return Load(rps, p50, p99, requests, errors)


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _body(query: str) -> str:
    return json.dumps({"query": query})


def _warm(url: str, query: str) -> bytes:
    for _ in range(3):
        response = httpx.post(url, json={"query": query}, timeout=30)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
    assert response.headers.get("x-response-cache") == "hit", response.headers
    return response.content


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _median(loads: list[Load], key: Callable[[Load], float] = lambda load: load.rps) -> Load:
    """The round whose ``key`` is the median of ``loads`` (the lower middle one of an even count)."""
    return sorted(loads, key=key)[(len(loads) - 1) // 2]


def _paired(sides: list[Load], bases: list[Load]) -> tuple[Load, Load]:
    """The round whose req/s ratio ``side / base`` is the median of the rounds' ratios (the lower
    middle one of an even count). Both sides of a round ran back to back (``_alternating``), so
    each ratio compares one moment of the machine: its speed may change twofold within a suite,
    and the median round of each side alone may come from two different moments."""
    pairs = sorted(zip(sides, bases, strict=True), key=lambda pair: pair[0].rps / pair[1].rps)
    return pairs[(len(pairs) - 1) // 2]


def _warm_up(runs: Mapping[str, Callable[..., Load]]) -> None:
    """One second of each run's load, not measured: a process's first second under load (its
    connections accepted, its allocator growing to the working set) is not its steady state."""
    for run in runs.values():
        run(seconds=WARM_UP_SECONDS)


def _alternating(rounds: int, runs: Mapping[str, Callable[[], Load]]) -> dict[str, list[Load]]:
    """``rounds`` rounds of every run in ``runs``, the order reversed every other round, so that a
    drift of the machine's speed during the suite falls on both sides of a comparison alike."""
    done: dict[str, list[Load]] = {name: [] for name in runs}
    for number in range(rounds):
        order = list(runs) if number % 2 == 0 else list(runs)[::-1]
        for name in order:
            done[name].append(runs[name]())
    return done


def run(latency_ms: int, seconds: float, connections: int, rounds: int) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk; `make bench` does it)")
    emulator_port, gateway_port = _free_port(), _free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    gateway_url = f"http://127.0.0.1:{gateway_port}/graphql"
    emulator = [sys.executable, "-m", "noyo_emulator", "--port", str(emulator_port), "--latency-ms", str(latency_ms)]
    queries = (("review", REVIEW_QUEUE), ("one", ONE_FIELD))
    load: dict[str, Any] = {"seconds": seconds, "connections": connections}  # every measured wrk run's
    rows: list[tuple[str, str, str]] = []
    with _process(emulator, {}, f"{emulator_url}/__emulator/requests"):
        args, env = _gateway(emulator_url, gateway_port, "memory://", 1)
        with _process(args, env, f"http://127.0.0.1:{gateway_port}/healthz") as gateway, ExitStack() as baselines:
            started = time.monotonic()
            runs: dict[str, Callable[..., Load]] = {}
            for name, query in queries:
                body_file = baselines.enter_context(tempfile.NamedTemporaryFile("wb", suffix=".json"))
                body_file.write(_warm(gateway_url, query))
                body_file.flush()
                port = _free_port()
                baseline = [sys.executable, "-m", "uvicorn", "bench._baseline:app", "--port", str(port),
                            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
                baselines.enter_context(_process(baseline, {"BENCH_BODY_FILE": body_file.name},
                                                 f"http://127.0.0.1:{port}/"))
                baseline_url = f"http://127.0.0.1:{port}/graphql"
                runs[f"{name} baseline"] = partial(wrk, baseline_url, _body(query), **load)
                runs[f"{name} gateway"] = partial(wrk, gateway_url, _body(query), **load)
            _warm_up(runs)
            loads = _alternating(rounds, runs)
            # warm-up spans one expiry of the cached lists (the first miss under load sets the
            # allocator's high-water mark); flat means no growth after that
            remaining = LIST_TTL + 2 - (time.monotonic() - started)
            if remaining > 0:
                loads["warm-up"] = [wrk(gateway_url, _body(REVIEW_QUEUE), remaining, connections)]
            served = sum(load.requests for key, done in loads.items() if "baseline" not in key for load in done)
            rss_before = _rss_mib(gateway.pid)
            rss_requests = 0
            review_rps = _median(loads["review gateway"]).rps
            while rss_requests < RSS_REQUESTS:
                todo = RSS_REQUESTS - rss_requests
                rss_requests += wrk(gateway_url, _body(REVIEW_QUEUE), max(2.0, min(60.0, todo / max(
                    review_rps, 100) * 1.05)), connections).requests
            rss_after = _rss_mib(gateway.pid)
        scaling: dict[str, list[Load]] = {}
        if _redis_up():
            with ExitStack() as servers:
                scaled: dict[str, Callable[..., Load]] = {}
                for workers in (1, 2):
                    port = _free_port()
                    url = f"http://127.0.0.1:{port}/graphql"
                    args, env = _gateway(emulator_url, port, REDIS_URL, workers)
                    servers.enter_context(_process(args, env, f"http://127.0.0.1:{port}/healthz"))
                    for _ in range(workers * 3):
                        _warm(url, REVIEW_QUEUE)
                    scaled[str(workers)] = partial(wrk, url, _body(REVIEW_QUEUE), **load)
                _warm_up(scaled)
                scaling = _alternating(rounds, scaled)

    review, review_base = _paired(loads["review gateway"], loads["review baseline"])
    one, one_base = _paired(loads["one gateway"], loads["one baseline"])
    rows.append(("warm reviewQueue(first: 50), req/s gateway / bare Starlette",
                 f"{review.rps:.0f} / {review_base.rps:.0f} = {review.rps / review_base.rps:.0%}", ">= 50 %"))
    rows.append(("warm { carriers { displayName } }, req/s gateway / bare Starlette",
                 f"{one.rps:.0f} / {one_base.rps:.0f} = {one.rps / one_base.rps:.0%}", ">= 60 %"))
    tail = _median(loads["review gateway"], key=lambda load: load.p99_ms / load.p50_ms)
    rows.append(("warm reviewQueue p99 / p50 at c=50",
                 f"{tail.p99_ms:.2f} / {tail.p50_ms:.2f} ms = {tail.p99_ms / tail.p50_ms:.2f}", "<= 2"))
    if scaling:
        two, one_worker = _paired(scaling["2"], scaling["1"])
        rows.append(("--workers 2 / 1 with Redis, warm reviewQueue req/s",
                     f"{two.rps:.0f} / {one_worker.rps:.0f} = {two.rps / one_worker.rps:.2f}x", ">= 1.5x"))
    else:
        rows.append(("--workers 2 / 1 with Redis", "skipped: no Redis on 127.0.0.1:6379", ">= 1.5x"))
    rows.append((f"gateway RSS over {rss_requests:,} warm requests (after {served:,})",
                 f"{rss_before:.1f} -> {rss_after:.1f} MiB = {rss_after - rss_before:+.1f} MiB", "within 5 MiB"))
    failed = sum(load.errors for done in [*loads.values(), *scaling.values()] for load in done)
    print(f"wrk at concurrency {connections}, {seconds:g} s per measurement, {rounds} alternating rounds of each "
          f"(each ratio: the round with the median ratio of both sides measured back to back; p99/p50: the median round's); emulator latency {latency_ms} ms; "
          f"non-2xx responses: {failed}\n")
    for name in ("review", "one"):
        sides, bases = loads[f"{name} gateway"], loads[f"{name} baseline"]
        print(f"  rounds, {name}: gateway " + " ".join(f"{load.rps:.0f}" for load in sides)
              + " / baseline " + " ".join(f"{load.rps:.0f}" for load in bases)
              + " = " + " ".join(f"{side.rps / base.rps:.0%}" for side, base in zip(sides, bases)))
        print(f"  rounds, {name} p99/p50 ms: gateway "
              + " ".join(f"{load.p99_ms:.1f}/{load.p50_ms:.1f}" for load in loads[f"{name} gateway"])
              + " / baseline " + " ".join(f"{load.p99_ms:.1f}/{load.p50_ms:.1f}" for load in loads[f"{name} baseline"]))
    if scaling:
        print("  rounds, workers: 2 " + " ".join(f"{load.rps:.0f}" for load in scaling["2"])
              + " / 1 " + " ".join(f"{load.rps:.0f}" for load in scaling["1"])
              + " = " + " ".join(f"{two.rps / one.rps:.2f}x" for two, one in zip(scaling["2"], scaling["1"])))
    print()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':{width}}  {'figure':38}  target")
    print("-" * (width + 50))
    for measure, figure, target in rows:
        print(f"{measure:{width}}  {figure:38}  {target}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-ms", type=int, default=20, help="emulator latency per request")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each wrk measurement")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds of each measurement")
    args = parser.parse_args(argv)
    run(args.latency_ms, args.seconds, args.connections, args.rounds)


if __name__ == "__main__":
    main()
