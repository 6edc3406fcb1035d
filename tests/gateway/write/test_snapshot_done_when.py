"""Done when: an operator reads an employee's current snapshot with `phi`, leaves out a coverage,
submits it under each policy and reads a structured outcome that matches what the emulator did.

Through GraphQL only: the test body makes no REST call; the emulator's own state object is what
the outcome is compared with.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.schema.schema import schema
from tests.gateway.conftest import make_gateway_settings
from tests.gateway.schema.test_current_snapshot import selection
from tests.gateway.write.support import families, payload, state_of

OMITTED = "{ carrierId lineOfCoverage individualId individualType outcome effectiveEndDate terminated message }"
CURRENT = f"""query($id: ID!) {{ employee(id: $id) {{ groupId
  currentSnapshot {{ {selection(schema._schema.type_map["MemberSnapshotState"])} }} }} }}"""
SUBMIT = f"""
mutation($groupId: ID!, $snapshot: MemberSnapshotInput!, $handling: OmittedCoverageHandlingInput) {{
  submitMemberSnapshot(groupId: $groupId, snapshot: $snapshot, omittedCoverageHandling: $handling) {{
    memberSnapshot {{ id: noyoId status omittedCoverages {OMITTED} }}
    omittedCoverages {OMITTED}
    errors {{ code field message }}
  }}
}}"""
READ = f"query($id: ID!) {{ memberSnapshot(id: $id) {{ status omittedCoverages {OMITTED} }} }}"
OPEN_END_DATE = "9999-12-31"


@pytest.fixture
def gateway_settings(cache_namespace: str):
    """Callers are operators with the `phi` scope (anonymous in these tests, as in the demo)."""
    return make_gateway_settings(cache_namespace, gateway_anonymous_role="operator", gateway_anonymous_scopes="phi")


def what_the_emulator_did(stored: dict[str, Any], key: tuple[str, str, str]) -> tuple[str, str | None]:
    """(outcome, end date) of one omitted coverage, from the snapshot the emulator stored."""
    carrier_id, line, member_id = key
    entry = next(e for e in stored["fulfillment_summary"] if e["carrier_id"] == carrier_id)
    if entry["status"] == "invalid":
        return ("CANCELED_WITH_SNAPSHOT" if stored["status"] == "canceled" else "CANCELED_FOR_CARRIER"), None
    end = next(
        m["effective_end_date"]
        for c in stored["member_snapshot"]["coverages"]
        if c["carrier_id"] == carrier_id and c["line_of_coverage"].upper() == line
        for m in c["enrolled_members"]
        if m["individual_id"] == member_id
    )
    return ("CONTINUED" if end == OPEN_END_DATE else "TERMINATED"), end


@pytest.mark.parametrize(
    ("carriers", "handling", "expected"),
    [
        pytest.param(1, {"reject": True}, ("CANCELED_WITH_SNAPSHOT", None), id="reject-one-carrier"),
        pytest.param(2, None, ("CANCELED_FOR_CARRIER", None), id="reject-two-carriers-by-default"),
        pytest.param(2, {"terminate": {"rule": {"endOfCurrentMonth": True}}}, ("TERMINATED", "2026-07-31"),
                     id="terminate"),
        pytest.param(2, {"continue": True}, ("CONTINUED", OPEN_END_DATE), id="continue"),
    ],
)
async def test_an_operator_leaves_a_coverage_out_and_reads_what_noyo_did(gql, emulator_app, carriers, handling,
                                                                        expected):
    # given: an operator reads an employee's current snapshot, personal data included (phi)
    state = state_of(emulator_app)
    family = families(emulator_app, carriers)[0]
    employee = payload(await gql(CURRENT, {"id": family["employee_id"]}), "employee")
    snapshot = employee["currentSnapshot"]
    assert snapshot["employee"]["person"]["ssn"] == state.employees[family["employee_id"]]["person"]["ssn"]

    # when: one coverage at the first carrier is left out and the snapshot submitted under the policy
    carrier_id = family["carrier_ids"][0]
    dropped = next(c for c in snapshot["coverages"] if c["carrierId"] == carrier_id)
    edited = {**snapshot, "coverages": [c for c in snapshot["coverages"] if c is not dropped]}
    result = payload(
        await gql(SUBMIT, {"groupId": employee["groupId"], "snapshot": edited, "handling": handling}),
        "submitMemberSnapshot",
    )

    # then: every member of the dropped coverage is listed with what the emulator did with it
    assert result["errors"] == []
    stored = state.snapshots[result["memberSnapshot"]["id"]]
    omitted = {(o["carrierId"], o["lineOfCoverage"], o["individualId"]): o for o in result["omittedCoverages"]}
    assert set(omitted) == {(carrier_id, dropped["lineOfCoverage"], m["individualId"]) for m in dropped["enrolledMembers"]}
    for key, o in omitted.items():
        assert (o["outcome"], o["effectiveEndDate"]) == what_the_emulator_did(stored, key) == expected
        assert o["individualType"] == next(
            m["individualType"] for m in dropped["enrolledMembers"] if m["individualId"] == key[2]
        )
    # and the snapshot itself, read again later, shows the same outcome
    again = payload(await gql(READ, {"id": result["memberSnapshot"]["id"]}), "memberSnapshot")
    assert again["status"] == stored["status"].upper()
    assert sorted(again["omittedCoverages"], key=str) == sorted(result["omittedCoverages"], key=str)
