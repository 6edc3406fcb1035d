"""The events bench's load generator, a process of its own: plays Noyo delivering webhooks.

``python -m bench._deliveries PLAN.json`` reads the plan the bench wrote (replica URLs, record
ids, the load model) and prints ``go`` when it starts sending, then one JSON document: every delivery and every ``GET /healthz``
probe with its send time and answer time on ``time.perf_counter()`` (CLOCK_MONOTONIC on Linux,
one clock for every process of the machine, so the bench compares these with its bus
subscriber's times).

Load models:
- ``open`` (Noyo's): deliveries leave at a fixed ``rate`` per second whether or not earlier ones
  were answered, alternating replicas; the tenth of events delivered twice are redelivered to the
  other replica in the next slot. ``GET /healthz`` probes run beside them at ``health_rate``.
  Each request records how late it left its slot (``lag``): a late generator is reported, not hidden;
- ``flood``: ``concurrency`` senders, each POSTing an event, then probing ``/healthz``, then the
  next, as fast as answered (closed loop: a capacity figure, not how Noyo delivers).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httptools

from gateway.events.signature import sign

HOOK = "/webhooks/noyo"
EVENT_TYPE = "group_disconnection_request.status_change"


def signed(secret: str, record_id: str) -> tuple[str, bytes, dict[str, str]]:
    """A fresh event about ``record_id``: its id, body and Noyo's headers."""
    event_id = str(uuid.uuid4())
    body = json.dumps(
        {"data": {"id": record_id}, "event": {"id": event_id, "created": int(time.time()), "type": EVENT_TYPE}},
        separators=(",", ":"),
    ).encode()
    timestamp = dt.datetime.now(dt.UTC).isoformat()
    headers = {"content-type": "application/json", "x-noyo-timestamp": timestamp,
               "x-noyo-signature": sign(secret, timestamp, body)}
    return event_id, body, headers


