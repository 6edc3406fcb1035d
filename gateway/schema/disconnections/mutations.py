"""Disconnection workflow mutations: create, confirm, reject, edit a disconnection request.

Each returns a ``DisconnectionRequestPayload``: the request as Noyo now has it, or
``errors``. Noyo's 4xx messages (they hold ids and dates, no personal data) are
carried and mapped to the argument they name. A CONFLICT on an existing request
carries its ``currentVersion`` (fetched after the refusal) so an edit can be retried.
Every mutation takes an ``idempotencyKey``: a retry with it returns the first outcome
(a confirm that succeeded stays a success), and a write whose answer was lost is
reconciled by reading Noyo (``gateway.reconcile``) instead of being sent twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway import reconcile, writes
from gateway.cache import invalidation
from gateway.noyo import models
from gateway.noyo.errors import NoyoError
from gateway.writes import ErrorCode, Outcome, Path, WriteError

from ..ids import id_problem
from ..payloads import IdempotencyKey, MutationError, from_write_errors
from .enums import DisconnectionRejectionReason
from .mutation_inputs import CreateDisconnectionRequestInput, EditDisconnectionRequestInput, uuid_problem
from .types import DisconnectionRequest

EDITABLE = ("needs_review", "processing", "rejected")  # the statuses Noyo lets an edit change
# Noyo's refusals of a create that name no field all concern the pair: the group is protected
# (403), the pair is not connected or already disconnected (422), a request for it is open (409).
_CREATE_REFUSALS: dict[str, Path] = {
    ErrorCode.FORBIDDEN: ("input", "groupId"),
    ErrorCode.VALIDATION: ("input", "carrierId"),
    ErrorCode.CONFLICT: ("input", "carrierId"),
}

RequestIdArg = Annotated[strawberry.ID, strawberry.argument(description="The request (a Noyo or global id).")]


@strawberry.type(description="The outcome of a disconnection request mutation.")
class DisconnectionRequestPayload:
    disconnection_request: DisconnectionRequest | None = strawberry.field(
        description="The request after the change; null when `errors` is not empty."
    )
    errors: list[MutationError] = strawberry.field(description="Why the change did not happen; empty on success.")


def _request_id(value: Any) -> tuple[str, list[WriteError]]:
    """The Noyo id an ``id`` argument names (global or Noyo id), or VALIDATION problems."""
    request_id, problems = id_problem(str(value), "DisconnectionRequest", ("id",))
    return str(request_id), problems or uuid_problem(str(request_id), ("id",))


def _payload(outcome: Outcome) -> DisconnectionRequestPayload:
    request = None
    if outcome.ok and outcome.record is not None:
        request = DisconnectionRequest.from_model(models.DisconnectionRequest.model_validate(outcome.record))
    return DisconnectionRequestPayload(disconnection_request=request, errors=from_write_errors(outcome.errors))


def _field_mapper(prefix: tuple[str, ...]) -> writes.FieldMapper:
    """Noyo body field -> GraphQL argument path (``effective_end_date`` -> ``effectiveEndDate``)."""
    names = {
        "effective_end_date": "effectiveEndDate",
        "group_id": "groupId",
        "carrier_id": "carrierId",
        "reason": "reason",
        "context": "context",
    }

    def mapper(noyo_field: str) -> tuple[str, ...] | None:
        if noyo_field == "status":  # an edit's status is the option chosen: point at it
            return prefix or None
        name = names.get(noyo_field)
        return (*prefix, name) if name else None

    return mapper


async def _with_current_version(
    info: Info, request_id: str, outcome: Outcome, sent_version: str | None = None, option: Path = ("id",)
) -> Outcome:
    """Fill ``currentVersion`` of CONFLICTs with the request's version as Noyo has it now, and
    point them: at ``version`` when the one sent is no longer current, at ``id`` when the
    request's status allows no change (a decided or completed request), else at ``option`` (the
    edit's choice, e.g. a resubmission while another request for the pair is open)."""
    if not any(e.code == ErrorCode.CONFLICT for e in outcome.errors):
        return outcome
    try:
        current = await info.context.noyo.get_disconnection_request(request_id)
    except NoyoError:
        return outcome
    if sent_version is not None and sent_version != current.version:
        field: Path = ("version",)
    elif current.status not in EDITABLE:
        field = ("id",)
    else:
        field = option
    outcome.errors = [
        WriteError(e.code, e.message, e.field or field, current.version) if e.code == ErrorCode.CONFLICT else e
        for e in outcome.errors
    ]
    return outcome


async def _invalidate(info: Info, outcome: Outcome) -> None:
    if outcome.ok and outcome.record is not None and not outcome.replayed:
        await invalidation.invalidate_disconnection(
            info.context.cache, outcome.record, bus=getattr(info.context.services, "bus", None)
        )


