"""employee and Employee.person / employment / dependents / coverages / enrollments through /graphql."""

from __future__ import annotations

import logging

from strawberry.utils.str_converters import to_camel_case

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


async def test_unknown_employee_is_null(gql):
    assert data(await gql('{ employee(id: "00000000-0000-4000-8000-000000000000") { id } }')) == {"employee": None}


ADDRESS = ("streetOne", "streetTwo", "city", "state", "zipCode", "county")
CONTACT = ("emailAddress", "emailAddressType", "homePhone", "workPhone", "preferredLanguage", "preferredMethod",
           "speaksEnglish")
DETAILS = {"americanIndian": ("state", "tribe"), "disability": ("disabled", "communication", "reason"),
           "tobacco": ("user", "types", "frequency", "duration"), "isMilitary": None, "isStudent": None}
PERSON_FIELDS = {"firstName": None, "lastName": None, "middleName": None, "suffix": None, "maidenName": None,
                 "sex": None, "dateOfBirth": None, "ssn": None, "maritalStatus": None, "homeAddress": ADDRESS,
                 "mailingAddress": ADDRESS, "contact": CONTACT, "details": DETAILS}
#: Noyo keys whose values are enum values (GraphQL spells them as enum names).
ENUM_KEYS = {"sex", "marital_status", "state", "email_address_type", "preferred_method", "types", "relationship"}


def selection(fields) -> str:
    """The GraphQL selection of a field tree (name -> None for a leaf, a tuple or dict of sub-fields)."""
    if isinstance(fields, tuple):
        return " ".join(fields)
    return " ".join(name if sub is None else f"{name} {{ {selection(sub)} }}" for name, sub in fields.items())


def expected(noyo: dict | None, fields):
    """Noyo's JSON as the query above answers it: camelCase, enum names, null for what Noyo lacks."""
    if noyo is None:
        return None
    names = dict.fromkeys(fields) if isinstance(fields, tuple) else fields
    answer = {}
    for name, sub in names.items():
        key = next((k for k in noyo if to_camel_case(k) == name), None)
        value = noyo.get(key) if key else None
        if sub is not None:
            value = expected(value, sub)
        elif key in ENUM_KEYS and value is not None:
            value = [v.upper().replace("-", "_") for v in value] if isinstance(value, list) else \
                value.upper().replace("-", "_")
        answer[name] = value
    return answer


def as_enum(value: str) -> str:
    return value.upper().replace("-", "_")


PERSON = selection(PERSON_FIELDS)
MEMBER = f"""
query($id: ID!) {{ employee(id: $id) {{
  id: noyoId version customIndividualId locationId classifications
  person {{ {PERSON} }}
  employment {{ employmentDates {{ hireDate fullTimeStart rehire retirement terminated }}
    employmentStatus hoursWorked occupation salary {{ amount type unit effectiveDate }} }}
  dependents {{ id noyoId employeeId relationship created employee {{ noyoId }} person {{ {PERSON} }} }}
}} }}"""


def a_full_family(state) -> dict:
    """An employee whose person has a contact, a middle name and a mailing address, with dependents."""
    return next(e for e in sorted(state.employees.values(), key=lambda e: e["id"])
                if {"contact", "middle_name", "mailing_address"} <= e["person"].keys()
                and len(state.family_of(e["id"])) > 1)


