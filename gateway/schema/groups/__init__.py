from .connection_types import GroupCarrierConnection
from .enums import ConnectionStatus, GroupCarrierState
from .queries import GroupQueries
from .status import GroupCarrierStatus
from .subscriptions import GroupSubscriptions
from .types import Group

__all__ = [
    "ConnectionStatus",
    "Group",
    "GroupCarrierConnection",
    "GroupCarrierState",
    "GroupCarrierStatus",
    "GroupQueries",
    "GroupSubscriptions",
]
