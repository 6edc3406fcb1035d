"""Driving GraphiQL in a Playwright page, and the demo world's records a subscription test disturbs."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from .conftest import DemoStack

SUBSCRIPTION_TAB = "ReviewQueueChanges"
PAIRS = """
query { groups(first: 20) { nodes {
  noyoId
  connections { status carrier { noyoId } }
  disconnectionRequests(first: 20) { nodes { status carrier { noyoId } } }
} } }
"""


def open_graphiql(page: Any, stack: DemoStack) -> Any:
    """GraphiQL from the gateway, once its tabs are drawn and its operation and result editors exist
    (GraphiQL ignores a run until both are created); the page's response."""
    response = page.goto(f"{stack.url}/graphql")
    assert response is not None and response.status == 200
    page.locator(".graphiql-tab-button").first.wait_for()
    page.locator(".graphiql-query-editor .view-lines").first.wait_for()
    page.locator(".graphiql-response .monaco-editor").wait_for(state="attached")
    return response


def select_tab(page: Any, title: str) -> None:
    """Opens the tab ``title``: it is the active one and the operation editor holds its document."""
    page.locator(".graphiql-tab-button", has_text=title).click()
    page.locator(".graphiql-tab-button[aria-current='true']", has_text=title).wait_for()
    page.locator(".graphiql-query-editor .view-lines", has_text=title).first.wait_for()


def set_headers(page: Any, text: str) -> None:
    """Types ``text`` into the Headers tab's editor (inserted whole, so no bracket is auto-closed)."""
    page.get_by_role("button", name="Headers", exact=True).click()
    editor = page.locator(".graphiql-editor-tool .graphiql-editor").last
    editor.locator(".view-lines").click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    editor.locator(".view-lines", has_text=text[:8]).wait_for()


EXECUTE = re.compile("Execute query")
STARTED = """() => document.querySelector('.graphiql-execute-button[aria-label^="Stop query"]') !== null
  || (document.querySelector('.graphiql-response .view-lines')?.textContent ?? '').trim() !== ''"""


def run(page: Any) -> None:
    """Runs the open tab, and waits until GraphiQL shows it running or answered."""
    page.get_by_role("button", name=EXECUTE).click()
    page.wait_for_function(STARTED)


def run_subscription(page: Any) -> Any:
    """Runs the open tab's subscription; the WebSocket it opened (fails if it opened none)."""
    with page.expect_websocket() as opened:
        run(page)
    return opened.value


def response_text(page: Any) -> str:
    """The result pane's text (Monaco renders spaces as no-break spaces)."""
    return page.locator(".graphiql-response").inner_text().replace("\xa0", " ")


def open_subscriptions(stack: DemoStack, field: str) -> float:
    """The gateway's ``subscriptions_open`` gauge of ``field``."""
    for line in httpx.get(f"{stack.url}/metrics", timeout=10).text.splitlines():
        if line.startswith(f'noyo_gateway_subscriptions_open{{subscription="{field}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def until_subscribed(stack: DemoStack, field: str, count: int = 1, timeout: float = 15.0) -> None:
    """Until the gateway holds at least ``count`` ``field`` subscriptions open."""
    _until(lambda: open_subscriptions(stack, field) >= count, f"no {field} subscription opened", timeout)


def until_unsubscribed(stack: DemoStack, field: str, timeout: float = 15.0) -> None:
    """Until the gateway holds no ``field`` subscription open."""
    _until(lambda: open_subscriptions(stack, field) == 0, f"a {field} subscription stayed open", timeout)


def _until(done: Callable[[], bool], failure: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{failure} within {timeout} s"
        time.sleep(0.1)


def quiet_pair(stack: DemoStack, taken: set[tuple[str, str]]) -> tuple[str, str]:
    """A (group, carrier) Noyo id pair with a completed connection and no request, not in ``taken``."""
    for group in stack.graphql(PAIRS)["groups"]["nodes"]:
        busy = {r["carrier"]["noyoId"] for r in group["disconnectionRequests"]["nodes"] if r["carrier"]}
        for connection in group["connections"]:
            pair = (group["noyoId"], connection["carrier"]["noyoId"])
            if connection["status"] == "COMPLETED" and pair[1] not in busy and pair not in taken:
                taken.add(pair)
                return pair
    raise AssertionError("the seeded world has no connected pair left without a request")


def carrier_disconnection(stack: DemoStack, pair: tuple[str, str]) -> str:
    """The carrier asks Noyo to disconnect the pair (as the emulator's hook); the new request's Noyo id."""
    created = stack.hook("POST", "carrier-disconnection", {"group_id": pair[0], "carrier_id": pair[1]})
    return created["id"]
