"""The change stream of one subscriber (in-process bus): buffering, repeats, metrics, queue moves."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest

from gateway.cache import cache_from_settings
from gateway.events import CHANGES, Bus, Change
from gateway.metrics import GatewayMetrics
from gateway.noyo import NoyoClient, models
from gateway.schema.disconnections.subscriptions import ReviewQueueMovement, queue_movement
from gateway.schema.live import LiveChanges
from gateway.security.principal import Principal
from tests.gateway.conftest import make_gateway_settings


def a_change(n: int, kind: str = "group", event_id: str | None = None) -> Change:
    return Change(kind=kind, id=f"id-{n}", event_type="group.created", event_id=event_id or f"evt-{n}")


@pytest.fixture
async def services():
    bus = Bus.from_url("memory://")
    await bus.start()
    settings = make_gateway_settings("live-test", gateway_subscription_queue_size=3)
    noyo, cache = NoyoClient.from_settings(settings), cache_from_settings(settings)  # never called here
    yield SimpleNamespace(bus=bus, settings=settings, metrics=GatewayMetrics(), noyo=noyo, cache=cache)
    await bus.close()
    await noyo.aclose()
    await cache.close()


def subscriber(services) -> SimpleNamespace:
    return SimpleNamespace(services=services, principal=Principal.build("p", "viewer"), expires_at=None)


def sample(metrics: GatewayMetrics, name: str, field: str) -> float:
    return metrics.registry.get_sample_value(name, {"subscription": field}) or 0.0


async def test_a_slow_subscriber_loses_its_oldest_changes_without_holding_up_others(services):
    # given: two subscribers with 3-change buffers; the slow one reads nothing for now
    slow = LiveChanges(subscriber(services), "groupStatusChanged", ["group"]).__aiter__()
    fast = LiveChanges(subscriber(services), "groupStatusChanged", ["group"]).__aiter__()
    fast_first = asyncio.ensure_future(anext(fast))
    slow_first = asyncio.ensure_future(anext(slow))
    await asyncio.sleep(0)  # both listen
    assert services.bus.subscriber_count(CHANGES) == 2

    # when: ten changes are published
    received = []
    for n in range(10):
        await services.bus.publish(CHANGES, a_change(n).to_message())
        received.append((await fast_first) if n == 0 else await anext(fast))

    # then: the fast one got all ten as they came; the slow one gets its first and the newest 3
    assert [c.id for c in received] == [f"id-{n}" for n in range(10)]
    slow_ids = [(await slow_first).id] + [(await anext(slow)).id for _ in range(3)]
    assert slow_ids == ["id-0", "id-7", "id-8", "id-9"]
    await slow.aclose()
    await fast.aclose()
    assert sample(services.metrics, "noyo_gateway_subscription_changes_dropped_total", "groupStatusChanged") == 6
    assert sample(services.metrics, "noyo_gateway_subscriptions_open", "groupStatusChanged") == 0
    assert services.bus.subscriber_count(CHANGES) == 0


async def test_repeated_events_and_other_kinds_are_not_delivered(services):
    stream = LiveChanges(subscriber(services), "groupStatusChanged", ["group"]).__aiter__()
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    assert sample(services.metrics, "noyo_gateway_subscriptions_open", "groupStatusChanged") == 1
    await services.bus.publish(CHANGES, a_change(1, event_id="same").to_message())
    assert (await first).id == "id-1"
    # a repeat of the event, another kind, a malformed message: none of them come through
    await services.bus.publish(CHANGES, a_change(2, event_id="same").to_message())
    await services.bus.publish(CHANGES, a_change(3, kind="member_snapshot").to_message())
    await services.bus.publish(CHANGES, {"kind": "group"})
    await services.bus.publish(CHANGES, a_change(4, event_id=None).to_message())
    assert (await asyncio.wait_for(anext(stream), 1)).id == "id-4"
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(stream), 0.2)


async def test_the_stream_ends_when_the_subscribers_token_expires(services):
    context = subscriber(services)
    context.expires_at = time.time() + 0.3
    stream = LiveChanges(context, "groupStatusChanged", ["group"]).__aiter__()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), 2)
    assert services.bus.subscriber_count(CHANGES) == 0


def request(status: str) -> models.DisconnectionRequest:
    return models.DisconnectionRequest.model_validate({
        "id": "r", "version": "v", "status": status, "source_type": "carrier", "source_id": "s", "group_id": "g",
        "group_name": "G", "carrier_id": "c", "organization_id": "o", "created": 1, "modified": 1,
    })


@pytest.mark.parametrize(
    "status, previous, event, movement",
    [
        ("needs_review", None, "group_disconnection_request.created", ReviewQueueMovement.ENTERED),
        ("needs_review", "rejected", "group_disconnection_request.status_change", ReviewQueueMovement.ENTERED),
        ("needs_review", "needs_review", "group_disconnection_request.status_change", None),
        ("needs_review", "needs_review", "group_disconnection_request.created", ReviewQueueMovement.ENTERED),
        # confirmed through the gateway: its cache already held the new status when Noyo's event came
        ("processing", "processing", "group_disconnection_request.status_change", ReviewQueueMovement.LEFT),
        ("processing", "needs_review", "group_disconnection_request.status_change", ReviewQueueMovement.LEFT),
        ("rejected", None, "group_disconnection_request.status_change", ReviewQueueMovement.LEFT),
        ("rejected", None, "poll", ReviewQueueMovement.LEFT),
        ("processing", None, "group_disconnection_request.created", None),  # created by the platform
        ("completed", "processing", "group_disconnection_request.status_change", None),
        ("processing", "rejected", "group_disconnection_request.status_change", None),
    ],
)
def test_queue_movement(status, previous, event, movement):
    change = Change(kind="disconnection_request", id="r", event_type=event, status=status, previous_status=previous)
    assert queue_movement(request(status), change) is movement
