"""The write path's service layer (no GraphQL): outcomes, Noyo error mapping, idempotency.

A write produces an ``Outcome``: the changed record as Noyo's JSON, or ``WriteError``s.
``run_write`` sends one upstream call and turns the ``NoyoError`` tree into
``WriteError``s (Noyo's 4xx messages are carried, redacted of any personal value the
caller lists; outages get generic messages). With an idempotency key the call goes
through ``IdempotencyStore.execute``: definitive outcomes (success or a 4xx) are
recorded and replayed; transient failures (timeouts, outages) are not, so a retry
with the same key tries again.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Mapping

from gateway.idempotency import IdempotencyKeyReused, IdempotencyStore, fingerprint
from gateway.noyo import errors as noyo_errors
from gateway.noyo.ids import is_noyo_id

logger = logging.getLogger("gateway.writes")

Path = tuple[str, ...]
REDACTED = "[redacted]"



class ErrorCode(str, enum.Enum):
    """Why a write failed; the GraphQL ``MutationErrorCode`` enum is this one."""

    NOT_FOUND = "NOT_FOUND"
    VALIDATION = "VALIDATION"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    UPSTREAM_RATE_LIMITED = "UPSTREAM_RATE_LIMITED"
    UPSTREAM_ERROR = "UPSTREAM_ERROR"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE"


_CLIENT_ERRORS: dict[type[noyo_errors.NoyoError], str] = {
    noyo_errors.NoyoNotFound: ErrorCode.NOT_FOUND,
    noyo_errors.NoyoValidationError: ErrorCode.VALIDATION,
    noyo_errors.NoyoBadRequest: ErrorCode.VALIDATION,
    noyo_errors.NoyoConflict: ErrorCode.CONFLICT,
    noyo_errors.NoyoForbidden: ErrorCode.FORBIDDEN,
}
_TRANSIENT: tuple[tuple[type[noyo_errors.NoyoError], str, str], ...] = (
    (noyo_errors.NoyoTimeout, ErrorCode.UPSTREAM_TIMEOUT, "Noyo did not answer in time; the change may or may not have "
     "been applied. Retry with the same idempotency key, or check before retrying."),
    (noyo_errors.NoyoRateLimited, ErrorCode.UPSTREAM_RATE_LIMITED, "Noyo is rate limiting requests; retry later."),
    (noyo_errors.NoyoUnavailable, ErrorCode.UPSTREAM_UNAVAILABLE, "Noyo is unavailable; retry later."),
)


@dataclass(frozen=True)
class WriteError:
    """One failure: ``code`` (a ``MutationErrorCode`` value), safe ``message``, input ``field`` path."""

    code: str
    message: str
    field: Path | None = None
    current_version: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": list(self.field) if self.field else None,
                "current_version": self.current_version}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WriteError:
        return cls(data["code"], data["message"], tuple(data["field"]) if data.get("field") else None,
                   data.get("current_version"))


@dataclass
class Outcome:
    """The changed record (Noyo's JSON) or the errors; ``transient`` outcomes are never recorded."""

    record: dict[str, Any] | None = None
    errors: list[WriteError] = field(default_factory=list)
    transient: bool = False
    replayed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"record": self.record, "errors": [e.to_json() for e in self.errors]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, replayed: bool = False) -> Outcome:
        return cls(record=data.get("record"), errors=[WriteError.from_json(e) for e in data.get("errors") or []],
                   replayed=replayed)

    @classmethod
    def failure(cls, *errors: WriteError) -> Outcome:
        return cls(errors=list(errors))


def check_id(value: Any, path: Path) -> list[WriteError]:
    """A VALIDATION error naming the field when ``value`` is not a Noyo id (a UUID); never the value."""
    if value is None or is_noyo_id(str(value)):
        return []
    return [WriteError(ErrorCode.VALIDATION, f"`{path[-1]}` must be a UUID.", path)]


