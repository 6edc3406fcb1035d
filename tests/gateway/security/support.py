"""Credentials and request helpers for the security tests."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt

from tests.gateway.conftest import make_gateway_settings

SECRET = "test-secret-for-hs256-signing-0123456789"
ISSUER = "https://issuer.test"
AUDIENCE = "noyo-gateway"


def mint(
    *,
    sub: str = "user-1",
    role: str | None = "viewer",
    scope: str | None = None,
    org_ids: list[str] | None = None,
    group_ids: list[str] | None = None,
    exp_in: int = 300,
    aud: str = AUDIENCE,
    iss: str = ISSUER,
    secret: str = SECRET,
    algorithm: str = "HS256",
    key: Any = None,
    headers: dict[str, Any] | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {"sub": sub, "iss": iss, "aud": aud, "iat": now, "exp": now + exp_in}
    for name, value in (("role", role), ("scope", scope), ("org_ids", org_ids), ("group_ids", group_ids)):
        if value is not None:
            claims[name] = value
    return jwt.encode(claims, key if key is not None else secret, algorithm=algorithm, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def security_settings(namespace: str, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "gateway_allow_anonymous": False,
        "gateway_anonymous_role": "viewer",
        "gateway_anonymous_scopes": "",
        "gateway_jwt_secret": SECRET,
        "gateway_jwt_issuer": ISSUER,
        "gateway_jwt_audience": AUDIENCE,
        "gateway_rate_limit": "",
    }
    values.update(overrides)
    return make_gateway_settings(namespace, **values)


async def post(client: httpx.AsyncClient, query: str, variables: dict | None = None, **kwargs: Any) -> httpx.Response:
    return await client.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)


def codes(body: dict[str, Any]) -> list[str | None]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


async def upstream_calls(hooks: httpx.AsyncClient) -> dict[str, int]:
    counts = (await hooks.get("/__emulator/requests")).json()
    return {k: v for k, v in counts.items() if k != "POST /auth/public/token"}
