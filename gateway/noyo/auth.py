"""Noyo access tokens: OAuth2 client credentials, cached and refreshed one at a time.

Noyo documents ``expires_in`` in milliseconds (the emulator follows that), so it is
read as milliseconds. Were Noyo to send seconds instead, tokens would merely be
refreshed too often, never used past expiry; and a 401 always triggers a refresh.
The token is refreshed ``refresh_margin`` seconds before it expires, or halfway
through its life when it lives shorter than twice the margin.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import httpx
from opentelemetry.trace import SpanKind
from pydantic import SecretStr

from ..tracing import record_error, tracer
from .errors import NoyoAuthError, NoyoTimeout, NoyoUnavailable, error_from_response
from .retry import parse_retry_after

logger = logging.getLogger("gateway.noyo")

DEFAULT_TOKEN_LIFETIME = 600.0  # seconds, when Noyo omits expires_in


class TokenProvider:
    """Hands out a valid bearer token; concurrent callers share one refresh."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        token_url: str,
        client_id: str,
        client_secret: SecretStr | str,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret if isinstance(client_secret, SecretStr) else SecretStr(client_secret)
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        # Optional observer of every token fetch: (outcome, seconds), outcome an HTTP status or an
        # error name; set by the app (metrics). Never raises into the provider.
        self.on_fetch: Callable[[str, float], None] | None = None

    def __repr__(self) -> str:
        return f"TokenProvider(token_url={self._token_url!r}, client_id={self._client_id!r})"

    def _current(self) -> str | None:
        if self._token is not None and self._clock() < self._refresh_at:
            return self._token
        return None

    async def get_token(self) -> str:
        """A token valid for at least the refresh margin; fetches one when needed."""
        token = self._current()
        if token is not None:
            return token
        async with self._lock:
            token = self._current()  # another caller may have refreshed while we waited
            if token is not None:
                return token
            token, lifetime = await self._fetch()
            margin = min(self._refresh_margin, lifetime / 2)
            self._token = token
            self._refresh_at = self._clock() + lifetime - margin
            return token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (it was refused); a newer token fetched meanwhile is kept."""
        if self._token == token:
            self._token = None
            self._refresh_at = 0.0

    async def _fetch(self) -> tuple[str, float]:
        started = time.perf_counter()
        outcome = "error"
        with tracer().start_as_current_span(
            "POST token",
            kind=SpanKind.CLIENT,
            attributes={"http.request.method": "POST", "url.template": "token"},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                response = await self._request()
                outcome = str(response.status_code)
                span.set_attribute("http.response.status_code", response.status_code)
                return self._parse(response)
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
                logger.warning("noyo token request failed: %s", outcome)
                error_type = NoyoTimeout if isinstance(exc, httpx.TimeoutException) else NoyoUnavailable
                record_error(span, exc)
                raise error_type(f"Noyo token endpoint unreachable ({outcome})") from None
            except Exception as exc:
                record_error(span, exc)
                raise
            finally:
                self._observe(outcome, time.perf_counter() - started)

    def _observe(self, outcome: str, seconds: float) -> None:
        if self.on_fetch is None:
            return
        try:
            self.on_fetch(outcome, seconds)
        except Exception:
            logger.exception("token fetch observer failed")

    async def _request(self) -> httpx.Response:
        """POST the client credentials; logs status and duration (never the body)."""
        started = time.perf_counter()
        response = await self._http.post(
            self._token_url,
            auth=(self._client_id, self._client_secret.get_secret_value()),
            json={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
        )
        duration_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "noyo POST token -> %s (%.1f ms)",
            response.status_code,
            duration_ms,
            extra={
                "noyo_method": "POST",
                "noyo_path": "token",
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
            },
        )
        return response

    @staticmethod
    def _parse(response: httpx.Response) -> tuple[str, float]:
        """The token and its lifetime in seconds, or the error the response stands for."""
        if response.status_code == 429 or response.status_code >= 500:
            # An outage of the token endpoint, not a credentials problem: transient like any other.
            raise error_from_response(response, retry_after=parse_retry_after(response.headers.get("retry-after")))
        if response.status_code != 200:
            raise NoyoAuthError(f"Noyo token endpoint returned HTTP {response.status_code}", response.status_code)
        try:
            body = response.json()
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise NoyoAuthError("Noyo token endpoint returned no access token", response.status_code)
        expires_in = body.get("expires_in")
        if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
            lifetime = float(expires_in) / 1000.0
        else:
            lifetime = DEFAULT_TOKEN_LIFETIME
        return token, lifetime
