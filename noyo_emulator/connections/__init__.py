"""Group connections (Noyo's group setup requests): routes and the clock ``tick``."""

from .lifecycle import tick
from .routes import routes

__all__ = ["routes", "tick"]
