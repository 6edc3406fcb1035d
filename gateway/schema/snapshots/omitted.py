"""``OmittedCoverageHandlingInput``: what Noyo does with active coverages a snapshot leaves out.

Both inputs are ``@oneOf``: GraphQL validation refuses zero or several options before
any resolver runs. The option chosen must be ``true`` (``reject: false`` means
nothing and is refused as VALIDATION by ``to_noyo``). Noyo's block:
``{"policy": "reject" | "continue"}`` or ``{"policy": "terminate", "termination_rule": ...,
"custom": {"effective_end_date": ...}}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from .termination import CUSTOM, END_OF_CURRENT_MONTH, END_OF_PRIOR_MONTH
from .translate import Path, problem


@strawberry.input(
    one_of=True,
    description="How Noyo dates the termination of an omitted coverage: exactly one option.",
)
class TerminationRuleInput:
    end_of_current_month: bool | None = strawberry.field(
        default=strawberry.UNSET, description="The last day of the month the snapshot arrives in (must be true)."
    )
    end_of_prior_month: bool | None = strawberry.field(
        default=strawberry.UNSET, description="The last day of the month before it arrives (must be true)."
    )
    custom: dt.date | None = strawberry.field(default=strawberry.UNSET, description="This exact date.")

    def rule(self, path: Path) -> tuple[str, dt.date | None] | list:
        """``(noyo_rule, custom_date)``, or VALIDATION problems."""
        if self.custom is not strawberry.UNSET and self.custom is not None:
            return CUSTOM, self.custom
        for name, value, rule in (
            ("endOfCurrentMonth", self.end_of_current_month, END_OF_CURRENT_MONTH),
            ("endOfPriorMonth", self.end_of_prior_month, END_OF_PRIOR_MONTH),
        ):
            if value is True:
                return rule, None
            if value is not strawberry.UNSET:
                return [problem((*path, name), f"`{name}` must be true to choose this rule.")]
        return [problem(path, "Choose one termination rule.")]


@strawberry.input(description="Terminate omitted coverages, dated by `rule`.")
class TerminateOmittedCoverageInput:
    rule: TerminationRuleInput = strawberry.field(description="How the termination is dated.")


@strawberry.input(
    one_of=True,
    description="What Noyo does with coverages active at a carrier but missing from the snapshot: "
    "exactly one of `reject: true` (Noyo's default: cancel the related changes, or the whole "
    "snapshot when one carrier is involved), `continue: true` (keep them, with warnings), or "
    "`terminate` (end them on the rule's date).",
)
class OmittedCoverageHandlingInput:
    reject: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Cancel the affected changes (must be true)."
    )
    continue_: bool | None = strawberry.field(
        name="continue", default=strawberry.UNSET, description="Keep the omitted coverages (must be true)."
    )
    terminate: TerminateOmittedCoverageInput | None = strawberry.field(
        default=strawberry.UNSET, description="End the omitted coverages on the rule's date."
    )

    def to_noyo(self, path: Path = ("omittedCoverageHandling",)) -> dict[str, Any] | list:
        """Noyo's ``omitted_coverage_handling`` block, or VALIDATION problems."""
        if self.terminate is not strawberry.UNSET and self.terminate is not None:
            chosen = self.terminate.rule.rule((*path, "terminate", "rule"))
            if isinstance(chosen, list):
                return chosen
            rule, custom = chosen
            block: dict[str, Any] = {"policy": "terminate", "termination_rule": rule}
            if custom is not None:
                block["custom"] = {"effective_end_date": custom.isoformat()}
            return block
        for name, policy, value in (("reject", "reject", self.reject), ("continue", "continue", self.continue_)):
            if value is True:
                return {"policy": policy}
            if value is not strawberry.UNSET:
                return [problem((*path, name), f"`{name}` must be true to choose this policy.")]
        return [problem(path, "Choose one policy.")]


__all__ = ["OmittedCoverageHandlingInput", "TerminateOmittedCoverageInput", "TerminationRuleInput"]
