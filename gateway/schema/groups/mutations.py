"""Group connection mutations: connect an existing group with a carrier, retry a failed connection.

Each returns a ``GroupConnectionPayload``: the connection as Noyo now has it, or typed
``errors`` naming the argument (a group or carrier Noyo does not know, an open connection
for the same carrier, a connection that is not in a failed status). Both take an
``idempotencyKey`` and reconcile a lost answer by reading Noyo (``gateway.reconcile``).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from gateway import reconcile, writes
from gateway.cache import invalidation
from gateway.noyo import models
from gateway.writes import ErrorCode, Outcome, Path, WriteError

from ..ids import id_problem
from ..payloads import IdempotencyKey, MutationError, from_write_errors
from .connection_types import GroupCarrierConnection

GROUP_DATA_FIELDS = ("carrier_group_id", "broker_federal_ein", "broker_tin", "employer_email_address")


@strawberry.input(description="Carrier-specific data of a group connection (Noyo's `group_data`).")
class GroupConnectionDataInput:
    carrier_group_id: str | None = strawberry.field(default=None, description="The group's id at the carrier.")
    broker_federal_ein: str | None = strawberry.field(
        default=None, description="Federal EIN of the group's brokerage, for carriers that need it."
    )
    broker_tin: str | None = strawberry.field(
        default=None, description="Tax id of the group's broker, for carriers that need it."
    )
    employer_email_address: str | None = strawberry.field(
        default=None, description="Email address of the group's employer, for carriers that need it."
    )

    def to_noyo(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in GROUP_DATA_FIELDS if getattr(self, name)}


@strawberry.input(description="Connect an existing group with a carrier.")
class CreateGroupConnectionInput:
    group_id: strawberry.ID = strawberry.field(description="The group (a Noyo or global id).")
    carrier_id: strawberry.ID = strawberry.field(description="The carrier (a Noyo or global id).")
    group_data: GroupConnectionDataInput = strawberry.field(
        description="Carrier-specific data; `carrierGroupId` is required."
    )


@strawberry.type(description="The outcome of a group connection mutation.")
class GroupConnectionPayload:
    group_connection: GroupCarrierConnection | None = strawberry.field(
        description="The connection after the change; null when `errors` is not empty."
    )
    errors: list[MutationError] = strawberry.field(description="Why the change did not happen; empty on success.")


def _mapper(prefix: Path) -> writes.FieldMapper:
    """Noyo body field -> argument path: ``carrier_id`` -> ``input.carrierId``, ``group_data.X``
    (create) or ``X`` (retry, whose body is the group data) -> ``groupData.x``, ``status`` -> ``id``."""

    def mapper(noyo_field: str) -> Path | None:
        if noyo_field == "status":
            return ("id",)
        if noyo_field in ("carrier_id", "group_id", "group_data"):
            return (*prefix, to_camel_case(noyo_field))
        name = noyo_field.removeprefix("group_data.")
        if name in GROUP_DATA_FIELDS:
            return (*prefix, "groupData", to_camel_case(name))
        return None

    return mapper


async def _finish(info: Info, outcome: Outcome) -> GroupConnectionPayload:
    connection = None
    if outcome.ok and outcome.record is not None:
        if not outcome.replayed:
            await invalidation.invalidate_connection(
                info.context.cache, outcome.record, bus=getattr(info.context.services, "bus", None)
            )
        connection = GroupCarrierConnection.from_model(models.GroupConnection.model_validate(outcome.record))
    return GroupConnectionPayload(group_connection=connection, errors=from_write_errors(outcome.errors))


def _ids(pairs: list[tuple[Any, str, tuple[str, ...]]]) -> tuple[list[str], list[WriteError]]:
    values, problems = [], []
    for value, type_name, path in pairs:
        found, errors = id_problem(str(value), type_name, path)
        values.append(str(found))
        problems += errors or writes.check_id(str(found), path)
    return values, problems


@strawberry.type
class GroupConnectionMutations:
    @strawberry.mutation(
        description="Ask Noyo to connect an existing group with a carrier (status CREATED, then "
        "PROCESSING and COMPLETED as Noyo works on it; follow it on `Group.status` or `node(id:)`)."
    )
    async def create_group_connection(
        self,
        info: Info,
        input: Annotated[CreateGroupConnectionInput, strawberry.argument(description="The connection to make.")],
        idempotency_key: IdempotencyKey = None,
    ) -> GroupConnectionPayload:
        (group_id, carrier_id), problems = _ids(
            [(input.group_id, "Group", ("input", "groupId")), (input.carrier_id, "Carrier", ("input", "carrierId"))]
        )
        data = input.group_data.to_noyo()
        if "carrier_group_id" not in data:
            problems.append(
                WriteError(
                    ErrorCode.VALIDATION, "`carrierGroupId` is required.", ("input", "groupData", "carrierGroupId")
                )
            )
        if problems:
            return await _finish(info, Outcome.failure(*problems))
        body = {"carrier_id": carrier_id, "group_data": data}

        async def attempt() -> Outcome:
            outcome = await writes.call_upstream(
                lambda: info.context.noyo.create_group_connection(group_id, body), _mapper(("input",))
            )
            return writes.pointed(
                outcome,
                {ErrorCode.CONFLICT: ("input", "carrierId")},  # an open connection with this carrier
                {"Group": ("input", "groupId"), "Carrier": ("input", "carrierId")},
            )

        scope = writes.idempotency_scope("createGroupConnection", info.context.principal)
        outcome = await writes.run_idempotent(
            info.context.services.idempotency,
            scope,
            idempotency_key,
            {"group_id": group_id, **body},
            attempt,
            reconciler=reconcile.connection_created(info.context.noyo, group_id, body),
        )
        return await _finish(info, outcome)

    @strawberry.mutation(
        description="Retry a connection that failed (ACTION_REQUIRED or UNABLE_TO_CONNECT), optionally "
        "with corrected carrier data: it goes back to PROCESSING."
    )
    async def retry_group_connection(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The connection (a Noyo or global id).")],
        group_data: Annotated[
            GroupConnectionDataInput | None, strawberry.argument(description="Corrected carrier-specific data.")
        ] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> GroupConnectionPayload:
        (connection_id,), problems = _ids([(id, "GroupCarrierConnection", ("id",))])
        if problems:
            return await _finish(info, Outcome.failure(*problems))
        body = group_data.to_noyo() if group_data else {}

        async def attempt() -> Outcome:
            outcome = await writes.call_upstream(
                lambda: info.context.noyo.retry_group_connection(connection_id, body), _mapper(())
            )
            return writes.pointed(outcome, {ErrorCode.CONFLICT: ("id",)}, {"GroupConnection": ("id",)})

        scope = writes.idempotency_scope("retryGroupConnection", info.context.principal)
        outcome = await writes.run_idempotent(
            info.context.services.idempotency,
            scope,
            idempotency_key,
            {"id": connection_id, **body},
            attempt,
            reconciler=reconcile.connection_retried(info.context.noyo, connection_id),
        )
        return await _finish(info, outcome)


__all__ = [
    "CreateGroupConnectionInput",
    "GroupConnectionDataInput",
    "GroupConnectionMutations",
    "GroupConnectionPayload",
]
