"""``terminationDatePreview``: the date Noyo would give omitted coverages under a rule."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from ..errors import bad_input
from .omitted import TerminationRuleInput
from .termination import termination_date


@strawberry.type
class SnapshotPreviewQuery:
    @strawberry.field(
        description="The termination date a `terminate` rule gives an omitted coverage for a snapshot "
        "submitted on `submittedOn` (default: today, UTC). Noyo dates it by its own clock on arrival."
    )
    def termination_date_preview(
        self,
        rule: Annotated[TerminationRuleInput, strawberry.argument(description="The termination rule.")],
        submitted_on: Annotated[
            dt.date | None, strawberry.argument(description="The day the snapshot would arrive (default: today, UTC).")
        ] = None,
    ) -> dt.date:
        chosen = rule.rule(("rule",))
        if isinstance(chosen, list):
            raise bad_input(chosen[0].message, argument="rule")
        name, custom = chosen
        day = submitted_on or dt.datetime.now(dt.UTC).date()
        return termination_date(name, day, custom)


__all__ = ["SnapshotPreviewQuery"]
