"""The write path's service layer (no GraphQL): outcomes, Noyo error mapping, idempotency.

A write produces an ``Outcome``: the changed record as Noyo's JSON, or ``WriteError``s.
``call_upstream`` sends one upstream call and turns the ``NoyoError`` tree into
``WriteError``s (Noyo's 4xx messages are carried, redacted of any personal value the
caller lists; outages get generic messages).

``run_idempotent`` runs one write under its idempotency key (see ``gateway.idempotency``):
the key is marked pending before anything is sent; a definitive outcome (success or a 4xx)
is recorded and replayed to every retry; a failure that proves nothing was applied (503,
429, no connection) clears the key. A write whose answer was lost after it may have been
applied (``NoyoError.in_doubt``) is reconciled by reading Noyo (a ``Reconciler`` per
mutation): the record found is the key's outcome; proven absent, the key stays pending and
the next retry reconciles again before sending; undecidable, ``OUTCOME_UNKNOWN`` names the
records to check. A pending key found by a retry is reconciled the same way first. With the
store unavailable a keyed write is refused (``IDEMPOTENCY_UNAVAILABLE``) and nothing is sent.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gateway.idempotency import (
    IdempotencyKeyInUse,
    IdempotencyStore,
    IdempotencyUnavailable,
    fingerprint,
)
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
    IDEMPOTENCY_UNAVAILABLE = "IDEMPOTENCY_UNAVAILABLE"
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"


_CLIENT_ERRORS: dict[type[noyo_errors.NoyoError], str] = {
    noyo_errors.NoyoNotFound: ErrorCode.NOT_FOUND,
    noyo_errors.NoyoValidationError: ErrorCode.VALIDATION,
    noyo_errors.NoyoBadRequest: ErrorCode.VALIDATION,
    noyo_errors.NoyoConflict: ErrorCode.CONFLICT,
    noyo_errors.NoyoForbidden: ErrorCode.FORBIDDEN,
}
_TRANSIENT: tuple[tuple[type[noyo_errors.NoyoError], str, str], ...] = (
    (
        noyo_errors.NoyoTimeout,
        ErrorCode.UPSTREAM_TIMEOUT,
        "Noyo did not answer in time; the change may or may not have "
        "been applied. Retry with the same idempotency key, or check before retrying.",
    ),
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
    records: tuple[str, ...] = ()  # OUTCOME_UNKNOWN: the records to check

    def at(self, path: Path) -> WriteError:
        """The same refusal, pointed at the input ``path``; everything else kept."""
        return replace(self, field=path)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "field": list(self.field) if self.field else None,
            "current_version": self.current_version,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WriteError:
        return cls(
            data["code"],
            data["message"],
            tuple(data["field"]) if data.get("field") else None,
            data.get("current_version"),
        )


@dataclass
class Outcome:
    """The changed record (Noyo's JSON) or the errors; ``transient`` outcomes are never recorded."""

    record: dict[str, Any] | None = None
    errors: list[WriteError] = field(default_factory=list)
    transient: bool = False
    replayed: bool = False
    in_doubt: bool = False  # the write may have been applied although no answer said so

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"record": self.record, "errors": [e.to_json() for e in self.errors]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, replayed: bool = False) -> Outcome:
        return cls(
            record=data.get("record"),
            errors=[WriteError.from_json(e) for e in data.get("errors") or []],
            replayed=replayed,
        )

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


def errors_from_noyo(
    exc: noyo_errors.NoyoError, map_field: FieldMapper | None = None, secrets: Iterable[str] = ()
) -> Outcome:
    """The ``Outcome`` of a failed upstream call."""
    for cls, code in _CLIENT_ERRORS.items():
        if isinstance(exc, cls):
            message = redact(exc.message, secrets)
            noyo_field = leading_field(message)
            path = map_field(noyo_field) if (map_field and noyo_field) else None
            return Outcome.failure(WriteError(code, message, path))
    in_doubt = bool(getattr(exc, "in_doubt", False))
    for cls, code, message in _TRANSIENT:
        if isinstance(exc, cls):
            return Outcome(errors=[WriteError(code, message)], transient=True, in_doubt=in_doubt)
    return Outcome(
        errors=[WriteError(ErrorCode.UPSTREAM_ERROR, "Noyo failed to process the request.")],
        transient=True,
        in_doubt=in_doubt,
    )


