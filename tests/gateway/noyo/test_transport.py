"""Both ``NOYO_HTTP_TRANSPORT``s over real loopback HTTP: the same bytes on the wire, the same
answers, and the same httpx exception for every failure the retry and in-doubt logic tell apart
(nothing sent: refused, connect timeout, pool timeout; maybe sent: the connection dropped after
the request, a truncated answer, an answer slower than the read timeout)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.noyo import NoyoClient, NoyoTimeout, NoyoUnavailable, RetryPolicy
from gateway.noyo.errors import NOT_SENT_ERRORS
from gateway.noyo.transport import http_transport
from gateway.settings import Settings
from noyo_emulator.app import create_app as create_emulator
from tests.gateway.schema.resilience_support import served

from .support import RecordingSleep

TRANSPORTS = ["aiohttp", "httpcore"]
GROUP_ID = "6d1e0a52-2c4b-4a55-9a8f-0b7f3b1e2a10"
REQUEST_ID = "0f9c6f59-bb6f-4c5e-8a3e-9e8b1f7d2c11"
POSTED = {"group_id": GROUP_ID, "note": "é ✓", "dates": ["2026-12-31"], "n": 1.5, "none": None}


def http_client(kind: str, base_url: str = "", *, max_connections: int = 100, headers: Any = None,
                **timeouts: float) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return httpx.AsyncClient(base_url=base_url, transport=http_transport(kind, limits), limits=limits,
                             headers=headers, timeout=httpx.Timeout(5.0, **timeouts))


def noyo_settings(base_url: str, token_url: str, kind: str, **overrides: Any) -> Settings:
    return Settings(noyo_base_url=base_url, noyo_token_url=token_url, noyo_client_id="demo-client",
                    noyo_client_secret="demo-secret", noyo_http_transport=kind, **overrides)


async def echo(request: Request) -> Response:
    """What arrived, as JSON: method, raw path and query, every header in order, the body; the
    answer's status comes from ``?status=``, and it carries a repeated header."""
    body = await request.body()
    record = {
        "method": request.method,
        "path": request.scope["raw_path"].decode(),
        "query": request.scope["query_string"].decode(),
        "headers": [[k.decode(), v.decode()] for k, v in request.scope["headers"]],
        "body": body.decode(),
    }
    content = json.dumps(record).encode()
    headers = [("x-repeated", "one"), ("x-repeated", "two")]
    if "gzip" in request.headers.get("accept-encoding", ""):
        content = gzip.compress(content)
        headers.append(("content-encoding", "gzip"))
    response = Response(content, status_code=int(request.query_params.get("status", "200")),
                        media_type="application/json")
    for name, value in headers:
        response.raw_headers.append((name.encode(), value.encode()))
    return response


ECHO = Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST", "PUT", "DELETE"])])


