"""Structured outcomes of omitted coverages under each policy, through GraphQL against the emulator.

Each test leaves an active coverage out of an employee's current snapshot, submits it through
the gateway and compares the typed outcome with what the emulator stored and, once its clock
completes the snapshot, with what it did to the enrollments.
"""

from __future__ import annotations

from typing import Any

import pytest

from noyo_emulator.snapshots.omitted_coverage import current_enrollments

from .support import current_snapshot, families, payload, state_of, to_input, without_coverage

OMITTED = "{ carrierId lineOfCoverage individualId individualType outcome effectiveEndDate terminated message }"
MESSAGE = "{ code message carrierId lineOfCoverage individualId individualType }"
SNAPSHOT = f"""id: noyoId status warnings warningDetails {MESSAGE} omittedCoverages {OMITTED}
    fulfillment {{ carrierId status errors errorDetails {MESSAGE} }}"""
SUBMIT = f"""
mutation($groupId: ID!, $snapshot: MemberSnapshotInput!, $handling: OmittedCoverageHandlingInput, $key: String) {{
  submitMemberSnapshot(groupId: $groupId, snapshot: $snapshot, omittedCoverageHandling: $handling,
                       idempotencyKey: $key) {{
    memberSnapshot {{ {SNAPSHOT} }} omittedCoverages {OMITTED} errors {{ code field message }}
  }}
}}"""
TEST = f"""
mutation($groupId: ID!, $snapshot: MemberSnapshotInput!, $handling: OmittedCoverageHandlingInput) {{
  testMemberSnapshot(groupId: $groupId, snapshot: $snapshot, omittedCoverageHandling: $handling) {{
    testResult {{ memberSnapshot {{ status omittedCoverages {OMITTED} }} omittedCoverages {OMITTED} }}
    errors {{ code message }}
  }}
}}"""
READ = f"query($id: ID!) {{ memberSnapshot(id: $id) {{ {SNAPSHOT} }} }}"


async def submit(gql, family: dict, snapshot: dict, handling: dict | None, key: str | None = None) -> dict:
    variables = {"groupId": family["group_id"], "snapshot": to_input(snapshot), "handling": handling, "key": key}
    result = payload(await gql(SUBMIT, variables), "submitMemberSnapshot")
    assert result["errors"] == []
    return result


async def family_with(noyo, emulator_app, carriers: int) -> dict[str, Any]:
    family = families(emulator_app, carriers)[0]
    return {**family, "snapshot": await current_snapshot(noyo, family["employee_id"])}


def open_enrollments(emulator_app, family: dict, coverage: dict) -> dict[str, str]:
    """member id -> the emulator's id of its open enrollment in ``coverage``."""
    state = state_of(emulator_app)
    found = {}
    for carrier_id, enrollment in current_enrollments(state, state.family_of(family["employee_id"])):
        if carrier_id == coverage["carrier_id"] and enrollment["line_of_coverage"] == coverage["line_of_coverage"]:
            found[enrollment["individual_id"]] = enrollment["id"]
    assert set(found) == {m["individual_id"] for m in coverage["enrolled_members"]}
    return found


def keyed(omitted: list[dict]) -> dict[tuple[str, str, str], dict]:
    return {(o["carrierId"], o["lineOfCoverage"], o["individualId"]): o for o in omitted}


def keys_of(*coverages: dict) -> set[tuple[str, str, str]]:
    return {
        (c["carrier_id"], c["line_of_coverage"].upper(), m["individual_id"])
        for c in coverages
        for m in c["enrolled_members"]
    }


def carried_back(stored: dict, key: tuple[str, str, str]) -> dict:
    """The member Noyo (the emulator) put back into its processed snapshot for ``key``."""
    carrier_id, line, member_id = key
    return next(
        m
        for c in stored["member_snapshot"]["coverages"]
        if c["carrier_id"] == carrier_id and c["line_of_coverage"].upper() == line
        for m in c["enrolled_members"]
        if m["individual_id"] == member_id
    )


async def complete(hooks) -> None:
    """Let the emulator's clock complete every pending snapshot (and apply it at the carriers)."""
    response = await hooks.post("/__emulator/clock", json={"advance_days": 2})
    assert response.status_code == 200, response.text


