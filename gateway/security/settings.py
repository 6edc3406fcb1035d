"""Security settings: who may call, what they may see, and what one operation may cost.

``SecuritySettings`` is a mixin of ``gateway.settings.Settings`` (same environment
variable rules: the field name upper-cased, no prefix). Kept here so the security
layer owns its knobs and can be unit-tested alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SecuritySettings(BaseSettings):
    """Authentication, authorization and operation limits (README.md, "Security")."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    # -- Environment ---------------------------------------------------------------
    gateway_env: Literal["development", "production"] = Field(
        default="development",
        description="production turns off introspection, GraphiQL and 'Did you mean' suggestions.",
    )

    # -- Authentication --------------------------------------------------------------
    gateway_jwt_secret: SecretStr = Field(
        default=SecretStr(""), description="HS256 secret for bearer JWTs; never logged."
    )
    gateway_jwks_url: str = Field(
        default="", description="JWKS URL for RS256/ES256 bearer JWTs (keys fetched and cached)."
    )
    gateway_jwt_issuer: str = Field(default="", description="Required `iss` claim, when set.")
    gateway_jwt_audience: str = Field(default="", description="Required `aud` claim, when set.")
    gateway_jwt_leeway: int = Field(default=30, ge=0, description="Clock skew allowed on exp/nbf, in seconds.")
    gateway_auth_cache_ttl: float = Field(
        default=30.0,
        ge=0,
        description="Seconds a verified bearer token is trusted again without re-checking its signature "
        "(never past its exp); 0 checks every request.",
    )
    gateway_api_keys: SecretStr = Field(
        default=SecretStr(""),
        description='JSON list of {"sha256", "role", "scopes", "org_ids"?, "group_ids"?, "name"}; '
        "keys are sent as X-API-Key or `Authorization: ApiKey <key>`.",
    )
    gateway_allow_anonymous: bool = Field(
        default=False, description="Let requests without credentials in, as GATEWAY_ANONYMOUS_ROLE."
    )
    gateway_anonymous_role: Literal["viewer", "operator", "admin"] = Field(
        default="viewer", description="Role of anonymous callers when they are allowed."
    )
    gateway_anonymous_scopes: str = Field(
        default="", description="Space-separated scopes of anonymous callers (e.g. `phi`)."
    )

    # -- Operation limits --------------------------------------------------------------
    gateway_max_depth: int = Field(default=12, ge=1, description="Deepest field nesting of one operation.")
    gateway_max_aliases: int = Field(
        default=30, ge=0, description="Aliases in one operation, counted through fragments."
    )
    gateway_max_tokens: int = Field(default=2000, ge=10, description="Lexer tokens in one document.")
    gateway_max_cost: int = Field(
        default=5000,
        ge=1,
        description="Cost ceiling: one per field, list fields multiply their selection by `first` (default 20).",
    )
    gateway_max_body_bytes: int = Field(default=100_000, ge=1024, description="Largest request body (413 beyond).")
    gateway_request_timeout: float = Field(
        default=30.0, gt=0, description="Seconds one GraphQL request may run before it is answered with TIMEOUT."
    )
    gateway_batching_max_operations: int = Field(
        default=0, ge=0, description="JSON array batching: 0 disables it, otherwise the most operations per batch."
    )
    gateway_rate_limit: str = Field(
        default="120/minute",
        description="Requests per principal, `N/second|minute|hour`; empty disables. "
        "Redis-backed with a redis:// cache.",
    )
    gateway_csrf_header: str = Field(
        default="",
        description="When set, every /graphql request must also carry this header (any value), "
        "on top of the JSON Content-Type that POST already requires.",
    )

    # -- Persisted operations ----------------------------------------------------------
    gateway_trusted_documents: str = Field(
        default="",
        description="Path of a JSON map sha256 -> document; when set only these operations run.",
    )
    gateway_apq_ttl: int = Field(
        default=86400, ge=0, description="How long an automatic persisted query stays in the cache, in seconds."
    )
