"""Member snapshot enums. UNKNOWN: a value Noyo added after this gateway; never a valid filter."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Where a member snapshot stands.")
class MemberSnapshotStatus(enum.Enum):
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    COMPLETED = "completed"
    REPLACED = "replaced"
    CANCELED = "canceled"
    UNKNOWN = "__unknown__"


@strawberry.enum(description="Where a member snapshot stands at one carrier.")
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