async def read_back(gql, snapshot_id: str) -> dict:
    return payload(await gql(READ, {"id": snapshot_id}), "memberSnapshot")


def type_of(coverage: dict, member_id: str) -> str:
    return next(m["individual_type"] for m in coverage["enrolled_members"] if m["individual_id"] == member_id).upper()


async def test_reject_at_the_only_carrier_is_canceled_with_the_snapshot(gql, noyo, hooks, emulator_app):
    # given: a family covered at one carrier; its snapshot leaves out one coverage
    family = await family_with(noyo, emulator_app, 1)
    [carrier_id] = family["carrier_ids"]
    snapshot, [dropped] = without_coverage(family["snapshot"], carrier_id)
    enrollments = open_enrollments(emulator_app, family, dropped)

    # when: submitted under reject
    result = await submit(gql, family, snapshot, {"reject": True})

    # then: every omitted member is listed, canceled with the snapshot, as the emulator decided
    stored = state_of(emulator_app).snapshots[result["memberSnapshot"]["id"]]
    entry = next(e for e in stored["fulfillment_summary"] if e["carrier_id"] == carrier_id)
    omitted = keyed(result["omittedCoverages"])
    assert set(omitted) == keys_of(dropped)
    assert (stored["status"], entry["status"]) == ("canceled", "invalid")
    for (_, _, member_id), o in omitted.items():
        assert (o["outcome"], o["effectiveEndDate"], o["terminated"]) == ("CANCELED_WITH_SNAPSHOT", None, False)
        assert o["individualType"] == type_of(dropped, member_id)
        assert o["message"] in entry["errors"]
    # and the typed errors name the same coverages beside Noyo's text
    [fulfillment] = result["memberSnapshot"]["fulfillment"]
    details = fulfillment["errorDetails"]
    assert {(carrier_id, d["lineOfCoverage"], d["individualId"]) for d in details} == set(omitted)
    assert {(d["code"], d["carrierId"]) for d in details} == {("MISSING_ACTIVE_COVERAGE", carrier_id)}
    assert {d["message"] for d in details} == set(entry["errors"])
    # and a later read of the snapshot shows the same outcome
    assert keyed((await read_back(gql, stored["id"]))["omittedCoverages"]) == omitted
    # and the emulator changed nothing at the carrier
    await complete(hooks)
    for enrollment_id in enrollments.values():
        assert state_of(emulator_app).enrollments[enrollment_id]["effective_end_date"] == "9999-12-31"


async def test_reject_at_one_of_two_carriers_cancels_that_carriers_changes(gql, noyo, hooks, emulator_app):
    # given: a two-carrier family; one coverage left out at carrier A, a termination sent at carrier B
    family = await family_with(noyo, emulator_app, 2)
    omitted_at, other = family["carrier_ids"]
    snapshot, [dropped] = without_coverage(family["snapshot"], omitted_at)
    changed = next(c for c in snapshot["coverages"] if c["carrier_id"] == other)
    changed["enrolled_members"][0]["effective_end_date"] = "2026-07-31"
    enrollments = open_enrollments(emulator_app, family, dropped)
    changed_enrollment = open_enrollments(emulator_app, family, changed)[changed["enrolled_members"][0]["individual_id"]]

    # when: submitted with no handling (Noyo's default: reject)
    result = await submit(gql, family, snapshot, None)

    # then: carrier A's omitted coverages are canceled for that carrier only, as the emulator decided
    stored = state_of(emulator_app).snapshots[result["memberSnapshot"]["id"]]
    statuses = {e["carrier_id"]: e["status"] for e in stored["fulfillment_summary"]}
    omitted = keyed(result["omittedCoverages"])
    assert set(omitted) == keys_of(dropped)
    assert stored["status"] != "canceled" and statuses[omitted_at] == "invalid" and statuses[other] != "invalid"
    assert {o["outcome"] for o in omitted.values()} == {"CANCELED_FOR_CARRIER"}
    assert keyed(result["memberSnapshot"]["omittedCoverages"]) == omitted
    # and the warnings, typed, say the same about carrier A
    rejected = [w for w in result["memberSnapshot"]["warningDetails"] if w["code"] == "MISSING_ACTIVE_COVERAGE"]
    assert {(w["carrierId"], w["lineOfCoverage"], w["individualId"]) for w in rejected} == set(omitted)
    assert {w["message"] for w in rejected} <= set(stored["warnings"])
    # and once completed, carrier B's change was made while carrier A's coverage stayed as it was
    await complete(hooks)
    state = state_of(emulator_app)
    assert state.enrollments[changed_enrollment]["effective_end_date"] == "2026-07-31"
    for enrollment_id in enrollments.values():
        assert state.enrollments[enrollment_id]["effective_end_date"] == "9999-12-31"
    assert keyed((await read_back(gql, stored["id"]))["omittedCoverages"]) == omitted


