"""``gateway.loaders``: batching, cache reuse across requests, priming and stale-if-error,
with a real Noyo client on the emulator and a real cache (upstream counted at the emulator)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.cache import Cache
from gateway.loaders import Loaders, StaleNote
from gateway.noyo import NoyoClient, NoyoUnavailable
from tests.gateway.conftest import make_gateway_settings

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def settings(cache_namespace):
    return make_gateway_settings(cache_namespace)


@pytest.fixture
async def noyo_client(settings, emulator_app) -> AsyncIterator[NoyoClient]:
    client = NoyoClient.from_settings(settings, transport=httpx.ASGITransport(app=emulator_app))
    yield client
    await client.aclose()


@pytest.fixture
async def cache(cache_namespace, clock) -> AsyncIterator[Cache]:
    cache = Cache.from_url("memory://", namespace=cache_namespace, clock=clock)
    yield cache
    await cache.close()


@pytest.fixture
def new_loaders(noyo_client, cache, settings):
    """Loaders for a new request; stale notes go to ``.notes``."""

    def make() -> Loaders:
        notes: list[StaleNote] = []
        loaders = Loaders(noyo_client, cache, settings, on_stale=notes.append)
        loaders.notes = notes  # type: ignore[attr-defined]
        return loaders

    return make


def _state(emulator_app):
    return emulator_app.state.emulator


async def test_one_upstream_call_per_batch_and_none_for_unknown_ids(new_loaders, emulator_app, upstream_counts):
    # given: three groups and an unknown id
    ids = list(_state(emulator_app).groups)[:3]
    await upstream_counts(reset=True)

    # when: loaded in one batch
    loaded = await new_loaders().group_by_id.load_many([*ids, UNKNOWN_ID])

    # then
    assert [g.id for g in loaded[:3]] == ids
    assert loaded[3] is None
    assert await upstream_counts() == {"GET /api/v1/groups": 1}


async def test_a_later_request_reuses_the_cache_and_fetches_only_misses(new_loaders, emulator_app, upstream_counts):
    # given: two groups loaded by an earlier request
    ids = list(_state(emulator_app).groups)[:3]
    await new_loaders().group_by_id.load_many(ids[:2])
    await upstream_counts(reset=True)

    # when: a new request asks for those two and a third
    loaded = await new_loaders().group_by_id.load_many(ids)

    # then: one call, for the miss only... and none at all the next time
    assert [g.id for g in loaded] == ids
    assert await upstream_counts(reset=True) == {"GET /api/v1/groups": 1}
    await new_loaders().group_by_id.load_many(ids)
    assert await upstream_counts() == {}


async def test_list_pages_prime_by_id_loaders_and_cache(new_loaders, upstream_counts):
    # given: a page of needs_review requests
    loaders = new_loaders()
    items, total = await loaders.disconnection_requests_page({"status": "needs_review"}, 0, 5)
    assert len(items) == 5 and total >= 5
    await upstream_counts(reset=True)

    # when: the same records are loaded by id in this request and in a new one
    same = await loaders.disconnection_request_by_id.load_many([r.id for r in items])
    later = await new_loaders().disconnection_request_by_id.load_many([r.id for r in items])

    # then: no upstream call
    assert [r.id for r in same] == [r.id for r in later] == [r.id for r in items]
    assert await upstream_counts() == {}


async def test_group_lists_are_loaded_per_group_and_prime_connections(new_loaders, emulator_app, upstream_counts):
    # given
    state = _state(emulator_app)
    group_ids = list(state.groups)[:2]
    loaders = new_loaders()
    await upstream_counts(reset=True)

    # when
    per_group = await loaders.connections_by_group_id.load_many(group_ids)
    connection = await loaders.group_connection_by_id.load(per_group[0][0].id)

    # then: one list call per group, the by-id load was primed
    for group_id, connections in zip(group_ids, per_group):
        assert {c.id for c in connections} == {c["id"] for c in state.connections.values() if c["group_id"] == group_id}
    assert connection == per_group[0][0]
    assert await upstream_counts() == {"GET /api/v1/groups/{group_id}/group_connections": 2}


async def test_stale_entries_are_served_and_noted_when_noyo_fails(
    new_loaders, settings, emulator_app, hooks, clock
):
    # given: carriers cached, then past their TTL
    ids = list(_state(emulator_app).carriers)[:2]
    await new_loaders().carrier_by_id.load_many(ids)
    clock.advance(settings.gateway_cache_ttl_carriers + 1)
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers*", "error_rate": 1.0})

    # when
    loaders = new_loaders()
    carriers = await loaders.carrier_by_id.load_many(ids)

    # then
    assert [c.id for c in carriers] == ids
    assert {(n.resource, n.id) for n in loaders.notes} == {("carrier", i) for i in ids}
    assert all(n.age_seconds == settings.gateway_cache_ttl_carriers + 1 for n in loaders.notes)

    # and a carrier never cached fails
    other = list(_state(emulator_app).carriers)[2]
    with pytest.raises(NoyoUnavailable):
        await new_loaders().carrier_by_id.load(other)


async def test_employees_load_concurrently_one_call_each(new_loaders, emulator_app, upstream_counts):
    ids = list(_state(emulator_app).employees)[:3]
    await upstream_counts(reset=True)
    loaded = await new_loaders().employee_by_id.load_many([*ids, UNKNOWN_ID])
    assert [e.id for e in loaded[:3]] == ids and loaded[3] is None
    assert await upstream_counts() == {"GET /api/v1/employees/{employee_id}": 4}


async def test_records_fetched_cold_are_validated_once_and_read_back_as_the_same_models(
    new_loaders, emulator_app, monkeypatch
):
    # given: every validation of a stored connection or group counted, and an empty memory cache
    from gateway.noyo import models

    validated: list[str] = []
    for model in (models.GroupConnection, models.Group):
        original = model.model_validate.__func__  # type: ignore[attr-defined]

        def counting(cls, value, *args, _original=original, **kwargs):
            validated.append(cls.__name__)
            return _original(cls, value, *args, **kwargs)

        monkeypatch.setattr(model, "model_validate", classmethod(counting))
    ids = sorted(_state(emulator_app).groups)[:5]

    # when: one request loads the groups and their connections cold, and a second request again
    cold = new_loaders()
    groups = await cold.group_by_id.load_many(ids)
    connections = await cold.connections_by_group_id.load_many(ids)
    warm = new_loaders()
    groups_again = await warm.group_by_id.load_many(ids)
    connections_again = await warm.connections_by_group_id.load_many(ids)

    # then: the models parsed from Noyo's answers were stored as they are (nothing validated a
    # second time from the cached JSON), and the later request got those very models back
    assert validated == []
    assert sum(map(len, connections)) > 0
    assert all(a is b for a, b in zip(groups, groups_again, strict=True))
    assert all(a is b for xs, ys in zip(connections, connections_again, strict=True) for a, b in zip(xs, ys, strict=True))
