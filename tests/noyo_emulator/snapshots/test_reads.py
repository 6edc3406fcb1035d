"""Member snapshot reads: lists, filters, the employee's current snapshot, and the models' contract."""

from __future__ import annotations

import json
import typing

from noyo_emulator.snapshots.models import OPENAPI_MODELS
from tests.noyo_emulator.snapshots.support import API, current, drop_line, pick_employee, post, state_of


async def _ids(noyo, path: str, **params: str) -> list[str]:
    response = await noyo.get(path, params={**params, "page_size": "100"})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["response"]]


async def test_lists_and_filters(noyo, emulator_app):
    # given two employees of different groups with new snapshots, one canceled
    one = pick_employee(emulator_app, 1)
    two = next(
        e for e in state_of(emulator_app).employees.values()
        if e["group_id"] != one["group_id"] and e["id"] != one["id"]
        and not any(s["employee_id"] == e["id"] for s in state_of(emulator_app).snapshots.values())
    )
    body = await current(noyo, one["id"])
    carrier_id = body["coverages"][0]["carrier_id"]
    drop_line(body)
    canceled = (await post(noyo, one["group_id"], body)).json()
    accepted = (await post(noyo, two["group_id"], await current(noyo, two["id"]))).json()

    # when listing with filters, then only matching snapshots come back
    everything = await _ids(noyo, f"{API}/member_snapshots")
    assert {canceled["id"], accepted["id"]} <= set(everything)
    assert await _ids(noyo, f"{API}/member_snapshots", id=f"{canceled['id']},{accepted['id']}") == [
        canceled["id"], accepted["id"]
    ]
    assert await _ids(noyo, f"{API}/member_snapshots", employee_id=one["id"]) == [canceled["id"]]
    assert canceled["id"] in await _ids(noyo, f"{API}/member_snapshots", group_id=one["group_id"])
    assert accepted["id"] not in await _ids(noyo, f"{API}/member_snapshots", group_id=one["group_id"])
    by_status = await _ids(noyo, f"{API}/member_snapshots", status="canceled")
    assert canceled["id"] in by_status and accepted["id"] not in by_status
    by_carrier = await _ids(noyo, f"{API}/member_snapshots", fulfillment_summary_carrier_id=carrier_id)
    assert canceled["id"] in by_carrier
    invalid = await _ids(noyo, f"{API}/member_snapshots", fulfillment_summary_status="invalid")
    assert canceled["id"] in invalid and accepted["id"] not in invalid
    group_list = await _ids(noyo, f"{API}/groups/{one['group_id']}/member_snapshots", status="canceled,submitted")
    assert canceled["id"] in group_list and accepted["id"] not in group_list
    assert await _ids(noyo, f"{API}/employees/{two['id']}/member_snapshots") == [accepted["id"]]

    # and list items are the simplified shape
    response = await noyo.get(f"{API}/employees/{two['id']}/member_snapshots")
    assert "member_snapshot" not in response.json()["response"][0]


async def test_group_list_for_unknown_group_is_404(noyo):
    missing = "00000000-0000-4000-8000-000000000001"
    response = await noyo.get(f"{API}/groups/{missing}/member_snapshots")
    assert response.status_code == 404
    assert response.json()["message"] == f"Group not found with UUID {missing}"


async def test_current_snapshot_lists_the_familys_active_coverages(noyo, emulator_app):
    # given a seeded family with active enrollments
    employee = pick_employee(emulator_app, 2)
    state = state_of(emulator_app)
    family = state.family_of(employee["id"])
    active = {
        (state.carrier_of_group_enrollment(e["group_enrollment_id"]), e["line_of_coverage"], e["individual_id"])
        for e in state.enrollments.values()
        if e["individual_id"] in family and e["status"] == "active"
    }

    # when the current snapshot is read
    snapshot = await current(noyo, employee["id"])

    # then it names the employee, the dependents and exactly those coverages
    assert snapshot["employee"]["id"] == employee["id"]
    assert snapshot["snapshot_mode"] == "current_open"
    assert [d["id"] for d in snapshot["dependents"]] == family[1:]
    listed = {
        (c["carrier_id"], c["line_of_coverage"], m["individual_id"])
        for c in snapshot["coverages"]
        for m in c["enrolled_members"]
    }
    assert listed == active


def _model_enums(model, name: str) -> set | None:
    annotation = model.model_fields[name].annotation
    for arg in [annotation, *typing.get_args(annotation)]:
        if typing.get_origin(arg) is typing.Literal:
            return set(typing.get_args(arg))
        if typing.get_origin(arg) is list:
            inner = typing.get_args(arg)[0]
            for deeper in [inner, *typing.get_args(inner)]:
                if typing.get_origin(deeper) is typing.Literal:
                    return set(typing.get_args(deeper))
    return None


def _openapi_enum(prop: dict) -> set | None:
    if "enum" in prop:
        return set(prop["enum"])
    items = prop.get("items") or {}
    return set(items["enum"]) if "enum" in items else None


def test_snapshot_models_match_the_openapi_schemas(shared_noyo):
    # given Noyo's published schemas
    schemas = json.loads((shared_noyo / "fulfillment-openapi.json").read_text())["components"]["schemas"]

    # then every mirrored model has the same properties, required fields and enums
    for schema_name, model in OPENAPI_MODELS.items():
        schema = schemas[schema_name]
        properties = schema.get("properties", {})
        assert set(model.model_fields) == set(properties), schema_name
        required = {n for n, f in model.model_fields.items() if f.is_required()}
        assert required == set(schema.get("required", [])), schema_name
        for name, prop in properties.items():
            assert _model_enums(model, name) == _openapi_enum(prop), f"{schema_name}.{name}"
