"""``submitMemberSnapshot`` and ``testMemberSnapshot``: member snapshots through Noyo.

The input is checked before any upstream call (formats, ids, event references,
omitted coverage handling); problems come back as VALIDATION errors with their
argument paths and without values. Noyo's 422 lists each problem with its JSON
path: each becomes one error, its path mapped to the argument (``coverages[0].plan_id``
-> ``["snapshot", "coverages", "0", "planId"]``) and its text redacted of every
personal value of the input. Idempotency records keep no personal data (the input
is fingerprinted; the stored outcome drops the processed snapshot's people).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import strawberry
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from gateway import reconcile, writes
from gateway.cache import invalidation
from gateway.writes import ErrorCode, Outcome, WriteError

from ..ids import id_problem
from ..payloads import IdempotencyKey, from_write_errors
from .inputs import MemberSnapshotInput
from .omitted import OmittedCoverageHandlingInput
from .outcomes import omitted_coverages_of
from .results import SnapshotTestResult, SubmitMemberSnapshotPayload, TestMemberSnapshotPayload, snapshot_model
from .translate import Translation, check_uuid
from .types import MemberSnapshot

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_ARGUMENT_ROOTS = {"omitted_coverage_handling": ("omittedCoverageHandling",)}


def argument_path(noyo_path: str) -> tuple[str, ...] | None:
    """Noyo's JSON path of a snapshot problem as the GraphQL argument path."""
    path = noyo_path.removeprefix("member_snapshot.")
    parts = [name or index for name, index in _SEGMENT.findall(path)]
    if not parts or parts[0].startswith("<"):
        return None
    root = _ARGUMENT_ROOTS.get(parts[0], ("snapshot", to_camel_case(parts[0])))
    return (*root, *(p if p.isdigit() else to_camel_case(p) for p in parts[1:]))


def _split_problems(outcome: Outcome) -> Outcome:
    """One VALIDATION error per problem of Noyo's ``Invalid member snapshot (...): a: x; b: y``."""
    errors: list[WriteError] = []
    for error in outcome.errors:
        head, sep, rest = error.message.partition("): ")
        if error.code != ErrorCode.VALIDATION or not sep or not head.startswith("Invalid member snapshot"):
            errors.append(error)
            continue
        for item in rest.split("; "):
            noyo_path, _, text = item.partition(": ")
            errors.append(WriteError(ErrorCode.VALIDATION, item, argument_path(noyo_path) if text else None))
    outcome.errors = errors
    return outcome


def _point(outcome: Outcome, body: dict[str, Any]) -> Outcome:
    """Refusals Noyo attaches to no field, pointed at the argument: a missing group, employee or
    dependent (found by its id among the snapshot's), a new dependent matching an existing one."""
    dependents = {d.get("id"): str(i) for i, d in enumerate(body.get("dependents") or []) if d.get("id")}
    errors = []
    for error in outcome.errors:
        if error.field is None and error.code == ErrorCode.NOT_FOUND and error.message.startswith("Dependent "):
            index = dependents.get(error.message.rsplit(" ", 1)[-1])
            if index is not None:
                error = error.at(("snapshot", "dependents", index, "id"))
        elif error.field is None and error.message.startswith("Error creating dependent"):
            error = error.at(("snapshot", "dependents"))
        errors.append(error)
    outcome.errors = errors
    return writes.pointed(outcome, not_found={"Group": ("groupId",), "Employee": ("snapshot", "employee", "id")})


GroupIdArg = Annotated[strawberry.ID, strawberry.argument(description="The employee's group (a Noyo or global id).")]
SnapshotArg = Annotated[
    MemberSnapshotInput,
    strawberry.argument(description="The employee's complete state (e.g. `Employee.currentSnapshot`, edited)."),
]
HandlingArg = Annotated[
    OmittedCoverageHandlingInput | None,
    strawberry.argument(description="What Noyo does with active coverages the snapshot leaves out (default: reject)."),
]


def _prepare(
    group_id: str, snapshot: MemberSnapshotInput, handling: OmittedCoverageHandlingInput | None
) -> tuple[str, Translation, list[WriteError]]:
    translation = snapshot.to_noyo()
    group_id, problems = id_problem(group_id, "Group", ("groupId",))
    problems = [*(problems or check_uuid(group_id, ("groupId",))), *translation.problems]
    if handling is not None:
        block = handling.to_noyo()
        if isinstance(block, list):
            problems += block
        else:
            translation.body["omitted_coverage_handling"] = block
    return str(group_id), translation, problems


