"""The /__emulator/* test hooks: request counts, reset, clock, faults, carrier signals."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from starlette.applications import Starlette

from noyo_emulator import create_app
from noyo_emulator.state import DEFAULT_TODAY, State
from tests.conftest import BASE_URL, fetch_token


@pytest.fixture
def state(emulator_app: Starlette) -> State:
    return emulator_app.state.emulator


async def counts(hooks: httpx.AsyncClient) -> dict[str, int]:
    return (await hooks.get("/__emulator/requests")).json()


# -- request counts -------------------------------------------------------------------


async def test_requests_are_counted_by_route_template(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient, state: State) -> None:
    # given two different groups and one list fetched (after the fixture's token request)
    first, second = list(state.groups)[:2]
    await noyo.get(f"/api/v1/groups/{first}")
    await noyo.get(f"/api/v1/groups/{second}")
    await noyo.get("/api/v1/groups")
    await hooks.get("/__emulator/clock")
    # then calls are counted per template, hooks never
    assert await counts(hooks) == {
        "POST /auth/public/token": 1,
        "GET /api/v1/groups/{group_id}": 2,
        "GET /api/v1/groups": 1,
    }


async def test_counts_can_be_cleared(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    await noyo.get("/api/v1/carriers")
    assert (await hooks.delete("/__emulator/requests")).status_code == 204
    assert await counts(hooks) == {}
    await noyo.get("/api/v1/carriers")
    assert await counts(hooks) == {"GET /api/v1/carriers": 1}


async def test_refused_and_faulted_calls_are_counted_too(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers", "error_rate": 1.0})
    await hooks.delete("/__emulator/requests")
    assert (await noyo.get("/api/v1/carriers")).status_code == 503
    assert (await hooks.get("/api/v1/groups")).status_code == 401
    assert await counts(hooks) == {"GET /api/v1/carriers": 1, "GET /api/v1/groups": 1}


# -- reset -----------------------------------------------------------------------------


async def test_reset_rebuilds_the_seeded_world_in_place(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient, state: State) -> None:
    # given a world that tests have changed
    original = {gid: dict(g) for gid, g in state.groups.items()}
    group_id = next(iter(state.groups))
    state.groups[group_id]["name"] = "Changed"
    await hooks.post("/__emulator/clock", json={"advance_days": 3})
    await hooks.post("/__emulator/faults", json={"path": "/nothing", "error_rate": 1.0})
    state.emit("group.created", group_id)
    await noyo.get("/api/v1/carriers")
    # when reset
    response = await hooks.post("/__emulator/reset")
    # then the same state object holds the original world again
    assert response.status_code == 200
    assert state.groups == original
    assert (await hooks.get("/__emulator/clock")).json() == {"today": DEFAULT_TODAY.isoformat()}
    assert (await hooks.get("/__emulator/faults")).json() == []
    assert state.outbox == [] and await counts(hooks) == {}
    assert len(state.tick_handlers) == 3  # connections, disconnections, snapshots
    # and the client's token still works
    assert (await noyo.get(f"/api/v1/groups/{group_id}")).json()["name"] == original[group_id]["name"]


# -- clock ------------------------------------------------------------------------------


async def test_clock_can_be_set_and_advanced(hooks: httpx.AsyncClient, state: State) -> None:
    assert (await hooks.get("/__emulator/clock")).json() == {"today": "2026-07-04"}
    assert (await hooks.post("/__emulator/clock", json={"today": "2026-08-01"})).json() == {"today": "2026-08-01"}
    assert (await hooks.post("/__emulator/clock", json={"advance_days": 30})).json() == {"today": "2026-08-31"}
    assert state.today.isoformat() == "2026-08-31"


@pytest.mark.parametrize(
    "body", [{}, {"today": "31/08/2026"}, {"advance_days": "2"}, {"advance_days": -1}, {"today": "2026-08-01", "advance_days": 1}]
)
async def test_bad_clock_input_is_a_bad_request(hooks: httpx.AsyncClient, body: dict) -> None:
    response = await hooks.post("/__emulator/clock", json=body)
    assert response.status_code == 400 and response.json()["status"] == 400


async def test_moving_the_clock_runs_the_tick_handlers(hooks: httpx.AsyncClient, state: State) -> None:
    seen: list[str] = []
    state.tick_handlers.append(lambda s: seen.append(s.today.isoformat()))
    await hooks.post("/__emulator/clock", json={"advance_days": 1})
    assert seen == ["2026-07-05"]


async def test_start_date_can_be_configured() -> None:
    app = create_app(today="2027-01-15")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
        assert (await client.get("/__emulator/clock")).json() == {"today": "2027-01-15"}


# -- faults -------------------------------------------------------------------------------


async def test_error_fault_matches_a_glob_and_sends_retry_after(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    # given every groups path fails with 503 and Retry-After
    fault = {"path": "/api/v1/groups*", "error_rate": 1.0, "error_status": 503, "retry_after": 7}
    listed = (await hooks.post("/__emulator/faults", json=fault)).json()
    assert listed[0]["path"] == "/api/v1/groups*" and listed[0]["retry_after"] == 7
    # when groups and carriers are fetched
    groups = await noyo.get("/api/v1/groups")
    one = await noyo.get(f"/api/v1/groups/{uuid.uuid4()}")
    carriers = await noyo.get("/api/v1/carriers")
    # then only the matching paths fail, in Noyo's error shape
    assert groups.status_code == one.status_code == 503
    assert groups.headers["retry-after"] == "7" and groups.json() == {"message": "Injected fault", "status": 503}
    assert carriers.status_code == 200
    # and {} clears every fault
    assert (await hooks.post("/__emulator/faults", json={})).json() == []
    assert (await noyo.get("/api/v1/groups")).status_code == 200


async def test_count_limited_fault_fails_only_the_next_requests(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers", "error_rate": 1, "error_status": 502, "count": 2})
    statuses = [(await noyo.get("/api/v1/carriers")).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]
    assert (await hooks.get("/__emulator/faults")).json() == []


async def test_several_faults_can_be_active(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers", "error_rate": 1, "error_status": 500})
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/group_connections", "error_rate": 1, "error_status": 429})
    assert (await noyo.get("/api/v1/carriers")).status_code == 500
    assert (await noyo.get("/api/v1/group_connections")).status_code == 429
    assert len((await hooks.get("/__emulator/faults")).json()) == 2


async def test_partial_error_rate_is_seeded(hooks: httpx.AsyncClient) -> None:
    async def run() -> list[int]:
        app = create_app()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
            client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
            await client.post("/__emulator/faults", json={"path": "/api/v1/carriers", "error_rate": 0.5})
            return [(await client.get("/api/v1/carriers")).status_code for _ in range(20)]

    first, second = await run(), await run()
    assert first == second and set(first) == {200, 503}


async def test_reset_fault_drops_the_connection(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers", "reset_rate": 1.0, "count": 1})
    with pytest.raises(httpx.TransportError):
        await noyo.get("/api/v1/carriers")
    assert (await noyo.get("/api/v1/carriers")).status_code == 200


async def test_latency_fault_and_global_latency(noyo: httpx.AsyncClient, hooks: httpx.AsyncClient) -> None:
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/carriers", "latency_ms": 60})
    started = time.perf_counter()
    assert (await noyo.get("/api/v1/carriers")).status_code == 200
    assert time.perf_counter() - started >= 0.06
    # a global latency long enough that a test hook answered without it is told apart on a loaded machine
    app = create_app(latency_ms=500)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
        started = time.perf_counter()
        await client.get("/api/v1/carriers")
        assert time.perf_counter() - started >= 0.5
        started = time.perf_counter()
        await client.get("/__emulator/clock")
        assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "fault",
    [{"error_rate": 1}, {"path": "/x", "error_rate": 2}, {"path": "/x", "error_status": 200}, {"path": "/x", "count": 0}, {"path": "/x", "oops": 1}],
)
async def test_bad_faults_are_refused(hooks: httpx.AsyncClient, fault: dict) -> None:
    assert (await hooks.post("/__emulator/faults", json=fault)).status_code == 400


# -- carrier signals -------------------------------------------------------------------------


async def test_carrier_disconnection_hook_opens_a_needs_review_request(
    noyo: httpx.AsyncClient, hooks: httpx.AsyncClient, state: State
) -> None:
    # given a connected group and carrier without an open request
    open_pairs = {
        (d["group_id"], d["carrier_id"]) for d in state.disconnections.values() if d["status"] in ("needs_review", "processing")
    }
    connection = next(
        c for c in state.connections.values()
        if (c["group_id"], c["carrier_id"]) not in open_pairs and c["group_id"] not in state.protected_group_ids
    )
    # when the carrier signals a disconnection
    response = await hooks.post(
        "/__emulator/carrier-disconnection",
        json={"group_id": connection["group_id"], "carrier_id": connection["carrier_id"], "effective_end_date": "2026-09-30"},
    )
    # then Noyo holds a carrier-sourced request awaiting review
    assert response.status_code == 201
    record = response.json()
    assert record["status"] == "needs_review" and record["source_type"] == "carrier"
    assert record["effective_end_date"] == "2026-09-30"
    fetched = await noyo.get(f"/api/v1/group_disconnection_requests/{record['id']}")
    assert fetched.json()["id"] == record["id"]
    assert (await hooks.post("/__emulator/carrier-disconnection", json={"group_id": 1})).status_code == 400
