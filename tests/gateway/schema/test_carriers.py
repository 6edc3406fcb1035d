"""carrier / carriers through /graphql."""

from __future__ import annotations

from .support import data, world


async def test_carriers_lists_every_carrier_and_primes_carrier_by_id(gql, emulator_app, upstream_counts):
    # given
    state = world(emulator_app)
    await upstream_counts(reset=True)

    # when
    carriers = data(await gql(
        "{ carriers { id: noyoId displayName linesOfCoverage { lineOfCoverage variant } isSend state nationwide } }"
    ))["carriers"]
    listed = await upstream_counts(reset=True)
    one = data(await gql("query($id: ID!) { carrier(id: $id) { displayName } }", {"id": carriers[0]["id"]}))

    # then
    assert {c["id"] for c in carriers} == set(state.carriers)
    for carrier in carriers:
        upstream = state.carriers[carrier["id"]]
        assert carrier["displayName"] == upstream["display_name"]
        assert [
            "-".join(filter(None, [line["lineOfCoverage"].lower().replace("_", "-"), (line["variant"] or "").lower()]))
            for line in carrier["linesOfCoverage"]
        ] == upstream["lines_of_coverage"]
        assert carrier["nationwide"] == (upstream["state"] == "US")
        assert carrier["state"] == (None if upstream["state"] == "US" else upstream["state"])
    assert listed == {"GET /api/v1/carriers": 1}
    assert one["carrier"]["displayName"] == carriers[0]["displayName"]
    assert await upstream_counts() == {}


async def test_unknown_carrier_is_null(gql):
    assert data(await gql('{ carrier(id: "00000000-0000-4000-8000-000000000000") { id } }')) == {"carrier": None}