def pointed(
    outcome: Outcome, by_code: Mapping[str, Path] | None = None, not_found: Mapping[str, Path] | None = None
) -> Outcome:
    """``outcome`` with every refusal that names no field pointed at the argument it concerns.

    Noyo names a field only in messages that start with one (``effective_end_date: ...``). A
    NOT_FOUND starts with the kind of record missing (``Group not found ...``): it points at
    ``not_found[kind]``; any other refusal at ``by_code[code]`` (e.g. a CONFLICT on ``id``).
    Outages concern no argument and keep ``field`` null.
    """
    by_code, not_found = by_code or {}, not_found or {}
    errors = []
    for error in outcome.errors:
        if error.field is None:
            path = (
                not_found.get(error.message.split(" ", 1)[0])
                if error.code == ErrorCode.NOT_FOUND
                else by_code.get(error.code)
            )
            if path is not None:
                error = error.at(path)
        errors.append(error)
    outcome.errors = errors
    return outcome


async def call_upstream(
    call: Callable[[], Awaitable[Any]], map_field: FieldMapper | None = None, secrets: Iterable[str] = ()
) -> Outcome:
    """Run one upstream write; a pydantic model result becomes Noyo's JSON again."""
    try:
        result = await call()
    except noyo_errors.NoyoError as exc:
        logger.info("upstream write refused: %s (status %s)", type(exc).__name__, exc.status)
        return errors_from_noyo(exc, map_field, secrets)
    record = result.model_dump(mode="json", exclude_unset=True) if hasattr(result, "model_dump") else result
    return Outcome(record=record)


def idempotency_scope(mutation: str, principal: Any = None) -> str:
    """Keys are scoped by mutation and (once authentication lands) by principal."""
    subject = getattr(principal, "subject", None) or "anonymous"
    kind = getattr(principal, "kind", None) or "none"
    return f"{kind}:{subject}:{mutation}"


class Undecidable(Exception):
    """Raised by a ``Reconciler.find`` that cannot tell whether the write was applied."""

    def __init__(self, *records: str) -> None:
        super().__init__("outcome undecidable")
        self.records = records


@dataclass(frozen=True)
class Reconciler:
    """How to learn, by reading Noyo, whether an in-doubt write was applied.

    ``find()`` returns the record the write produced (Noyo's JSON), ``None`` when it proves the
    write was not applied, or raises ``Undecidable``; ``records`` describe what a person should
    check when it cannot be decided (a failing read is undecidable too).
    """

    find: Callable[[], Awaitable[dict[str, Any] | None]]
    records: tuple[str, ...]


_NOT_APPLIED = "Noyo did not apply the change (checked); retry with the same idempotency key."
_STORE_DOWN = WriteError(
    ErrorCode.IDEMPOTENCY_UNAVAILABLE,
    "The idempotency store is unavailable, so nothing was sent to Noyo; retry shortly with the same key.",
)
_IN_USE = WriteError(
    ErrorCode.IDEMPOTENCY_KEY_IN_USE,
    "Another request with this idempotency key is still in progress; retry shortly.",
    ("idempotencyKey",),
)


async def reconcile(reconciler: Reconciler | None) -> Outcome | None:
    """The outcome of an in-doubt write: the found record, ``None`` when proven absent, or
    ``OUTCOME_UNKNOWN`` naming the records to check."""
    records: tuple[str, ...] = reconciler.records if reconciler else ()
    if reconciler is not None:
        try:
            found = await reconciler.find()
        except Undecidable as exc:
            records = exc.records or records
        except noyo_errors.NoyoError as exc:
            logger.warning("reconciliation read failed: %s", type(exc).__name__)
        else:
            if found is None:
                return None
            logger.info("in-doubt write found applied upstream")
            return Outcome(record=found)
    listed = ", ".join(records) or "the records this write would change"
    return Outcome.failure(
        WriteError(
            ErrorCode.OUTCOME_UNKNOWN,
            f"Noyo may or may not have applied this change and it could not be checked. Check {listed} "
            "before retrying.",
            records=records,
        )
    )


