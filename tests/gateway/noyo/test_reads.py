"""Reads: typed models that round-trip the emulator's records, filters, batching, headers."""

from __future__ import annotations

import uuid

import pytest

from gateway.noyo import (
    MAX_PAGE_SIZE,
    DisconnectionRequest,
    Employee,
    Group,
    GroupConnection,
    MemberSnapshot,
    NoyoClient,
    iterate_pages,
    request_id,
)
from gateway.noyo.client import USER_AGENT

from .support import RecordingTransport, upstream_counts


def as_noyo_json(model) -> dict:
    return model.model_dump(mode="json", exclude_unset=True, by_alias=True)


async def test_group_round_trips_the_emulator_record(client: NoyoClient, emulator_app) -> None:
    # given a seeded group
    record = next(iter(emulator_app.state.emulator.groups.values()))
    # when read, then the model holds exactly Noyo's JSON
    group = await client.get_group(record["id"])
    assert isinstance(group, Group)
    assert as_noyo_json(group) == record


async def test_list_groups_returns_a_page_with_meta(client: NoyoClient, emulator_app) -> None:
    # when the second page of 7 groups is read
    page = await client.list_groups(offset=7, page_size=7)
    # then meta and items follow Noyo's envelope
    assert (page.meta.offset, page.meta.page_num, page.meta.page_size) == (7, 2, 7)
    assert page.meta.total_records == len(emulator_app.state.emulator.groups)
    assert len(page.items) == 7 and all(isinstance(g, Group) for g in page.items)


async def test_list_groups_filters_by_company(client: NoyoClient, emulator_app) -> None:
    name = next(iter(emulator_app.state.emulator.groups.values()))["name"]
    page = await client.list_groups(company=name)
    assert page.items and all(name.lower() in g.name.lower() for g in page.items)


async def test_groups_by_ids_batches_150_ids_into_two_calls(client: NoyoClient, emulator_app, hooks) -> None:
    # given 150 ids: 140 known groups and 10 unknown ones, in a scrambled order
    known = list(emulator_app.state.emulator.groups)[:140]
    unknown = [str(uuid.uuid4()) for _ in range(10)]
    ids = list(reversed(known[:70])) + unknown + known[70:]

    # when they are fetched by id
    groups = await client.groups_by_ids(ids)

    # then two upstream calls returned every known group, in the asked order, unknown ones absent
    assert [g.id for g in groups] == [i for i in ids if i in set(known)]
    assert (await upstream_counts(hooks))["GET /api/v1/groups"] == 2


async def test_by_ids_sends_duplicates_once_and_empty_input_makes_no_call(client: NoyoClient, emulator_app, hooks,
                                                                          transport: RecordingTransport) -> None:
    group_id = next(iter(emulator_app.state.emulator.groups))
    assert await client.groups_by_ids([]) == []
    groups = await client.groups_by_ids([group_id, group_id])
    assert [g.id for g in groups] == [group_id]
    sent = [r for r in transport.requests if r.url.path == "/api/v1/groups"]
    assert len(sent) == 1
    assert sent[0].url.params["group_ids"] == group_id
    assert sent[0].url.params["page_size"] == str(MAX_PAGE_SIZE)


async def test_carriers_bare_array_and_by_ids(client: NoyoClient, emulator_app, hooks) -> None:
    carriers = emulator_app.state.emulator.carriers
    # when every carrier is listed, then the bare array parses and round-trips
    listed = await client.list_carriers()
    assert {c.id: as_noyo_json(c) for c in listed} == carriers
    # and a subset by id comes back in the asked order
    wanted = list(carriers)[:3][::-1]
    assert [c.id for c in await client.carriers_by_ids(wanted)] == wanted
    assert (await client.get_carrier(wanted[0])).id == wanted[0]


async def test_connections_for_a_group_and_by_ids(client: NoyoClient, emulator_app) -> None:
    state = emulator_app.state.emulator
    connection = next(c for c in state.connections.values() if c.get("group_id"))
    # when a group's connections are listed
    page = await client.list_group_connections(connection["group_id"])
    # then they are that group's, parsed with their group_data
    assert connection["id"] in {c.id for c in page.items}
    assert all(isinstance(c, GroupConnection) and c.group_id == connection["group_id"] for c in page.items)
    # and by id they round-trip
    (fetched,) = await client.connections_by_ids([connection["id"]])
    assert as_noyo_json(fetched) == connection
    assert as_noyo_json(await client.get_connection(connection["id"])) == connection


async def test_list_connections_filters_by_status(client: NoyoClient) -> None:
    page = await client.list_connections(status="completed", page_size=50)
    assert page.items and {c.status for c in page.items} == {"completed"}


