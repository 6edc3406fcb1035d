from .enums import FulfillmentStatus, MemberSnapshotStatus
from .queries import SnapshotQueries
from .subscriptions import SnapshotSubscriptions
from .types import CarrierFulfillment, MemberSnapshot

__all__ = [
    "CarrierFulfillment",
    "FulfillmentStatus",
    "MemberSnapshot",
    "MemberSnapshotStatus",
    "SnapshotQueries",
    "SnapshotSubscriptions",
]
