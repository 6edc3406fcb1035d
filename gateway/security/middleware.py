"""``SecurityMiddleware``: the HTTP checks in front of ``/graphql`` (pure ASGI).

For every HTTP request: a request id (``x-request-id``, sanitised or generated; echoed in
the response and stamped on log records). Unexpected exceptions anywhere below become a
generic 500 carrying the request id (details to the log only).

For ``/graphql`` (in order, each refusal a GraphQL-style JSON error, nothing upstream):
1. body size: ``Content-Length`` over ``GATEWAY_MAX_BODY_BYTES`` -> 413 (and a body sent
   without ``Content-Length`` that streams past it is cut off with 413 too; a declared length
   is what the server reads, so a body within it is not counted again);
2. CSRF: POST needs ``Content-Type: application/json`` -> 415 otherwise (form posts,
   multipart, text/plain cannot be forged into an operation); ``GATEWAY_CSRF_HEADER``, when
   set, must be present on every request -> 400;
3. authentication -> 401 ``invalid token`` (never an anonymous fallback for bad credentials);
4. rate limit per principal -> 429 with ``Retry-After``;
5. the request runs under ``GATEWAY_REQUEST_TIMEOUT`` -> 504 ``TIMEOUT`` (except a subscription
   over Server-Sent Events, ``Accept: text/event-stream``, which ends with its token instead).
The GraphiQL page itself (GET, ``Accept: text/html``, no query) needs no credentials.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.access_log import PRINCIPAL_SCOPE_KEY, REQUEST_ID_SCOPE_KEY, annotate
from gateway.tracing import RECORD_SCOPE_KEY

from .authn import AuthenticationError, Authenticator
from .deadlines import Deadlines
from .logging import request_id_var
from .ratelimit import Decision, RateLimiter

logger = logging.getLogger("gateway.security")

REQUEST_ID_HEADER = b"x-request-id"
JSON_TYPES = ("application/json", "application/graphql-response+json")
#: The headers ``Authenticator.authenticate`` reads (str name, raw lower-case name).
CREDENTIAL_HEADERS = (("authorization", b"authorization"), ("x-api-key", b"x-api-key"))


class _BodyTooLarge(Exception):
    pass


_RANDOM = bytearray()  # os.urandom bytes not used yet: one system call per 256 request ids


def _request_id(raw: bytes | None) -> str:
    if raw:
        value = raw.decode("latin-1")
        if len(value) <= 128 and value.isprintable() and value.strip() == value and value:
            return value
    if not _RANDOM:
        _RANDOM.extend(os.urandom(4096))
    generated = _RANDOM[-16:].hex()  # as random as uuid4().hex, a fraction of its cost
    del _RANDOM[-16:]
    return generated


def _json_type(content_type: bytes) -> bool:
    return content_type.decode("latin-1").split(";")[0].strip().lower() in JSON_TYPES


def _is_event_stream(headers: dict[bytes, bytes]) -> bool:
    accept = headers.get(b"accept", b"").decode("latin-1").lower()
    return any(part.split(";", 1)[0].strip() == "text/event-stream" for part in accept.split(","))


_NO_CREDENTIALS: dict[str, str] = {}  # never written to
_PASS = object()  # no refusal from the checks before authentication


@dataclass(frozen=True, slots=True)
class _Pending:
    """The checks must wait for I/O: a bearer token to verify (``principal`` None), or a rate
    limit counted in Redis (``principal`` authenticated already)."""

    credentials: dict[str, str]
    principal: Any


def _limiter_down(exc: Exception) -> None:
    """A rate-limit store outage lets the request through (logged)."""
    logger.warning("rate limiter unavailable (%s): request let through", type(exc).__name__)


def _caller(scope: dict[str, Any], headers: dict[bytes, bytes]) -> tuple[str, dict[str, str]]:
    """The client address and the credential headers ``Authenticator.authenticate`` reads."""
    client = (scope.get("client") or ("unknown", 0))[0]
    if b"authorization" not in headers and b"x-api-key" not in headers:
        return client, _NO_CREDENTIALS
    return client, {name: headers[raw].decode("latin-1") for name, raw in CREDENTIAL_HEADERS if raw in headers}


def _unauthenticated(exc: AuthenticationError, request_id: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    return 401, error_body(exc.message, "UNAUTHENTICATED", request_id), [(b"www-authenticate", b"Bearer")]


def _rate_limited(decision: Any, request_id: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    message = f"Rate limit exceeded; retry in {decision.retry_after} seconds."
    body = error_body(message, "RATE_LIMITED", request_id, retryAfter=decision.retry_after)
    return 429, body, [(b"retry-after", str(decision.retry_after).encode())]


def _with_id(given: Any, id_header: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """A response's headers with ``id_header`` as its only ``x-request-id``."""
    for key, _ in given:
        if len(key) == len(REQUEST_ID_HEADER) and key.lower() == REQUEST_ID_HEADER:
            return [(k, v) for k, v in given if k.lower() != REQUEST_ID_HEADER] + [id_header]
    return [*given, id_header]


