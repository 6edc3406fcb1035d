"""Live data in one replica: what the app lifespan starts and stops.

``EventRuntime.start()`` listens for other replicas' invalidations, opens the event intake,
starts the worker (and the poller when ``GATEWAY_POLL_INTERVAL`` is set). ``receiver`` is the
webhook endpoint (None when no webhook secret is configured).
"""

from __future__ import annotations

from typing import Any

import orjson

from gateway.cache import invalidation

from .intake import Intake
from .pipeline import EventPipeline
from .poller import Poller
from .receiver import WebhookReceiver
from .signature import SignatureVerifier
from .worker import EventWorker


class EventRuntime:
    """The receiver, intake, pipeline, worker and poller of one replica."""

    def __init__(
        self, settings: Any, noyo: Any, cache: Any, bus: Any, *, metrics: Any = None, droppers: tuple[Any, ...] = ()
    ) -> None:
        self.settings = settings
        self.droppers = droppers  # in-process layers dropping other replicas' invalidations
        self.bus = bus
        self.cache = cache
        self.intake = Intake.from_url(
            settings.events_url,
            namespace=settings.gateway_cache_namespace,
            dedupe_seconds=settings.gateway_webhook_dedupe_seconds,
            claim_idle=settings.gateway_event_claim_idle_seconds,
        )
        self.pipeline = EventPipeline(noyo, cache, bus, settings, metrics=metrics)
        self.worker = EventWorker(
            self.intake,
            self.pipeline,
            max_attempts=settings.gateway_event_max_attempts,
            metrics=metrics,
        )
        secrets = settings.webhook_secrets
        self.receiver = (
            WebhookReceiver(
                SignatureVerifier(secrets, tolerance=settings.gateway_webhook_tolerance_seconds),
                self.intake,
                max_body=settings.gateway_webhook_max_body_bytes,
                metrics=metrics,
            )
            if secrets
            else None
        )
        self.poller = Poller(noyo, self.intake, settings) if settings.gateway_poll_interval > 0 else None
        self._stop_listening: Any = None

    async def start(self) -> None:
        self._stop_listening = invalidation.listen(self.bus, self.cache, *self.droppers)
        await self.intake.start()
        await self.worker.start()
        if self.poller is not None:
            await self.poller.start()

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
        await self.worker.stop()
        await self.intake.close()
        if self._stop_listening is not None:
            self._stop_listening()


_UNCONFIGURED = orjson.dumps({"status": "unavailable", "message": "Webhooks are not configured."})


class WebhookEndpoint:
    """The route's endpoint (plain ASGI, as Starlette mounts any non-function): the running
    replica's receiver."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        services = getattr(scope["app"].state, "services", None)
        events = getattr(services, "events", None)
        if events is None or events.receiver is None:
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(_UNCONFIGURED)).encode())]
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": _UNCONFIGURED})
            return
        await events.receiver(scope, receive, send)


webhook_endpoint = WebhookEndpoint()


__all__ = ["EventRuntime", "webhook_endpoint"]
