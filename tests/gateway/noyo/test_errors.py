"""Noyo's error responses become the client's exception tree, with Noyo's message kept."""

from __future__ import annotations

import uuid

import httpx
import pytest

from gateway.noyo import (
    NoyoBadRequest,
    NoyoClient,
    NoyoConflict,
    NoyoError,
    NoyoForbidden,
    NoyoNotFound,
    NoyoServerError,
    NoyoUnavailable,
    NoyoValidationError,
    error_from_response,
)

from .support import inject_fault, upstream_counts
from .test_auth import _disconnection_body


async def test_unknown_group_raises_not_found_with_noyo_message(client: NoyoClient, noyo: httpx.AsyncClient) -> None:
    # given an id Noyo does not know
    missing = str(uuid.uuid4())
    noyo_says = (await noyo.get(f"/api/v1/groups/{missing}")).json()["message"]

    # when the client reads it, then NoyoNotFound carries Noyo's own message
    with pytest.raises(NoyoNotFound) as caught:
        await client.get_group(missing)
    assert caught.value.status == 404
    assert caught.value.message == noyo_says


async def test_not_found_is_not_retried(client: NoyoClient, hooks) -> None:
    with pytest.raises(NoyoNotFound):
        await client.get_group(str(uuid.uuid4()))
    assert (await upstream_counts(hooks))["GET /api/v1/groups/{group_id}"] == 1


async def test_id_cannot_escape_its_path_segment(client: NoyoClient, hooks) -> None:
    # given an id that tries to walk to another resource
    # when the client reads it, then Noyo sees one encoded segment and answers 404
    with pytest.raises(NoyoNotFound):
        await client.get_group("../carriers")
    assert "GET /api/v1/carriers" not in await upstream_counts(hooks)


async def test_protected_group_disconnection_is_forbidden(client: NoyoClient, emulator_app) -> None:
    # given a protected group with a connection
    state = emulator_app.state.emulator
    protected = next(
        c for c in state.connections.values() if c.get("group_id") in state.protected_group_ids
    )
    body = {"group_id": protected["group_id"], "carrier_id": protected["carrier_id"],
            "effective_end_date": "2026-08-31"}

    # when the platform tries to disconnect it, then Noyo's 403 message comes through
    with pytest.raises(NoyoForbidden) as caught:
        await client.create_disconnection_request(body)
    assert "Protected group" in caught.value.message


async def test_invalid_body_raises_validation_error(client: NoyoClient, emulator_app) -> None:
    # given a disconnection body without its required carrier
    body = _disconnection_body(emulator_app.state.emulator)
    del body["carrier_id"]

    # when it is sent, then Noyo's 422 message names the field
    with pytest.raises(NoyoValidationError) as caught:
        await client.create_disconnection_request(body)
    assert caught.value.status == 422
    assert "carrier_id" in caught.value.message


async def test_stale_version_raises_conflict(client: NoyoClient, emulator_app) -> None:
    # given a request that has been edited since its version was read
    created = await client.create_disconnection_request(_disconnection_body(emulator_app.state.emulator))
    await client.edit_disconnection_request(created.id, created.version, {"status": "processing",
                                                                        "effective_end_date": "2026-09-30"})

    # when an edit is sent with the old version, then it is a conflict
    with pytest.raises(NoyoConflict) as caught:
        await client.edit_disconnection_request(created.id, created.version, {"status": "rejected"})
    assert caught.value.status == 409


async def test_bad_filter_raises_bad_request(client: NoyoClient) -> None:
    with pytest.raises(NoyoBadRequest) as caught:
        await client.list_disconnection_requests(min_effective_end_date="not-a-date")
    assert "min_effective_end_date" in caught.value.message


@pytest.mark.parametrize(("status", "error"), [(500, NoyoServerError), (501, NoyoServerError),
                                                (502, NoyoUnavailable), (418, NoyoError)])
async def test_injected_status_maps_to_its_error(client: NoyoClient, emulator_app, hooks, status, error) -> None:
    group_id = next(iter(emulator_app.state.emulator.groups))
    await inject_fault(hooks, path=f"/api/v1/groups/{group_id}", error_rate=1.0, error_status=status)
    with pytest.raises(error) as caught:
        await client.get_group(group_id)
    assert caught.value.status == status


def test_non_json_error_body_gives_a_generic_message() -> None:
    # given a proxy's HTML error page
    response = httpx.Response(502, text="<html>upstream secret detail</html>")
    # when it is turned into an error, then the raw body is not carried
    error = error_from_response(response)
    assert isinstance(error, NoyoUnavailable)
    assert error.message == "Noyo returned HTTP 502"
    assert "secret" not in repr(error)


def test_json_error_body_without_message_gives_a_generic_message() -> None:
    error = error_from_response(httpx.Response(404, json={"detail": "x"}))
    assert isinstance(error, NoyoNotFound)
    assert error.message == "Noyo returned HTTP 404"
