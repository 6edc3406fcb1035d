"""Cross-replica publish/subscribe: the one fan-out primitive of the gateway.

``Bus.from_url("memory://")`` fans messages out inside the process (one replica).
``Bus.from_url("redis://...")`` publishes with Redis ``PUBLISH`` and keeps ONE pattern
subscription per process (``PSUBSCRIBE <namespace>:bus:*``), so every replica's local
subscribers of a channel receive every message published on it by any replica, the
publisher's own process included.

Messages are JSON objects. Local delivery goes to bounded per-subscriber queues (a slow
subscriber loses its oldest messages, counted in ``dropped``, and never blocks the others)
and to listeners (callbacks run once per message). The Redis subscriber connection
reconnects with capped back-off after Redis goes away; ``healthy`` says whether it is up.
Messages published while a replica is disconnected do not reach it: callers that need every
change to land (cache invalidation) also record it somewhere durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

logger = logging.getLogger("gateway.events.bus")

Message = dict[str, Any]
Listener = Callable[[Message], Awaitable[None] | None]


class BusUnavailable(Exception):
    """The bus could not take a message (Redis unreachable or too slow)."""


class Subscription:
    """One local subscriber of a channel: an async iterator over its messages."""

    def __init__(self, bus: Bus, channel: str, maxsize: int) -> None:
        self._bus = bus
        self.channel = channel
        self._queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=maxsize)
        #: Messages lost because this subscriber fell more than ``maxsize`` behind.
        self.dropped = 0

    def _offer(self, message: Message) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(message)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Message:
        return await self._queue.get()

    async def get(self, timeout: float | None = None) -> Message:
        """The next message; ``TimeoutError`` after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            return await self._queue.get()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._bus._remove(self.channel, self)


class Bus:
    """Publish/subscribe by channel name; see the module docstring."""

    def __init__(
        self,
        redis_url: str | None = None,
        *,
        namespace: str = "noyo-gateway",
        queue_size: int = 1000,
        timeout: float = 0.5,
        reconnect_max: float = 2.0,
    ) -> None:
        self.redis_url = redis_url
        self.namespace = namespace
        self.queue_size = queue_size
        self.timeout = timeout
        self.reconnect_max = reconnect_max
        self._subscribers: dict[str, set[Subscription]] = {}
        self._listeners: dict[str, list[Listener]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._publisher: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self.healthy = redis_url is None

    @classmethod
    def from_url(cls, url: str, *, namespace: str = "noyo-gateway", **options: Any) -> Bus:
        """``memory://`` (in-process) or ``redis://[:password@]host:port/db``."""
        scheme = urllib.parse.urlparse(url).scheme
        if scheme == "memory":
            return cls(None, namespace=namespace, **options)
        if scheme in ("redis", "rediss"):
            return cls(url, namespace=namespace, **options)
        raise ValueError(f"unsupported bus URL scheme {scheme!r}; use memory:// or redis://")

    @property
    def distributed(self) -> bool:
        """True when messages cross processes (Redis)."""
        return self.redis_url is not None

    def _key(self, channel: str) -> str:
        return f"{self.namespace}:bus:{channel}"

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self, *, wait: float | None = 2.0) -> None:
        """Open the Redis connections (no-op in memory); waits up to ``wait`` s for the
        subscription to be live, then goes on reconnecting in the background."""
        if self.redis_url is None or self._reader is not None:
            return
        from redis import asyncio as aioredis

        self._publisher = aioredis.Redis.from_url(
            self.redis_url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
        )
        self._reader = asyncio.create_task(self._read_forever(), name="bus-reader")
        if wait:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), wait)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        for task in list(self._tasks):
            task.cancel()
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                await self._publisher.aclose()
            self._publisher = None

    # -- publishing ------------------------------------------------------------------------
    async def publish(self, channel: str, message: Message) -> None:
        """Deliver ``message`` to every replica's subscribers of ``channel``.

        Raises :class:`BusUnavailable` when Redis cannot take it within ``timeout``.
        """
        if self.redis_url is None:
            self._dispatch(channel, message)
            return
        if self._publisher is None:
            raise BusUnavailable("bus not started")
        payload = json.dumps(message, separators=(",", ":"))
        try:
            await asyncio.wait_for(self._publisher.publish(self._key(channel), payload), self.timeout)
        except Exception as exc:  # redis errors, timeouts
            raise BusUnavailable(f"bus publish failed: {type(exc).__name__}") from exc

    # -- subscribing -----------------------------------------------------------------------
    def subscribe(self, channel: str, *, maxsize: int | None = None) -> Subscription:
        """A new local subscriber (use as ``async with`` or call ``close()``)."""
        subscription = Subscription(self, channel, maxsize or self.queue_size)
        self._subscribers.setdefault(channel, set()).add(subscription)
        return subscription

    def add_listener(self, channel: str, callback: Listener) -> Callable[[], None]:
        """Run ``callback(message)`` for every message on ``channel``; returns its remover."""
        self._listeners.setdefault(channel, []).append(callback)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.get(channel, []).remove(callback)

        return remove

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    def _remove(self, channel: str, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(channel)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscribers[channel]

    def _dispatch(self, channel: str, message: Message) -> None:
        for subscription in list(self._subscribers.get(channel, ())):
            subscription._offer(message)
        for callback in list(self._listeners.get(channel, ())):
            try:
                result = callback(message)
            except Exception:
                logger.exception("bus listener failed on channel %s", channel)
                continue
            if asyncio.iscoroutine(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._listener_done)

    def _listener_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("bus listener failed: %s", type(task.exception()).__name__)

    # -- the Redis reader ------------------------------------------------------------------
    async def _read_forever(self) -> None:
        from redis import asyncio as aioredis

        assert self.redis_url is not None  # started only for a Redis bus
        prefix = self._key("")
        delay = 0.05
        while True:
            client = aioredis.Redis.from_url(
                self.redis_url, socket_connect_timeout=self.timeout, health_check_interval=1
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(prefix + "*")
                self.healthy = True
                self._connected.set()
                delay = 0.05
                async for channel, message in self._messages(pubsub):
                    if channel.startswith(prefix):
                        self._dispatch(channel[len(prefix) :], message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect with back-off
                if self.healthy:
                    logger.warning("bus subscriber disconnected: %s", type(exc).__name__)
                self.healthy = False
                self._connected.clear()
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.reconnect_max)

    @staticmethod
    async def _messages(pubsub: Any) -> AsyncIterator[tuple[str, Message]]:
        while True:
            raw = await pubsub.get_message(timeout=1.0)
            if raw is None or raw.get("type") != "pmessage":
                continue
            channel = raw["channel"].decode() if isinstance(raw["channel"], bytes) else raw["channel"]
            try:
                message = json.loads(raw["data"])
            except (TypeError, ValueError):
                logger.warning("bus dropped a malformed message")
                continue
            if isinstance(message, dict):
                yield channel, message


__all__ = ["Bus", "BusUnavailable", "Message", "Subscription"]
