"""terminationDatePreview through GraphQL."""

from __future__ import annotations

import pytest

PREVIEW = "query($rule: TerminationRuleInput!, $on: Date) { terminationDatePreview(rule: $rule, submittedOn: $on) }"


@pytest.mark.parametrize(
    ("rule", "on", "expected"),
    [
        ({"endOfCurrentMonth": True}, "2026-07-04", "2026-07-31"),
        ({"endOfPriorMonth": True}, "2026-07-04", "2026-06-30"),
        ({"endOfPriorMonth": True}, "2027-01-10", "2026-12-31"),
        ({"endOfCurrentMonth": True}, "2028-02-03", "2028-02-29"),
        ({"custom": "2023-11-30"}, "2026-07-04", "2023-11-30"),
    ],
)
async def test_preview_follows_noyos_rules(gql, rule, on, expected):
    result = await gql(PREVIEW, {"rule": rule, "on": on})
    assert "errors" not in result
    assert result["data"] == {"terminationDatePreview": expected}


async def test_preview_refuses_a_false_or_double_rule(gql):
    false_rule = await gql(PREVIEW, {"rule": {"endOfPriorMonth": False}, "on": "2026-07-04"})
    two_rules = await gql(PREVIEW, {"rule": {"endOfPriorMonth": True, "endOfCurrentMonth": True}})

    assert false_rule["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert two_rules.get("data") is None and two_rules["errors"]
