"""Member snapshot enums. ``MemberSnapshotStatus`` is a filter too (no ``UNKNOWN``: a new upstream
value resolves to null); ``FulfillmentStatus`` is output only (a new value is served as ``UNKNOWN``)."""

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
