"""Cross-request cache: aiocache from a URL, entries with freshness, single-flight, invalidation."""

from .backends import Backend
from .entries import Entry
from .factory import RESOURCE_TTL_SETTINGS, cache_from_settings
from .keys import KeyBuilder, canonical_json, params_key
from .singleflight import SingleFlight
from .store import Cache, CacheStats

__all__ = [
    "RESOURCE_TTL_SETTINGS",
    "Backend",
    "Cache",
    "CacheStats",
    "Entry",
    "KeyBuilder",
    "SingleFlight",
    "cache_from_settings",
    "canonical_json",
    "params_key",
]
