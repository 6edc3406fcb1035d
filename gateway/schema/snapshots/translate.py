"""Turning Strawberry input objects into Noyo's snake_case JSON, with gateway-side checks.

``translate(obj, path)`` walks an input: Python field names are Noyo's names, unset
(``None``) fields are omitted, enums become Noyo's values, dates ISO strings, JSON
scalars pass as is. Along the way it collects ``WriteError``s (VALIDATION, with the
GraphQL path of the offending field) from each input's optional ``check(path)``
method and for ``UNKNOWN`` enum members, plus the personal values of the body
(``secrets``) so upstream messages can be redacted. Messages never contain values.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from typing import Any

from strawberry.types.base import has_object_definition
from strawberry.types.unset import UnsetType
from strawberry.utils.str_converters import to_camel_case

from gateway.writes import ErrorCode, WriteError
from gateway.writes import check_id as check_uuid

Path = tuple[str, ...]
UNKNOWN_VALUE = "__unknown__"

#: Noyo field names whose string values are personal data (never logged or echoed).
PERSONAL_KEYS = frozenset(
    {
        "first_name",
        "middle_name",
        "last_name",
        "suffix",
        "maiden_name",
        "date_of_birth",
        "ssn",
        "street_one",
        "street_two",
        "city",
        "zip_code",
        "county",
        "email_address",
        "home_phone",
        "work_phone",
    }
)


@dataclass
class Translation:
    body: Any
    problems: list[WriteError] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)


def problem(path: Path, message: str) -> WriteError:
    return WriteError(ErrorCode.VALIDATION, message, path)


def check_pattern(value: str | None, pattern: re.Pattern[str], path: Path, expected: str) -> list[WriteError]:
    """A VALIDATION error (naming ``expected``, never the value) when ``value`` does not match."""
    if value is None or pattern.match(value):
        return []
    return [problem(path, f"`{path[-1]}` has an invalid format: expected {expected}.")]


def check_not_blank(value: str | None, path: Path) -> list[WriteError]:
    if value is not None and not value.strip():
        return [problem(path, f"`{path[-1]}` must not be empty.")]
    return []


def translate(obj: Any, path: Path) -> Translation:
    """Noyo's JSON for the input ``obj`` found at GraphQL ``path``; see the module docstring."""
    result = Translation(body=None)
    result.body = _convert(obj, path, result, key=None)
    return result


def _convert(value: Any, path: Path, out: Translation, key: str | None) -> Any:
    if has_object_definition(value):
        return _convert_input(value, path, out)
    if isinstance(value, list):
        return [_convert(item, (*path, str(i)), out, key) for i, item in enumerate(value)]
    if isinstance(value, enum.Enum):
        if value.value == UNKNOWN_VALUE:
            out.problems.append(problem(path, f"`{path[-1]}` cannot be UNKNOWN."))
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    if key in PERSONAL_KEYS and isinstance(value, str):
        out.secrets.add(value)
    return value


def _convert_input(obj: Any, path: Path, out: Translation) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for f in obj.__strawberry_definition__.fields:
        value = getattr(obj, f.python_name)
        if value is None or isinstance(value, UnsetType):
            continue
        sub = (*path, f.graphql_name or to_camel_case(f.python_name))
        body[f.python_name] = _convert(value, sub, out, f.python_name)
    check = getattr(obj, "check", None)
    if callable(check):
        out.problems.extend(check(path))
    return body


__all__ = [
    "PERSONAL_KEYS",
    "Translation",
    "check_not_blank",
    "check_pattern",
    "check_uuid",
    "problem",
    "translate",
]
