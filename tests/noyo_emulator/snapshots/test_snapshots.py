"""Member snapshots: validation, omitted coverage policies and connection state, over HTTP."""

from __future__ import annotations

import copy

import pytest

from tests.noyo_emulator.snapshots.support import (
    API,
    coverage_for,
    current,
    drop_line,
    handled,
    pick_employee,
    post,
    set_today,
    state_of,
    summary_of,
)


async def _count(noyo, group_id: str) -> int:
    response = await noyo.get(f"{API}/groups/{group_id}/member_snapshots")
    assert response.status_code == 200
    return response.json()["meta"]["total_records"]


async def test_invalid_snapshot_lists_every_problem_without_echoing_phi_and_stores_nothing(
    noyo, emulator_app
):
    # given a valid current snapshot broken in several places
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    body["employee"]["person"]["ssn"] = "000123456"
    body["employee"]["person"]["date_of_birth"] = "1985-13-45"
    body["employee"]["person"]["home_address"]["zip_code"] = "ABCDE"
    del body["employee"]["person"]["sex"]
    body["coverages"][0]["line_of_coverage"] = "teeth"
    body["coverages"][0]["enrolled_members"][0]["individual_id"] = "not-a-uuid"
    body["snapshot_mode"] = "whatever"
    before = await _count(noyo, employee["group_id"])

    # when it is posted
    response = await post(noyo, employee["group_id"], body)

    # then every problem is reported with its path, without the values sent
    assert response.status_code == 422
    payload = response.json()
    paths = {e["path"] for e in payload["errors"]}
    assert paths == {
        "employee.person.ssn",
        "employee.person.date_of_birth",
        "employee.person.home_address.zip_code",
        "employee.person.sex",
        "coverages[0].line_of_coverage",
        "coverages[0].enrolled_members[0].individual_id",
        "snapshot_mode",
    }
    for path in paths:
        assert path in payload["message"]
    for secret in ("000123456", "1985-13-45", "ABCDE", "teeth", employee["person"]["last_name"]):
        assert secret not in response.text
    # and nothing was stored
    assert await _count(noyo, employee["group_id"]) == before


async def test_unknown_group_employee_and_snapshot_are_404(noyo, emulator_app):
    # given a valid body for a seeded employee
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    missing = "00000000-0000-4000-8000-000000000000"

    # when addressing things that do not exist, then Noyo's 404s come back
    assert (await post(noyo, missing, body)).status_code == 404
    stranger = copy.deepcopy(body)
    stranger["employee"]["id"] = missing
    assert (await post(noyo, employee["group_id"], stranger)).status_code == 404
    response = await noyo.get(f"{API}/member_snapshots/{missing}")
    assert response.status_code == 404
    assert response.json()["message"] == f"MemberSnapshot not found with UUID {missing}"
    assert (await noyo.get(f"{API}/employees/{missing}/member_snapshots")).status_code == 404
    assert (await noyo.get(f"{API}/employees/{missing}/member_snapshot")).status_code == 404


async def test_unchanged_current_snapshot_is_accepted_with_no_changes(noyo, emulator_app):
    # given the employee's current snapshot, unchanged
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])

    # when it is posted back
    response = await post(noyo, employee["group_id"], body)

    # then it is submitted, nothing is omitted and no carrier has changes
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["status"] == "submitted"
    assert record["warnings"] == []
    assert {e["status"] for e in record["fulfillment_summary"]} == {"no_changes"}
    assert record["employee_id"] == employee["id"]


async def test_reject_with_one_carrier_cancels_the_whole_snapshot(noyo, emulator_app):
    # given a one-carrier family whose snapshot leaves out a coverage
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    dropped = drop_line(body)

    # when it is posted with the default policy
    response = await post(noyo, employee["group_id"], body)

    # then the snapshot is canceled and the carrier entry names the members and the line
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["status"] == "canceled"
    entry = summary_of(record)[dropped["carrier_id"]]
    assert entry["status"] == "invalid"
    error = entry["errors"][0]
    assert error.startswith("This snapshot is missing the following active coverages:")
    for member in dropped["enrolled_members"]:
        assert f"{dropped['line_of_coverage']} for {member['individual_type']} {member['individual_id']}" in error
    assert employee["person"]["first_name"] not in " ".join(entry["errors"] + record["warnings"])
    assert any("missing the following active coverages" in w for w in record["warnings"])