async def exchanges(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """A fixed set of calls; per call the echoed request and what the client made of the answer."""
    calls = [
        client.get("/api/v1/groups", params={"group_ids": f"{GROUP_ID},{REQUEST_ID}", "name": "Ann Lee & co",
                                             "page_size": 100}),
        client.get(f"/api/v1/groups/{GROUP_ID}", params={"status": 404},
                   headers=[("x-request-id", "r-1"), ("x-multi", "a"), ("x-multi", "b")]),
        client.post("/api/v1/group_disconnection_requests", params={"status": 201},
                    json=POSTED),
        client.put(f"/api/v1/group_disconnection_requests/{REQUEST_ID}/confirm", json={}),
        client.post("/api/v1/x", params={"status": 422}),
        client.get("/api/v1/y", params={"status": 503}),  # (no DELETE: Noyo's API has none, and aiohttp
        # gives a bodiless one ``Content-Length: 0``)
    ]
    out = []
    for response in [await call for call in calls]:
        echoed = response.json()
        out.append({
            "status": response.status_code,
            "reason": response.reason_phrase,
            "http_version": response.http_version,
            "repeated": response.headers.get_list("x-repeated"),
            "content_type": response.headers["content-type"],
            "encoding": response.headers.get("content-encoding"),
            "echo": {**echoed, "headers": sorted(map(tuple, echoed["headers"]))},
        })
    return out


async def test_requests_and_answers_are_the_same_over_both_transports() -> None:
    # given an echo server over loopback
    async with served(ECHO) as url:
        # when the same calls go out over each transport
        seen = {}
        for kind in TRANSPORTS:
            async with http_client(kind, url, headers={"User-Agent": "noyo-gateway/test"}) as client:
                seen[kind] = await exchanges(client)

    # then the server saw the same bytes and the client the same answers
    assert seen["aiohttp"] == seen["httpcore"]
    first, missing, posted, put, empty_post, _ = seen["aiohttp"]
    # commas and spaces in query values arrive as httpx encoded them, and every header once
    assert first["echo"]["query"] == str(httpx.QueryParams(
        {"group_ids": f"{GROUP_ID},{REQUEST_ID}", "name": "Ann Lee & co", "page_size": 100}))
    names = [name for name, _ in first["echo"]["headers"]]
    assert sorted(names) == sorted({"host", "accept", "accept-encoding", "connection", "user-agent"})
    assert ("user-agent", "noyo-gateway/test") in first["echo"]["headers"]
    # repeated request and response headers, statuses, and the gzip answer decoded once
    assert ("x-multi", "a") in missing["echo"]["headers"] and ("x-multi", "b") in missing["echo"]["headers"]
    assert [e["status"] for e in seen["aiohttp"]] == [200, 404, 201, 200, 422, 503]
    assert first["repeated"] == ["one", "two"] and first["http_version"] == "HTTP/1.1"
    assert posted["echo"]["method"] == "POST" and json.loads(posted["echo"]["body"]) == POSTED
    assert all(e["encoding"] == "gzip" for e in seen["aiohttp"])
    assert put["echo"]["body"] == "{}" and empty_post["echo"]["body"] == ""
    assert ("content-length", "0") in empty_post["echo"]["headers"]


async def test_the_noyo_client_reads_the_same_records_over_both_transports() -> None:
    # given the emulator over loopback
    emulator = create_emulator(seed=42)
    ids = sorted(emulator.state.emulator.groups)[:3]
    async with served(emulator) as url:
        records = {}
        for kind in TRANSPORTS:
            # when the client reads a page, groups by comma-separated ids, and carriers, over each transport
            async with NoyoClient.from_settings(noyo_settings(url, f"{url}/auth/public/token", kind)) as noyo:
                page = await noyo.list_groups(page_size=5)
                by_ids = await noyo.groups_by_ids(ids)
                carriers = await noyo.list_carriers()
                records[kind] = [page.model_dump(), [g.model_dump() for g in by_ids],
                                 [c.model_dump() for c in carriers]]

    # then the records are identical, and the comma-separated ids found every group
    assert records["aiohttp"] == records["httpcore"]
    assert [g["id"] for g in records["aiohttp"][1]] == ids


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_refused_connection_was_not_sent_a_read_is_retried_and_a_write_is_not(kind: str) -> None:
    # given a token from the emulator and Noyo's API on a port nobody listens on
    emulator = create_emulator(seed=42)
    sleeps = RecordingSleep()
    policy = RetryPolicy(max_attempts=3, backoff_base=0.0, sleep=sleeps)
    async with served(emulator) as url:
        settings = noyo_settings(f"http://127.0.0.1:{closed_port()}", f"{url}/auth/public/token", kind)
        async with NoyoClient.from_settings(settings, retry=policy) as noyo:
            # when a read and a write are sent
            with pytest.raises(NoyoUnavailable) as read:
                await noyo.get_group(GROUP_ID)
            read_retries = len(sleeps.delays)
            with pytest.raises(NoyoUnavailable) as write:
                await noyo.create_disconnection_request({"group_id": GROUP_ID})

    # then both failed as ConnectError, nothing is in doubt, the read was retried and the write was not
    assert isinstance(read.value.__cause__, httpx.ConnectError)
    assert isinstance(write.value.__cause__, httpx.ConnectError)
    assert not read.value.in_doubt and not write.value.in_doubt
    assert read_retries == 2 and len(sleeps.delays) == 2


class Dropper:
    """A loopback server that reads each request whole and closes the connection without answering."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        self.requests.append(head.split(b" ", 2)[0])
        writer.close()


@contextlib.asynccontextmanager
async def dropping() -> AsyncIterator[tuple[str, Dropper]]:
    dropper = Dropper()
    server = await asyncio.start_server(dropper.handle, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", dropper
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_connection_dropped_after_the_request_is_in_doubt_and_never_resent_by_the_transport(kind: str) -> None:
    # given Noyo's API on a server that takes every request and drops the connection unanswered
    emulator = create_emulator(seed=42)
    policy = RetryPolicy(max_attempts=3, backoff_base=0.0, sleep=RecordingSleep())
    async with served(emulator) as url, dropping() as (api_url, dropper):
        async with NoyoClient.from_settings(noyo_settings(api_url, f"{url}/auth/public/token", kind),
                                            retry=policy) as noyo:
            # when a read, then a PUT (a write, though HTTP calls PUT idempotent) are sent
            with pytest.raises(NoyoUnavailable) as read:
                await noyo.get_group(GROUP_ID)
            reads = list(dropper.requests)
            with pytest.raises(NoyoUnavailable) as write:
                await noyo.confirm_disconnection_request(REQUEST_ID)

    # then both are in doubt (RemoteProtocolError), the read went out once per attempt and the
    # write exactly once: no transport resent either on its own
    assert isinstance(read.value.__cause__, httpx.RemoteProtocolError)
    assert isinstance(write.value.__cause__, httpx.RemoteProtocolError)
    assert read.value.in_doubt and write.value.in_doubt
    assert reads == [b"GET"] * 3
    assert dropper.requests[3:] == [b"PUT"]


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_an_answer_cut_mid_body_is_in_doubt(kind: str) -> None:
    # given the emulator resetting the connection after the status line of every group read
    emulator = create_emulator(seed=42)
    group_id = next(iter(emulator.state.emulator.groups))
    async with served(emulator) as url, http_client(kind, url) as client:
        await client.post("/__emulator/faults", json={"path": "/api/v1/groups/*", "reset_rate": 1.0})

        # when it is read
        with pytest.raises(httpx.TransportError) as cut:
            await client.get(f"/api/v1/groups/{group_id}")

    # then the truncated answer is a RemoteProtocolError, which may have been applied
    assert type(cut.value) is httpx.RemoteProtocolError
    assert not isinstance(cut.value, NOT_SENT_ERRORS)


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_an_answer_slower_than_the_read_timeout_is_a_read_timeout_in_doubt(kind: str) -> None:
    # given the emulator taking 1.5 s over every group read, and a 0.2 s read timeout
    emulator = create_emulator(seed=42)
    group_id = next(iter(emulator.state.emulator.groups))
    policy = RetryPolicy(max_attempts=1)
    async with served(emulator) as url:
        async with http_client(kind, url) as hooks:
            await hooks.post("/__emulator/faults", json={"path": "/api/v1/groups/*", "latency_ms": 1500})
        settings = noyo_settings(url, f"{url}/auth/public/token", kind, noyo_read_timeout=0.2)
        async with NoyoClient.from_settings(settings, retry=policy) as noyo:
            await noyo.tokens.get_token()

            # when it is read
            started = time.perf_counter()
            with pytest.raises(NoyoTimeout) as slow:
                await noyo.get_group(group_id)
            elapsed = time.perf_counter() - started

    # then the read timeout cut it, as a ReadTimeout that leaves the call in doubt
    assert type(slow.value.__cause__) is httpx.ReadTimeout
    assert slow.value.in_doubt
    assert elapsed < 1.0


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_connect_that_does_not_complete_is_a_connect_timeout(kind: str) -> None:
    # given a listening socket whose accept queue is full, so a new connection never completes
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        await asyncio.sleep(0.05)

        # when a request is sent with a 0.3 s connect timeout
        async with http_client(kind, connect=0.3) as client:
            with pytest.raises(httpx.TransportError) as stuck:
                await client.get(f"http://127.0.0.1:{port}/api/v1/groups")
        for filler in fillers:
            filler.close()

    # then it is a ConnectTimeout: nothing was sent
    assert type(stuck.value) is httpx.ConnectTimeout
    assert isinstance(stuck.value, NOT_SENT_ERRORS)


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_no_free_connection_within_the_pool_timeout_is_a_pool_timeout(kind: str) -> None:
    # given one connection at most, held by a read the emulator answers after 1 s
    emulator = create_emulator(seed=42)
    group_id = next(iter(emulator.state.emulator.groups))
    async with served(emulator) as url, http_client(kind, url, max_connections=1, pool=0.2) as client:
        await client.post("/__emulator/faults", json={"path": "/api/v1/groups/*", "latency_ms": 1000})
        slow = asyncio.create_task(client.get(f"/api/v1/groups/{group_id}"))
        await asyncio.sleep(0.1)

        # when a second request waits for a connection
        with pytest.raises(httpx.TransportError) as waited:
            await client.get("/api/v1/carriers")
        answered = await slow

    # then it gave up as a PoolTimeout (nothing sent), and the first call still got its answer
    assert type(waited.value) is httpx.PoolTimeout
    assert isinstance(waited.value, NOT_SENT_ERRORS)
    assert answered.status_code == 401  # no token: the emulator answered all the same


async def client_port(request: Request) -> Response:
    return Response(str(request.scope["client"][1]))


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_an_idle_connection_is_reused_within_the_keepalive_expiry_and_not_after_it(kind: str) -> None:
    # given the Noyo client with a short NOYO_KEEPALIVE_EXPIRY (the default, 4 s, stays below the
    # 5 s after which uvicorn, the emulator's server, closes an idle connection)
    assert Settings.model_fields["noyo_keepalive_expiry"].default < 5
    app = Starlette(routes=[Route("/port", client_port)])
    async with served(app) as url:
        noyo = NoyoClient.from_settings(noyo_settings(url, f"{url}/token", kind, noyo_keepalive_expiry=0.3))
        try:
            # when it calls, calls again at once, then after the expiry
            first = (await noyo._http.get("/port")).text
            again = (await noyo._http.get("/port")).text
            await asyncio.sleep(0.6)
            later = (await noyo._http.get("/port")).text
        finally:
            await noyo.aclose()
    # then the second call reused the connection and the third opened a new one
    assert first == again
    assert later != first
