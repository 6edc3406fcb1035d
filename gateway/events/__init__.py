"""Live data: the cross-replica bus and the change messages published on it."""

from .bus import Bus, BusUnavailable, Message, Subscription
from .changes import CHANGES, KINDS, Change

__all__ = ["CHANGES", "KINDS", "Bus", "BusUnavailable", "Change", "Message", "Subscription"]
