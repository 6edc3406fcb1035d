"""PHI masking: fields holding personal data resolve to ``null`` without the ``phi`` scope.

Masking is ``null`` (never a fake value such as ``"***"``, which a client could store or
compare as if real): PHI fields must therefore be nullable. Use on the field that carries
the personal data (``Employee.person``: names, and any SSN, date of birth or address
added to ``Person`` later)::

    person: Person | None = strawberry.field(extensions=[PhiField()])

The resolver is not even called without the scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from .permissions import principal_of


def can_see_phi(info: Info) -> bool:
    principal = principal_of(info)
    return principal is not None and principal.can_see_phi


class PhiField(FieldExtension):
    """Resolve to ``None`` unless the principal has the ``phi`` scope."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs) if can_see_phi(info) else None

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any) -> Any:
        if not can_see_phi(info):
            return None
        return await next_(source, info, **kwargs)


__all__ = ["PhiField", "can_see_phi"]
