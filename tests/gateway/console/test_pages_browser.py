"""Console pages in headless Chromium: groups, snapshots on a moving emulator clock, sign-in and PHI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import KEY_NO_PHI, Browser, DemoStack, axe_violations, screenshot, start_demo_stack

SUBMITTED = """query { memberSnapshots(status: SUBMITTED, first: 5) {
  edges { node { id employee { id groupId person { firstName lastName } } } } } }"""
BUSY_GROUP = """query { disconnectionRequests(first: 50) { edges { node { groupId } } } }"""


@pytest.fixture
def fresh_stack(tmp_path: Path) -> Iterator[DemoStack]:
    """A stack of this test's own, caching snapshots for no time, so the clock can move freely."""
    running = start_demo_stack(tmp_path, GATEWAY_CACHE_TTL_SNAPSHOTS="0", GATEWAY_CACHE_TTL_LISTS="0")
    yield running
    running.stop()


def test_a_snapshot_page_follows_the_emulator_clock(fresh_stack: DemoStack, browser: Browser):
    stack = fresh_stack
    snapshot = stack.graphql(SUBMITTED)["memberSnapshots"]["edges"][0]["node"]
    page = browser.page()
    page.goto(f"{stack.url}/console/snapshots/{snapshot['id']}?refreshMs=1000")
    status = page.locator(".snapshot-status")
    status.get_by_text("submitted").wait_for()
    person = snapshot["employee"]["person"]
    assert f"{person['firstName']} {person['lastName']}" in page.locator(".facts").inner_text()  # the demo has phi
    page.get_by_role("heading", name="Fulfillment per carrier").wait_for()
    assert axe_violations(page) == []

    # when: Noyo's clock moves one day, then two more
    stack.hook("POST", "clock", {"advance_days": 1})
    # then: the open page shows the new status by itself
    status.get_by_text("processing").wait_for(timeout=15_000)
    stack.hook("POST", "clock", {"advance_days": 2})
    status.get_by_text("completed").wait_for(timeout=15_000)
    screenshot(page, "console-snapshot")
    assert browser.traffic.off_origin() == [] and browser.traffic.csp_violations == []


def test_group_page_shows_status_per_carrier_requests_and_connections(stack: DemoStack, browser: Browser):
    edges = stack.graphql(BUSY_GROUP)["disconnectionRequests"]["edges"]
    group_id = max({e["node"]["groupId"] for e in edges if e["node"]["groupId"]},
                   key=lambda g: sum(e["node"]["groupId"] == g for e in edges))
    page = browser.page()
    page.goto(f"{stack.url}/console/groups/{group_id}")
    for heading in ("Status per carrier", "Disconnection requests", "Connections", "Member snapshots"):
        page.get_by_role("heading", name=heading).wait_for()
    requests = page.locator("section", has=page.get_by_role("heading", name="Disconnection requests"))
    requests.locator("tbody tr").first.wait_for()
    assert requests.locator("tbody tr").count() >= 2
    status = page.locator("section", has=page.get_by_role("heading", name="Status per carrier"))
    assert status.locator("tbody tr").count() >= 1
    screenshot(page, "console-group")
    assert axe_violations(page) == []


def test_signed_in_without_phi_names_are_hidden_and_a_bad_key_is_explained(stack: DemoStack, browser: Browser):
    snapshot = stack.graphql(SUBMITTED)["memberSnapshots"]["edges"][1]["node"]
    person = snapshot["employee"]["person"]
    page = browser.page()

    # when: signing in by pasting an API key without the phi scope
    page.goto(f"{stack.url}/console/sign-in")
    assert axe_violations(page) == []
    page.get_by_label("API key or JWT").fill(KEY_NO_PHI)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Review queue").wait_for()
    assert page.locator(".identity").inner_text() == "API key"

    # then: the snapshot's member is hidden, and the name is nowhere on the page
    page.goto(f"{stack.url}/console/snapshots/{snapshot['id']}")
    page.locator(".facts").get_by_text("Hidden (needs the phi scope)").wait_for()
    assert person["lastName"] not in page.content()

    # when: a wrong key is pasted
    page.goto(f"{stack.url}/console/sign-in")
    page.get_by_label("API key or JWT").fill("not-a-key-this-gateway-knows")
    page.get_by_role("button", name="Sign in").click()

    # then: every failed call says why in words, with its code and request id
    error = page.locator(".error[data-code=UNAUTHENTICATED]").first
    error.wait_for()
    assert "Your credentials were not accepted" in error.inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", error.locator(".request-id").inner_text())
    screenshot(page, "console-unauthenticated")
    assert axe_violations(page) == []