async def _reply(send: Any, status: int, body: bytes, extra: Any = ()) -> None:
    headers = [(b"content-type", b"application/json"), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def error_body(message: str, code: str, request_id: str | None, **extensions: Any) -> bytes:
    annotate(outcome=code)
    ext: dict[str, Any] = {"code": code, **extensions}
    if request_id:
        ext["requestId"] = request_id
    return json.dumps({"data": None, "errors": [{"message": message, "extensions": ext}]}).encode()


class SecurityMiddleware:
    """See the module docstring."""

    def __init__(
        self,
        app: Any,
        *,
        settings: Any,
        authenticator: Authenticator,
        limiter: RateLimiter | None,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.path = path
        self.authenticator = authenticator
        self.limiter = limiter
        self._hit_now: Callable[[str], Decision] | None = getattr(limiter, "hit_now", None)  # counts without I/O
        self.max_body = settings.gateway_max_body_bytes
        self.timeout = settings.gateway_request_timeout
        self.deadlines = Deadlines(self.timeout)
        self.csrf_header = settings.gateway_csrf_header.lower().encode() if settings.gateway_csrf_header else None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_headers = scope.get("headers") or []
        headers = dict(raw_headers)
        supplied = headers.get(REQUEST_ID_HEADER)
        request_id = _request_id(supplied)
        id_header = (REQUEST_ID_HEADER, request_id.encode())
        if supplied is not None:
            raw_headers = [(k, v) for k, v in raw_headers if k != REQUEST_ID_HEADER]
        scope["headers"] = [*raw_headers, id_header]
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        token = request_id_var.set(request_id)
        started = False
        record = scope.get(RECORD_SCOPE_KEY)  # the access log's, when it runs around this layer

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if record is not None:
                    record.status = message["status"]
                message["headers"] = _with_id(message.get("headers") or (), id_header)
            await send(message)

        try:
            path = scope["path"]
            if path != self.path and path.rstrip("/") != self.path:
                await self.app(scope, receive, send_with_id)
                return
            refusal = self._check_now(scope, headers, request_id)
            if isinstance(refusal, _Pending):
                refusal = await self._check(scope, refusal, request_id)
            if refusal is not None:
                await _reply(send_with_id, *refusal)
                return
            if b"content-length" not in headers or b"transfer-encoding" in headers:
                receive = self._limited(receive)  # a declared length was checked above: no count then
            if b"accept" in headers and _is_event_stream(headers):
                # a subscription over Server-Sent Events lives until its token expires
                await self.app(scope, receive, send_with_id)
            else:
                with self.deadlines.limit():  # one watchdog, no timer per request
                    await self.app(scope, receive, send_with_id)
        except _BodyTooLarge:
            if not started:
                await _reply(
                    send_with_id, 413, error_body("The request body is too large.", "PAYLOAD_TOO_LARGE", request_id)
                )
        except TimeoutError:
            logger.warning("request timed out after %ss", self.timeout)
            if not started:
                message = f"The request took longer than {self.timeout:g} seconds and was stopped."
                await _reply(send_with_id, 504, error_body(message, "TIMEOUT", request_id))
        except Exception:
            logger.exception("unexpected error outside the schema")
            if not started:
                message = f"Internal server error. Request id: {request_id}."
                await _reply(send_with_id, 500, error_body(message, "INTERNAL_SERVER_ERROR", request_id))
        finally:
            request_id_var.reset(token)

    def _check_now(self, scope: dict[str, Any], headers: dict[bytes, bytes], request_id: str) -> Any:
        """``_check`` without waiting for anything: its answer when no I/O is needed (the caller
        anonymous, an API key or a token verified before; the rate limit counted in memory), or
        a ``_Pending`` of what is known so far when authentication or the rate limit must wait
        (then ``_check`` goes on from it)."""
        refusal = self._refusal(scope, headers, request_id)
        if refusal is not _PASS:
            return refusal
        client, credentials = _caller(scope, headers)
        try:
            principal = self.authenticator.known(credentials, client)
        except AuthenticationError as exc:
            return _unauthenticated(exc, request_id)
        if principal is None:
            return _Pending(credentials, None)
        scope[PRINCIPAL_SCOPE_KEY] = principal
        if self.limiter is None:
            return None
        if self._hit_now is None:
            return _Pending(credentials, principal)
        return self._counted_now(principal, request_id)

    async def _check(
        self, scope: dict[str, Any], pending: _Pending, request_id: str
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]] | None:
        """What ``_check_now`` left ``pending``: the bearer token to verify, the rate limit to count."""
        principal = pending.principal
        if principal is None:
            try:
                principal = await self.authenticator.verify(pending.credentials)
            except AuthenticationError as exc:
                return _unauthenticated(exc, request_id)
            scope[PRINCIPAL_SCOPE_KEY] = principal
            if self.limiter is None:
                return None
            if self._hit_now is not None:
                return self._counted_now(principal, request_id)
        assert self.limiter is not None
        try:
            decision = await self.limiter.hit(principal.rate_key())
        except Exception as exc:  # noqa: BLE001 - a rate-limit store outage must not take the API down
            _limiter_down(exc)
            return None
        return None if decision.allowed else _rate_limited(decision, request_id)

    def _counted_now(self, principal: Any, request_id: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]] | None:
        assert self._hit_now is not None
        try:
            decision = self._hit_now(principal.rate_key())
        except Exception as exc:  # noqa: BLE001 - a rate-limit store outage must not take the API down
            _limiter_down(exc)
            return None
        return None if decision.allowed else _rate_limited(decision, request_id)

    def _refusal(self, scope: dict[str, Any], headers: dict[bytes, bytes], request_id: str) -> Any:
        """Steps 1 and 2 (size, media type, CSRF header): a refusal, None for the GraphiQL page
        (no credentials needed), or ``_PASS``."""
        method = scope["method"]
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return 413, error_body("The request body is too large.", "PAYLOAD_TOO_LARGE", request_id), []
        if method == "POST":
            content_type = headers.get(b"content-type", b"")
            if content_type != b"application/json" and not _json_type(content_type):
                message = "POST requests must have Content-Type: application/json."
                return 415, error_body(message, "UNSUPPORTED_MEDIA_TYPE", request_id), []
        if (
            method == "GET"
            and b"text/html" in headers.get(b"accept", b"")
            and b"query=" not in scope.get("query_string", b"")
        ):
            return None  # the GraphiQL page: static, no credentials needed to load it
        if self.csrf_header is not None and self.csrf_header not in headers:
            message = f"Requests must carry the {self.csrf_header.decode()} header."
            return 400, error_body(message, "CSRF_HEADER_MISSING", request_id), []
        return _PASS

    def _limited(self, receive: Any) -> Any:
        received = 0
        limit = self.max_body

        async def limited() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        return limited


__all__ = ["PRINCIPAL_SCOPE_KEY", "SecurityMiddleware", "error_body"]
