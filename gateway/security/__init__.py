"""Who may call, what they may see, and what one operation may cost (README.md, "Security").

Only the modules free of Strawberry/graphql are re-exported here, because
``gateway.settings`` (imported by the GraphQL-free Noyo client) imports this package:
import ``extension``, ``permissions``, ``phi``, ``scoping`` and ``middleware`` directly.
"""

from .principal import PHI_SCOPE, ROLES, Principal
from .settings import SecuritySettings

__all__ = ["PHI_SCOPE", "ROLES", "Principal", "SecuritySettings"]
