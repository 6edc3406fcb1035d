"""Carrier-side enums shared by several domains (lines of coverage)."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="A line of coverage (benefit type). UNKNOWN: a value this gateway does not know yet.")
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
    UNKNOWN = "__unknown__"


@strawberry.enum(description="A line a carrier offers, as the Carrier API names it (basic / voluntary variants).")
class CarrierLineOfCoverage(enum.Enum):
    MEDICAL = "medical"
    DENTAL = "dental"
    VISION = "vision"
    LIFE_BASIC = "life-basic"
    LIFE_VOLUNTARY = "life-voluntary"
    ADD_BASIC = "add-basic"
    ADD_VOLUNTARY = "add-voluntary"
    STD_BASIC = "std-basic"
    STD_VOLUNTARY = "std-voluntary"
    LTD_BASIC = "ltd-basic"
    LTD_VOLUNTARY = "ltd-voluntary"
    ACCIDENT_BASIC = "accident-basic"
    ACCIDENT_VOLUNTARY = "accident-voluntary"
    CRITICAL_ILLNESS_BASIC = "critical-illness-basic"
    CRITICAL_ILLNESS_VOLUNTARY = "critical-illness-voluntary"
    HOSPITAL_INDEMNITY_BASIC = "hospital-indemnity-basic"
    HOSPITAL_INDEMNITY_VOLUNTARY = "hospital-indemnity-voluntary"
    UNKNOWN = "__unknown__"
