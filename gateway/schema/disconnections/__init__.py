from .enums import DisconnectionReason, DisconnectionRejectionReason, DisconnectionSourceType, DisconnectionStatus
from .inputs import DisconnectionRequestFilter
from .queries import DisconnectionQueries
from .types import DisconnectionRequest

__all__ = [
    "DisconnectionQueries",
    "DisconnectionReason",
    "DisconnectionRejectionReason",
    "DisconnectionRequest",
    "DisconnectionRequestFilter",
    "DisconnectionSourceType",
    "DisconnectionStatus",
]
