"""Noyo's token endpoint and the in-memory bearer tokens it issues.

``POST /auth/public/token`` takes HTTP Basic ``client_id:client_secret`` and the JSON
body ``{"grant_type": "client_credentials"}``. Tokens expire after ``ttl`` real
(wall-clock) seconds; ``expires_in`` is that TTL in milliseconds, as Noyo's docs
describe it.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .http import NoyoHTTPError, json_body

TOKEN_PATH = "/auth/public/token"


class TokenStore:
    """Issued bearer tokens and their monotonic expiry times."""

    def __init__(self, *, client_id: str, client_secret: str, ttl: float) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.ttl = ttl
        self._expiry: dict[str, float] = {}

    def credentials_ok(self, client_id: str, client_secret: str) -> bool:
        return secrets.compare_digest(client_id, self.client_id) and secrets.compare_digest(
            client_secret, self.client_secret
        )

    def issue(self) -> str:
        now = time.monotonic()
        # Forget expired tokens so a long-running emulator does not grow without bound.
        self._expiry = {t: exp for t, exp in self._expiry.items() if exp > now}
        token = secrets.token_urlsafe(32)
        self._expiry[token] = now + self.ttl
        return token

    def is_valid(self, token: str) -> bool:
        expiry = self._expiry.get(token)
        return expiry is not None and time.monotonic() < expiry

    def expire_all(self) -> int:
        count = len(self._expiry)
        self._expiry.clear()
        return count


def token_store(request: Request) -> TokenStore:
    return request.app.state.tokens


def _basic_credentials(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise NoyoHTTPError(401, "Missing client credentials")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise NoyoHTTPError(401, "Malformed client credentials") from None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        raise NoyoHTTPError(401, "Malformed client credentials")
    return client_id, client_secret


async def issue_token(request: Request) -> JSONResponse:
    store = token_store(request)
    client_id, client_secret = _basic_credentials(request)
    if not store.credentials_ok(client_id, client_secret):
        raise NoyoHTTPError(401, "Invalid client credentials")
    body = await json_body(request)
    if body.get("grant_type") != "client_credentials":
        raise NoyoHTTPError(400, "grant_type must be client_credentials")
    return JSONResponse(
        {
            "access_token": store.issue(),
            "expires_in": int(store.ttl * 1000),
            "token_type": "Bearer",
        }
    )


def bearer_error(headers: Mapping[str, str], store: TokenStore) -> str | None:
    """Why a request's bearer token is refused, or None when it is valid."""
    header = headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return "Missing bearer token"
    if scheme.lower() != "bearer" or not token.strip():
        return "Malformed authorization header"
    if not store.is_valid(token.strip()):
        return "Invalid or expired token"
    return None


routes = [Route(TOKEN_PATH, issue_token, methods=["POST"])]
