"""Credentials of long-lived connections (WebSocket subscriptions, Server-Sent Events).

A browser cannot set headers on a WebSocket, so a WebSocket client sends its credentials in
the graphql-transport-ws ``connection_init`` payload, spelled like the HTTP headers the
``Authenticator`` reads: ``{"authorization": "Bearer <jwt>"}``, ``{"authorization": "ApiKey
<key>"}`` or ``{"x-api-key": "<key>"}`` (key names case-insensitive). The same rules as HTTP
apply: bad credentials are refused (never an anonymous fallback), no credentials are refused
unless anonymous access is on.

``token_expiry`` gives the ``exp`` of an accepted bearer JWT, so a connection opened with it can
be closed when it expires.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt

from .authn import AuthenticationError, Authenticator
from .principal import Principal

CREDENTIAL_KEYS = ("authorization", "x-api-key")


def credential_headers(params: Any) -> dict[str, str]:
    """The credential entries of a ``connection_init`` payload, as lower-case header names."""
    if not isinstance(params, Mapping):
        return {}
    headers: dict[str, str] = {}
    for key, value in params.items():
        name = str(key).lower()
        if name in CREDENTIAL_KEYS:
            if not isinstance(value, str):
                raise AuthenticationError("invalid token")
            headers[name] = value
    return headers


def token_expiry(headers: Mapping[str, str]) -> float | None:
    """``exp`` (epoch seconds) of the bearer JWT in ``headers``; None for API keys and anonymous.

    Only call it for credentials the ``Authenticator`` accepted: the signature is not checked here.
    """
    scheme, _, credential = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    try:
        claims = jwt.decode(credential.strip(), options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


async def authenticate_connection(
    authenticator: Authenticator, params: Any, client: str = "unknown"
) -> tuple[Principal, float | None]:
    """The principal of a ``connection_init`` payload and when its token expires (None: never).

    Raises ``AuthenticationError`` exactly as the HTTP layer would.
    """
    headers = credential_headers(params)
    principal = await authenticator.authenticate(headers, client)
    return principal, token_expiry(headers)


def parse_origins(raw: str) -> list[str]:
    """``GATEWAY_WS_ALLOWED_ORIGINS`` as a list (comma- or space-separated)."""
    return [origin for origin in raw.replace(",", " ").split() if origin]


__all__ = ["authenticate_connection", "credential_headers", "parse_origins", "token_expiry"]
