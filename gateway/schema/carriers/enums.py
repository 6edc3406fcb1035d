"""Lines of coverage: one enum shared by every domain, and the carrier's basic / voluntary variant.

``LineOfCoverage`` is used by inputs too, so it has no ``UNKNOWN`` member: an output whose
upstream value this gateway does not know yet resolves to null (see ``scalars.to_enum``).
"""

from __future__ import annotations

import enum

from ..describe import described_enum


@described_enum(
    "A line of coverage (benefit type), as Noyo's Fulfillment API names it.",
    {
        "MEDICAL": "Medical (health) insurance.",
        "DENTAL": "Dental insurance.",
        "VISION": "Vision insurance.",
        "LIFE": "Life insurance.",
        "ADD": "Accidental death and dismemberment insurance.",
        "STD": "Short-term disability insurance.",
        "LTD": "Long-term disability insurance.",
        "ACCIDENT": "Accident insurance.",
        "CRITICAL_ILLNESS": "Critical illness insurance.",
        "CANCER": "Cancer insurance.",
        "HEALTH_FUND": "A health fund (HSA, FSA or HRA).",
        "HOSPITAL_INDEMNITY": "Hospital indemnity insurance.",
        "PHARMACY": "Pharmacy (prescription drug) coverage.",
        "WELLNESS": "Wellness program.",
    },
)
class LineOfCoverage(enum.Enum):
    MEDICAL = "medical"
    DENTAL = "dental"
    VISION = "vision"
    LIFE = "life"
    ADD = "add"
    STD = "std"
    LTD = "ltd"
    ACCIDENT = "accident"
    CRITICAL_ILLNESS = "critical_illness"
    CANCER = "cancer"
    HEALTH_FUND = "health_fund"
    HOSPITAL_INDEMNITY = "hospital_indemnity"
    PHARMACY = "pharmacy"
    WELLNESS = "wellness"


@described_enum(
    "Who pays for a line a carrier offers (the Carrier API's `-basic` / `-voluntary` suffix).",
    {
        "BASIC": "Employer-paid (basic) coverage.",
        "VOLUNTARY": "Employee-paid (voluntary) coverage.",
    },
)
class LineOfCoverageVariant(enum.Enum):
    BASIC = "basic"
    VOLUNTARY = "voluntary"


def carrier_line(value: str) -> tuple[LineOfCoverage | None, LineOfCoverageVariant | None]:
    """The Carrier API's line name (``life-basic``, ``critical-illness-voluntary``, ``medical``)
    as a line of coverage and its variant; ``(None, None)`` for a name this gateway does not know."""
    base, _, suffix = value.rpartition("-") if value.endswith(("-basic", "-voluntary")) else (value, "", "")
    try:
        line = LineOfCoverage(base.replace("-", "_"))
    except ValueError:
        return None, None
    return line, LineOfCoverageVariant(suffix) if suffix else None
