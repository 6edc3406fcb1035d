"""Output types of the snapshot mutations: payloads and the dry-run result."""

from __future__ import annotations

import json
from typing import Any

import strawberry

from gateway.noyo import models

from ..payloads import MutationError
from .outcomes import OmittedCoverage
from .types import MemberSnapshot


def snapshot_model(record: dict[str, Any], sent: dict[str, Any]) -> models.MemberSnapshot:
    """Noyo's record; without ``inbound_snapshot`` (a dry run, a replayed outcome) it gets ``sent``,
    the snapshot exactly as the gateway sent it."""
    snapshot = models.MemberSnapshot.model_validate(record)
    if snapshot.inbound_snapshot is None:
        snapshot.inbound_snapshot = json.dumps(sent, separators=(",", ":"))
    return snapshot


@strawberry.type(description="The outcome of submitMemberSnapshot.")
class SubmitMemberSnapshotPayload:
    member_snapshot: MemberSnapshot | None = strawberry.field(
        description="The stored snapshot (status CANCELED when Noyo rejected it for omitted coverages)."
    )
    omitted_coverages: list[OmittedCoverage] = strawberry.field(
        description="The active coverages the snapshot left out and what Noyo did with each, under every policy "
        "(as `memberSnapshot.omittedCoverages`)."
    )
    errors: list[MutationError] = strawberry.field(description="Why the snapshot was not accepted; empty on success.")


@strawberry.type(description="What Noyo would do with a snapshot; nothing was stored.")
class SnapshotTestResult:
    member_snapshot: MemberSnapshot = strawberry.field(description="The snapshot that would have been created.")
    omitted_coverages: list[OmittedCoverage] = strawberry.field(
        description="The active coverages the snapshot leaves out and what Noyo would do with each, under every "
        "policy (as `memberSnapshot.omittedCoverages`)."
    )
    trace_ids: list[strawberry.ID] = strawberry.field(description="Noyo's rule trace ids, for Noyo support.")


@strawberry.type(description="The outcome of testMemberSnapshot (Noyo's dry run).")
class TestMemberSnapshotPayload:
    __test__ = False  # not a pytest class

    test_result: SnapshotTestResult | None = strawberry.field(description="What would happen; null on errors.")
    errors: list[MutationError] = strawberry.field(description="Why the dry run failed; empty on success.")


__all__ = [
    "OmittedCoverage",
    "SnapshotTestResult",
    "SubmitMemberSnapshotPayload",
    "TestMemberSnapshotPayload",
    "snapshot_model",
]
