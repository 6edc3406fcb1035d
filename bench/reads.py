"""Read-path benchmark: ``python -m bench reads [--latency-ms 20] [--iterations 10]``.

Serves the emulator over real loopback HTTP with an injected per-request latency, runs the gateway
in-process against it, and prints, per representative query: upstream calls (cold and warm, counted
at the emulator), cold and warm p50/p99, the overhead over making the same REST calls directly (a
hand-written client that already holds a token, makes the calls the gateway makes and starts each
as early as the gateway does, over the same ``NOYO_HTTP_TRANSPORT``), the dependent rounds of
upstream calls the gateway's cold request took (a call that starts after another one answered is
one round after it), and warm requests per second. "Cold" is an empty cache with a token in hand
and a warm connection pool (both clients open the same connections first, as a running gateway has
them), the objects built so far frozen out of the garbage collector as ``serve`` freezes its
start-up; every ratio comes from this one run. The emulator runs in a process of its own. Rows
named ``miss:`` run with the response cache off: their "warm" is a response-cache miss over a warm
entity cache, compared at the end with the hit of the same query in this run.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable

import httpx

from gateway.app import create_app, freeze_startup_objects
from gateway.noyo.transport import http_transport
from gateway.settings import Settings

REVIEW_QUEUE = """
query { reviewQueue(first: 50) { totalCount edges { node { id: noyoId status
  group { name } carrier { displayName } } } } }
"""
GROUP_STATUS = """
query($id: ID!) { group(id: $id) { name
  connections { status carrier { displayName } }
  status { state carrier { displayName } } } }
"""
GROUPS_STATUS = "query { groups(first: 50) { edges { node { status { carrier { displayName } } } } } }"
DISCONNECTIONS = """
query { disconnectionRequests(first: 20, filter: {status: PROCESSING}) { totalCount
  edges { node { id: noyoId effectiveEndDate group { name } carrier { displayName } } } } }
