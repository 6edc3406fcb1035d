"""Partner scoping: a principal limited to org/group ids sees and changes only those groups.

For a scoped principal the request context gets ``ScopedLoaders`` (reads,
``gateway.security.scoped_loaders``) and ``ScopedNoyo`` (direct client calls, the write path:
``gateway.security.scoped_noyo``) in place of the real ones (``scope_context``); unscoped
principals keep the originals. Both ask one ``PartnerScope`` (``gateway.security.partner_scope``)
per request.

Org scoping needs the groups of those orgs (Noyo has no organization filter on groups): they
are found by walking the cached group list once per request. Anything these wrappers do not
know is refused (fail closed), so a new loader or client call must be classified before scoped
principals can use it.
"""

from __future__ import annotations

from typing import Any

from .partner_scope import PartnerScope
from .principal import Principal
from .scoped_loaders import ScopedLoaders
from .scoped_noyo import ScopedNoyo


def scope_context(context: Any, principal: Principal) -> None:
    """Put ``principal`` on the context and, when it is scoped, the scoped loaders and client."""
    context.principal = principal
    if not principal.is_scoped:
        return
    scope = PartnerScope(principal, context.loaders)
    context.loaders = ScopedLoaders(context.loaders, scope)
    context.noyo = ScopedNoyo(context.noyo, scope)


__all__ = ["PartnerScope", "ScopedLoaders", "ScopedNoyo", "scope_context"]
