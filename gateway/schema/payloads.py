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


MutationErrorCode = strawberry.enum(ErrorCode, name="MutationErrorCode", description="Why a mutation failed.")


IdempotencyKey = Annotated[
    str | None,
    strawberry.argument(
        description="A client-chosen key (e.g. a UUID) making retries safe: every retry with the same key and "
        "input gets the first outcome, and the change is made at most once (kept 24 hours)."
    ),
]


@strawberry.type(description="One reason a mutation did not happen (or did not fully happen).")
class MutationError:
    code: MutationErrorCode
    message: str = strawberry.field(description="Human-readable; never contains personal data.")
    field: list[str] | None = strawberry.field(
        default=None, description='Path of the offending argument, e.g. ["input", "effectiveEndDate"].'
    )
    current_version: strawberry.ID | None = strawberry.field(
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
        current_version=strawberry.ID(error.current_version) if error.current_version else None,
        check=list(error.records) or None,
    )


def from_write_errors(errors: list[WriteError]) -> list[MutationError]:
    """The payload's ``errors``; the first code is also the request's access-log outcome."""
    if errors:
        annotate(outcome=str(getattr(errors[0].code, "value", errors[0].code)))
    return [from_write_error(e) for e in errors]


__all__ = ["IdempotencyKey", "MutationError", "MutationErrorCode", "from_write_error", "from_write_errors"]
