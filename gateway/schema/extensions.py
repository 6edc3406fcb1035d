"""Response ``extensions`` built from the request context.

``StaleDataExtension`` reports records served from cache past their TTL because
Noyo failed (stale-if-error): ``{"stale": [{"resource", "id", "ageSeconds"}]}``.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension


class StaleDataExtension(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        notes = getattr(self.execution_context.context, "stale", None)
        if not notes:
            return {}
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for note in notes:
            key = (note.resource, note.id)
            if key not in seen or note.age_seconds > seen[key]["ageSeconds"]:
                seen[key] = {"resource": note.resource, "id": note.id, "ageSeconds": note.age_seconds}
        return {"stale": list(seen.values())}
