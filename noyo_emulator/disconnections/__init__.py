"""Group disconnection requests: routes, rules and the clock ``tick``."""

from .routes import routes
from .rules import create_carrier_sourced, tick

__all__ = ["create_carrier_sourced", "routes", "tick"]
