"""Read-path benchmark: ``python -m bench reads [--latency-ms 20] [--iterations 30]``.

Serves the emulator over real loopback HTTP with an injected per-request latency, runs the
gateway in-process against it, and prints, per representative query: upstream calls (cold and
warm, counted at the emulator), cold and warm p50/p99, the overhead over making the same REST
calls directly (a hand-written client that already holds a token and batches the way the
loaders do), and warm requests per second. "Cold" is an empty cache with a token in hand; every
ratio comes from this one run.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

import httpx
import uvicorn

from gateway.app import create_app
from gateway.settings import Settings
from noyo_emulator import create_app as create_emulator

REVIEW_QUEUE = """
query { reviewQueue(first: 50) { totalCount edges { node { id: noyoId status
  group { name } carrier { displayName } } } } }
"""
GROUP_STATUS = """
query($id: ID!) { group(id: $id) { name
  connections { status carrier { displayName } }
  status { state carrier { displayName } } } }
"""
DISCONNECTIONS = """
query { disconnectionRequests(first: 20, filter: {status: PROCESSING}) { totalCount
  edges { node { id: noyoId effectiveEndDate group { name } carrier { displayName } } } } }
"""


@dataclass
class Case:
    name: str
    query: str
    variables: dict
    direct: Callable[[httpx.AsyncClient], Awaitable[object]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_emulator(latency_ms: int) -> tuple[str, uvicorn.Server]:
    port = _free_port()
    config = uvicorn.Config(create_emulator(seed=42, latency_ms=latency_ms), host="127.0.0.1",
                            port=port, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


async def _token(noyo: httpx.AsyncClient) -> str:
    response = await noyo.post("/auth/public/token", auth=("demo-client", "demo-secret"),
                               json={"grant_type": "client_credentials"})
    return response.json()["access_token"]


async def _direct_review_queue(noyo: httpx.AsyncClient) -> object:
    page = (await noyo.get("/api/v1/group_disconnection_requests",
                           params={"status": "needs_review", "page_size": 50})).json()["response"]
    group_ids = ",".join(sorted({r["group_id"] for r in page}))
    carrier_ids = ",".join(sorted({r["carrier_id"] for r in page}))
    groups, carriers = await asyncio.gather(
        noyo.get("/api/v1/groups", params={"group_ids": group_ids, "page_size": 100}),
        noyo.get("/api/v1/carriers", params={"ids": carrier_ids}),
    )
    return groups.json(), carriers.json()


def _direct_group_status(group_id: str) -> Callable[[httpx.AsyncClient], Awaitable[object]]:
    async def run(noyo: httpx.AsyncClient) -> object:
        group, connections, requests = await asyncio.gather(
            noyo.get(f"/api/v1/groups/{group_id}"),
            noyo.get(f"/api/v1/groups/{group_id}/group_connections", params={"page_size": 100}),
            noyo.get(f"/api/v1/groups/{group_id}/group_disconnection_requests",
                     params={"page_size": 100}),
        )
        carrier_ids = ",".join(sorted({c["carrier_id"] for c in connections.json()["response"]}))
        carriers = await noyo.get("/api/v1/carriers", params={"ids": carrier_ids})
        return group.json(), requests.json(), carriers.json()

    return run


async def _direct_disconnections(noyo: httpx.AsyncClient) -> object:
    page = (await noyo.get("/api/v1/group_disconnection_requests",
                           params={"status": "processing", "page_size": 20})).json()["response"]
    return await asyncio.gather(
        noyo.get("/api/v1/groups", params={"group_ids": ",".join({r["group_id"] for r in page}),
                                           "page_size": 100}),
        noyo.get("/api/v1/carriers", params={"ids": ",".join({r["carrier_id"] for r in page})}),
    )


async def _upstream_calls(hooks: httpx.AsyncClient) -> int:
    counts = (await hooks.get("/__emulator/requests")).json()
    return sum(n for key, n in counts.items() if "/api/v1/" in key)


async def run(latency_ms: int, iterations: int, concurrency: int) -> None:
    base_url, server = _serve_emulator(latency_ms)
    hooks = httpx.AsyncClient(base_url=base_url)
    noyo = httpx.AsyncClient(base_url=base_url)
    noyo.headers["Authorization"] = f"Bearer {await _token(noyo)}"
    groups = (await noyo.get("/api/v1/group_disconnection_requests",
                             params={"status": "needs_review", "page_size": 1})).json()["response"]
    group_id = groups[0]["group_id"]
    cases = [
        Case("reviewQueue(first: 50) + group, carrier", REVIEW_QUEUE, {}, _direct_review_queue),
        Case("group(id) + connections + status", GROUP_STATUS, {"id": group_id},
             _direct_group_status(group_id)),
        Case("disconnectionRequests(first: 20) nested", DISCONNECTIONS, {}, _direct_disconnections),
    ]
    settings = Settings(noyo_base_url=base_url, noyo_token_url=f"{base_url}/auth/public/token",
                        noyo_client_id="demo-client", noyo_client_secret="demo-secret",
                        gateway_cache_url="memory://", gateway_allow_anonymous=True,
                        gateway_rate_limit="")
    print(f"emulator latency {latency_ms} ms per upstream request; {iterations} iterations; "
          f"warm throughput at concurrency {concurrency}\n")
    header = (f"{'query':42} {'calls cold/warm':>15} {'cold p50/p99 ms':>17} {'warm p50/p99 ms':>17}"
              f" {'direct p50 ms':>13} {'cold/direct':>11} {'warm/direct':>11} {'warm req/s':>10}")
    print(header)
    print("-" * len(header))
    for case in cases:
        cold, warm, direct = [], [], []
        cold_calls = warm_calls = 0
        rps = 0.0
        for _ in range(iterations):
            gateway = create_app(settings.model_copy(update={"gateway_cache_namespace":
                                                               f"bench-{time.monotonic_ns()}"}))
            async with gateway.router.lifespan_context(gateway):
                await gateway.state.services.noyo.tokens.get_token()  # cold cache, not cold auth
                client = httpx.AsyncClient(transport=httpx.ASGITransport(gateway),
                                           base_url="http://gateway.bench")
                body = {"query": case.query, "variables": case.variables}
                await hooks.delete("/__emulator/requests")
                started = time.perf_counter()
                response = await client.post("/graphql", json=body)
                cold.append(time.perf_counter() - started)
                assert "errors" not in response.json(), response.json()
                cold_calls = await _upstream_calls(hooks)
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
        print(f"{case.name:42} {f'{cold_calls}/{warm_calls}':>15} "
              f"{f'{_pct(cold, .5):.1f}/{_pct(cold, .99):.1f}':>17} "
              f"{f'{_pct(warm, .5):.2f}/{_pct(warm, .99):.2f}':>17} {d50:>13.1f} "
              f"{_pct(cold, .5) / d50:>11.2f} {_pct(warm, .5) / d50:>11.3f} {rps:>10.0f}")
    await hooks.aclose()
    await noyo.aclose()
    server.should_exit = True


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
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    asyncio.run(run(args.latency_ms, args.iterations, args.concurrency))


if __name__ == "__main__":
    main()
