"""Contract checker: does a response match Noyo's published OpenAPI documents?

``ContractChecker(shared_noyo_dir).check(response)`` finds the documented operation
for the response's method and path (``carrier-openapi.json`` for
``/api/v1/carriers*``, else ``fulfillment-openapi.json``) and returns a list of
violations (empty when the response conforms):

- 2xx: the status must be one the operation documents (or its only 2xx), and the
  JSON body must validate against that response's schema (OAS 3.0: nullable,
  readOnly, formats), ``$ref``s resolved within the document;
- 4xx/5xx: the body must be Noyo's error envelope ``{"message": str, "status": int}``
  with ``status`` equal to the HTTP status.

Paths outside ``/api/`` (token endpoint, emulator hooks) are not checked.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

FULFILLMENT = "fulfillment-openapi.json"
CARRIER = "carrier-openapi.json"
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@dataclass(frozen=True)
class Operation:
    spec_name: str
    template: str
    method: str
    responses: dict[str, Any]


class _Spec:
    def __init__(self, name: str, document: dict[str, Any]) -> None:
        self.name = name
        self.document = document
        self._paths: list[tuple[re.Pattern[str], int, str]] = []
        for template in document.get("paths", {}):
            segments = template.strip("/").split("/")
            literal = sum(1 for s in segments if not s.startswith("{"))
            regex = "".join("/" + ("[^/]+" if s.startswith("{") else re.escape(s)) for s in segments)
            self._paths.append((re.compile(f"^{regex}/?$"), literal, template))
        self._validators: dict[tuple[str, str, str], OAS30ReadValidator] = {}

    def find(self, method: str, path: str) -> Operation | None:
        """The operation for ``method path``; literal segments win over parameters."""
        best: tuple[int, str] | None = None
        for regex, literal, template in self._paths:
            if method in self.document["paths"][template] and regex.match(path):
                if best is None or literal > best[0]:
                    best = (literal, template)
        if best is None:
            return None
        template = best[1]
        op = self.document["paths"][template][method]
        return Operation(self.name, template, method, op.get("responses", {}))

    def validator(self, op: Operation, code: str) -> OAS30ReadValidator | None:
        key = (op.template, op.method, code)
        if key not in self._validators:
            content = op.responses[code].get("content", {})
            media = content.get("application/json") or next(iter(content.values()), None)
            schema = (media or {}).get("schema")
            if schema is None:
                return None
            rooted = {**schema, "components": self.document.get("components", {})}
            self._validators[key] = OAS30ReadValidator(rooted, format_checker=oas30_format_checker)
        return self._validators[key]

    def component_validator(self, name: str) -> OAS30ReadValidator:
        key = ("#components", "", name)
        if key not in self._validators:
            rooted = {"$ref": f"#/components/schemas/{name}", "components": self.document["components"]}
            self._validators[key] = OAS30ReadValidator(rooted, format_checker=oas30_format_checker)
        return self._validators[key]


@functools.lru_cache(maxsize=4)
def _load(directory: str) -> tuple[_Spec, _Spec]:
    base = Path(directory)
    fulfillment = _Spec(FULFILLMENT, json.loads((base / FULFILLMENT).read_text()))
    carrier = _Spec(CARRIER, json.loads((base / CARRIER).read_text()))
    return fulfillment, carrier


class ContractChecker:
    """Validates recorded responses against Noyo's OpenAPI documents in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.fulfillment, self.carrier = _load(str(directory))

    def find(self, method: str, path: str) -> Operation | None:
        method = method.lower()
        if path.startswith("/api/v1/carriers"):
            op = self.carrier.find(method, path)
            if op is not None:
                return op
        return self.fulfillment.find(method, path)

    def schema_errors(self, schema_name: str, instance: Any, *, carrier: bool = False) -> list[str]:
        """Violations of ``instance`` against the named component schema."""
        spec = self.carrier if carrier else self.fulfillment
        validator = spec.component_validator(schema_name)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}" for e in validator.iter_errors(instance)
        ]

    def check(self, response: httpx.Response) -> list[str]:
        request = response.request
        method, path, status = request.method, request.url.path, response.status_code
        where = f"{method} {path} -> {status}"
        if not path.startswith("/api/"):
            return []
        try:
            body = response.json() if response.content else None
        except ValueError:
            return [f"{where}: body is not JSON"]
        if status >= 400:
            return [f"{where}: {problem}" for problem in _envelope_problems(body, status)]
        if not 200 <= status < 300:
            return []
        op = self.find(method, path)
        if op is None:
            return [f"{where}: no documented operation"]
        code = _documented_code(op, status)
        if code is None:
            documented = sorted(c for c in op.responses if c.startswith("2"))
            return [f"{where}: status not documented for {op.template} (documents {documented})"]
        spec = self.carrier if op.spec_name == CARRIER else self.fulfillment
        validator = spec.validator(op, code)
        if validator is None or status == 204:
            return []
        return [
            f"{where}: {'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message[:300]}"
            for error in validator.iter_errors(body)
        ]


def _documented_code(op: Operation, status: int) -> str | None:
    if str(status) in op.responses:
        return str(status)
    successes = [code for code in op.responses if code.startswith("2")]
    if len(successes) == 1:
        return successes[0]
    return None


def _envelope_problems(body: Any, status: int) -> list[str]:
    if not isinstance(body, dict):
        return ["error body is not Noyo's {message, status} object"]
    problems = []
    if not isinstance(body.get("message"), str):
        problems.append("error body lacks a string 'message'")
    if body.get("status") != status or isinstance(body.get("status"), bool):
        problems.append(f"error body 'status' is {body.get('status')!r}, expected {status}")
    return problems
