"""Group connections (Noyo's group setup requests): routes."""

from .routes import routes

__all__ = ["routes"]
