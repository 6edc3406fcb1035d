"""Gateway configuration, read from environment variables.

Field names are the environment variable names lower-cased, without a prefix
(``NOYO_BASE_URL`` -> ``noyo_base_url``). Add new settings as further annotated
fields with a ``Field(description=...)``; group them by concern as below.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SecretsSettingsSource, SettingsConfigDict

from gateway.events.settings import EventSettings
from gateway.security.settings import SecuritySettings

SECRETS_DIR_VARIABLE = "GATEWAY_SECRETS_DIR"


class Settings(SecuritySettings, EventSettings, BaseSettings):  # also gateway/{security,events}/settings.py
    """Every tunable of the gateway; ``Settings()`` reads the process environment."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then ``GATEWAY_SECRETS_DIR``: a folder with one file per
        setting, named like its variable (``NOYO_CLIENT_SECRET``), as a mounted Kubernetes Secret is."""
        directory = os.environ.get(SECRETS_DIR_VARIABLE)
        if directory:
            file_secret_settings = SecretsSettingsSource(settings_cls, secrets_dir=directory, case_sensitive=False)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    # -- Noyo upstream -------------------------------------------------------
    noyo_base_url: str = Field(
        default="https://fulfillment-sandbox.noyo.com",
        description="Base URL of Noyo's Fulfillment API (production: https://fulfillment.noyo.com).",
    )
    noyo_token_url: str = Field(
        default="https://accounts.noyo.com/auth/public/token",
        description="OAuth2 client-credentials token endpoint.",
    )
    noyo_client_id: str = Field(default="", description="Noyo API key client id (HTTP Basic user).")
    noyo_client_secret: SecretStr = Field(
        default=SecretStr(""), description="Noyo API key client secret (HTTP Basic password); never logged."
    )
    noyo_connect_timeout: float = Field(default=5.0, gt=0, description="Seconds to establish a connection.")
    noyo_read_timeout: float = Field(default=15.0, gt=0, description="Seconds to wait for response data.")
    noyo_write_timeout: float = Field(default=15.0, gt=0, description="Seconds to send request data.")
    noyo_pool_timeout: float = Field(
        default=5.0, gt=0, description="Seconds to wait for a free connection from the pool."
    )
    noyo_total_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Overall deadline in seconds for one upstream call, retries and back-off included.",
    )
    noyo_max_connections: int = Field(default=100, ge=1, description="Maximum open connections to Noyo.")
    noyo_max_keepalive_connections: int = Field(
        default=100,
        ge=0,
        description="Maximum idle keep-alive connections kept in the pool. Keep it at "
        "NOYO_MAX_CONNECTIONS: httpx closes a connection as it goes idle whenever the pool holds more "
        "connections than this, so a lower value reconnects (a TLS handshake each) within every fan-out burst.",
    )
    noyo_keepalive_expiry: float = Field(
        default=4.0,
        gt=0,
        description="Seconds an idle connection to Noyo is kept for reuse. Keep it below the server's own idle "
        "timeout (the emulator's, uvicorn's default, is 5 s): a connection the server closes as it is reused "
        "fails the request sent on it.",
    )
    noyo_http_transport: Literal["aiohttp", "httpcore"] = Field(
        default="aiohttp",
        description="The HTTP client under httpx for Noyo calls: aiohttp (its connection pool costs little per "
        "call) or httpcore (httpx's own pool, which rescans every idle connection on each request and release).",
    )
    noyo_read_max_attempts: int = Field(
        default=4, ge=1, description="Attempts per GET (first try included) on transient failures."
    )
    noyo_retry_backoff_base: float = Field(
        default=0.2, ge=0, description="Back-off before the first retry, in seconds; doubles per retry."
    )
    noyo_retry_backoff_max: float = Field(
        default=5.0, ge=0, description="Upper bound of one back-off delay (and of an honoured Retry-After)."
    )
    noyo_token_refresh_margin: float = Field(
        default=60.0, ge=0, description="Refresh the access token this many seconds before it expires."
    )

    # -- Cache -------------------------------------------------------------------
    gateway_cache_url: str = Field(
        default="memory://", description="Cache backend URL: memory:// or redis://host:port/db."
    )
    gateway_cache_namespace: str = Field(default="noyo-gateway", description="Prefix of every cache key.")
    gateway_cache_ttl_groups: int = Field(default=300, ge=0, description="Freshness of groups, in seconds.")
    gateway_cache_ttl_carriers: int = Field(default=3600, ge=0, description="Freshness of carriers, in seconds.")
    gateway_cache_ttl_connections: int = Field(
        default=120, ge=0, description="Freshness of group connections, in seconds."
    )
    gateway_cache_ttl_disconnections: int = Field(
        default=60, ge=0, description="Freshness of group disconnection requests, in seconds."
    )
    gateway_cache_ttl_snapshots: int = Field(default=30, ge=0, description="Freshness of member snapshots, in seconds.")
    gateway_cache_ttl_employees: int = Field(default=300, ge=0, description="Freshness of employees, in seconds.")
    gateway_cache_ttl_lists: int = Field(default=30, ge=0, description="Freshness of cached list pages, in seconds.")
    gateway_stale_if_error_seconds: int = Field(
        default=3600, ge=0, description="How long past freshness an entry may be served when Noyo is failing."
    )
    gateway_bus_url: str = Field(
        default="",
        description="Publish/subscribe URL shared by every replica (memory:// or redis://); empty: the cache URL.",
    )
    gateway_idempotency_ttl: int = Field(
        default=86400, ge=0, description="How long an idempotency key's recorded outcome is kept, in seconds."
    )
    gateway_idempotency_lock_wait: float = Field(
        default=5.0,
        gt=0,
        description="Seconds a keyed write waits while another request (on any replica) holds the same key, "
        "before answering IDEMPOTENCY_KEY_IN_USE.",
    )

    # -- Redis faults (timeouts, circuit breaker, local fallbacks) -------------------------
    gateway_redis_timeout: float = Field(
        default=0.2,
        gt=0,
        description="Seconds one Redis operation may take before it counts as failed (cache, idempotency, "
        "rate limits, response cache).",
    )
    gateway_redis_breaker_failures: int = Field(
        default=3,
        ge=1,
        description="Consecutive Redis failures that open the circuit: Redis is then skipped (local cache and "
        "rate limiter, keyed writes refused) until a background PING succeeds.",
    )
    gateway_redis_probe_interval: float = Field(
        default=0.5, gt=0, description="Seconds between the PINGs that look for Redis while its circuit is open."
    )

    # -- Subscriptions (GraphQL over WebSocket / Server-Sent Events) -------------------
    gateway_ws_allowed_origins: str = Field(
        default="",
        description="Comma-separated origins (https://app.example.com) whose pages may open a WebSocket; "
        "same-origin pages and clients sending no Origin are always let in, every other origin is refused.",
    )
    gateway_ws_max_subscriptions: int = Field(
        default=20, ge=1, description="Most operations one WebSocket connection may run at once."
    )
    gateway_ws_keepalive_interval: float = Field(
        default=15.0, gt=0, description="Seconds between the server's graphql-transport-ws `ping` messages."
    )
    gateway_ws_connection_init_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a new WebSocket has to send `connection_init` before it is closed."
    )
    gateway_subscription_queue_size: int = Field(
        default=100,
        ge=1,
        description="Changes buffered per subscriber; a subscriber further behind loses its oldest ones.",
    )

    # -- Observability -------------------------------------------------------------
    gateway_metrics_enabled: bool = Field(
        default=True,
        description="Serve Prometheus metrics at GET /metrics (no credentials; no ids or PHI in labels).",
    )

    # -- Response cache and fan-out (read speed) ---------------------------------------
    gateway_response_cache_enabled: bool = Field(
        default=True,
        description="Cache whole query responses (keyed by document, variables and the caller's permissions).",
    )
    gateway_response_cache_max_ttl: int = Field(
        default=300,
        ge=1,
        description="Upper bound of a cached response's life in seconds; the shortest TTL of what it read wins.",
    )
    gateway_response_cache_refresh_ahead: bool = Field(
        default=True,
        description="Re-execute a cached response hit in the last tenth of its life (2 s at most) in the "
        "background, for the same caller, so it is replaced before it expires.",
    )
    gateway_response_cache_max_entries: int = Field(
        default=10_000, ge=1, description="Responses kept per process with memory:// (least recently used go first)."
    )
    gateway_upstream_fanout_limit: int = Field(
        default=50,
        ge=1,
        description="Per-record upstream calls one request may run at once (lists Noyo cannot batch).",
    )
    gateway_prefetch_carriers: bool = Field(
        default=True,
        description="Start Noyo's carrier list (one unpaginated call) with a query's first read when "
        "the query selects a carrier, instead of fetching carriers by id after the records naming them: "
        "one dependent round trip fewer, the same number of calls.",
    )
    noyo_disconnections_group_id_csv: bool = Field(
        default=False,
        description="Fetch the disconnection requests of many groups in one call with a comma-separated "
        "`group_id` filter (not in Noyo's documentation: off = one documented per-group call each).",
    )
    noyo_disconnections_group_id_chunk: int = Field(
        default=50, ge=1, le=100, description="Group ids per comma-separated `group_id` call."
    )

    @property
    def bus_url(self) -> str:
        """``GATEWAY_BUS_URL``, or the cache URL when it is not set."""
        return self.gateway_bus_url or self.gateway_cache_url

    # -- Browser pages (gateway/console.py) ---------------------------------------
    gateway_console_enabled: bool = Field(
        default=True,
        description="Serve the operations console at /console; its persisted operations are then accepted "
        "by hash, also alongside GATEWAY_TRUSTED_DOCUMENTS.",
    )