async def test_reject_with_two_carriers_cancels_only_the_carrier_with_omissions(noyo, emulator_app):
    # given a two-carrier family: one coverage dropped at carrier A, a real change at carrier B
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    dropped = drop_line(body)
    others = [c for c in body["coverages"] if c["carrier_id"] != dropped["carrier_id"]]
    others[0]["enrolled_members"][0]["effective_end_date"] = "2026-07-31"
    body["coverages"] = [c for c in body["coverages"] if c["carrier_id"] != dropped["carrier_id"]] + [
        c for c in body["coverages"] if c["carrier_id"] == dropped["carrier_id"]
    ]

    # when it is posted with policy reject
    response = await post(noyo, employee["group_id"], handled(body, policy="reject"))

    # then only carrier A is invalid; carrier B proceeds
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["status"] == "submitted"
    summary = summary_of(record)
    assert summary[dropped["carrier_id"]]["status"] == "invalid"
    assert dropped["line_of_coverage"] in summary[dropped["carrier_id"]]["errors"][0]
    assert dropped["enrolled_members"][0]["individual_id"] in summary[dropped["carrier_id"]]["errors"][0]
    assert summary[others[0]["carrier_id"]]["status"] == "processing"
    assert summary[others[0]["carrier_id"]]["errors"] == []


@pytest.mark.parametrize(
    ("handling", "expected_end"),
    [
        ({"termination_rule": "end_of_current_month"}, "2026-07-31"),
        ({"termination_rule": "end_of_prior_month"}, "2026-06-30"),
        ({"termination_rule": "custom", "custom": {"effective_end_date": "2026-08-15"}}, "2026-08-15"),
    ],
)
async def test_terminate_ends_omitted_coverages_by_rule(noyo, hooks, emulator_app, handling, expected_end):
    # given a snapshot sent on July 4 that leaves out one coverage
    await set_today(hooks, "2026-07-04")
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    dropped = drop_line(body)

    # when it is posted with policy terminate
    response = await post(noyo, employee["group_id"], handled(body, policy="terminate", **handling))

    # then the omitted coverage comes back in member_snapshot ending on the rule's date
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["status"] == "submitted"
    carried = coverage_for(record["member_snapshot"], dropped["carrier_id"], dropped["line_of_coverage"])
    members = {m["individual_id"]: m for c in carried for m in c["enrolled_members"]}
    assert set(members) == {m["individual_id"] for m in dropped["enrolled_members"]}
    assert {m["effective_end_date"] for m in members.values()} == {expected_end}
    assert summary_of(record)[dropped["carrier_id"]]["status"] == "processing"
    assert record["warnings"] == []


@pytest.mark.parametrize(
    ("handling", "path"),
    [
        ({"policy": "terminate"}, "omitted_coverage_handling.termination_rule"),
        ({"policy": "terminate", "termination_rule": "custom"}, "omitted_coverage_handling.custom.effective_end_date"),
        (
            {"policy": "terminate", "termination_rule": "custom", "custom": {"effective_end_date": "31/07/2026"}},
            "omitted_coverage_handling.custom.effective_end_date",
        ),
        ({"policy": "shred"}, "omitted_coverage_handling.policy"),
    ],
)
async def test_incomplete_terminate_handling_is_422(noyo, emulator_app, handling, path):
    # given a snapshot with an incomplete omitted_coverage_handling block
    employee = pick_employee(emulator_app, 1)
    body = await current(noyo, employee["id"])
    body["omitted_coverage_handling"] = handling
    before = await _count(noyo, employee["group_id"])

    # when it is posted
    response = await post(noyo, employee["group_id"], body)

    # then the problem is reported at its path and nothing is stored
    assert response.status_code == 422
    assert path in {e["path"] for e in response.json()["errors"]}
    assert await _count(noyo, employee["group_id"]) == before


async def test_continue_warns_once_per_omitted_coverage_and_terminates_nothing(noyo, emulator_app):
    # given a snapshot leaving out one coverage of a family
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    dropped = drop_line(body)

    # when it is posted with policy continue
    response = await post(noyo, employee["group_id"], handled(body, policy="continue"))

    # then there is one warning per omitted member coverage, naming member and line
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["status"] == "submitted"
    omitted_warnings = [w for w in record["warnings"] if w.startswith("Omitted active coverage")]
    assert len(omitted_warnings) == len(dropped["enrolled_members"])
    for member in dropped["enrolled_members"]:
        needle = f"{dropped['line_of_coverage']} for {member['individual_type']} {member['individual_id']}"
        assert sum(needle in w for w in omitted_warnings) == 1
    # and the coverage is carried back unchanged, so that carrier has nothing to do
    carried = coverage_for(record["member_snapshot"], dropped["carrier_id"], dropped["line_of_coverage"])
    assert {m["effective_end_date"] for c in carried for m in c["enrolled_members"]} == {"9999-12-31"}
    assert summary_of(record)[dropped["carrier_id"]]["status"] == "no_changes"


