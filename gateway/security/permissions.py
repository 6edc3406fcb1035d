"""Strawberry permission classes for roles: put them on mutation (or admin-only) fields.

``@strawberry.mutation(permission_classes=[IsOperator])``: a caller below the role gets a
GraphQL error with ``extensions.code = "FORBIDDEN"`` and the resolver (so Noyo) is never
called. ``SecurityExtension`` already refuses whole mutation operations to viewers before
execution; these classes keep the rule next to each field and cover admin-only fields.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from .principal import Principal

FORBIDDEN_MESSAGE = "This operation is not allowed for your role."


def principal_of(info: Info) -> Principal | None:
    """The request's principal (None outside the HTTP layer)."""
    principal = getattr(info.context, "principal", None)
    return principal if isinstance(principal, Principal) else None


class _RequiresRole(BasePermission):
    role = "admin"
    message = FORBIDDEN_MESSAGE
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - Strawberry reads it per instance

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = principal_of(info)
        return principal is not None and principal.has_role(self.role)


class IsViewer(_RequiresRole):
    role = "viewer"


class IsOperator(_RequiresRole):
    """Disconnection decisions and member snapshots."""

    role = "operator"


class IsAdmin(_RequiresRole):
    role = "admin"


def require_role(permission: type[BasePermission]) -> Any:
    """Class decorator for a root type: every field gets ``permission`` (before the schema is built).

    ``@require_role(IsOperator)`` on ``Mutation`` guards each mutation, present and future.
    """
    from strawberry.permission import PermissionExtension

    def apply(cls: Any) -> Any:
        for field in cls.__strawberry_definition__.fields:
            if permission in field.permission_classes:
                continue
            field.permission_classes.append(permission)
            field.extensions.insert(0, PermissionExtension(permissions=[permission()], use_directives=False))
        return cls

    return apply


__all__ = ["FORBIDDEN_MESSAGE", "IsAdmin", "IsOperator", "IsViewer", "principal_of", "require_role"]
