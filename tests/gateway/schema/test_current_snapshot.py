"""Employee.currentSnapshot: the employee's state in exactly the shape MemberSnapshotInput accepts."""

from __future__ import annotations

from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
)

from gateway.schema.schema import schema

from .support import data, world

GRAPHQL: GraphQLSchema = schema._schema


def _unwrap(type_):
    """(named type, list depth) of a GraphQL type, non-null wrappers dropped."""
    depth = 0
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        depth += isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, depth


def mismatches(output: GraphQLObjectType, input_: GraphQLInputObjectType, path: str = "") -> list[str]:
    """Where the output type tree differs from the input type tree: field names, list depth,
    enums and scalars, recursively (every pair of object and input object types is compared)."""
    found = []
    if set(output.fields) != set(input_.fields):
        found.append(f"{path or output.name}: {sorted(set(output.fields) ^ set(input_.fields))}")
    for name in set(output.fields) & set(input_.fields):
        out, out_depth = _unwrap(output.fields[name].type)
        inp, in_depth = _unwrap(input_.fields[name].type)
        where = f"{path or output.name}.{name}"
        if out_depth != in_depth:
            found.append(f"{where}: list depth {out_depth} != {in_depth}")
        elif isinstance(inp, GraphQLInputObjectType):
            if not isinstance(out, GraphQLObjectType):
                found.append(f"{where}: {out.name} is not an object type")
            else:
                found += mismatches(out, inp, where)
        elif out is not inp:
            found.append(f"{where}: {out.name} != {inp.name}")
    return found


def selection(type_: GraphQLObjectType) -> str:
    """Every field of ``type_``, nested object types expanded (the whole state, as a client asks for it)."""
    parts = []
    for name, field in type_.fields.items():
        named, _ = _unwrap(field.type)
        parts.append(f"{name} {{ {selection(named)} }}" if isinstance(named, GraphQLObjectType) else name)
    return " ".join(parts)


def test_the_state_types_have_exactly_the_input_types_fields_recursively():
    state, input_ = GRAPHQL.type_map["MemberSnapshotState"], GRAPHQL.type_map["MemberSnapshotInput"]
    assert mismatches(state, input_) == []


def test_the_comparison_notices_a_difference():
    # the person types mirror each other, the employment types do not mirror the person input
    assert mismatches(GRAPHQL.type_map["Person"], GRAPHQL.type_map["PersonInput"]) == []
    assert mismatches(GRAPHQL.type_map["Employment"], GRAPHQL.type_map["PersonInput"]) != []
    assert mismatches(GRAPHQL.type_map["MemberSnapshotCoverage"], GRAPHQL.type_map["EnrolledMemberInput"]) != []


CURRENT = f"""
query($id: ID!) {{ employee(id: $id) {{ groupId currentSnapshot {{ {selection(GRAPHQL.type_map["MemberSnapshotState"])} }} }} }}"""
TEST = """
mutation($groupId: ID!, $snapshot: MemberSnapshotInput!) {
  testMemberSnapshot(groupId: $groupId, snapshot: $snapshot) {
    testResult { traceIds memberSnapshot { status warnings fulfillment { carrierId status errors } } }
    errors { code field message }
  }
}"""
TEST_PATH = "POST /api/v1/groups/{group_id}/member_snapshots/test"


def a_family_with_coverage_and_contact(state) -> dict:
    """An employee with enrolled dependents and a contact (so every nesting level is exercised)."""
    return next(
        e
        for e in sorted(state.employees.values(), key=lambda e: e["id"])
        if "contact" in e["person"]
        and e["employment"]["employment_status"] != "terminated"
        and any(x["individual_id"] in state.family_of(e["id"])[1:] for x in state.enrollments.values())
    )


async def test_a_fetched_current_snapshot_is_accepted_unchanged_by_test_member_snapshot(
    gql, emulator_app, noyo, upstream_counts
):
    # given: an employee with dependents and coverages, and Noyo's own current snapshot of them
    state = world(emulator_app)
    record = a_family_with_coverage_and_contact(state)
    noyos = (await noyo.get(f"/api/v1/employees/{record['id']}/member_snapshot")).json()

    # when: the client fetches currentSnapshot and sends it back as it is
    employee = data(await gql(CURRENT, {"id": record["id"]}))["employee"]
    current = employee["currentSnapshot"]
    await upstream_counts(reset=True)
    result = data(await gql(TEST, {"groupId": employee["groupId"], "snapshot": current}))["testMemberSnapshot"]

    # then: it is Noyo's state (people, coverages), and Noyo's dry run accepts it as it is
    assert current["employee"]["id"] == record["id"]
    assert current["employee"]["person"]["ssn"] == record["person"]["ssn"]
    assert current["employee"]["person"]["contact"]["emailAddress"] == record["person"]["contact"]["email_address"]
    assert [d["id"] for d in current["dependents"]] == [d["id"] for d in noyos["dependents"]]
    assert [d["person"]["dateOfBirth"] for d in current["dependents"]] == [
        d["person"]["date_of_birth"] for d in noyos["dependents"]
    ]
    assert [(c["carrierId"], [m["individualId"] for m in c["enrolledMembers"]]) for c in current["coverages"]] == [
        (c["carrier_id"], [m["individual_id"] for m in c["enrolled_members"]]) for c in noyos["coverages"]
    ]
    assert result["errors"] == [], result["errors"]
    outcome = result["testResult"]["memberSnapshot"]
    assert outcome["status"] != "CANCELED" and outcome["warnings"] == []
    assert all(f["errors"] == [] for f in outcome["fulfillment"])
    assert (await upstream_counts()).get(TEST_PATH) == 1


async def test_current_snapshot_and_coverages_share_one_upstream_call(gql, emulator_app, upstream_counts):
    record = a_family_with_coverage_and_contact(world(emulator_app))
    await upstream_counts(reset=True)
    query = "query($id: ID!) { employee(id: $id) { coverages { planId } currentSnapshot { coverages { planId } } } }"
    employee = data(await gql(query, {"id": record["id"]}))["employee"]
    assert [c["planId"] for c in employee["coverages"]] == [c["planId"] for c in employee["currentSnapshot"]["coverages"]]
    assert (await upstream_counts()).get("GET /api/v1/employees/{employee_id}/member_snapshot") == 1
