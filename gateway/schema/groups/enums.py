"""Group enums. UNKNOWN: a value Noyo added after this gateway."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Where a group's connection with a carrier stands.")
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


@strawberry.enum(description="A group's standing with one carrier, as a partner portal shows it.")
class GroupCarrierState(enum.Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    NEEDS_REVIEW = "needs_review"
    DISCONNECTING = "disconnecting"
    DISCONNECTED = "disconnected"