async def _update(
    info: Info,
    mutation: str,
    request_id: str,
    call: Callable[[], Awaitable[Any]],
    mapper: writes.FieldMapper,
    key: str | None,
    request: dict[str, Any],
    reconciler: writes.Reconciler,
    sent_version: str | None = None,
    option: Path = ("id",),
) -> DisconnectionRequestPayload:
    """A change to the request ``request_id``; refusals about it (its status, its protected group,
    its pair's connection) point at ``option``: ``id``, or the edit's choice."""

    async def attempt() -> Outcome:
        outcome = await writes.call_upstream(call, mapper)
        outcome = await _with_current_version(info, request_id, outcome, sent_version, option)
        return writes.pointed(
            outcome,
            {ErrorCode.FORBIDDEN: option, ErrorCode.VALIDATION: option},
            {"GroupDisconnectionRequest": ("id",)},
        )

    scope = writes.idempotency_scope(mutation, info.context.principal)
    outcome = await writes.run_idempotent(
        info.context.services.idempotency, scope, key, {"id": request_id, **request}, attempt, reconciler=reconciler
    )
    await _invalidate(info, outcome)
    return _payload(outcome)


@strawberry.type
class DisconnectionMutations:
    @strawberry.mutation(
        description="Ask Noyo to disconnect a group from a carrier (status PROCESSING). With an "
        "`idempotencyKey`, a retry returns the first outcome without a second request to Noyo."
    )
    async def create_disconnection_request(
        self,
        info: Info,
        input: Annotated[CreateDisconnectionRequestInput, strawberry.argument(description="The request.")],
        idempotency_key: IdempotencyKey = None,
    ) -> DisconnectionRequestPayload:
        problems = input.resolve_ids() or input.problems()
        if problems:
            return _payload(Outcome.failure(*problems))
        body = input.to_noyo()

        async def attempt() -> Outcome:
            outcome = await writes.call_upstream(
                lambda: info.context.noyo.create_disconnection_request(body), _field_mapper(("input",))
            )
            return writes.pointed(
                outcome, _CREATE_REFUSALS, {"Group": ("input", "groupId"), "Carrier": ("input", "carrierId")}
            )

        scope = writes.idempotency_scope("createDisconnectionRequest", info.context.principal)
        outcome = await writes.run_idempotent(
            info.context.services.idempotency,
            scope,
            idempotency_key,
            body,
            attempt,
            reconciler=reconcile.disconnection_created(info.context.noyo, body),
        )
        await _invalidate(info, outcome)
        return _payload(outcome)

    @strawberry.mutation(
        description="Confirm a NEEDS_REVIEW request (status PROCESSING). `effectiveEndDate` is "
        "required when the request has none yet, and replaces it otherwise."
    )
    async def confirm_disconnection_request(
        self,
        info: Info,
        id: RequestIdArg,
        effective_end_date: Annotated[
            dt.date | None, strawberry.argument(description="The last day coverage is managed through Noyo.")
        ] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> DisconnectionRequestPayload:
        request_id, problems = _request_id(id)
        if problems:
            return _payload(Outcome.failure(*problems))
        body = {"effective_end_date": effective_end_date.isoformat()} if effective_end_date else {}
        return await _update(
            info,
            "confirmDisconnectionRequest",
            request_id,
            lambda: info.context.noyo.confirm_disconnection_request(request_id, body),
            _field_mapper(()),
            idempotency_key,
            {"body": body},
            reconcile.disconnection_decided(info.context.noyo, request_id, "confirm", body),
        )

    @strawberry.mutation(description="Reject a NEEDS_REVIEW request: the group stays connected.")
    async def reject_disconnection_request(
        self,
        info: Info,
        id: RequestIdArg,
        reason: Annotated[
            DisconnectionRejectionReason | None, strawberry.argument(description="Why the request is rejected.")
        ] = None,
        context: Annotated[
            str | None, strawberry.argument(description="Free text; must not contain personal data.")
        ] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> DisconnectionRequestPayload:
        request_id, problems = _request_id(id)
        if problems:
            return _payload(Outcome.failure(*problems))
        body = {k: v for k, v in (("reason", reason.value if reason else None), ("context", context)) if v}
        return await _update(
            info,
            "rejectDisconnectionRequest",
            request_id,
            lambda: info.context.noyo.reject_disconnection_request(request_id, body),
            _field_mapper(()),
            idempotency_key,
            {"body": body},
            reconcile.disconnection_decided(info.context.noyo, request_id, "reject", body),
        )

    @strawberry.mutation(
        description="Edit a request at `version`: `resubmit` it (e.g. a rejected one with a corrected "
        "date) or `reject` it. A stale version is a CONFLICT on `version` carrying `currentVersion`."
    )
    async def edit_disconnection_request(
        self,
        info: Info,
        id: RequestIdArg,
        version: Annotated[str, strawberry.argument(description="The version the edit applies to.")],
        input: Annotated[EditDisconnectionRequestInput, strawberry.argument(description="The change.")],
        idempotency_key: IdempotencyKey = None,
    ) -> DisconnectionRequestPayload:
        body = input.to_noyo()
        request_id, problems = _request_id(id)
        problems = [*problems, *uuid_problem(str(version), ("version",))]
        if problems:
            return _payload(Outcome.failure(*problems))
        return await _update(
            info,
            "editDisconnectionRequest",
            request_id,
            lambda: info.context.noyo.edit_disconnection_request(request_id, str(version), body),
            _field_mapper(input.path(("input",))),
            idempotency_key,
            {"version": str(version), "body": body},
            reconcile.disconnection_edited(info.context.noyo, request_id, str(version), body),
            sent_version=str(version),
            option=input.path(("input",)),
        )


__all__ = ["DisconnectionMutations", "DisconnectionRequestPayload"]
