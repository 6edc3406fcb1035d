"""Cache key layout: ``{namespace}:v{schema_version}:{resource}:{key}``.

List/query results are keyed by a stable hash of their parameters
(:func:`params_key`), so any parameter order or ``None``-valued filter maps to
the same entry. Generation counters (see ``Cache.invalidate_queries``) live
under the reserved resource ``_gen``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENERATION_RESOURCE = "_gen"
_HASH_CHARS = 32  # 128 bits of sha256: collisions are not a practical concern


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no whitespace); non-JSON scalars use ``str``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def params_key(params: Mapping[str, Any]) -> str:
    """Hash of a query's parameters; ``None``-valued parameters are dropped (absent == null)."""
    kept = {str(k): v for k, v in params.items() if v is not None}
    return hashlib.sha256(canonical_json(kept).encode()).hexdigest()[:_HASH_CHARS]


class KeyBuilder:
    """Builds namespaced, versioned backend keys."""

    __slots__ = ("namespace", "prefix", "schema_version")

    def __init__(self, namespace: str, schema_version: int) -> None:
        if not namespace or ":" in namespace:
            raise ValueError("cache namespace must be non-empty and contain no ':'")
        self.namespace = namespace
        self.schema_version = int(schema_version)
        self.prefix = f"{namespace}:v{self.schema_version}:"

    def entity_key(self, resource: str, id: str) -> str:
        return f"{self.prefix}{resource}:{id}"

    def query_key(self, resource: str, params: Mapping[str, Any]) -> str:
        return f"{self.prefix}{resource}:{params_key(params)}"

    def generation_key(self, resource: str) -> str:
        return f"{self.prefix}{GENERATION_RESOURCE}:{resource}"
