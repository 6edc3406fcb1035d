from .enums import DisconnectionReason, DisconnectionRejectionReason, DisconnectionSourceType, DisconnectionStatus
from .inputs import DisconnectionRequestFilterInput
from .queries import DisconnectionQueries
from .subscriptions import DisconnectionSubscriptions, ReviewQueueChange, ReviewQueueMovement
from .types import DisconnectionRequest

__all__ = [
    "DisconnectionQueries",
    "DisconnectionReason",
    "DisconnectionRejectionReason",
    "DisconnectionRequest",
    "DisconnectionRequestFilterInput",
    "DisconnectionSourceType",
    "DisconnectionStatus",
    "DisconnectionSubscriptions",
    "ReviewQueueChange",
    "ReviewQueueMovement",
]
