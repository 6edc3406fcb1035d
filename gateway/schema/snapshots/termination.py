"""Termination dates for omitted coverages, computed the way Noyo documents them.

Pure date logic (no GraphQL, no I/O). Rules are Noyo's ``termination_rule`` values:
``end_of_current_month`` (sent July 4 -> July 31), ``end_of_prior_month``
(sent July 4 -> June 30) and ``custom`` (the given date itself).
"""

from __future__ import annotations

import calendar
import datetime as dt

END_OF_CURRENT_MONTH = "end_of_current_month"
END_OF_PRIOR_MONTH = "end_of_prior_month"
CUSTOM = "custom"
RULES = (END_OF_CURRENT_MONTH, END_OF_PRIOR_MONTH, CUSTOM)


def end_of_current_month(day: dt.date) -> dt.date:
    """The last day of ``day``'s month (leap years included)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def end_of_prior_month(day: dt.date) -> dt.date:
    """The last day of the month before ``day``'s (December of the prior year for January)."""
    return day.replace(day=1) - dt.timedelta(days=1)


def termination_date(rule: str, submitted_on: dt.date, custom: dt.date | None = None) -> dt.date:
    """The end date Noyo gives an omitted coverage under ``rule`` for a snapshot sent ``submitted_on``.

    Raises ``ValueError`` for an unknown rule, or ``custom`` without a date.
    """
    if rule == END_OF_CURRENT_MONTH:
        return end_of_current_month(submitted_on)
    if rule == END_OF_PRIOR_MONTH:
        return end_of_prior_month(submitted_on)
    if rule == CUSTOM:
        if custom is None:
            raise ValueError("the custom termination rule needs a date")
        return custom
    raise ValueError(f"unknown termination rule {rule!r}")


__all__ = [
    "CUSTOM",
    "END_OF_CURRENT_MONTH",
    "END_OF_PRIOR_MONTH",
    "RULES",
    "end_of_current_month",
    "end_of_prior_month",
    "termination_date",
]
