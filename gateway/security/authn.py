"""Authentication: bearer JWTs (HS256 secret or RS256/ES256 JWKS), static API keys, anonymous.

``Authenticator.authenticate(headers, client)`` returns a ``Principal`` or raises
``AuthenticationError`` whose message is all a client ever learns ("invalid
token", "invalid API key", "authentication required"); the reason is logged at
debug level without the credential.

A bearer token that verified is remembered (``VerifiedTokens``) so the next request with the
very same token skips the signature check: for at most ``GATEWAY_AUTH_CACHE_TTL`` seconds
(default 30; 0 turns it off), and never past its ``exp`` (plus the allowed leeway, exactly as a
fresh check would allow). A signing key removed from the JWKS or a changed secret therefore stops
being honoured for tokens already seen within that TTL. Tokens that fail are never remembered.
API keys (a sha256 and a comparison against the configured list) and anonymous callers
(one principal per client address, built once) need no such cache.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from .principal import ROLES, Principal
from .settings import SecuritySettings

logger = logging.getLogger("gateway.security.authn")

ASYMMETRIC_ALGORITHMS = ("RS256", "ES256")


class AuthenticationError(Exception):
    """The request carried credentials we do not accept (or none, when they are required)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ApiKey:
    sha256: str
    principal: Principal


def _str_list(value: Any, what: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ValueError(f"{what} must be a list of ids")
    return [str(v) for v in value]


def parse_api_keys(raw: str) -> list[ApiKey]:
    """Parse ``GATEWAY_API_KEYS`` (a JSON list); raises ``ValueError`` on a malformed entry."""
    if not raw.strip():
        return []
    entries = json.loads(raw)
    if not isinstance(entries, list):
        raise ValueError("GATEWAY_API_KEYS must be a JSON list")
    keys = []
    for index, entry in enumerate(entries):
        digest = str(entry.get("sha256", "")).lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"GATEWAY_API_KEYS[{index}].sha256 must be 64 hex digits")
        role = entry.get("role", "viewer")
        if role not in ROLES:
            raise ValueError(f"GATEWAY_API_KEYS[{index}].role must be one of {ROLES}")
        name = str(entry.get("name") or f"key-{index}")
        principal = Principal.build(
            subject=f"apikey:{name}",
            role=role,
            scopes=[str(s) for s in entry.get("scopes", [])],
            org_ids=_str_list(entry.get("org_ids"), "org_ids"),
            group_ids=_str_list(entry.get("group_ids"), "group_ids"),
            kind="api_key",
        )
        keys.append(ApiKey(digest, principal))
    return keys


def hash_api_key(key: str) -> str:
    """The hex sha256 stored in ``GATEWAY_API_KEYS`` for a plaintext key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Map verified JWT claims (`sub`, `role`, `scope`, `org_ids`, `group_ids`) to a principal."""
    role = claims.get("role", "viewer")
    if role not in ROLES:
        raise AuthenticationError("invalid token")
    scope = claims.get("scope", "")
    if isinstance(scope, list):
        scopes = [str(s) for s in scope]
    elif isinstance(scope, str):
        scopes = scope.split()
    else:
        raise AuthenticationError("invalid token")
    try:
        org_ids = _str_list(claims.get("org_ids"), "org_ids")
        group_ids = _str_list(claims.get("group_ids"), "group_ids")
    except ValueError as exc:
        raise AuthenticationError("invalid token") from exc
    return Principal.build(
        subject=str(claims["sub"]), role=role, scopes=scopes, org_ids=org_ids, group_ids=group_ids, kind="jwt"
    )


