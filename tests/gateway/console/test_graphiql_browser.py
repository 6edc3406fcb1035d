"""GraphiQL in headless Chromium: it renders from the gateway's own assets, runs a query and a subscription."""

from __future__ import annotations

import json
import re

from .conftest import Browser, DemoStack, axe_violations, screenshot
from .support import (
    EXECUTE,
    SUBSCRIPTION_TAB,
    carrier_disconnection,
    open_graphiql,
    quiet_pair,
    response_text,
    run,
    run_subscription,
    select_tab,
    until_subscribed,
    until_unsubscribed,
)


def test_graphiql_renders_runs_a_query_and_stays_on_the_gateways_origin(stack: DemoStack, browser: Browser):
    # given: GraphiQL opened from the gateway
    page = browser.page()
    response = open_graphiql(page, stack)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp and "http" not in csp

    # then: one tab per workflow, the review queue first
    tabs = page.locator(".graphiql-tab-button")
    titles = [tabs.nth(i).inner_text() for i in range(tabs.count())]
    assert titles[:6] == ["ReviewQueue", "ConfirmDisconnection", "RejectDisconnection",
                          "ResubmitDisconnection", "GroupStatus", "RequestDisconnection"]
    assert SUBSCRIPTION_TAB in titles

    # when: the review-queue tab is run
    run(page)
    result = page.locator(".graphiql-response")

    # then: the response pane shows the queue from the emulator
    result.get_by_text('"totalCount"').wait_for()
    assert '"reviewQueue"' in result.inner_text()
    screenshot(page, "graphiql")

    # and: nothing was requested from anywhere but 127.0.0.1, and the policy was never broken
    assert browser.traffic.requests, "the page made no request at all"
    assert browser.traffic.off_origin() == []
    assert browser.traffic.csp_violations == []
    assert browser.traffic.page_errors == []


def test_graphiql_has_no_serious_accessibility_violation(stack: DemoStack, browser: Browser):
    page = browser.page()
    open_graphiql(page, stack)
    assert axe_violations(page) == []


def test_graphiql_shows_the_event_a_subscription_receives_over_the_gateways_websocket(
    stack: DemoStack, browser: Browser
):
    pair = quiet_pair(stack, set())
    page = browser.page()

    # given: GraphiQL's review-queue subscription tab, running (the demo lets anonymous callers in)
    open_graphiql(page, stack)
    select_tab(page, SUBSCRIPTION_TAB)
    socket = run_subscription(page)
    assert socket.url == f"{stack.url.replace('http', 'ws')}/graphql"
    until_subscribed(stack, "reviewQueueChanged")
    assert '"ENTERED"' not in response_text(page)

    # when: a carrier asks Noyo to disconnect a group (Noyo's signed webhook reaches the gateway)
    request_id = carrier_disconnection(stack, pair)

    # then: the result pane shows the pushed event: the request, entering the queue for review
    page.locator(".graphiql-response").get_by_text('"ENTERED"').wait_for()
    text = response_text(page)
    assert '"reviewQueueChanged"' in text and '"NEEDS_REVIEW"' in text and '"CARRIER"' in text
    assert request_id in text
    screenshot(page, "graphiql-subscription")

    # and: the WebSocket went to the gateway; nothing left 127.0.0.1 and the policy held
    assert any(url.startswith(stack.url.replace("http", "ws")) for url in browser.traffic.requests)
    assert browser.traffic.off_origin() == []
    assert browser.traffic.csp_violations == [] and browser.traffic.page_errors == []


def test_a_subscription_run_the_moment_its_tab_opens_goes_over_the_websocket(stack: DemoStack, browser: Browser):
    # given: GraphiQL, on its first tab (a query)
    page = browser.page()
    open_graphiql(page, stack)
    posted: list[str] = []
    subscribed: list[str] = []
    page.on("request", lambda request: posted.append(request.post_data or "") if request.method == "POST" else None)
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: subscribed.append(str(payload))))

    # when: the subscription tab is opened and run at once, before GraphiQL has re-parsed its editor
    page.locator(".graphiql-tab-button", has_text=SUBSCRIPTION_TAB).click()
    with page.expect_websocket():
        page.get_by_role("button", name=EXECUTE).click()

    # then: the subscription went over the WebSocket, as the tab's own operation, and is running
    page.get_by_role("button", name=re.compile("Stop query")).wait_for()
    until_subscribed(stack, "reviewQueueChanged")
    sent = [json.loads(frame) for frame in subscribed]
    assert [f["payload"].get("operationName") for f in sent if f["type"] == "subscribe"] == [SUBSCRIPTION_TAB]
    assert not any("reviewQueueChanged" in body for body in posted)
    assert response_text(page).strip() == ""

    # and: stopping it closes it at the gateway (no subscription is left for the next test)
    page.get_by_role("button", name=re.compile("Stop query")).click()
    until_unsubscribed(stack, "reviewQueueChanged")
