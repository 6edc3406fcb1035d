"""The review flow in the operations console, in headless Chromium against the demo stack."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import Browser, DemoStack, axe_violations, screenshot

QUEUE = """
query { disconnectionRequests(filter: {status: NEEDS_REVIEW}, first: 50) {
  edges { node { id version effectiveEndDate groupId groupName carrierId carrier { displayName } } } } }
"""
REQUEST = "query($id: ID!) { disconnectionRequest(id: $id) { id version status effectiveEndDate } }"
REJECT = """mutation($id: ID!) { rejectDisconnectionRequest(id: $id, reason: OTHER, context: "from the test") {
  disconnectionRequest { version status } errors { code } } }"""
EDIT = """mutation($id: ID!, $version: String!) { editDisconnectionRequest(id: $id, version: $version,
  input: {reject: {reason: OTHER, context: "changed elsewhere"}}) {
  disconnectionRequest { version status } errors { code message } } }"""


@pytest.fixture(scope="module")
def waiting(stack: DemoStack) -> list[dict[str, Any]]:
    """Requests waiting for review in the seeded world; each test takes its own."""
    return [edge["node"] for edge in stack.graphql(QUEUE)["disconnectionRequests"]["edges"]]


def take(waiting: list[dict[str, Any]], with_date: bool = False) -> dict[str, Any]:
    """A request no other test has taken."""
    chosen = next(r for r in waiting if r["effectiveEndDate"] or not with_date)
    waiting.remove(chosen)
    return chosen


def request_state(stack: DemoStack, request_id: str) -> dict[str, Any]:
    return stack.graphql(REQUEST, {"id": request_id})["disconnectionRequest"]


def test_queue_filters_by_carrier_and_confirms_with_an_end_date(stack: DemoStack, browser: Browser, waiting):
    target = take(waiting, with_date=True)
    carrier = target["carrier"]["displayName"]
    page = browser.page()

    # given: the queue, filtered to one carrier
    page.goto(f"{stack.url}/console")
    count = page.locator("p.count")
    count.wait_for()
    total = int(count.inner_text().split()[0])
    page.get_by_label("Carrier").select_option(label=carrier)
    page.wait_for_url(re.compile(r"carrier="))
    page.wait_for_function(
        "([carrier]) => [...document.querySelectorAll('table.queue tbody tr td:nth-child(2)')]"
        ".every(td => td.textContent === carrier)", arg=[carrier])
    filtered = int(count.inner_text().split()[0])
    assert 0 < filtered < total
    screenshot(page, "console-review-queue")
    assert axe_violations(page) == []

    # when: the request is opened from its row and confirmed for 2026-09-30, all with the keyboard
    row = page.locator(f'tr[data-request-id="{target["id"]}"]')
    row.get_by_role("link", name=re.compile("Review")).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Disconnection request").wait_for()
    end = page.get_by_label("End date")
    end.fill("2026-09-30")
    end.press("Enter")  # submits the confirm form

    # then: the page says processing, and so does the gateway (from Noyo)
    page.locator(".facts .status").get_by_text("processing").wait_for()
    assert request_state(stack, target["id"])["status"] == "PROCESSING"
    assert request_state(stack, target["id"])["effectiveEndDate"] == "2026-09-30"
    assert browser.traffic.off_origin() == [] and browser.traffic.csp_violations == []


def test_reject_with_reason_and_context_then_edit_and_resubmit(stack: DemoStack, browser: Browser, waiting):
    target = take(waiting)
    page = browser.page()
    page.goto(f"{stack.url}/console/requests/{target['id']}")
    page.get_by_role("heading", name="Reject the request").wait_for()
    assert axe_violations(page) == []

    # when: rejected with a reason and context
    page.get_by_label("Reason").select_option("PAYMENT_REINSTATED")
    page.get_by_label("Context").fill("Premium paid on 2026-07-01")
    page.get_by_role("button", name="Reject request").click()

    # then: rejected, and the form to edit and resubmit appears
    page.locator(".facts .status").get_by_text("rejected").wait_for()
    assert request_state(stack, target["id"])["status"] == "REJECTED"
    page.get_by_role("heading", name="Edit and resubmit").wait_for()
    assert axe_violations(page) == []

    # when: edited with a corrected date and resubmitted
    page.get_by_label("End date").fill("2026-10-31")
    page.get_by_role("button", name="Resubmit request").click()

    # then: back to processing with the new date
    page.locator(".facts .status").get_by_text("processing").wait_for()
    state = request_state(stack, target["id"])
    assert state["status"] == "PROCESSING" and state["effectiveEndDate"] == "2026-10-31"


def test_a_stale_version_conflict_is_shown_plainly_and_can_be_resolved(stack: DemoStack, browser: Browser, waiting):
    target = take(waiting)
    stack.graphql(REJECT, {"id": target["id"]})
    opened = request_state(stack, target["id"])
    page = browser.page()
    page.goto(f"{stack.url}/console/requests/{target['id']}")
    page.get_by_role("heading", name="Edit and resubmit").wait_for()
    assert opened["version"] in page.locator("form.decision").inner_text()

    # given: someone else edits the request after the form was opened
    changed = stack.graphql(EDIT, {"id": target["id"], "version": opened["version"]})["editDisconnectionRequest"]
    assert changed["errors"] == [] and changed["disconnectionRequest"]["version"] != opened["version"]
    current = changed["disconnectionRequest"]["version"]

    # when: the now stale form is resubmitted
    page.get_by_label("End date").fill("2026-11-30")
    page.get_by_role("button", name="Resubmit request").click()

    # then: the conflict is said in words, with both versions, the code and a request id; nothing changed
    conflict = page.get_by_role("alert").filter(has_text="Someone changed this request after you opened it")
    conflict.wait_for()
    assert opened["version"] in conflict.inner_text() and current in conflict.inner_text()
    errors = page.locator(".error[data-code=CONFLICT]")
    assert "The record changed since you loaded it." in errors.inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", errors.locator(".request-id").inner_text())
    assert request_state(stack, target["id"])["status"] == "REJECTED"
    screenshot(page, "console-conflict")
    assert axe_violations(page) == []

    # when: the current version is loaded and the edit sent again
    page.get_by_role("button", name="Load the current version").click()
    page.get_by_role("button", name="Resubmit request").click()

    # then: it goes through
    page.locator(".facts .status").get_by_text("processing").wait_for()
    assert request_state(stack, target["id"])["status"] == "PROCESSING"


def test_a_confirm_resent_after_its_answer_was_lost_reaches_noyo_once(stack: DemoStack, browser: Browser, waiting):
    target = take(waiting, with_date=True)
    page = browser.page()
    sent: list[dict[str, Any]] = []

    def lose_the_first_answer(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        if "idempotencyKey" not in (body.get("variables") or {}):
            route.continue_()
            return
        sent.append(body)
        if len(sent) == 1:
            route.fetch()  # the gateway gets the confirm and makes it ...
            route.abort("connectionreset")  # ... but its answer never reaches the page
        else:
            route.continue_()

    page.route("**/graphql", lose_the_first_answer)
    page.goto(f"{stack.url}/console/requests/{target['id']}")
    page.get_by_label("End date").fill("2026-09-30")
    stack.hook("DELETE", "requests")

    # when: the confirm's answer is lost, and the person presses the button again
    page.get_by_role("button", name="Confirm disconnection").click()
    page.locator(".error[data-code=NETWORK_ERROR]").wait_for()
    page.get_by_role("button", name="Confirm disconnection").click()

    # then: the page shows the confirmed request, both sends carried one key, and Noyo saw one confirm
    page.locator(".facts .status").get_by_text("processing").wait_for()
    assert len(sent) == 2 and sent[0]["variables"]["idempotencyKey"] == sent[1]["variables"]["idempotencyKey"]
    confirms = {k: v for k, v in stack.hook("GET", "requests").items() if k.endswith("/confirm")}
    assert list(confirms.values()) == [1]
