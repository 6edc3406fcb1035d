"""Pagination helpers: parameter limits, id chunks, and walking every page."""

from __future__ import annotations

import pytest

from gateway.noyo import MAX_PAGE_SIZE, NoyoClient, chunked, iterate_pages, page_params

from .support import upstream_counts


@pytest.mark.parametrize(("offset", "page_size"), [(-1, 20), (0, 0), (0, MAX_PAGE_SIZE + 1), (0, True)])
def test_page_params_refuses_values_outside_noyo_limits(offset, page_size) -> None:
    with pytest.raises(ValueError):
        page_params(offset, page_size)


def test_page_params_accepts_the_limits() -> None:
    assert page_params(0, 1) == {"offset": 0, "page_size": 1}
    assert page_params(500, MAX_PAGE_SIZE) == {"offset": 500, "page_size": MAX_PAGE_SIZE}


def test_chunked_splits_into_at_most_size_items() -> None:
    ids = [str(i) for i in range(250)]
    chunks = list(chunked(ids, 100))
    assert [len(c) for c in chunks] == [100, 100, 50]
    assert [i for c in chunks for i in c] == ids
    assert list(chunked([], 100)) == []


async def test_iterate_pages_walks_every_group_in_pages(client: NoyoClient, emulator_app, hooks) -> None:
    # given the seeded groups
    total = len(emulator_app.state.emulator.groups)

    # when every page of 100 is walked
    ids = [g.id async for g in iterate_pages(lambda o, s: client.list_groups(offset=o, page_size=s))]

    # then each group came once, in ceil(total / 100) calls
    assert len(ids) == len(set(ids)) == total
    assert (await upstream_counts(hooks))["GET /api/v1/groups"] == -(-total // 100)
