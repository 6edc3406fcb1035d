"""Disconnection request enums, with Noyo's wire values. They are filters or inputs too, so none
has an ``UNKNOWN`` value: an output Noyo sends a new value for resolves to null."""

from __future__ import annotations

import enum

from ..describe import described_enum


@described_enum(
    "Where a group disconnection request stands.",
    {
        "NEEDS_REVIEW": "Created by Noyo from a carrier signal; waits for the platform to confirm or reject it.",
        "PROCESSING": "Confirmed; the group disconnects on the effective end date.",
        "COMPLETED": "The group is disconnected from the carrier.",
        "REJECTED": "Rejected: the group stays connected.",
    },
)
class DisconnectionStatus(enum.Enum):
    NEEDS_REVIEW = "needs_review"
    PROCESSING = "processing"
    COMPLETED = "completed"
    REJECTED = "rejected"


@described_enum(
    "What originated a group disconnection request.",
    {
        "PLATFORM": "The platform asked for it.",
        "CARRIER": "A carrier signal (e.g. the carrier terminated the group).",
        "GROUP_AUDIT_REQUEST": "A group audit.",
        "GROUP_SETUP_REQUEST": "A group connection (setup) request.",
        "MEMBER_TRANSACTION": "A member transaction.",
    },
)
class DisconnectionSourceType(enum.Enum):
    PLATFORM = "platform"
    CARRIER = "carrier"
    GROUP_AUDIT_REQUEST = "group_audit_request"
    GROUP_SETUP_REQUEST = "group_setup_request"
    MEMBER_TRANSACTION = "member_transaction"


@described_enum(
    "Why the platform asks to disconnect a group (when creating a request).",
    {
        "BROKER_OF_RECORD": "The group changed broker of record.",
        "CHANGED_ENROLLMENT_METHOD": "The group enrolls another way now.",
        "LOST_GROUP": "The platform lost the group as a customer.",
        "NO_LONGER_ELIGIBLE": "The group is no longer eligible.",
        "NOT_USING_CONNECTION": "The group does not use the connection.",
        "OTHER": "Another reason (say which in `context`).",
        "TERMINATED": "The group's coverage with the carrier ended.",
    },
)
class DisconnectionReason(enum.Enum):
    BROKER_OF_RECORD = "broker_of_record"
    CHANGED_ENROLLMENT_METHOD = "changed_enrollment_method"
    LOST_GROUP = "lost_group"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"
    NOT_USING_CONNECTION = "not_using_connection"
    OTHER = "other"
    TERMINATED = "terminated"


@described_enum(
    "Why the platform rejects a disconnection request (or keeps the group connected).",
    {
        "CONNECTION_RESTORED": "The connection works again.",
        "ELIGIBILITY_RESTORED": "The group is eligible again.",
        "PAYMENT_REINSTATED": "The group's payments were reinstated.",
        "OTHER": "Another reason (say which in `context`).",
    },
)
class DisconnectionRejectionReason(enum.Enum):
    CONNECTION_RESTORED = "connection_restored"
    ELIGIBILITY_RESTORED = "eligibility_restored"
    PAYMENT_REINSTATED = "payment_reinstated"
    OTHER = "other"
