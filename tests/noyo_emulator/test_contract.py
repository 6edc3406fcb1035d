"""The contract checker itself: it must be able to fail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.contract import ContractChecker

GROUP = {
    "id": "2613a221-d3c8-4c8a-86d5-e7e885fd1da9",
    "version": "6b72d72d-cc99-4df6-8152-7183e824c80c",
    "created": 1557512389,
    "modified": 1557512389,
    "name": "Test Company",
}


@pytest.fixture
def checker(shared_noyo: Path) -> ContractChecker:
    return ContractChecker(shared_noyo)


def response(method: str, path: str, status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request(method, f"http://noyo.test{path}"))


def test_a_documented_group_passes(checker: ContractChecker) -> None:
    # given a group shaped as Noyo documents it / when checked / then no violations
    assert checker.check(response("GET", f"/api/v1/groups/{GROUP['id']}", 200, GROUP)) == []


def test_a_group_missing_its_name_is_rejected(checker: ContractChecker) -> None:
    # given a group without the required name
    body = {k: v for k, v in GROUP.items() if k != "name"}
    # when checked
    violations = checker.check(response("GET", f"/api/v1/groups/{GROUP['id']}", 200, body))
    # then the missing property is named
    assert len(violations) == 1 and "'name' is a required property" in violations[0]


def test_a_wrongly_typed_field_inside_a_page_is_rejected(checker: ContractChecker) -> None:
    page = {"meta": {"offset": 0, "page_num": 1, "page_size": 20, "total_records": 1}, "response": [{**GROUP, "created": "yesterday"}]}
    violations = checker.check(response("GET", "/api/v1/groups", 200, page))
    assert violations and "response/0/created" in violations[0]


def test_error_bodies_must_be_noyos_envelope(checker: ContractChecker) -> None:
    ok = response("GET", "/api/v1/groups/x", 404, {"message": "Group not found", "status": 404})
    wrong_status = response("GET", "/api/v1/groups/x", 404, {"message": "Group not found", "status": 400})
    problem_json = response("GET", "/api/v1/groups/x", 404, {"title": "Not Found", "detail": "nope"})
    assert checker.check(ok) == []
    assert any("expected 404" in v for v in checker.check(wrong_status))
    assert len(checker.check(problem_json)) == 2


def test_undocumented_success_status_is_rejected(checker: ContractChecker) -> None:
    # given GET /groups documents only 200 / when the body is fine but it is its only 2xx
    assert checker.check(response("GET", "/api/v1/groups/" + GROUP["id"], 201, GROUP)) == []
    # and a path Noyo does not document at all is a violation
    assert checker.check(response("GET", "/api/v1/nowhere", 200, {})) != []


def test_literal_segments_win_over_path_parameters(checker: ContractChecker) -> None:
    # given /confirm and /{version} both match the same path
    op = checker.find("PUT", "/api/v1/group_disconnection_requests/abc/confirm")
    # then the literal one is chosen
    assert op is not None and op.template.endswith("/confirm")
    other = checker.find("PUT", "/api/v1/group_disconnection_requests/abc/0f3c")
    assert other is not None and other.template.endswith("/{version}")


def test_carriers_are_checked_against_the_carrier_document(checker: ContractChecker) -> None:
    carrier = {
        "id": "29189cfd-25e9-4d54-a630-9b3e1dafa1c9",
        "version": "16e0fbbd-bf45-4955-a0ab-3ec6a898c79b",
        "display_name": "Aetna",
        "internal_name": "Aetna",
        "lines_of_coverage": ["medical"],
        "state": "AZ",
        "is_send": True,
    }
    assert checker.check(response("GET", "/api/v1/carriers", 200, [carrier])) == []
    assert checker.check(response("GET", "/api/v1/carriers", 200, {"response": [carrier]})) != []
