"""Member snapshot enums. ``MemberSnapshotStatus`` is a filter too (no ``UNKNOWN``: a new upstream
value resolves to null); ``FulfillmentStatus`` is output only (a new value is served as ``UNKNOWN``).
``OmittedCoverageOutcome`` and ``SnapshotMessageCode`` are the gateway's reading of Noyo's response
(``gateway.noyo.snapshot_outcomes`` and ``snapshot_messages``), their values those modules' constants."""

from __future__ import annotations

import enum

from ..describe import described_enum


@described_enum(
    "Where a member snapshot stands.",
    {
        "SUBMITTED": "Received by Noyo.",
        "PROCESSING": "Noyo is sending the changes to the carriers.",
        "COMPLETED": "Every carrier's changes are done.",
        "REPLACED": "A newer snapshot of the employee replaced it before it completed.",
        "CANCELED": "Noyo canceled it (e.g. it left out active coverages under the `reject` policy).",
    },
)
class MemberSnapshotStatus(enum.Enum):
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    COMPLETED = "completed"
    REPLACED = "replaced"
    CANCELED = "canceled"


@described_enum(
    "Where a member snapshot stands at one carrier (output only).",
    {
        "INVALID": "The carrier's part of the snapshot is invalid (see the errors).",
        "NO_CHANGES": "Nothing changes at this carrier.",
        "PROCESSING": "Noyo is working on this carrier's changes.",
        "REPLACED": "A newer snapshot replaced these changes.",
        "SCHEDULED": "The changes are scheduled for sending.",
        "SENT": "The changes were sent to the carrier.",
        "VALID": "The carrier's part of the snapshot is valid.",
        "NOT_CONNECTED": "The group is not connected with this carrier: nothing is sent.",
        "UNKNOWN": "A status Noyo added after this gateway was built.",
    },
)
class FulfillmentStatus(enum.Enum):
    INVALID = "invalid"
    NO_CHANGES = "no_changes"
    PROCESSING = "processing"
    REPLACED = "replaced"
    SCHEDULED = "scheduled"
    SENT = "sent"
    VALID = "valid"
    NOT_CONNECTED = "not_connected"
    UNKNOWN = "__unknown__"


@described_enum(
    "What Noyo did with an active coverage a member snapshot left out (read from Noyo's response).",
    {
        "CANCELED_WITH_SNAPSHOT": "Policy reject: Noyo canceled the whole snapshot (every carrier involved "
        "had omitted coverages, e.g. the only one).",
        "CANCELED_FOR_CARRIER": "Policy reject: Noyo canceled this carrier's changes only; the other carriers' "
        "changes go ahead.",
        "TERMINATED": "Policy terminate: Noyo ends the coverage on `effectiveEndDate`.",
        "CONTINUED": "Policy continue: Noyo keeps the coverage as it is (with a warning, unless a division or "
        "subgroup change carries it along).",
    },
)
class OmittedCoverageOutcome(enum.Enum):
    CANCELED_WITH_SNAPSHOT = "canceled_with_snapshot"
    CANCELED_FOR_CARRIER = "canceled_for_carrier"
    TERMINATED = "terminated"
    CONTINUED = "continued"


@described_enum(
    "What a Noyo warning or fulfillment error is about (output only). Noyo documents no codes for these "
    "texts: the code is recognised from Noyo's wording, and UNKNOWN for any other text.",
    {
        "MISSING_ACTIVE_COVERAGE": "The snapshot left out coverages active at the carrier; under the reject "
        "policy Noyo canceled the carrier's changes (or the whole snapshot).",
        "OMITTED_COVERAGE_CONTINUED": "The snapshot left out an active coverage; under the continue policy "
        "Noyo keeps it unchanged.",
        "CARRIER_NOT_CONNECTED": "The group is not connected with the carrier: nothing changes there.",
        "UNKNOWN": "A text this gateway does not recognise (read `message`).",
    },
)
class SnapshotMessageCode(enum.Enum):
    MISSING_ACTIVE_COVERAGE = "missing_active_coverage"
    OMITTED_COVERAGE_CONTINUED = "omitted_coverage_continued"
    CARRIER_NOT_CONNECTED = "carrier_not_connected"
    UNKNOWN = "unknown"
