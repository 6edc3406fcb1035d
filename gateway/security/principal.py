"""Who is calling: ``Principal`` (subject, role, scopes, partner scope)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("viewer", "operator", "admin")
PHI_SCOPE = "phi"


def role_rank(role: str) -> int:
    """Position of ``role`` in viewer < operator < admin; -1 for an unknown role."""
    return ROLES.index(role) if role in ROLES else -1


def _frozen(values: Iterable[Any] | None) -> frozenset[str] | None:
    if values is None:
        return None
    return frozenset(str(v) for v in values)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    ``org_ids`` / ``group_ids`` are the partner scope: ``None`` means unscoped
    (every group); a set limits the caller to groups with one of those ids or
    whose ``organization_id`` is one of the org ids.
    """

    subject: str
    role: str = "viewer"
    scopes: frozenset[str] = field(default_factory=frozenset)
    org_ids: frozenset[str] | None = None
    group_ids: frozenset[str] | None = None
    kind: str = "anonymous"  # jwt | api_key | anonymous

    @classmethod
    def build(
        cls,
        subject: str,
        role: str,
        scopes: Iterable[str] = (),
        org_ids: Iterable[Any] | None = None,
        group_ids: Iterable[Any] | None = None,
        kind: str = "anonymous",
    ) -> Principal:
        return cls(
            subject=subject,
            role=role,
            scopes=frozenset(scopes),
            org_ids=_frozen(org_ids),
            group_ids=_frozen(group_ids),
            kind=kind,
        )

    def has_role(self, minimum: str) -> bool:
        return role_rank(self.role) >= role_rank(minimum) >= 0

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def can_see_phi(self) -> bool:
        return self.has_scope(PHI_SCOPE)

    @property
    def is_scoped(self) -> bool:
        return self.org_ids is not None or self.group_ids is not None

    def allows_group(self, group_id: Any, organization_id: Any = None) -> bool:
        """Whether the group (by id, and its organization when known) is inside the scope."""
        if not self.is_scoped:
            return True
        if self.group_ids is not None and group_id is not None and str(group_id) in self.group_ids:
            return True
        return self.org_ids is not None and organization_id is not None and str(organization_id) in self.org_ids

    def rate_key(self) -> str:
        return f"{self.kind}:{self.subject}"


#: Whoever the HTTP layer did not authenticate: no role beyond viewer, no group in scope.
NOBODY = Principal.build("unauthenticated", "viewer", group_ids=[])


__all__ = ["NOBODY", "PHI_SCOPE", "ROLES", "Principal", "role_rank"]
