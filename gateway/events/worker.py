"""The worker each replica runs in its lifespan: takes accepted events and processes them.

Deliveries are processed concurrently (up to ``concurrency``); a failing one (Noyo or the bus
down) is retried in process with capped exponential back-off, up to ``max_attempts`` times in
all, then dropped and counted as failed. An entry is acknowledged only when it is done, so an
event taken by a replica that stops is processed by another (or by it once restarted).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .intake import Delivery, Intake
from .pipeline import EventPipeline, kind_of

logger = logging.getLogger("gateway.events.worker")


class EventWorker:
    """``start()`` / ``stop()`` from the app lifespan."""

    def __init__(
        self,
        intake: Intake,
        pipeline: EventPipeline,
        *,
        max_attempts: int = 8,
        concurrency: int = 8,
        backoff_base: float = 0.25,
        backoff_max: float = 10.0,
        block: float = 1.0,
        metrics: Any = None,
    ) -> None:
        self.intake = intake
        self.pipeline = pipeline
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.block = block
        self.metrics = metrics
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name="event-worker")

    async def stop(self) -> None:
        """Stop taking and cancel what is in flight (those entries stay queued on Redis)."""
        tasks = [t for t in (self._runner, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        if tasks:  # a read blocked inside the Redis client may not notice at once: bounded wait
            await asyncio.wait(tasks, timeout=2.0)
        self._runner = None
        self._tasks.clear()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def _run(self) -> None:
        delay = self.backoff_base
        while True:
            if len(self._tasks) >= self.concurrency:
                await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                deliveries = await self.intake.take(self.concurrency - len(self._tasks), self.block)
                delay = self.backoff_base
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the store is unreachable: wait and try again
                logger.warning("event queue unreachable: %s", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            for delivery in deliveries:
                task = asyncio.create_task(self._handle(delivery))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _handle(self, delivery: Delivery) -> None:
        message = delivery.message
        kind = kind_of(message)
        label = kind.name if kind else "none"
        attempt = delivery.deliveries
        while True:
            if attempt > self.max_attempts:
                logger.error(
                    "event %s (%s) dropped after %d attempts", message.get("id"), message.get("type"), attempt - 1
                )
                self._count_failed(label)
                await self._ack(delivery)
                return
            try:
                await self.pipeline.process(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - retried with back-off, then dead-lettered
                logger.warning(
                    "event %s (%s) attempt %d failed: %s",
                    message.get("id"),
                    message.get("type"),
                    attempt,
                    type(exc).__name__,
                )
                await asyncio.sleep(min(self.backoff_base * 2 ** (attempt - delivery.deliveries), self.backoff_max))
                attempt += 1
                continue
            if self.metrics is not None and kind is not None:
                self.metrics.events_processed.labels(
                    label, "poll" if message.get("type") == "poll" else "webhook"
                ).inc()
            await self._ack(delivery)
            return

    async def _ack(self, delivery: Delivery) -> None:
        for _ in range(3):
            try:
                await self.intake.ack(delivery)
                return
            except Exception as exc:  # noqa: BLE001 - unacked: processed again later (idempotent)
                logger.warning("event ack failed: %s", type(exc).__name__)
                await asyncio.sleep(self.backoff_base)

    def _count_failed(self, label: str) -> None:
        if self.metrics is not None:
            self.metrics.events_failed.labels(label).inc()


__all__ = ["EventWorker"]