async def test_reject_at_both_carriers_cancels_the_whole_snapshot(gql, noyo, emulator_app):
    # given: a two-carrier family whose snapshot leaves out a coverage at each carrier
    family = await family_with(noyo, emulator_app, 2)
    first, second = family["carrier_ids"]
    snapshot, dropped_first = without_coverage(family["snapshot"], first)
    snapshot, dropped_second = without_coverage(snapshot, second)

    # when
    result = await submit(gql, family, snapshot, {"reject": True})

    # then: the emulator canceled the snapshot, and every omitted coverage says so
    stored = state_of(emulator_app).snapshots[result["memberSnapshot"]["id"]]
    omitted = keyed(result["omittedCoverages"])
    assert set(omitted) == keys_of(*dropped_first, *dropped_second)
    assert stored["status"] == "canceled"
    assert {e["status"] for e in stored["fulfillment_summary"]} == {"invalid"}
    assert {o["outcome"] for o in omitted.values()} == {"CANCELED_WITH_SNAPSHOT"}


@pytest.mark.parametrize(
    ("rule", "end_date"),
    [({"endOfPriorMonth": True}, "2026-06-30"), ({"custom": "2026-08-15"}, "2026-08-15")],
)
async def test_terminate_reports_the_date_the_emulator_ends_the_coverage(gql, noyo, hooks, emulator_app, rule,
                                                                         end_date):
    # given: one coverage left out of a two-carrier family's snapshot
    family = await family_with(noyo, emulator_app, 2)
    carrier_id = family["carrier_ids"][0]
    snapshot, [dropped] = without_coverage(family["snapshot"], carrier_id)
    enrollments = open_enrollments(emulator_app, family, dropped)

    # when: submitted under terminate
    result = await submit(gql, family, snapshot, {"terminate": {"rule": rule}})

    # then: each omitted member is TERMINATED on the date the emulator carried back into its snapshot
    stored = state_of(emulator_app).snapshots[result["memberSnapshot"]["id"]]
    omitted = keyed(result["omittedCoverages"])
    assert set(omitted) == keys_of(dropped)
    for key, o in omitted.items():
        assert (o["outcome"], o["terminated"]) == ("TERMINATED", True)
        assert o["effectiveEndDate"] == carried_back(stored, key)["effective_end_date"] == end_date
        assert o["individualType"] == type_of(dropped, key[2])
    assert keyed(result["memberSnapshot"]["omittedCoverages"]) == omitted
    # and once completed, the emulator ended those enrollments on exactly that date
    await complete(hooks)
    for member_id, enrollment_id in enrollments.items():
        ended = state_of(emulator_app).enrollments[enrollment_id]["effective_end_date"]
        assert ended == omitted[(carrier_id, dropped["line_of_coverage"].upper(), member_id)]["effectiveEndDate"]
    assert keyed((await read_back(gql, stored["id"]))["omittedCoverages"]) == omitted


