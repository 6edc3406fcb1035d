"""Validating member snapshot bodies: every problem with its JSON path, never the value.

``check_snapshot(body)`` / ``check_test_snapshot(body)`` return a list of
``Problem``s (empty when valid): schema problems from ``models`` plus the
cross-field rules of ``omitted_coverage_handling`` (``terminate`` needs a
``termination_rule``; ``custom`` needs ``custom.effective_end_date``).
``SnapshotInvalid`` carries them to the route, which renders Noyo's 422 body
with an extra ``errors`` list. Messages name paths and expectations only, so no
SSN, date of birth, name or address is ever echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.responses import JSONResponse

from .models import MemberSnapshot, TestMemberSnapshot

_TYPE_NAMES = {
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "bool_type": "must be a boolean",
    "list_type": "must be an array",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "missing": "is required",
    "string_pattern_mismatch": "invalid format",
    "string_too_short": "must not be empty",
    "too_short": "must have at least 1 item",
    "greater_than_equal": "must be 0 or greater",
    "less_than_equal": "is too large",
}


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def render(self) -> str:
        return f"{self.path}: {self.message}"

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class SnapshotInvalid(Exception):
    """A snapshot body with one or more problems (rendered as a 422)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def render_path(loc: tuple[Any, ...], prefix: str = "") -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "<body>"


def _message(error: Any) -> str:  # a pydantic ErrorDetails
    kind = error["type"]
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return _TYPE_NAMES.get(kind, "is invalid")


def _schema_problems(model: type[BaseModel], body: dict[str, Any]) -> list[Problem]:
    try:
        model.model_validate(body)
    except ValidationError as exc:
        return [Problem(render_path(tuple(e["loc"])), _message(e)) for e in exc.errors()]
    return []


def _handling_problems(snapshot: Any, prefix: str) -> list[Problem]:
    if not isinstance(snapshot, dict):
        return []
    handling = snapshot.get("omitted_coverage_handling")
    if not isinstance(handling, dict) or handling.get("policy") != "terminate":
        return []
    base = f"{prefix}omitted_coverage_handling"
    rule = handling.get("termination_rule")
    if rule is None:
        return [Problem(f"{base}.termination_rule", "is required when policy is terminate")]
    custom = handling.get("custom")
    if rule == "custom" and (not isinstance(custom, dict) or custom.get("effective_end_date") is None):
        return [Problem(f"{base}.custom.effective_end_date", "is required when termination_rule is custom")]
    return []


def check_snapshot(body: dict[str, Any]) -> list[Problem]:
    """Every problem in an ``InboundMemberSnapshot`` body."""
    problems = _schema_problems(MemberSnapshot, body)
    return _merge(problems, _handling_problems(body, ""))


def check_test_snapshot(body: dict[str, Any]) -> list[Problem]:
    """Every problem in an ``InboundTestMemberSnapshot`` body."""
    problems = _schema_problems(TestMemberSnapshot, body)
    return _merge(problems, _handling_problems(body.get("member_snapshot"), "member_snapshot."))


def _merge(first: list[Problem], second: list[Problem]) -> list[Problem]:
    seen = {p.path for p in first}
    return first + [p for p in second if p.path not in seen]


def invalid_response(problems: list[Problem]) -> JSONResponse:
    """Noyo's 422 envelope; ``message`` lists every problem, ``errors`` repeats them."""
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    message = f"Invalid member snapshot ({count} {noun}): " + "; ".join(p.render() for p in problems)
    body = {"message": message, "status": 422, "errors": [p.as_json() for p in problems]}
    return JSONResponse(body, status_code=422)