async def test_person_employment_and_dependents_carry_every_field_noyo_holds(gql, emulator_app, upstream_counts):
    # given: an employee with contact details, a mailing address and dependents
    state = world(emulator_app)
    record = a_full_family(state)
    await upstream_counts(reset=True)

    # when
    employee = data(await gql(MEMBER, {"id": record["id"]}))["employee"]

    # then: every field of Noyo's Person, for the employee and each dependent
    assert employee["person"] == expected(record["person"], PERSON_FIELDS)
    assert employee["version"] == record["version"]
    employment = record["employment"]
    assert employee["employment"] == {
        "employmentDates": {"hireDate": employment["employment_dates"]["hire_date"], "fullTimeStart": None,
                            "rehire": None, "retirement": None,
                            "terminated": employment["employment_dates"].get("terminated")},
        "employmentStatus": as_enum(employment["employment_status"]),
        "hoursWorked": employment["hours_worked"],
        "occupation": employment["occupation"],
        "salary": {"amount": employment["salary"]["amount"], "type": "SALARY", "unit": "ANNUAL",
                   "effectiveDate": None},
    }
    stored = sorted((d for d in state.dependents.values() if d["employee_id"] == record["id"]),
                    key=lambda d: (d["created"], d["id"]))
    assert [d["noyoId"] for d in employee["dependents"]] == [d["id"] for d in stored]
    for got, want in zip(employee["dependents"], stored):
        assert got["relationship"] == as_enum(want["relationship"])
        assert got["employeeId"] == got["employee"]["noyoId"] == record["id"]
        assert got["person"] == expected(want["person"], PERSON_FIELDS)
    # one call for the employee, one for the dependents (the dependents' employee is the cached one)
    assert await upstream_counts() == {
        "GET /api/v1/employees/{employee_id}": 1,
        "GET /api/v1/employees/{employee_id}/dependents": 1,
    }


COVERED = """
query($id: ID!) { employee(id: $id) {
  person { firstName lastName }
  coverages { lineOfCoverage members { individualId individualType
    dependent { noyoId relationship person { firstName } } person { firstName lastName dateOfBirth } } }
} }"""


async def test_enrolled_members_resolve_to_their_person_and_dependent(gql, emulator_app, upstream_counts):
    # given: an employee whose dependents are enrolled
    state = world(emulator_app)
    record = next(e for e in sorted(state.employees.values(), key=lambda e: e["id"])
                  if any(x["individual_id"] in state.family_of(e["id"])[1:] for x in state.enrollments.values()))
    await upstream_counts(reset=True)

    # when
    employee = data(await gql(COVERED, {"id": record["id"]}))["employee"]

    # then: each member resolves to the employee's or the dependent's person
    members = [m for c in employee["coverages"] for m in c["members"]]
    assert any(m["individualType"] == "DEPENDENT" for m in members)
    for member in members:
        if member["individualType"] == "EMPLOYEE":
            assert member["individualId"] == record["id"] and member["dependent"] is None
            person = record["person"]
        else:
            stored = state.dependents[member["individualId"]]
            assert member["dependent"] == {"noyoId": stored["id"], "relationship": as_enum(stored["relationship"]),
                                           "person": {"firstName": stored["person"]["first_name"]}}
            person = stored["person"]
        assert member["person"] == {"firstName": person["first_name"], "lastName": person["last_name"],
                                    "dateOfBirth": person["date_of_birth"]}
    # the employee, its current state, its dependents: one call each, however many members
    assert await upstream_counts() == {
        "GET /api/v1/employees/{employee_id}": 1,
        "GET /api/v1/employees/{employee_id}/member_snapshot": 1,
        "GET /api/v1/employees/{employee_id}/dependents": 1,
    }


async def test_values_this_gateway_does_not_know_are_null_and_logged_without_the_value(gql, emulator_app, caplog):
    # given: Noyo sends an empty marital status (as its own example does) and a sex value added later
    state = world(emulator_app)
    record = a_full_family(state)
    record["person"]["marital_status"] = ""
    record["person"]["sex"] = "Q-new-value"
    caplog.set_level(logging.DEBUG)

    # when
    person = data(await gql(MEMBER, {"id": record["id"]}))["employee"]["person"]

    # then: those are null, the rest is served; the log names the enum, never the value
    assert person["maritalStatus"] is None and person["sex"] is None
    assert person["lastName"] == record["person"]["last_name"]
    assert any("Sex" in r.getMessage() for r in caplog.records)
    assert not any("Q-new-value" in r.getMessage() for r in caplog.records)