async def test_continue_keeps_the_coverage_with_the_warning_that_names_it(gql, noyo, hooks, emulator_app):
    # given
    family = await family_with(noyo, emulator_app, 2)
    carrier_id = family["carrier_ids"][0]
    snapshot, [dropped] = without_coverage(family["snapshot"], carrier_id)
    enrollments = open_enrollments(emulator_app, family, dropped)

    # when: submitted under continue
    result = await submit(gql, family, snapshot, {"continue": True})

    # then: each omitted member is CONTINUED, open-ended, with the emulator's warning about it
    stored = state_of(emulator_app).snapshots[result["memberSnapshot"]["id"]]
    omitted = keyed(result["omittedCoverages"])
    assert set(omitted) == keys_of(dropped)
    for key, o in omitted.items():
        assert (o["outcome"], o["terminated"]) == ("CONTINUED", False)
        assert o["effectiveEndDate"] == carried_back(stored, key)["effective_end_date"] == "9999-12-31"
        assert o["message"] in stored["warnings"] and key[2] in o["message"]
    kept = [w for w in result["memberSnapshot"]["warningDetails"] if w["code"] == "OMITTED_COVERAGE_CONTINUED"]
    assert {(w["carrierId"], w["lineOfCoverage"], w["individualId"]) for w in kept} == set(omitted)
    assert {(w["individualId"], w["individualType"]) for w in kept} == {
        (m["individual_id"], m["individual_type"].upper()) for m in dropped["enrolled_members"]
    }
    # and once completed, the emulator left the enrollments open
    await complete(hooks)
    for enrollment_id in enrollments.values():
        assert state_of(emulator_app).enrollments[enrollment_id]["effective_end_date"] == "9999-12-31"
    assert keyed((await read_back(gql, stored["id"]))["omittedCoverages"]) == omitted


@pytest.mark.parametrize(
    "handling",
    [None, {"continue": True}, {"terminate": {"rule": {"endOfCurrentMonth": True}}}],
    ids=["reject", "continue", "terminate"],
)
async def test_the_dry_run_predicts_the_outcome_of_the_submission(gql, noyo, emulator_app, handling):
    # given: a one-carrier family and a snapshot leaving a coverage out
    family = await family_with(noyo, emulator_app, 1)
    snapshot, [dropped] = without_coverage(family["snapshot"], family["carrier_ids"][0])
    variables = {"groupId": family["group_id"], "snapshot": to_input(snapshot), "handling": handling}

    # when: tried on testMemberSnapshot, then submitted
    tried = payload(await gql(TEST, variables), "testMemberSnapshot")["testResult"]
    submitted = await submit(gql, family, snapshot, handling)

    # then: the dry run lists the same omitted coverages with the same outcomes as the stored snapshot
    assert set(keyed(tried["omittedCoverages"])) == keys_of(dropped)
    assert keyed(tried["omittedCoverages"]) == keyed(submitted["omittedCoverages"])
    assert keyed(tried["memberSnapshot"]["omittedCoverages"]) == keyed(tried["omittedCoverages"])
    stored = state_of(emulator_app).snapshots[submitted["memberSnapshot"]["id"]]
    assert tried["memberSnapshot"]["status"] == stored["status"].upper()


async def test_a_replayed_submission_reports_the_same_omitted_coverages(gql, noyo, emulator_app, upstream_counts):
    # given: a snapshot with an omitted coverage, submitted with an idempotency key
    family = await family_with(noyo, emulator_app, 2)
    snapshot, [dropped] = without_coverage(family["snapshot"], family["carrier_ids"][0])
    handling = {"terminate": {"rule": {"endOfPriorMonth": True}}}
    first = await submit(gql, family, snapshot, handling, key="outcome-replay")
    await upstream_counts(reset=True)

    # when: the same call is retried
    again = await submit(gql, family, snapshot, handling, key="outcome-replay")

    # then: it is replayed (nothing sent) with the same omitted coverages, on the payload and the snapshot
    assert "POST /api/v1/groups/{group_id}/member_snapshots" not in await upstream_counts()
    assert set(keyed(again["omittedCoverages"])) == keys_of(dropped)
    assert keyed(again["omittedCoverages"]) == keyed(first["omittedCoverages"])
    assert keyed(again["memberSnapshot"]["omittedCoverages"]) == keyed(first["omittedCoverages"])


async def test_an_unchanged_snapshot_omits_nothing(gql, noyo, emulator_app):
    family = await family_with(noyo, emulator_app, 2)

    result = await submit(gql, family, family["snapshot"], {"continue": True})

    assert result["omittedCoverages"] == [] and result["memberSnapshot"]["omittedCoverages"] == []
    assert result["memberSnapshot"]["warningDetails"] == []