class Client:
    """HTTP/1.1 keep-alive connections to loopback servers, one request at a time on each.

    Leaner than a general client on purpose (asyncio streams and httptools' C parser): whatever
    the client spends is inside every latency measured, and at a few hundred requests per
    second a general client's per-request cost on 2 shared cores is what the bench would measure.
    """

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}

    async def request(self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> int:
        """Send one request; its status once the whole response is read."""
        address, path = url.removeprefix("http://").split("/", 1)
        host, port = address.split(":")
        key = (host, int(port))
        idle = self._idle.setdefault(key, [])
        reader, writer = idle.pop() if idle else await asyncio.open_connection(*key)
        head = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        writer.write(f"{method} /{path} HTTP/1.1\r\nhost: {address}\r\ncontent-length: {len(body)}\r\n{head}\r\n"
                     .encode() + body)
        done: list[bool] = []

        class Protocol:
            def on_message_complete(self) -> None:
                done.append(True)

        parser = httptools.HttpResponseParser(Protocol())
        while not done:
            chunk = await reader.read(65536)
            if not chunk:
                writer.close()
                raise ConnectionError("the server closed the connection")
            parser.feed_data(chunk)
        if parser.should_keep_alive():
            idle.append((reader, writer))
        else:
            writer.close()
        return int(parser.get_status_code())

    async def close(self) -> None:
        for connections in self._idle.values():
            for _, writer in connections:
                writer.close()


class Recorder:
    """What was sent and how it was answered."""

    def __init__(self) -> None:
        self.deliveries: list[dict[str, Any]] = []
        self.health: list[dict[str, Any]] = []

    async def deliver(self, client: Client, url: str, replica: int, event: tuple[str, bytes, dict[str, str]],
                      record_id: str, *, duplicate: bool, due: float | None = None) -> None:
        event_id, body, headers = event
        started = time.perf_counter()
        try:
            status: int | str = await client.request("POST", f"{url}{HOOK}", body, headers)
        except OSError as exc:
            status = type(exc).__name__
        self.deliveries.append({"event_id": event_id, "record_id": record_id, "replica": replica, "sent": started,
                                "seconds": time.perf_counter() - started, "status": status, "duplicate": duplicate,
                                "lag": started - due if due is not None else 0.0})

    async def probe(self, client: Client, url: str, due: float | None = None) -> None:
        started = time.perf_counter()
        try:
            status: int | str = await client.request("GET", f"{url}/healthz")
        except OSError as exc:
            status = type(exc).__name__
        self.health.append({"sent": started, "seconds": time.perf_counter() - started, "status": status,
                            "lag": started - due if due is not None else 0.0})


async def open_loop(plan: dict[str, Any], client: Client, recorder: Recorder) -> None:
    """Deliveries at ``rate``/s and probes at ``health_rate``/s, each on its own schedule."""
    urls, ids, secret = plan["urls"], plan["record_ids"], plan["secret"]
    slots: list[tuple[int, str, tuple[str, bytes, dict[str, str]], bool]] = []
    for i in range(plan["events"]):
        replica, record_id = i % len(urls), ids[i % len(ids)]
        event = signed(secret, record_id)
        slots.append((replica, record_id, event, False))
        if i % plan["duplicate_every"] == 0:  # Noyo delivering the same event again, to the other replica
            slots.append(((replica + 1) % len(urls), record_id, event, True))
    tasks: set[asyncio.Task[None]] = set()
    began = time.perf_counter() + 0.05

    async def deliveries() -> None:
        for k, (replica, record_id, event, duplicate) in enumerate(slots):
            due = began + k / plan["rate"]
            await asyncio.sleep(max(due - time.perf_counter(), 0))
            task = asyncio.create_task(recorder.deliver(client, urls[replica], replica, event, record_id,
                                                        duplicate=duplicate, due=due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def probes() -> None:
        ends = began + len(slots) / plan["rate"]
        k = 0
        while (due := began + k / plan["health_rate"]) < ends:
            await asyncio.sleep(max(due - time.perf_counter(), 0))
            task = asyncio.create_task(recorder.probe(client, urls[k % len(urls)], due=due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            k += 1

    await asyncio.gather(deliveries(), probes())
    while tasks:
        await asyncio.wait(set(tasks))


async def flood(plan: dict[str, Any], client: Client, recorder: Recorder) -> None:
    """``concurrency`` closed-loop senders: event, (its redelivery), probe, next."""
    urls, ids, secret = plan["urls"], plan["record_ids"], plan["secret"]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(plan["events"]):
        queue.put_nowait(i)

    async def sender() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            replica, record_id = i % len(urls), ids[i % len(ids)]
            event = signed(secret, record_id)
            await recorder.deliver(client, urls[replica], replica, event, record_id, duplicate=False)
            if i % plan["duplicate_every"] == 0:
                other = (replica + 1) % len(urls)
                await recorder.deliver(client, urls[other], other, event, record_id, duplicate=True)
            await recorder.probe(client, urls[replica])

    await asyncio.gather(*(sender() for _ in range(plan["concurrency"])))


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    client = Client()
    try:
        for url in plan["urls"]:  # connections open before the clock starts
            await asyncio.gather(*(client.request("GET", f"{url}/healthz") for _ in range(8)))
        recorder = Recorder()
        sys.stdout.write("go\n")  # the bench starts its CPU meter
        sys.stdout.flush()
        began, cpu = time.perf_counter(), time.process_time()
        await (open_loop if plan["model"] == "open" else flood)(plan, client, recorder)
        return {"began": began, "ended": time.perf_counter(), "cpu_seconds": time.process_time() - cpu,
                "deliveries": recorder.deliveries, "health": recorder.health}
    finally:
        await client.close()


def main() -> None:
    import uvloop

    plan = json.loads(Path(sys.argv[1]).read_text())
    _write_all(json.dumps(uvloop.run(run(plan))).encode())


def _write_all(data: bytes) -> None:
    """``data`` on standard output, whole. The record is hundreds of KiB: through an unbuffered
    ``sys.stdout`` (``PYTHONUNBUFFERED``) a pipe that is full takes part of a write and the rest
    is lost, so the bench read a corrupted document on a busy machine."""
    os.set_blocking(1, True)
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]


if __name__ == "__main__":
    main()
