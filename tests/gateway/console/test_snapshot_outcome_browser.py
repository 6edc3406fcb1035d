"""The console's snapshot page shows omitted coverages and Noyo's warnings as tables, in headless Chromium.

The snapshot is submitted through the gateway's GraphQL (as a platform would), built from the
employee's current snapshot as the demo's Noyo emulator serves it, minus one coverage.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.gateway.write.support import to_input

from .conftest import Browser, DemoStack, axe_violations, screenshot

EMPLOYEES = """query { memberSnapshots(status: COMPLETED, first: 30) {
  edges { node { employee { noyoId groupId } } } } }"""
SUBMIT = """
mutation($groupId: ID!, $snapshot: MemberSnapshotInput!, $key: String) {
  submitMemberSnapshot(groupId: $groupId, snapshot: $snapshot, omittedCoverageHandling: {continue: true},
                       idempotencyKey: $key) {
    memberSnapshot { id employee { person { firstName lastName } } }
    omittedCoverages { carrierId carrier { displayName } lineOfCoverage individualId individualType outcome }
    errors { code message }
  }
}"""


def noyo_token(stack: DemoStack) -> str:
    """A bearer token from the demo emulator's token endpoint (its public demo client)."""
    response = httpx.post(f"{stack.emulator}/auth/public/token", auth=("demo-client", "demo-secret"),
                          json={"grant_type": "client_credentials"}, timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def current_snapshots(stack: DemoStack) -> list[tuple[str, dict[str, Any]]]:
    """(group id, the employee's current snapshot as Noyo serves it) for employees with two coverages or more."""
    headers = {"authorization": f"Bearer {noyo_token(stack)}"}
    found = []
    for edge in stack.graphql(EMPLOYEES)["memberSnapshots"]["edges"]:
        employee = edge["node"]["employee"]
        response = httpx.get(f"{stack.emulator}/api/v1/employees/{employee['noyoId']}/member_snapshot",
                             headers=headers, timeout=10)
        response.raise_for_status()
        snapshot = response.json()
        if len(snapshot["coverages"]) >= 2 and all(c["enrolled_members"] for c in snapshot["coverages"]):
            found.append((employee["groupId"], snapshot))
    assert found, "no employee of the seeded world has two coverages"
    return found


def submit_without_a_coverage(stack: DemoStack) -> dict[str, Any]:
    """Submits, under the continue policy, a current snapshot minus its first coverage; the payload."""
    for group_id, snapshot in current_snapshots(stack):
        kept = {**snapshot, "coverages": snapshot["coverages"][1:]}
        key = f"console-omitted-{snapshot['employee']['id']}"
        variables = {"groupId": group_id, "snapshot": to_input(kept), "key": key}
        payload = stack.graphql(SUBMIT, variables)["submitMemberSnapshot"]
        assert payload["errors"] == [], payload
        if payload["omittedCoverages"]:
            return payload
    raise AssertionError("no submission left an active coverage out")


def test_the_snapshot_page_lists_the_omitted_coverage_and_the_warning_about_it(stack: DemoStack, browser: Browser):
    # given: a snapshot submitted through GraphQL that leaves out one of the member's active coverages
    payload = submit_without_a_coverage(stack)
    snapshot_id = payload["memberSnapshot"]["id"]
    person = payload["memberSnapshot"]["employee"]["person"]
    omitted = payload["omittedCoverages"]
    assert {o["outcome"] for o in omitted} == {"CONTINUED"}

    # when: its page is opened in the console
    page = browser.page()
    page.goto(f"{stack.url}/console/snapshots/{snapshot_id}")
    table = page.get_by_role("table", name="Active coverages the snapshot left out, and what Noyo does with each")
    table.wait_for()

    # then: one row per omitted member, under column headers, saying what Noyo does with it
    headers = table.get_by_role("columnheader").all_inner_texts()
    assert headers == ["Carrier", "Line of coverage", "Member", "What happens", "End date", "Noyo's text"]
    rows = table.locator("tbody tr")
    assert rows.count() == len(omitted)
    for row, coverage in zip(rows.all(), omitted, strict=True):
        cells = row.get_by_role("cell").all_inner_texts()
        assert cells[0] == coverage["carrier"]["displayName"]
        assert cells[1].lower() == coverage["lineOfCoverage"].lower().replace("_", " ")
        if coverage["individualType"] == "EMPLOYEE":
            assert cells[2] == f"Employee: {person['firstName']} {person['lastName']}"
        else:
            assert coverage["individualId"] in cells[2]
        assert cells[3] == "Kept as it is"
        assert coverage["individualId"] in cells[5]  # Noyo's warning names the member by id

    # and: Noyo's warning about it is a typed row of the warnings table
    messages = page.get_by_role("table", name="Noyo's warnings and fulfillment errors")
    kept = messages.locator("tbody tr[data-code=OMITTED_COVERAGE_CONTINUED]")
    assert kept.count() == len(omitted)
    assert kept.first.get_by_role("cell").all_inner_texts()[:3] == [
        "Warning", "Left-out coverage kept", omitted[0]["carrier"]["displayName"]]
    screenshot(page, "console-snapshot-omitted-coverage")
    assert axe_violations(page) == []
    assert browser.traffic.off_origin() == [] and browser.traffic.csp_violations == []