async def _call(info: Info, call: Any, translation: Translation) -> Outcome:
    outcome = await writes.call_upstream(call, argument_path, translation.secrets)
    return _point(_split_problems(outcome), translation.body)


_MEMBER_IDS = ("id", "custom_individual_id", "group_individual_id")


def _ids_of(person: Any) -> dict[str, Any]:
    return {k: person[k] for k in _MEMBER_IDS if isinstance(person, dict) and person.get(k)}


def _recordable(outcome: Outcome) -> dict[str, Any]:
    """What an idempotency record keeps: the snapshot without its people (coverages and the
    members' ids stay, so a replay reads the same omitted coverages; the inbound snapshot is
    the fingerprinted input itself)."""
    data = outcome.to_json()
    record = data.get("record")
    if record is not None:
        processed = record.get("member_snapshot") or {}
        data["record"] = {k: v for k, v in record.items() if k not in ("member_snapshot", "inbound_snapshot")}
        data["record"]["member_snapshot"] = {
            "coverages": processed.get("coverages") or [],
            "employee": _ids_of(processed.get("employee")),
            "dependents": [_ids_of(d) for d in processed.get("dependents") or []],
        }
    return data


@strawberry.type
class SnapshotMutations:
    @strawberry.mutation(
        description="Send an employee's member snapshot to Noyo. Without `omittedCoverageHandling` "
        "Noyo rejects changes that leave out active coverages. With an `idempotencyKey`, a retry "
        "returns the first outcome without a second snapshot."
    )
    async def submit_member_snapshot(
        self,
        info: Info,
        group_id: GroupIdArg,
        snapshot: SnapshotArg,
        omitted_coverage_handling: HandlingArg = None,
        idempotency_key: IdempotencyKey = None,
    ) -> SubmitMemberSnapshotPayload:
        noyo_group_id, translation, problems = _prepare(str(group_id), snapshot, omitted_coverage_handling)
        if problems:
            return SubmitMemberSnapshotPayload(
                member_snapshot=None, omitted_coverages=[], errors=from_write_errors(problems)
            )
        body = translation.body

        async def attempt() -> Outcome:
            return await _call(info, lambda: info.context.noyo.create_member_snapshot(noyo_group_id, body), translation)

        scope = writes.idempotency_scope("submitMemberSnapshot", info.context.principal)
        outcome = await writes.run_idempotent(
            info.context.services.idempotency,
            scope,
            idempotency_key,
            {"group_id": noyo_group_id, "body": body},
            attempt,
            recordable=_recordable,
            reconciler=reconcile.snapshot_created(info.context.noyo, noyo_group_id, body),
        )
        if not outcome.ok or outcome.record is None:
            return SubmitMemberSnapshotPayload(
                member_snapshot=None, omitted_coverages=[], errors=from_write_errors(outcome.errors)
            )
        if not outcome.replayed:
            await invalidation.invalidate_snapshot(
                info.context.cache, outcome.record, bus=getattr(info.context.services, "bus", None)
            )
        stored = snapshot_model(outcome.record, body)
        return SubmitMemberSnapshotPayload(
            member_snapshot=MemberSnapshot.from_model(stored),
            omitted_coverages=omitted_coverages_of(stored),
            errors=[],
        )

    @strawberry.mutation(description="Noyo's dry run of a member snapshot: what would happen; nothing is stored.")
    async def test_member_snapshot(
        self,
        info: Info,
        group_id: GroupIdArg,
        snapshot: SnapshotArg,
        omitted_coverage_handling: HandlingArg = None,
    ) -> TestMemberSnapshotPayload:
        noyo_group_id, translation, problems = _prepare(str(group_id), snapshot, omitted_coverage_handling)
        if problems:
            return TestMemberSnapshotPayload(test_result=None, errors=from_write_errors(problems))
        body = translation.body
        outcome = await _call(
            info, lambda: info.context.noyo.test_member_snapshot(noyo_group_id, {"member_snapshot": body}), translation
        )
        if not outcome.ok or outcome.record is None:
            return TestMemberSnapshotPayload(test_result=None, errors=from_write_errors(outcome.errors))
        would_be = snapshot_model(outcome.record["member_snapshot"], body)
        return TestMemberSnapshotPayload(
            test_result=SnapshotTestResult(
                member_snapshot=MemberSnapshot.from_model(would_be),
                omitted_coverages=omitted_coverages_of(would_be),
                trace_ids=[strawberry.ID(t) for t in outcome.record.get("trace_ids") or []],
            ),
            errors=[],
        )


__all__ = ["SnapshotMutations", "argument_path"]
