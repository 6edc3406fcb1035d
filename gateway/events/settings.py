"""Settings of Noyo's webhooks, the event pipeline and the poller (mixed into ``Settings``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings


class EventSettings(BaseSettings):
    """Webhook receiver, event pipeline and poller knobs."""

    gateway_webhook_path: str = Field(
        default="/webhooks/noyo", description="Where Noyo POSTs webhook events (outside GraphQL authentication)."
    )
    gateway_webhook_secrets: SecretStr = Field(
        default=SecretStr(""),
        description="Comma-separated webhook signing secrets; any one verifying is enough, so during rotation "
        "configure the new and the old secret together. Empty: the receiver is not mounted.",
    )
    gateway_webhook_tolerance_seconds: int = Field(
        default=300, ge=1, description="How far x-noyo-timestamp may be from this clock (replay protection)."
    )
    gateway_webhook_max_body_bytes: int = Field(
        default=16384, ge=256, description="Largest webhook body accepted (Noyo's events carry ids only)."
    )
    gateway_webhook_dedupe_seconds: int = Field(
        default=259200, ge=60, description="How long an event id is remembered (Noyo retries for 3 days)."
    )
    gateway_events_url: str = Field(
        default="",
        description="Where accepted events are deduplicated and queued (memory:// or redis://; Redis with a "
        "noeviction policy); empty: the cache URL.",
    )
    gateway_event_max_attempts: int = Field(
        default=8, ge=1, description="Processing attempts of one event before it is dropped and counted as failed."
    )
    gateway_event_claim_idle_seconds: float = Field(
        default=60.0,
        gt=0,
        description="An event a replica took but did not finish within this long is "
        "taken over by another replica (or by this one after a restart).",
    )
    gateway_poll_interval: float = Field(
        default=0.0,
        ge=0,
        description="Seconds between polls of Noyo for changed disconnection requests and "
        "in-flight snapshots (for environments without webhooks); 0: no polling.",
    )

    @property
    def events_url(self) -> str:
        """``GATEWAY_EVENTS_URL``, or the cache URL when it is not set."""
        return self.gateway_events_url or getattr(self, "gateway_cache_url", "memory://")

    @property
    def webhook_secrets(self) -> list[str]:
        """The configured signing secrets, in order."""
        return [s.strip() for s in self.gateway_webhook_secrets.get_secret_value().split(",") if s.strip()]