async def test_continue_with_division_change_carries_omitted_coverages_along(noyo, emulator_app):
    # given a snapshot leaving out a coverage while moving the employee to another division
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    dropped = drop_line(body)
    body["employee"]["classifications"] = {"Division": "Relocated Division"}

    # when it is posted with policy continue
    response = await post(noyo, employee["group_id"], handled(body, policy="continue"))

    # then no omission warnings: the coverage is part of the change at its carrier
    assert response.status_code == 201, response.text
    record = response.json()
    assert not [w for w in record["warnings"] if w.startswith("Omitted active coverage")]
    carried = coverage_for(record["member_snapshot"], dropped["carrier_id"], dropped["line_of_coverage"])
    assert {m["individual_id"] for c in carried for m in c["enrolled_members"]} == {
        m["individual_id"] for m in dropped["enrolled_members"]
    }
    assert summary_of(record)[dropped["carrier_id"]]["status"] == "processing"


async def test_disconnected_carrier_is_not_connected_and_unchanged(noyo, hooks, emulator_app):
    # given a two-carrier family whose group got disconnected from carrier A (completed today)
    await set_today(hooks, "2026-07-04")
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    carrier_a = body["coverages"][0]["carrier_id"]
    created = await noyo.post(
        f"{API}/group_disconnection_requests",
        json={"group_id": employee["group_id"], "carrier_id": carrier_a, "effective_end_date": "2026-07-05"},
    )
    assert created.status_code == 201, created.text
    await set_today(hooks, "2026-07-05")
    # and a snapshot that leaves out A's coverages (reject would otherwise cancel it)
    dropped = [c for c in body["coverages"] if c["carrier_id"] == carrier_a]
    body["coverages"] = [c for c in body["coverages"] if c["carrier_id"] != carrier_a]
    body["coverages"][0]["enrolled_members"][0]["effective_end_date"] = "2026-07-31"
    body["coverages"].append(copy.deepcopy(dropped[0]))
    body["coverages"][-1]["enrolled_members"][0]["effective_end_date"] = "2026-07-31"

    # when it is posted
    response = await post(noyo, employee["group_id"], body)

    # then carrier A is not_connected, the snapshot still goes ahead elsewhere
    assert response.status_code == 201, response.text
    record = response.json()
    summary = summary_of(record)
    assert summary[carrier_a]["status"] == "not_connected"
    assert record["status"] == "submitted"
    # and after completion nothing changed at carrier A
    state = state_of(emulator_app)
    before = {e["id"]: dict(e) for e in state.enrollments.values()}
    await set_today(hooks, "2026-07-08")
    record = (await noyo.get(f"{API}/member_snapshots/{record['id']}")).json()
    assert record["status"] == "completed"
    for enrollment_id, old in before.items():
        enrollment = state.enrollments[enrollment_id]
        if state.carrier_of_group_enrollment(enrollment["group_enrollment_id"]) == carrier_a:
            assert enrollment == old


async def test_terminate_a_dependent_left_out_of_a_listed_coverage(noyo, hooks, emulator_app):
    # given a family snapshot where one dependent is left out of a coverage the employee keeps
    await set_today(hooks, "2026-07-04")
    employee = pick_employee(emulator_app, 2)
    body = await current(noyo, employee["id"])
    coverage = next(c for c in body["coverages"] if len(c["enrolled_members"]) > 1)
    dependent = coverage["enrolled_members"].pop()

    # when it is posted with terminate / end_of_prior_month
    response = await post(
        noyo, employee["group_id"], handled(body, policy="terminate", termination_rule="end_of_prior_month")
    )

    # then the dependent is back in that same coverage entry, ending June 30; the others stay open
    assert response.status_code == 201, response.text
    entries = coverage_for(response.json()["member_snapshot"], coverage["carrier_id"], coverage["line_of_coverage"])
    ends = {m["individual_id"]: m["effective_end_date"] for c in entries for m in c["enrolled_members"]}
    assert ends[dependent["individual_id"]] == "2026-06-30"
    assert ends[employee["id"]] == "9999-12-31"
    assert len(entries) == 1
