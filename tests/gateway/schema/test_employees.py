"""employee and Employee.coverages / enrollments through /graphql."""

from __future__ import annotations

from .support import data, world

EMPLOYEE = """
query($id: ID!) { employee(id: $id) {
  id: noyoId groupId employmentStatus hireDate person { firstName lastName }
  group { id: noyoId }
  coverages { lineOfCoverage planId carrier { id: noyoId displayName }
    members { individualId individualType effectiveStartDate effectiveEndDate } }
  enrollments { id: noyoId status lineOfCoverage individualType }
} }"""


async def test_employee_with_coverages_from_the_current_snapshot(gql, emulator_app, noyo):
    # given: an employee with coverages
    state = world(emulator_app)
    record = next(e for e in state.employees.values()
                  if any(x["individual_id"] == e["id"] for x in state.enrollments.values()))
    current = (await noyo.get(f"/api/v1/employees/{record['id']}/member_snapshot")).json()

    # when
    employee = data(await gql(EMPLOYEE, {"id": record["id"]}))["employee"]

    # then: non-personal fields, names under person, coverages with their carriers
    assert employee["groupId"] == employee["group"]["id"] == record["group_id"]
    assert employee["employmentStatus"] == record["employment"]["employment_status"].upper().replace("-", "_")
    assert employee["hireDate"] == record["employment"]["employment_dates"]["hire_date"]
    assert employee["person"] == {
        "firstName": record["person"]["first_name"], "lastName": record["person"]["last_name"]
    }
    assert len(employee["coverages"]) == len(current["coverages"])
    for got, want in zip(employee["coverages"], current["coverages"]):
        assert got["carrier"]["id"] == want["carrier_id"]
        assert got["carrier"]["displayName"] == state.carriers[want["carrier_id"]]["display_name"]
        assert got["lineOfCoverage"] == want["line_of_coverage"].upper()
        assert [m["individualId"] for m in got["members"]] == [m.get("individual_id") for m in want["enrolled_members"]]
    family = set(state.family_of(record["id"]))
    assert employee["enrollments"]
    assert {e["id"] for e in employee["enrollments"]} == {
        x["id"] for x in state.enrollments.values() if x["individual_id"] in family
    }


async def test_personal_data_beyond_names_is_not_in_the_schema(gql):
    result = await gql('{ employee(id: "x") { person { ssn dateOfBirth } } }')
    assert result.get("data") is None
    assert {e["extensions"]["code"] for e in result["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert any("ssn" in e["message"] for e in result["errors"])


async def test_unknown_employee_is_null(gql):
    assert data(await gql('{ employee(id: "00000000-0000-4000-8000-000000000000") { id } }')) == {"employee": None}
