"""Termination date math for omitted coverages (pure functions, no I/O)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.schema.snapshots.termination import (
    CUSTOM,
    END_OF_CURRENT_MONTH,
    END_OF_PRIOR_MONTH,
    end_of_current_month,
    end_of_prior_month,
    termination_date,
)

D = dt.date


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (D(2026, 7, 4), D(2026, 7, 31)),  # Noyo's documented example
        (D(2026, 7, 31), D(2026, 7, 31)),  # already the last day
        (D(2026, 6, 1), D(2026, 6, 30)),  # 30-day month
        (D(2026, 2, 10), D(2026, 2, 28)),  # common year February
        (D(2024, 2, 10), D(2024, 2, 29)),  # leap year February
        (D(2000, 2, 1), D(2000, 2, 29)),  # divisible by 400: leap
        (D(1900, 2, 1), D(1900, 2, 28)),  # divisible by 100 only: not leap
        (D(2026, 12, 15), D(2026, 12, 31)),
    ],
)
def test_end_of_current_month(submitted: dt.date, expected: dt.date) -> None:
    # given a submission day / when the current-month rule applies / then the month's last day
    assert end_of_current_month(submitted) == expected
    assert termination_date(END_OF_CURRENT_MONTH, submitted) == expected


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (D(2026, 7, 4), D(2026, 6, 30)),  # Noyo's documented example
        (D(2026, 1, 15), D(2025, 12, 31)),  # January: December of the prior year
        (D(2026, 1, 1), D(2025, 12, 31)),
        (D(2024, 3, 1), D(2024, 2, 29)),  # leap year
        (D(2026, 3, 31), D(2026, 2, 28)),
        (D(2026, 5, 31), D(2026, 4, 30)),
    ],
)
def test_end_of_prior_month(submitted: dt.date, expected: dt.date) -> None:
    # given a submission day / when the prior-month rule applies / then the previous month's last day
    assert end_of_prior_month(submitted) == expected
    assert termination_date(END_OF_PRIOR_MONTH, submitted) == expected


def test_custom_rule_is_the_date_itself() -> None:
    assert termination_date(CUSTOM, D(2026, 7, 4), D(2023, 11, 30)) == D(2023, 11, 30)


def test_custom_rule_without_a_date_and_unknown_rules_are_refused() -> None:
    with pytest.raises(ValueError):
        termination_date(CUSTOM, D(2026, 7, 4))
    with pytest.raises(ValueError):
        termination_date("end_of_year", D(2026, 7, 4))


@given(st.dates(min_value=D(1901, 1, 1), max_value=D(9998, 12, 31)))
def test_month_end_properties(day: dt.date) -> None:
    # then: the current-month end is in the same month and the next day starts a new month;
    # the prior-month end is the day before the 1st of day's month
    end = end_of_current_month(day)
    assert (end.year, end.month) == (day.year, day.month) and end >= day
    assert (end + dt.timedelta(days=1)).day == 1
    prior = end_of_prior_month(day)
    assert prior + dt.timedelta(days=1) == day.replace(day=1)
