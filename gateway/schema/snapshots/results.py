"""Output types of the snapshot mutations: payloads, dry-run result, omitted coverages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.noyo import models

from ..carriers.enums import LineOfCoverage
from ..carriers.types import Carrier
from ..employees.enums import IndividualType
from ..payloads import MutationError
from ..scalars import to_date, to_enum
from .types import MemberSnapshot

OPEN_END_DATE = dt.date(9999, 12, 31)


@strawberry.type(description="A coverage active at the carrier that the snapshot left out, as Noyo handled it.")
class OmittedCoverage:
    carrier_id: strawberry.ID = strawberry.field(description="Noyo id of the carrier.")
    line_of_coverage: LineOfCoverage | None = strawberry.field(description="The line of coverage left out.")
    individual_id: strawberry.ID = strawberry.field(description="Noyo id of the member enrolled in it.")
    individual_type: IndividualType | None = strawberry.field(description="Employee or dependent.")
    effective_end_date: dt.date | None = strawberry.field(
        description="The termination date (policy terminate), or 9999-12-31 when kept (policy continue)."
    )

    @strawberry.field(description="True when Noyo will terminate the coverage.")
    def terminated(self) -> bool:
        return self.effective_end_date is not None and self.effective_end_date != OPEN_END_DATE

    @strawberry.field(description="The carrier.")
    async def carrier(self, info: Info) -> Carrier | None:
        return Carrier.maybe(await info.context.loaders.carrier_by_id.load(str(self.carrier_id)))


def omitted_coverages(processed: Any, submitted: Iterable[tuple[str, str, str | None]]) -> list[OmittedCoverage]:
    """Members of Noyo's processed snapshot coverages that the submitted snapshot did not list."""
    sent = set(submitted)
    found = []
    for coverage in (processed or {}).get("coverages") or []:
        for member in coverage.get("enrolled_members") or []:
            key = (coverage.get("carrier_id"), coverage.get("line_of_coverage"), member.get("individual_id"))
            if key in sent or not member.get("individual_id"):
                continue
            found.append(
                OmittedCoverage(
                    carrier_id=strawberry.ID(coverage["carrier_id"]),
                    line_of_coverage=to_enum(LineOfCoverage, coverage.get("line_of_coverage")),
                    individual_id=strawberry.ID(member["individual_id"]),
                    individual_type=to_enum(IndividualType, member.get("individual_type")),
                    effective_end_date=to_date(member.get("effective_end_date")),
                )
            )
    return found


def submitted_keys(body: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [
        (c.get("carrier_id"), c.get("line_of_coverage"), m.get("individual_id"))
        for c in body.get("coverages") or []
        for m in c.get("enrolled_members") or []
    ]


def snapshot_of(record: dict[str, Any]) -> MemberSnapshot:
    return MemberSnapshot.from_model(models.MemberSnapshot.model_validate(record))


@strawberry.type(description="The outcome of submitMemberSnapshot.")
class SubmitMemberSnapshotPayload:
    member_snapshot: MemberSnapshot | None = strawberry.field(
        description="The stored snapshot (status CANCELED when Noyo rejected it for omitted coverages)."
    )
    omitted_coverages: list[OmittedCoverage] = strawberry.field(
        description="Coverages carried back by Noyo under the terminate or continue policy."
    )
    errors: list[MutationError] = strawberry.field(description="Why the snapshot was not accepted; empty on success.")


@strawberry.type(description="What Noyo would do with a snapshot; nothing was stored.")
class SnapshotTestResult:
    member_snapshot: MemberSnapshot = strawberry.field(description="The snapshot that would have been created.")
    omitted_coverages: list[OmittedCoverage] = strawberry.field(description="Coverages the snapshot leaves out.")
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
    "omitted_coverages",
    "snapshot_of",
    "submitted_keys",
]
