"""Group enums. ``ConnectionStatus`` and ``GroupConnectionRequestType`` are output only: a value
Noyo adds later is served as ``UNKNOWN``."""

from __future__ import annotations

import enum

from ..describe import described_enum


@described_enum(
    "Where a group's connection with a carrier stands (Noyo's group connection status).",
    {
        "CREATED": "Requested; Noyo has not started.",
        "PROCESSING": "Noyo is setting the connection up.",
        "NOYO_REVIEW": "Noyo is reviewing the request.",
        "WAITING_ON_CARRIER": "Waiting for the carrier.",
        "CARRIER_AUTHORIZATION": "Waiting for the carrier to authorize data exchange.",
        "ACTION_REQUIRED": "The platform must act (e.g. correct the carrier group id) and retry.",
        "UNABLE_TO_CONNECT": "The connection failed; it can be retried.",
        "COMPLETED": "Connected: data flows between Noyo and the carrier.",
        "UNKNOWN": "A status Noyo added after this gateway was built.",
    },
)
class ConnectionStatus(enum.Enum):
    CREATED = "created"
    PROCESSING = "processing"
    NOYO_REVIEW = "noyo_review"
    WAITING_ON_CARRIER = "waiting_on_carrier"
    CARRIER_AUTHORIZATION = "carrier_authorization"
    ACTION_REQUIRED = "action_required"
    UNABLE_TO_CONNECT = "unable_to_connect"
    COMPLETED = "completed"
    UNKNOWN = "__unknown__"


@described_enum(
    "How a group connection came about (Noyo's `request_type`).",
    {
        "NEW_GROUP": "Requested together with a new group.",
        "EXISTING_GROUP": "Requested for a group Noyo already had.",
        "UNKNOWN": "A request type Noyo added after this gateway was built.",
    },
)
class GroupConnectionRequestType(enum.Enum):
    NEW_GROUP = "new_group"
    EXISTING_GROUP = "existing_group"
    UNKNOWN = "__unknown__"


@described_enum(
    "A group's standing with one carrier, as a partner portal shows it.",
    {
        "CONNECTING": "A connection is requested and not completed yet (or failed and awaits a retry).",
        "CONNECTED": "Connected, with no disconnection under way.",
        "NEEDS_REVIEW": "A carrier-sourced disconnection request awaits the platform's decision.",
        "DISCONNECTING": "A disconnection is confirmed and takes effect on its end date.",
        "DISCONNECTED": "The disconnection took effect.",
    },
)
class GroupCarrierState(enum.Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    NEEDS_REVIEW = "needs_review"
    DISCONNECTING = "disconnecting"
    DISCONNECTED = "disconnected"