FieldMapper = Callable[[str], "Path | None"]
"""Maps the Noyo field path a 4xx message names (e.g. ``effective_end_date``) to an input path."""


def redact(message: str, secrets: Iterable[str]) -> str:
    """``message`` with every occurrence of a secret value (names, SSNs, addresses...) replaced."""
    for secret in sorted({s for s in secrets if s and len(s) >= 2}, key=len, reverse=True):
        message = message.replace(secret, REDACTED)
    return message


_LEADING_FIELD = re.compile(r"^([A-Za-z_][\w.\[\]]*):\s")


def leading_field(message: str) -> str | None:
    """The Noyo field a message starts with (``"effective_end_date: ..."``), if any."""
    match = _LEADING_FIELD.match(message)
    return match.group(1) if match else None


def errors_from_noyo(exc: noyo_errors.NoyoError, map_field: FieldMapper | None = None,
                     secrets: Iterable[str] = ()) -> Outcome:
    """The ``Outcome`` of a failed upstream call."""
    for cls, code in _CLIENT_ERRORS.items():
        if isinstance(exc, cls):
            message = redact(exc.message, secrets)
            noyo_field = leading_field(message)
            path = map_field(noyo_field) if (map_field and noyo_field) else None
            return Outcome.failure(WriteError(code, message, path))
    for cls, code, message in _TRANSIENT:
        if isinstance(exc, cls):
            return Outcome(errors=[WriteError(code, message)], transient=True)
    return Outcome(errors=[WriteError(ErrorCode.UPSTREAM_ERROR, "Noyo failed to process the request.")], transient=True)


async def call_upstream(call: Callable[[], Awaitable[Any]], map_field: FieldMapper | None = None,
                        secrets: Iterable[str] = ()) -> Outcome:
    """Run one upstream write; a pydantic model result becomes Noyo's JSON again."""
    try:
        result = await call()
    except noyo_errors.NoyoError as exc:
        logger.info("upstream write refused: %s (status %s)", type(exc).__name__, exc.status)
        return errors_from_noyo(exc, map_field, secrets)
    record = result.model_dump(mode="json", exclude_unset=True) if hasattr(result, "model_dump") else result
    return Outcome(record=record)


class _NotRecorded(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("transient outcome")
        self.outcome = outcome


def idempotency_scope(mutation: str, principal: Any = None) -> str:
    """Keys are scoped by mutation and (once authentication lands) by principal."""
    subject = getattr(principal, "subject", None) or "anonymous"
    kind = getattr(principal, "kind", None) or "none"
    return f"{kind}:{subject}:{mutation}"


async def run_idempotent(
    store: IdempotencyStore | None,
    scope: str,
    key: str | None,
    request: Any,
    attempt: Callable[[], Awaitable[Outcome]],
    *,
    recordable: Callable[[Outcome], dict[str, Any]] = Outcome.to_json,
) -> Outcome:
    """``attempt()`` at most once per (scope, key); replay the recorded outcome on retries.

    ``request`` is fingerprinted (sha256 only: no values are kept); ``recordable`` picks
    what of an outcome is stored (leave personal data out).
    """
    if not key or store is None:
        return await attempt()

    fresh: list[Outcome] = []

    async def once() -> dict[str, Any]:
        outcome = await attempt()
        if outcome.transient:
            raise _NotRecorded(outcome)
        fresh.append(outcome)
        return recordable(outcome)

    try:
        result = await store.execute(scope, key, fingerprint(request), once)
    except _NotRecorded as exc:
        return exc.outcome
    except IdempotencyKeyReused:
        return Outcome.failure(WriteError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used with a different input; use a new key.",
            ("idempotencyKey",),
        ))
    if not result.replayed and fresh:
        return fresh[0]
    return Outcome.from_json(result.outcome, replayed=True)


__all__ = [
    "Outcome",
    "WriteError",
    "call_upstream",
    "check_id",
    "errors_from_noyo",
    "idempotency_scope",
    "leading_field",
    "redact",
    "run_idempotent",
]
