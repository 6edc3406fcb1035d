"""The optional poller: where Noyo sends no webhooks, find what changed and feed the pipeline.

Every ``GATEWAY_POLL_INTERVAL`` seconds the replica holding the poll lease (one at a time,
a lease in Redis renewed while it polls) lists the disconnection requests waiting for review
or processing and the in-flight member snapshots (submitted, processing). A record that
appeared, whose ``status`` or ``modified`` moved, or that left those lists (completed,
rejected, replaced...) is queued like a webhook event (``{"type": "poll", "kind", "data_id"}``)
and goes through the same pipeline. The first poll of a replica only learns the baseline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.noyo import iterate_pages

from .intake import Intake
from .pipeline import POLL

logger = logging.getLogger("gateway.events.poller")

LEASE = "poller"
Seen = dict[str, tuple[str, int]]  # id -> (status, modified)


class Poller:
    """``start()`` / ``stop()`` from the lifespan; ``poll_once()`` runs one cycle."""

    def __init__(self, noyo: Any, intake: Intake, settings: Any, *, clock: Callable[[], float] = time.time) -> None:
        self.noyo = noyo
        self.intake = intake
        self.interval = float(settings.gateway_poll_interval)
        self.clock = clock
        self.owner = uuid.uuid4().hex
        self._seen: dict[str, Seen] | None = None
        self._task: asyncio.Task[None] | None = None

    def _sources(self) -> dict[str, Callable[[int, int], Awaitable[Any]]]:
        return {
            "disconnection_request": lambda o, n: self.noyo.list_disconnection_requests(
                status=["needs_review", "processing"], offset=o, page_size=n
            ),
            "member_snapshot": lambda o, n: self.noyo.list_member_snapshots(
                status=["submitted", "processing"], offset=o, page_size=n
            ),
        }

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="noyo-poller")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                if await self.intake.lease(LEASE, self.owner, max(self.interval * 3, 5.0)):
                    await self.poll_once()
                else:
                    self._seen = None  # another replica polls; start from a new baseline if we take over
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Noyo or Redis failing: try again next time
                logger.warning("poll failed: %s", type(exc).__name__)
            await asyncio.sleep(self.interval)

    async def poll_once(self) -> int:
        """One cycle; returns how many changes were queued."""
        current: dict[str, Seen] = {}
        for kind, fetch_page in self._sources().items():
            current[kind] = {r.id: (r.status, int(r.modified or 0)) async for r in iterate_pages(fetch_page)}
        previous, self._seen = self._seen, current
        if previous is None:
            return 0
        queued = 0
        for kind, records in current.items():
            before = previous.get(kind, {})
            changed = [(i, f"{s}:{m}") for i, (s, m) in records.items() if before.get(i) != (s, m)]
            changed += [(i, f"left:{s}:{m}") for i, (s, m) in before.items() if i not in records]
            for record_id, version in changed:
                message = {"id": None, "type": POLL, "kind": kind, "data_id": record_id, "accepted_at": self.clock()}
                if await self.intake.accept(f"poll:{kind}:{record_id}:{version}", message):
                    queued += 1
        if queued:
            logger.info("poll found %d change(s)", queued)
        return queued


__all__ = ["LEASE", "Poller"]
