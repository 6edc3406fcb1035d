"""Disconnection request enums. UNKNOWN stands for a value Noyo added after this gateway;
it is never a valid filter value."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Where a group disconnection request stands.")
class DisconnectionStatus(enum.Enum):
    NEEDS_REVIEW = "needs_review"
    PROCESSING = "processing"
    COMPLETED = "completed"
    REJECTED = "rejected"
    UNKNOWN = "__unknown__"


@strawberry.enum(description="What originated a group disconnection request.")
class DisconnectionSourceType(enum.Enum):
    PLATFORM = "platform"
    CARRIER = "carrier"
    GROUP_AUDIT_REQUEST = "group_audit_request"
    GROUP_SETUP_REQUEST = "group_setup_request"
    MEMBER_TRANSACTION = "member_transaction"
    UNKNOWN = "__unknown__"


@strawberry.enum(description="Why the platform asks to disconnect a group (when creating a request).")
class DisconnectionReason(enum.Enum):
    BROKER_OF_RECORD = "broker_of_record"
    CHANGED_ENROLLMENT_METHOD = "changed_enrollment_method"
    LOST_GROUP = "lost_group"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"
    NOT_USING_CONNECTION = "not_using_connection"
    OTHER = "other"
    TERMINATED = "terminated"


@strawberry.enum(description="Why the platform rejects a disconnection request (or keeps the group connected).")
class DisconnectionRejectionReason(enum.Enum):
    CONNECTION_RESTORED = "connection_restored"
    ELIGIBILITY_RESTORED = "eligibility_restored"
    PAYMENT_REINSTATED = "payment_reinstated"
    OTHER = "other"