class VerifiedTokens:
    """Bearer tokens that verified, each with the moment it must be checked again (see the
    module docstring); at most ``max_entries``, the oldest forgotten first."""

    def __init__(self, ttl: float, *, max_entries: int = 10_000, clock: Any = time.time) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[str, tuple[Principal, float]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry[1] <= self.clock():
            self._entries.pop(token, None)
            return None
        return entry[0]

    def put(self, token: str, principal: Principal, expires_at: float) -> None:
        """Remember a verified token until ``expires_at`` (its ``exp`` plus leeway) or the TTL."""
        if self.ttl <= 0:
            return
        until = min(expires_at, self.clock() + self.ttl)
        entries = self._entries
        while len(entries) >= self.max_entries:
            entries.pop(next(iter(entries)))
        entries[token] = (principal, until)


def _bearer(headers: Mapping[str, str]) -> str:
    """The token of an ``Authorization: Bearer`` header (``known`` checked there is one)."""
    return headers.get("authorization", "").strip().partition(" ")[2].strip()


class Authenticator:
    """Turns request headers into a ``Principal`` according to the settings."""

    def __init__(self, settings: SecuritySettings, *, clock: Any = time.time) -> None:
        self.secret = settings.gateway_jwt_secret.get_secret_value()
        self.issuer = settings.gateway_jwt_issuer or None
        self.audience = settings.gateway_jwt_audience or None
        self.leeway = settings.gateway_jwt_leeway
        self.jwks = (
            jwt.PyJWKClient(settings.gateway_jwks_url, cache_keys=True, lifespan=300, timeout=10)
            if settings.gateway_jwks_url
            else None
        )
        self.api_keys = parse_api_keys(settings.gateway_api_keys.get_secret_value())
        self.allow_anonymous = settings.gateway_allow_anonymous
        self.anonymous_role = settings.gateway_anonymous_role
        self.anonymous_scopes = settings.gateway_anonymous_scopes.split()
        self.verified = VerifiedTokens(getattr(settings, "gateway_auth_cache_ttl", 30.0), clock=clock)
        self._anonymous: dict[str, Principal] = {}

    async def authenticate(self, headers: Mapping[str, str], client: str = "unknown") -> Principal:
        principal = self.known(headers, client)
        if principal is not None:
            return principal
        return await self.verify(headers)

    async def verify(self, headers: Mapping[str, str]) -> Principal:
        """The principal of the bearer token in ``headers`` that ``known`` could not answer for
        (one not verified before): its signature and claims checked now."""
        return await self._from_jwt(_bearer(headers))

    def known(self, headers: Mapping[str, str], client: str = "unknown") -> Principal | None:
        """``authenticate`` when it needs no I/O: the principal of an anonymous caller, an API
        key or a bearer token verified before; None for a token still to verify (then
        ``authenticate``). Raises ``AuthenticationError`` exactly as ``authenticate`` would."""
        authorization = headers.get("authorization", "").strip()
        if authorization:
            scheme, _, credential = authorization.partition(" ")
            credential = credential.strip()
            if scheme.lower() == "bearer" and credential:
                return self.verified.get(credential)
            if scheme.lower() == "apikey" and credential:
                return self._from_api_key(credential)
            raise AuthenticationError("invalid token")
        api_key = headers.get("x-api-key", "").strip()
        if api_key:
            return self._from_api_key(api_key)
        if self.allow_anonymous:
            return self._anonymous_from(client)
        raise AuthenticationError("authentication required")

    def _anonymous_from(self, client: str) -> Principal:
        principal = self._anonymous.get(client)
        if principal is None:
            if len(self._anonymous) >= 10_000:
                self._anonymous.clear()
            principal = self._anonymous[client] = Principal.build(
                subject=f"anonymous@{client}", role=self.anonymous_role, scopes=self.anonymous_scopes
            )
        return principal

    def _from_api_key(self, key: str) -> Principal:
        digest = hash_api_key(key)
        found: Principal | None = None
        for entry in self.api_keys:  # compare against every entry: timing does not reveal which matched
            if hmac.compare_digest(entry.sha256, digest):
                found = entry.principal
        if found is None:
            raise AuthenticationError("invalid API key")
        return found

    async def _from_jwt(self, token: str) -> Principal:
        known = self.verified.get(token)
        if known is not None:
            return known
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg")
            if algorithm == "HS256" and self.secret:
                key: Any = self.secret
            elif algorithm in ASYMMETRIC_ALGORITHMS and self.jwks is not None:
                # PyJWKClient fetches with urllib (blocking) and caches: keep it off the event loop.
                key = (await asyncio.to_thread(self.jwks.get_signing_key_from_jwt, token)).key
            else:
                raise jwt.InvalidAlgorithmError(f"algorithm {algorithm!r} not accepted")
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "sub"], "verify_aud": self.audience is not None},
            )
        except (jwt.PyJWTError, ValueError) as exc:
            logger.debug("rejected bearer token: %s", type(exc).__name__)
            raise AuthenticationError("invalid token") from None
        principal = principal_from_claims(claims)
        self.verified.put(token, principal, float(claims["exp"]) + self.leeway)
        return principal


__all__ = [
    "ApiKey",
    "AuthenticationError",
    "Authenticator",
    "VerifiedTokens",
    "hash_api_key",
    "parse_api_keys",
    "principal_from_claims",
]
