"""Ids are checked before anything reaches Noyo: reads answer null, mutations VALIDATION."""

from __future__ import annotations

import pytest

from tests.gateway.write.support import CONFIRM, EDIT, REJECT, REQUEST, connected_pairs

BAD_IDS = [
    "../../groups",
    "a/b",
    "x?page_size=100",
    "..%2F..%2Fgroups",
    "%2F",
    "0" * 10_240,
    "{12345678-1234-4234-8234-123456789abc}",  # a UUID Python accepts, not Noyo's form
    "12345678123442348234123456789abc",
    "",
]
READS = [
    ("group", "query($id: ID!) { group(id: $id) { id } }"),
    ("carrier", "query($id: ID!) { carrier(id: $id) { id } }"),
    ("employee", "query($id: ID!) { employee(id: $id) { id } }"),
    ("disconnectionRequest", "query($id: ID!) { disconnectionRequest(id: $id) { id } }"),
    ("memberSnapshot", "query($id: ID!) { memberSnapshot(id: $id) { id } }"),
]
FILTERS = [
    ("groups", "carrierId", "query($id: ID!) { groups(carrierId: $id) { totalCount } }"),
    ("memberSnapshots", "groupId", "query($id: ID!) { memberSnapshots(groupId: $id) { totalCount } }"),
    ("memberSnapshots", "employeeId", "query($id: ID!) { memberSnapshots(employeeId: $id) { totalCount } }"),
    ("disconnectionRequests", "groupId",
     "query($id: ID!) { disconnectionRequests(filter: {groupId: $id}) { totalCount } }"),
    ("disconnectionRequests", "carrierIds",
     "query($id: ID!) { disconnectionRequests(filter: {carrierIds: [$id]}) { totalCount } }"),
]


@pytest.mark.parametrize("bad_id", BAD_IDS, ids=lambda v: repr(v[:24]))
async def test_a_malformed_id_reads_as_null_without_an_upstream_call(gql, upstream_counts, bad_id):
    # given: nothing called yet
    await upstream_counts(reset=True)
    for name, query in READS:
        # when: a record is looked up by a malformed id
        body = await gql(query, {"id": bad_id})
        # then: null, no error
        assert body.get("errors") is None, (name, body)
        assert body["data"][name] is None
    # and: Noyo never saw any of it
    assert await upstream_counts() == {}


@pytest.mark.parametrize("bad_id", ["../../groups", "a%2Fb", "x?y=1", "0" * 10_240])
async def test_a_malformed_id_in_a_filter_is_the_callers_error(gql, upstream_counts, bad_id):
    await upstream_counts(reset=True)
    for field, argument, query in FILTERS:
        body = await gql(query, {"id": bad_id})
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (field, error)
        assert argument in error["message"] and bad_id not in error["message"]
    assert await upstream_counts() == {}


async def test_a_well_formed_unknown_id_still_asks_noyo(gql, upstream_counts):
    # the check is not a blanket refusal: a real UUID is looked up
    await upstream_counts(reset=True)
    body = await gql(READS[2][1], {"id": "12345678-1234-4234-8234-123456789abc"})
    assert body["data"]["employee"] is None
    assert sum((await upstream_counts()).values()) == 1


@pytest.mark.parametrize("bad_id", ["../../groups", "a/b", "x?y=1", "%2F..", "0" * 10_240])
async def test_a_malformed_id_in_a_mutation_is_validation_naming_the_field(gql, upstream_counts, emulator_app, bad_id):
    group_id, carrier_id = connected_pairs(emulator_app)[0]
    valid = "12345678-1234-4234-8234-123456789abc"
    cases = [
        ("createDisconnectionRequest", REQUEST, {"input": {"groupId": bad_id, "carrierId": carrier_id,
                                                      "effectiveEndDate": "2026-09-30"}}, ["input", "groupId"]),
        ("createDisconnectionRequest", REQUEST, {"input": {"groupId": group_id, "carrierId": bad_id,
                                                      "effectiveEndDate": "2026-09-30"}}, ["input", "carrierId"]),
        ("confirmDisconnectionRequest", CONFIRM, {"id": bad_id}, ["id"]),
        ("rejectDisconnectionRequest", REJECT, {"id": bad_id}, ["id"]),
        ("editDisconnectionRequest", EDIT, {"id": bad_id, "version": valid,
                                            "input": {"resubmit": {}}}, ["id"]),
        ("editDisconnectionRequest", EDIT, {"id": valid, "version": bad_id,
                                            "input": {"resubmit": {}}}, ["version"]),
    ]
    await upstream_counts(reset=True)
    for name, document, variables, field in cases:
        body = await gql(document, variables)
        assert body.get("errors") is None, body
        result = body["data"][name]
        assert result["disconnectionRequest"] is None
        assert [(e["code"], e["field"]) for e in result["errors"]] == [("VALIDATION", field)], (name, result)
        assert bad_id not in result["errors"][0]["message"]
    assert await upstream_counts() == {}


async def test_the_client_refuses_to_put_a_raw_id_into_a_path():
    # below GraphQL too: the Noyo client itself never builds a path from a non-UUID
    import httpx

    from gateway.noyo import InvalidNoyoId, NoyoClient

    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    http = httpx.AsyncClient(transport=transport, base_url="http://noyo.test")

    class Tokens:
        async def get_token(self) -> str:
            return "t"

    client = NoyoClient(http, Tokens())  # type: ignore[arg-type]
    for bad in ("../groups", "a%2Fb", "x?y", "0" * 10_240):
        with pytest.raises(InvalidNoyoId):
            await client.get_employee(bad)
        assert await client.groups_by_ids([bad]) == []
    assert sent == []
    await client.aclose()
