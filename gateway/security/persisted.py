"""Persisted operations: trusted documents (an allowlist) or automatic persisted queries (APQ).

A request names a document by sha256 in ``extensions.persistedQuery.sha256Hash`` (Apollo's
APQ shape) or in a top-level ``documentId`` (``sha256:<hex>`` or bare hex; the view moves it
into the extensions).

- Trusted documents (``GATEWAY_TRUSTED_DOCUMENTS`` = path of a JSON map sha256 -> document):
  only those documents run. A hash outside the map, or a query text whose sha256 is not in
  it, is refused with ``PERSISTED_QUERY_NOT_ALLOWED``; nothing else is parsed or executed.
- Otherwise APQ: a hash alone looks the document up in the cache (``PERSISTED_QUERY_NOT_FOUND``
  when absent, and the client resends with ``query``); a hash with a query is checked
  (``PERSISTED_QUERY_HASH_MISMATCH``) and stored for ``GATEWAY_APQ_TTL`` seconds.
- Built-in documents (the operations console's, ``gateway.console.console_documents``) resolve
  by hash in both modes: the allowlist is extended by them, and APQ finds them without the cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APQ_RESOURCE = "apq"


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def load_trusted_documents(path: str) -> dict[str, str]:
    """Read and verify the allowlist: every key must be the sha256 of its document."""
    documents = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(documents, dict):
        raise ValueError("GATEWAY_TRUSTED_DOCUMENTS must hold a JSON object sha256 -> document")
    trusted = {}
    for key, document in documents.items():
        digest = key.removeprefix("sha256:").lower()
        if not isinstance(document, str) or sha256_hex(document) != digest:
            raise ValueError(f"trusted document {key!r} does not match its sha256")
        trusted[digest] = document
    return trusted


def requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if not isinstance(persisted, Mapping):
        return None
    digest = persisted.get("sha256Hash")
    return digest.removeprefix("sha256:").lower() if isinstance(digest, str) and digest else None


@dataclass
class PersistedQueries:
    """Resolves the document a request runs (see module docstring)."""

    trusted: dict[str, str] | None
    cache: Any
    ttl: int
    builtin: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.trusted is not None:
            self.trusted = {**self.builtin, **self.trusted}

    async def resolve(self, query: str | None, extensions: Mapping[str, Any] | None) -> str | None:
        """The query text to execute; raises ``PersistedQueryError`` when refused."""
        digest = requested_hash(extensions)
        if self.trusted is not None:
            return self._trusted(query, digest)
        if digest is None:
            return query
        if query is None and digest in self.builtin:
            return self.builtin[digest]
        if query is not None:
            if sha256_hex(query) != digest:
                raise PersistedQueryError("PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query")
            await self.cache.set(APQ_RESOURCE, digest, query, self.ttl)
            return query
        entry = await self.cache.get(APQ_RESOURCE, digest)
        if entry is None or not isinstance(entry.value, str):
            raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
        return entry.value

    def _trusted(self, query: str | None, digest: str | None) -> str:
        assert self.trusted is not None
        if digest is None and query is not None:
            digest = sha256_hex(query)
        document = self.trusted.get(digest or "")
        if document is None or (query is not None and sha256_hex(query) != digest):
            raise PersistedQueryError(
                "PERSISTED_QUERY_NOT_ALLOWED", "Only trusted documents are accepted by this gateway."
            )
        return document


def normalise_document_id(data: Any) -> Any:
    """Move a top-level ``documentId`` into ``extensions.persistedQuery`` (request dict in place)."""
    if isinstance(data, dict) and isinstance(data.get("documentId"), str):
        given = data.get("extensions")
        extensions: dict[str, Any] = given if isinstance(given, dict) else {}
        extensions.setdefault("persistedQuery", {"version": 1, "sha256Hash": data["documentId"]})
        data["extensions"] = extensions
    return data


__all__ = [
    "APQ_RESOURCE",
    "PersistedQueries",
    "PersistedQueryError",
    "load_trusted_documents",
    "normalise_document_id",
    "requested_hash",
    "sha256_hex",
]
