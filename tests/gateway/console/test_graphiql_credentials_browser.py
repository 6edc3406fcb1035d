"""GraphiQL's subscriptions carry the Headers tab's credentials, on a gateway that refuses anonymous callers."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.gateway.security.support import AUDIENCE, ISSUER, SECRET, mint

from .conftest import KEY_OPERATOR, Browser, DemoStack, screenshot, start_secured_stack
from .support import (
    SUBSCRIPTION_TAB,
    carrier_disconnection,
    open_graphiql,
    quiet_pair,
    response_text,
    run_subscription,
    select_tab,
    set_headers,
    until_subscribed,
)

REFUSED = "The gateway refused the subscription's credentials"
EXPIRED = "The subscription ended because its credentials expired"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    """API keys, and bearer JWTs of the security tests' issuer (no leeway on their expiry)."""
    running = start_secured_stack(
        tmp_path_factory.mktemp("secured"), GATEWAY_JWT_SECRET=SECRET, GATEWAY_JWT_ISSUER=ISSUER,
        GATEWAY_JWT_AUDIENCE=AUDIENCE, GATEWAY_JWT_LEEWAY="0",
    )
    yield running
    running.stop()


def test_a_subscription_with_the_api_key_in_the_headers_tab_receives_the_event(secured: DemoStack, browser: Browser):
    pair = quiet_pair(secured, set())
    page = browser.page()

    # given: GraphiQL on a gateway without anonymous access, the subscription tab, a valid API key
    open_graphiql(page, secured)
    select_tab(page, SUBSCRIPTION_TAB)
    set_headers(page, json.dumps({"X-API-Key": KEY_OPERATOR}))

    # when: the subscription runs, and then a carrier asks Noyo to disconnect a group
    run_subscription(page)
    until_subscribed(secured, "reviewQueueChanged")
    request_id = carrier_disconnection(secured, pair)

    # then: the result pane shows the request entering the review queue
    result = page.locator(".graphiql-response")
    result.get_by_text('"ENTERED"').wait_for()
    assert request_id in response_text(page)
    assert REFUSED not in response_text(page)
    screenshot(page, "graphiql-subscription-with-api-key")
    assert browser.traffic.off_origin() == [] and browser.traffic.csp_violations == []
    assert browser.traffic.page_errors == []


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-a-key-this-gateway-knows"}], ids=["none", "wrong"])
def test_a_subscription_without_a_valid_key_says_the_credentials_were_refused(
    secured: DemoStack, browser: Browser, headers: dict[str, str]
):
    page = browser.page()

    # given: GraphiQL on a gateway without anonymous access, with no key or an unknown one
    open_graphiql(page, secured)
    select_tab(page, SUBSCRIPTION_TAB)
    set_headers(page, json.dumps(headers))

    # when: the subscription runs
    run_subscription(page)

    # then: the result pane says in words that the credentials were refused, and what to set
    page.locator(".graphiql-response").get_by_text(REFUSED).wait_for()
    text = response_text(page)
    assert "UNAUTHENTICATED" in text and "X-API-Key" in text and "Headers tab" in text
    assert browser.traffic.off_origin() == [] and browser.traffic.page_errors == []  # no unhandled rejection


def test_a_subscription_whose_bearer_token_expires_says_the_credentials_expired(secured: DemoStack, browser: Browser):
    page = browser.page()

    # given: GraphiQL with a bearer token in the Headers tab that expires in a few seconds
    open_graphiql(page, secured)
    select_tab(page, SUBSCRIPTION_TAB)
    set_headers(page, json.dumps({"Authorization": f"Bearer {mint(sub='short-lived', role='operator', exp_in=4)}"}))

    # when: the subscription runs, and the token's expiry passes
    run_subscription(page)
    until_subscribed(secured, "reviewQueueChanged")

    # then: the result pane says in words that the credentials expired, and what to set
    page.locator(".graphiql-response").get_by_text(EXPIRED).wait_for(timeout=15_000)
    text = response_text(page)
    assert "4401" in text and "UNAUTHENTICATED" in text and "Headers tab" in text
    assert REFUSED not in text
    screenshot(page, "graphiql-subscription-token-expired")
    assert browser.traffic.off_origin() == [] and browser.traffic.page_errors == []
