"""The installed distribution's version (``noyo-gateway --version``, the User-Agent sent to Noyo)."""

from __future__ import annotations

import importlib.metadata

try:
    VERSION = importlib.metadata.version("noyo-gateway")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    VERSION = "0"

__all__ = ["VERSION"]