async def _after_doubt(outcome: Outcome, reconciler: Reconciler | None) -> Outcome:
    """An in-doubt failure, reconciled: found, undecidable, or (proven absent) retryable."""
    verdict = await reconcile(reconciler)
    if verdict is not None:
        return verdict
    return Outcome(errors=[WriteError(e.code, _NOT_APPLIED) for e in outcome.errors], transient=True)


async def run_idempotent(
    store: IdempotencyStore | None,
    scope: str,
    key: str | None,
    request: Any,
    attempt: Callable[[], Awaitable[Outcome]],
    *,
    recordable: Callable[[Outcome], dict[str, Any]] = Outcome.to_json,
    reconciler: Reconciler | None = None,
) -> Outcome:
    """``attempt()`` at most once per (scope, key); see the module docstring for the states.

    ``request`` is fingerprinted (sha256 only: no values are kept); ``recordable`` picks
    what of an outcome is stored (leave personal data out). Without a key an in-doubt
    failure is still reconciled, but nothing is remembered for a retry.
    """
    if not key or store is None:
        outcome = await attempt()
        return await _after_doubt(outcome, reconciler) if outcome.in_doubt else outcome
    digest = fingerprint(request)
    try:
        async with store.lock(scope, key):
            return await _keyed(store, scope, key, digest, attempt, recordable, reconciler)
    except IdempotencyUnavailable:
        return Outcome(errors=[_STORE_DOWN], transient=True)
    except IdempotencyKeyInUse:
        return Outcome(errors=[_IN_USE], transient=True)


async def _keyed(
    store: IdempotencyStore,
    scope: str,
    key: str,
    digest: str,
    attempt: Callable[[], Awaitable[Outcome]],
    recordable: Callable[[Outcome], dict[str, Any]],
    reconciler: Reconciler | None,
) -> Outcome:
    record = await store.get(scope, key)
    if record is not None and record.fingerprint != digest:
        return Outcome.failure(
            WriteError(
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This idempotency key was already used with a different input; use a new key.",
                ("idempotencyKey",),
            )
        )
    if record is not None and not record.pending:
        return Outcome.from_json(record.outcome, replayed=True)
    if record is not None:  # an earlier attempt ended in doubt: read Noyo before sending again
        verdict = await reconcile(reconciler)
        if verdict is not None:
            if verdict.ok:
                await _settle(store.put(scope, key, digest, recordable(verdict)))
            return verdict
    await store.begin(scope, key, digest)  # raises IdempotencyUnavailable: nothing sent
    outcome = await attempt()
    if outcome.in_doubt:
        outcome = await _after_doubt(outcome, reconciler)
        if outcome.ok:
            await _settle(store.put(scope, key, digest, recordable(outcome)))
        return outcome  # otherwise the key stays pending: the next retry reconciles first
    if outcome.transient:
        await _settle(store.abandon(scope, key))  # proven not applied: a retry may send again
        return outcome
    await _settle(store.put(scope, key, digest, recordable(outcome)))
    return outcome


async def _settle(update: Awaitable[None]) -> None:
    """Record what happened after the write; if the store failed meanwhile, the key stays pending
    and the next retry reconciles with Noyo (the caller still gets this outcome)."""
    try:
        await update
    except IdempotencyUnavailable:
        logger.warning("idempotency outcome not recorded; the key stays pending")


__all__ = [
    "Outcome",
    "Reconciler",
    "Undecidable",
    "WriteError",
    "call_upstream",
    "check_id",
    "errors_from_noyo",
    "idempotency_scope",
    "leading_field",
    "pointed",
    "reconcile",
    "redact",
    "run_idempotent",
]
