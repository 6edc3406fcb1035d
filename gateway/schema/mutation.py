"""The root ``Mutation`` type, composed from the domain mutations (the write path)."""

from __future__ import annotations

import strawberry

from gateway.security.permissions import IsOperator, require_role

from .disconnections.mutations import DisconnectionMutations
from .groups.mutations import GroupConnectionMutations
from .snapshots.mutations import SnapshotMutations


@require_role(IsOperator)  # every mutation: operator or admin (gateway/security)
@strawberry.type(description="Changes: group connections, disconnection requests and member snapshots (operator role).")
class Mutation(GroupConnectionMutations, DisconnectionMutations, SnapshotMutations):
    pass


__all__ = ["Mutation"]
