"""What every mutation returns on failure: typed ``MutationError``s inside its payload.

Expected failures (Noyo's 4xx, gateway-side validation, idempotency misuse,
upstream outages) are data, not GraphQL errors: each payload has
``errors: [MutationError!]!`` next to the changed object, which is null when
``errors`` is not empty. ``from_write_error`` converts the service layer's
``gateway.writes.WriteError`` (plain data) into the GraphQL type.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.access_log import annotate
from gateway.writes import ErrorCode, WriteError

from .describe import described_enum

MutationErrorCode = described_enum(
    "Why a mutation failed.",
    {
        "NOT_FOUND": "A record the mutation names does not exist (or is not visible to the caller); `field` "
        "names the argument naming it.",
        "VALIDATION": "An argument is invalid; `field` names it.",
        "CONFLICT": "The record's state or version does not allow the change; `field` names the argument "
        "(`version` when it is stale, `id` when the record's status allows no change).",
        "FORBIDDEN": "Noyo refused the operation (e.g. for a protected group); `field` names the argument it concerns.",
        "UPSTREAM_UNAVAILABLE": "Noyo is unavailable; retry later.",
        "UPSTREAM_TIMEOUT": "Noyo did not answer in time; the change may or may not have happened.",
        "UPSTREAM_RATE_LIMITED": "Noyo is rate limiting requests; retry later.",
        "UPSTREAM_ERROR": "Noyo failed to process the request.",
        "IDEMPOTENCY_KEY_REUSED": "The idempotency key was used before with a different input.",
        "IDEMPOTENCY_KEY_IN_USE": "A request with the same idempotency key is still running.",
        "IDEMPOTENCY_UNAVAILABLE": "Idempotency records cannot be read or written now: nothing was sent; retry later.",
        "OUTCOME_UNKNOWN": "Noyo's answer was lost and reading Noyo could not tell whether the change happened; "
        "see `check`.",
    },
    name="MutationErrorCode",
)(ErrorCode)


IdempotencyKey = Annotated[
    str | None,
    strawberry.argument(
        description="A client-chosen key (e.g. a UUID) making retries safe: every retry with the same key and "
        "input gets the first outcome, and the change is made at most once (kept 24 hours)."
    ),
]


@strawberry.type(description="One reason a mutation did not happen (or did not fully happen).")
class MutationError:
    # strawberry.enum() returns the decorated enum class; mypy sees only a variable
    code: MutationErrorCode = strawberry.field(description="What kind of failure this is.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="Human-readable; never contains personal data.")
    field: list[str] | None = strawberry.field(
        default=None, description='Path of the offending argument, e.g. ["input", "effectiveEndDate"].'
    )
    current_version: str | None = strawberry.field(
        default=None, description="For CONFLICT on an existing record: its current version, to retry an edit."
    )
    check: list[str] | None = strawberry.field(
        default=None,
        description="For OUTCOME_UNKNOWN: the records to look at in Noyo before retrying (e.g. "
        '"disconnection request <id>"); no personal data.',
    )


def from_write_error(error: WriteError) -> MutationError:
    return MutationError(
        code=MutationErrorCode(error.code),
        message=error.message,
        field=list(error.field) if error.field else None,
        current_version=error.current_version or None,
        check=list(error.records) or None,
    )


def from_write_errors(errors: list[WriteError]) -> list[MutationError]:
    """The payload's ``errors``; the first code is also the request's access-log outcome."""
    if errors:
        annotate(outcome=str(getattr(errors[0].code, "value", errors[0].code)))
    return [from_write_error(e) for e in errors]


__all__ = ["IdempotencyKey", "MutationError", "MutationErrorCode", "from_write_error", "from_write_errors"]