"""


#: Settings of the rows measuring response-cache misses whose records are all in the entity cache.
MISS = {"gateway_response_cache_enabled": False}
MISS_PREFIX = "miss: "


@dataclass
class Case:
    name: str
    query: str
    variables: dict
    direct: Callable[[httpx.AsyncClient], Awaitable[object]]
    #: cold p50 limit as (times the upstream latency, plus ms), and most upstream calls
    target: tuple[int, int, int | None] | None = None
    #: gateway settings of this case (over the run's)
    settings: dict = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_emulator(latency_ms: int) -> tuple[str, subprocess.Popen]:
    """The emulator in a process of its own (as Noyo is remote: its CPU is not the gateway's)."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "noyo_emulator", "--port", str(port), "--seed", "42",
                               "--latency-ms", str(latency_ms)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/__emulator/requests", timeout=1.0)
            return url, server
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the emulator did not start")


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


async def _token(noyo: httpx.AsyncClient) -> str:
    response = await noyo.post("/auth/public/token", auth=("demo-client", "demo-secret"),
                               json={"grant_type": "client_credentials"})
    return response.json()["access_token"]


def _carriers(noyo: httpx.AsyncClient) -> Awaitable[httpx.Response]:
    """Noyo's carrier list: the gateway starts it with a query's first read when carriers are selected."""
    return noyo.get("/api/v1/carriers")


async def _direct_review_queue(noyo: httpx.AsyncClient) -> object:
    # group { name } comes inline (group_name): the gateway reads no group
    page, carriers = await asyncio.gather(
        noyo.get("/api/v1/group_disconnection_requests", params={"status": "needs_review", "page_size": 50}),
        _carriers(noyo),
    )
    return page.json(), carriers.json()


def _direct_group_status(group_id: str) -> Callable[[httpx.AsyncClient], Awaitable[object]]:
    async def run(noyo: httpx.AsyncClient) -> object:
        responses = await asyncio.gather(
            noyo.get(f"/api/v1/groups/{group_id}"),
            noyo.get(f"/api/v1/groups/{group_id}/group_connections", params={"page_size": 100}),
            noyo.get(f"/api/v1/groups/{group_id}/group_disconnection_requests", params={"page_size": 100}),
            _carriers(noyo),
        )
        return [r.json() for r in responses]

    return run


async def _direct_disconnections(noyo: httpx.AsyncClient) -> object:
    page, carriers = await asyncio.gather(
        noyo.get("/api/v1/group_disconnection_requests", params={"status": "processing", "page_size": 20}),
        _carriers(noyo),
    )
    return page.json(), carriers.json()


def _direct_groups_status(batched: bool) -> Callable[[httpx.AsyncClient], Awaitable[object]]:
    """groups(first: 50) + status: the page, then every group's connections and disconnection
    requests (one comma-separated call when ``batched``, else one documented call per group)."""

    async def lists(noyo: httpx.AsyncClient) -> object:
        page = (await noyo.get("/api/v1/groups", params={"page_size": 50})).json()["response"]
        ids = [g["id"] for g in page]
        connections = [noyo.get(f"/api/v1/groups/{i}/group_connections", params={"page_size": 100}) for i in ids]
        if batched:
            requests = [noyo.get("/api/v1/group_disconnection_requests",
                                 params={"group_id": ",".join(ids), "page_size": 100})]
        else:
            requests = [noyo.get(f"/api/v1/groups/{i}/group_disconnection_requests", params={"page_size": 100})
                        for i in ids]
        return [r.json() for r in await asyncio.gather(*connections, *requests)]

    async def run(noyo: httpx.AsyncClient) -> object:
        return await asyncio.gather(lists(noyo), _carriers(noyo))

    return run


def _rounds(calls: list[tuple[float, float]]) -> int:
    """Dependent rounds of ``(started, answered)`` calls: one after another that answered before it started."""
    ordered = sorted(calls)
    depth: list[int] = []
    for started, _ in ordered:
        depth.append(1 + max((d for (_, answered), d in zip(ordered, depth) if answered <= started), default=0))
    return max(depth, default=0)


def _timeline(http: httpx.AsyncClient, calls: list[tuple[float, float]]) -> None:
    """Record ``(started, answered)`` of every API call ``http`` sends."""

    async def started(request: httpx.Request) -> None:
        request.extensions["bench.started"] = time.perf_counter()

    async def answered(response: httpx.Response) -> None:
        if "/api/v1/" in response.request.url.path:
            calls.append((response.request.extensions["bench.started"], time.perf_counter()))

    http.event_hooks["request"].append(started)
    http.event_hooks["response"].append(answered)


async def _warm_pool(http: httpx.AsyncClient, base_url: str, token: str, connections: int) -> None:
    """Open ``connections`` keep-alive connections to the emulator (concurrent slow calls)."""
    headers = {"Authorization": f"Bearer {token}"}
    await asyncio.gather(*(http.get(f"{base_url}/api/v1/groups", params={"page_size": 1}, headers=headers)
                           for _ in range(connections)))


async def _upstream_calls(hooks: httpx.AsyncClient) -> int:
    counts = (await hooks.get("/__emulator/requests")).json()
    return sum(n for key, n in counts.items() if "/api/v1/" in key)


async def run(latency_ms: int, iterations: int, concurrency: int) -> None:
    base_url, server = _serve_emulator(latency_ms)
    settings = Settings(noyo_base_url=base_url, noyo_token_url=f"{base_url}/auth/public/token",
                        noyo_client_id="demo-client", noyo_client_secret="demo-secret",
                        gateway_cache_url="memory://", gateway_allow_anonymous=True,
                        gateway_rate_limit="", gateway_max_cost=50_000,
                        # the emulator models comma-separated group_id; Noyo documents one group per call
                        noyo_disconnections_group_id_csv=True)
    # the direct client pools connections as the gateway's Noyo client does, over the same transport
    limits = httpx.Limits(max_connections=settings.noyo_max_connections,
                          max_keepalive_connections=settings.noyo_max_keepalive_connections,
                          keepalive_expiry=settings.noyo_keepalive_expiry)
    hooks = httpx.AsyncClient(base_url=base_url)
    noyo = httpx.AsyncClient(base_url=base_url, limits=limits,
                             transport=http_transport(settings.noyo_http_transport, limits))
    token = await _token(noyo)
    noyo.headers["Authorization"] = f"Bearer {token}"
    warm_connections = settings.gateway_upstream_fanout_limit + 4
    await _warm_pool(noyo, base_url, token, warm_connections)
    groups = (await noyo.get("/api/v1/group_disconnection_requests",
                             params={"status": "needs_review", "page_size": 1})).json()["response"]
    group_id = groups[0]["group_id"]
    cases = [
        Case("reviewQueue(first: 50) + group, carrier", REVIEW_QUEUE, {}, _direct_review_queue, (2, 5, None)),
        Case("group(id) + connections + status", GROUP_STATUS, {"id": group_id},
             _direct_group_status(group_id), (2, 5, None)),
        Case("groups(first: 50) + status { carrier }", GROUPS_STATUS, {}, _direct_groups_status(True),
             (4, 15, 53)),
        Case("  same, documented per-group path", GROUPS_STATUS, {}, _direct_groups_status(False),
             settings={"noyo_disconnections_group_id_csv": False}),
        Case("disconnectionRequests(first: 20) nested", DISCONNECTIONS, {}, _direct_disconnections),
        # the response cache off: "warm" is a response-cache miss over a warm entity cache
        Case(MISS_PREFIX + "reviewQueue(first: 50)", REVIEW_QUEUE, {}, _direct_review_queue, settings=MISS),
        Case(MISS_PREFIX + "groups(first: 50) + status", GROUPS_STATUS, {}, _direct_groups_status(True),
             settings=MISS),
    ]
    print(f"emulator latency {latency_ms} ms per upstream request (its own process); {iterations} iterations; "
          f"warm throughput at concurrency {concurrency} (in-process ASGI; see the throughput suite "
          "for HTTP); NOYO_DISCONNECTIONS_GROUP_ID_CSV on unless the row says 'documented'; "
          f"GATEWAY_PREFETCH_CARRIERS {'on' if settings.gateway_prefetch_carriers else 'off'}; "
          f"NOYO_HTTP_TRANSPORT {settings.noyo_http_transport} (gateway and direct client)\n")
    verdicts: list[str] = []
    warm_rows: dict[str, tuple[float, float]] = {}
    header = (f"{'query':42} {'calls cold/warm':>15} {'rounds':>6} {'cold p50/p99 ms':>17} {'warm p50/p99 ms':>17}"
              f" {'direct p50 ms':>13} {'cold/direct':>11} {'warm/direct':>11} {'warm req/s':>10}")
    print(header)
    print("-" * len(header))
    for case in cases:
        cold, warm, direct = [], [], []
        cold_calls = warm_calls = rounds = 0
        rps = 0.0
        for _ in range(iterations):
            gateway = create_app(settings.model_copy(update={"gateway_cache_namespace": f"bench-{time.monotonic_ns()}",
                                                             **case.settings}))
            async with gateway.router.lifespan_context(gateway):
                upstream = gateway.state.services.noyo
                # cold cache, not cold auth nor a cold connection pool
                await _warm_pool(upstream._http, base_url, await upstream.tokens.get_token(), warm_connections)
                freeze_startup_objects()  # as `serve` does: collections walk per-request garbage only
                calls: list[tuple[float, float]] = []
                _timeline(upstream._http, calls)
                client = httpx.AsyncClient(transport=httpx.ASGITransport(gateway),
                                           base_url="http://gateway.bench")
                body = {"query": case.query, "variables": case.variables}
                await hooks.delete("/__emulator/requests")
                started = time.perf_counter()
                response = await client.post("/graphql", json=body)
                cold.append(time.perf_counter() - started)
                assert "errors" not in response.json(), response.json()
                cold_calls, rounds = await _upstream_calls(hooks), _rounds(calls)
                await hooks.delete("/__emulator/requests")
                started = time.perf_counter()
                await client.post("/graphql", json=body)
                warm.append(time.perf_counter() - started)
                warm_calls = await _upstream_calls(hooks)
                if _ == iterations - 1:
                    rps = await _throughput(client, body, concurrency, seconds=2.0)
                await client.aclose()
            started = time.perf_counter()
            await case.direct(noyo)
            direct.append(time.perf_counter() - started)
        d50 = _pct(direct, 0.5)
        print(f"{case.name:42} {f'{cold_calls}/{warm_calls}':>15} {rounds:>6} "
              f"{f'{_pct(cold, .5):.1f}/{_pct(cold, .99):.1f}':>17} "
              f"{f'{_pct(warm, .5):.2f}/{_pct(warm, .99):.2f}':>17} {d50:>13.1f} "
              f"{_pct(cold, .5) / d50:>11.2f} {_pct(warm, .5) / d50:>11.3f} {rps:>10.0f}", flush=True)
        warm_rows[case.name] = (_pct(warm, .5), rps)
        if case.target is not None:
            times, plus, max_calls = case.target
            limit = times * latency_ms + plus
            verdict = (f"  {case.name}: cold p50 {_pct(cold, .5):.1f} ms <= {times} x {latency_ms} + {plus} = "
                       f"{limit} ms: {'met' if _pct(cold, .5) <= limit else 'NOT met'} "
                       f"(direct {d50:.1f} ms: {'met' if d50 <= limit else 'NOT met'})")
            if max_calls is not None:
                verdict += (f"; {cold_calls} upstream calls <= {max_calls}: "
                            f"{'met' if cold_calls <= max_calls else 'NOT met'}")
            verdicts.append(verdict)
    print("\ntargets:")
    print("\n".join(verdicts))
    print("\nresponse-cache miss over a warm entity cache (no upstream call), against the hit in this run:")
    for name, (p50, rps) in warm_rows.items():
        if name.startswith(MISS_PREFIX):
            hit_p50, hit_rps = next(v for k, v in warm_rows.items() if name[len(MISS_PREFIX):] in k
                                    and not k.startswith(MISS_PREFIX))
            print(f"  {name[len(MISS_PREFIX):]:32} miss p50 {p50:.2f} ms, {rps:.0f} req/s; "
                  f"hit p50 {hit_p50:.2f} ms, {hit_rps:.0f} req/s; miss/hit p50 {p50 / hit_p50:.1f}x")
    await hooks.aclose()
    await noyo.aclose()
    server.terminate()
    server.wait(10)


async def _throughput(client: httpx.AsyncClient, body: dict, concurrency: int, seconds: float) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await client.post("/graphql", json=body)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench reads", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-ms", type=int, default=20, help="emulator latency per request")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    asyncio.run(run(args.latency_ms, args.iterations, args.concurrency))


if __name__ == "__main__":
    main()
