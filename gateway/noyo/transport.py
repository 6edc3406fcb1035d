"""``AiohttpTransport``: httpx's transport interface over aiohttp's connection pool.

The Noyo client keeps httpx's API (requests, responses, event hooks, ``httpx.TransportError``)
but sends through ``aiohttp.TCPConnector``, whose pool costs little per call: httpcore's pool
rescans (and polls) every idle connection on each request and release, which makes a fan-out of
50 concurrent calls CPU-bound. ``NOYO_HTTP_TRANSPORT=httpcore`` goes back to httpx's own pool.

What the retry and in-doubt logic rely on is kept exactly (``errors.NOT_SENT_ERRORS``):

- nothing was sent: refused, DNS, TLS handshake -> ``httpx.ConnectError``; connecting took longer
  than the connect timeout -> ``httpx.ConnectTimeout``; no free connection within the pool
  timeout -> ``httpx.PoolTimeout``;
- the request may have been sent (in doubt): the server closed the connection ->
  ``httpx.RemoteProtocolError``, as does a truncated or malformed answer; a broken socket ->
  ``httpx.ReadError`` or ``httpx.WriteError``; no data within the read timeout -> ``httpx.ReadTimeout``.

aiohttp itself resends a GET, PUT or DELETE once when the connection breaks before the answer's
headers; Noyo's PUTs are writes, so a client middleware stops that (every resend is the retry
policy's). The body is read whole before the response is handed back (Noyo answers JSON) and the
connection goes back to the pool then. Messages carry no URL (query strings may hold personal
data). Timeouts come from each request's ``timeout`` extension (connect and read; aiohttp has no
write timeout, the call's overall deadline bounds a stalled send). Cookies are httpx's, redirects
are not followed, compression is decoded by httpx. aiohttp has no cap on idle connections: every
connection up to ``max_connections`` stays open for ``keepalive_expiry`` seconds after its last
answer (``max_keepalive_connections=0`` turns keep-alive off). Proxy variables are not read.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Literal

import aiohttp
import httpx
from yarl import URL

TransportName = Literal["aiohttp", "httpcore"]

#: Headers aiohttp would add on its own; httpx has already set the ones it sends.
_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


class _Unresent(aiohttp.ClientConnectionError):
    """A broken connection carried past aiohttp's own resend of idempotent methods."""


async def _never_resend(request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType) -> aiohttp.ClientResponse:
    try:
        return await handler(request)
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
        raise  # nothing was sent (aiohttp does not resend these either)
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
        raise _Unresent(type(exc).__name__) from exc


#: aiohttp failure -> httpx exception, first match wins (timeouts first: they are OSErrors too).
_ERRORS: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (TimeoutError, httpx.ReadTimeout),  # aiohttp.SocketTimeoutError and any other timeout
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # a malformed status line or header
    (aiohttp.ClientConnectionResetError, httpx.WriteError),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    (OSError, httpx.ReadError),  # aiohttp.ClientOSError: the socket broke
)


def httpx_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx exception for an aiohttp failure (``errors.NOT_SENT_ERRORS`` only when nothing was sent)."""
    cause = exc.__cause__ if isinstance(exc, _Unresent) and exc.__cause__ is not None else exc
    httpx_type = next((h for a, h in _ERRORS if isinstance(cause, a)), httpx.ReadError)  # unknown: maybe sent
    detail = getattr(cause, "strerror", None)
    message = f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__
    return httpx_type(message, request=request)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=AiohttpTransport(limits=...))``: HTTP/1.1 over aiohttp.

    ``limits.max_connections`` bounds the requests in flight (a request past it waits up to the
    request's pool timeout); the aiohttp session is opened on the first request, in its event loop.
    """

    def __init__(self, *, limits: httpx.Limits | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        limits = limits or httpx.Limits()
        self._max_connections = limits.max_connections
        self._keepalive = limits.max_keepalive_connections != 0
        self._keepalive_expiry = limits.keepalive_expiry
        self._ssl_context = ssl_context
        self._slots = asyncio.Semaphore(limits.max_connections) if limits.max_connections else None
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections or 0,
            limit_per_host=0,
            force_close=not self._keepalive,
            keepalive_timeout=self._keepalive_expiry if self._keepalive else None,
            ssl=self._ssl_context or httpx.create_ssl_context(),  # httpx's certificates and SSL_CERT_* variables
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=_AUTO_HEADERS,
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None),
            middlewares=(_never_resend,),
        )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        if self._slots is None:
            return await self._send(request, timeout)
        try:
            async with asyncio.timeout(timeout.get("pool")):
                await self._slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no free connection within the pool timeout", request=request) from None
        try:
            return await self._send(request, timeout)
        finally:
            self._slots.release()

    async def _send(self, request: httpx.Request, timeout: dict[str, float | None]) -> httpx.Response:
        session = self._session or self._open()
        body = await request.aread()
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "transfer-encoding"]
        connect = timeout.get("connect")
        try:
            async with session.request(
                request.method,
                URL(str(request.url), encoded=True),  # httpx has encoded it: sent as is
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=connect, sock_connect=connect, sock_read=timeout.get("read")
                ),
            ) as response:
                content = await response.read()
        except (aiohttp.ClientError, OSError) as exc:  # TimeoutError is an OSError
            raise httpx_error(exc, request) from None
        version = response.version
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=httpx.ByteStream(content),
            extensions={
                "http_version": f"HTTP/{version.major}.{version.minor}".encode() if version else b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("latin-1", "replace"),
            },
        )

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


def http_transport(name: TransportName, limits: httpx.Limits) -> httpx.AsyncBaseTransport | None:
    """The transport ``NOYO_HTTP_TRANSPORT`` names; ``None`` for httpcore (httpx builds its own pool)."""
    return AiohttpTransport(limits=limits) if name == "aiohttp" else None


__all__ = ["AiohttpTransport", "TransportName", "http_transport", "httpx_error"]