async def test_employee_and_enrollments_parse(client: NoyoClient, emulator_app) -> None:
    state = emulator_app.state.emulator
    enrollment = next(iter(state.enrollments.values()))
    employee_id = next(
        e for e in state.employees
        if enrollment["individual_id"] in (e, *state.family_of(e))
    )
    # when an employee and their family's enrollments are read
    employee = await client.get_employee(employee_id)
    enrollments = await client.list_employee_enrollments(employee_id, include_dependents=True)
    # then the employee round-trips (personal data hidden from repr) and the enrollment is there
    assert isinstance(employee, Employee)
    assert as_noyo_json(employee) == state.employees[employee_id]
    assert state.employees[employee_id]["person"]["last_name"] not in repr(employee)
    assert enrollment["id"] in {e.id for e in enrollments.items}
    group_page = await client.list_group_employees(employee.group_id, page_size=100)
    assert employee_id in {e.id for e in group_page.items}


async def test_disconnection_requests_filters_and_by_ids(client: NoyoClient, emulator_app) -> None:
    state = emulator_app.state.emulator
    record = next(iter(state.disconnections.values()))
    # when filtered by status, then only that status comes back
    page = await client.list_disconnection_requests(status=record["status"], page_size=100)
    assert record["id"] in {d.id for d in page.items}
    assert {d.status for d in page.items} == {record["status"]}
    # and by id / per group / single read round-trip
    (by_id,) = await client.disconnection_requests_by_ids([record["id"]])
    assert isinstance(by_id, DisconnectionRequest) and as_noyo_json(by_id) == record
    assert as_noyo_json(await client.get_disconnection_request(record["id"])) == record
    per_group = await client.list_group_disconnection_requests(record["group_id"], page_size=100)
    assert record["id"] in {d.id for d in per_group.items}


async def test_member_snapshot_list_item_and_detail(client: NoyoClient, emulator_app) -> None:
    record = next(iter(emulator_app.state.emulator.snapshots.values()))
    # when a snapshot is listed, then the item is the simplified shape
    page = await client.list_member_snapshots(employee_id=record["employee_id"], page_size=100)
    item = next(s for s in page.items if s.id == record["id"])
    assert isinstance(item, MemberSnapshot) and not item.is_detail
    # and by id (list) / detail read
    (by_id,) = await client.member_snapshots_by_ids([record["id"]])
    assert by_id.status == record["status"]
    detail = await client.get_member_snapshot(record["id"])
    assert detail.is_detail and as_noyo_json(detail) == record


async def test_every_seeded_record_parses(client: NoyoClient, emulator_app) -> None:
    # given the whole seeded world, when every list is walked page by page, then every record validates
    state = emulator_app.state.emulator
    groups = [g async for g in iterate_pages(lambda o, s: client.list_groups(offset=o, page_size=s))]
    connections = [c async for c in iterate_pages(lambda o, s: client.list_connections(offset=o, page_size=s))]
    disconnections = [
        d async for d in iterate_pages(lambda o, s: client.list_disconnection_requests(offset=o, page_size=s))
    ]
    snapshots = [s async for s in iterate_pages(lambda o, s: client.list_member_snapshots(offset=o, page_size=s))]
    assert {g.id for g in groups} == set(state.groups)
    assert {c.id for c in connections} == set(state.connections)
    assert {d.id for d in disconnections} == set(state.disconnections)
    assert {s.id for s in snapshots} == set(state.snapshots)


async def test_headers_user_agent_accept_and_request_id(client: NoyoClient, emulator_app,
                                                          transport: RecordingTransport) -> None:
    group_id = next(iter(emulator_app.state.emulator.groups))
    # when a call is made inside a request carrying an id
    token = request_id.set("req-123")
    try:
        await client.get_group(group_id)
    finally:
        request_id.reset(token)
    await client.get_group(group_id)
    # then it is forwarded, with Accept and User-Agent; and not sent outside that context
    first, second = [r for r in transport.requests if r.url.path.startswith("/api/")]
    assert first.headers["x-request-id"] == "req-123"
    assert first.headers["accept"] == "application/json"
    assert first.headers["user-agent"] == USER_AGENT
    assert "x-request-id" not in second.headers


async def test_timeouts_come_from_settings(client: NoyoClient, emulator_app, settings,
                                           transport: RecordingTransport) -> None:
    await client.get_group(next(iter(emulator_app.state.emulator.groups)))
    timeout = transport.requests[-1].extensions["timeout"]
    assert timeout == {"connect": settings.noyo_connect_timeout, "read": settings.noyo_read_timeout,
                       "write": settings.noyo_write_timeout, "pool": settings.noyo_pool_timeout}


async def test_invalid_page_size_is_refused_before_any_call(client: NoyoClient, hooks) -> None:
    with pytest.raises(ValueError):
        await client.list_groups(page_size=MAX_PAGE_SIZE + 1)
    assert "GET /api/v1/groups" not in await upstream_counts(hooks)
