"""A faithful local Noyo Fulfillment API for tests, demos and benchmarks."""

from .app import create_app

__all__ = ["create_app"]
