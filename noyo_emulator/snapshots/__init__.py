"""Member snapshots: routes, validation, member resolution, outcomes and the clock ``tick``."""

from .lifecycle import tick
from .routes import routes

__all__ = ["routes", "tick"]
