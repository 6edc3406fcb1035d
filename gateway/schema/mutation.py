"""The root ``Mutation`` type, composed from the domain mutations (the write path)."""

from __future__ import annotations

import strawberry

from .disconnections.mutations import DisconnectionMutations
from .snapshots.mutations import SnapshotMutations


@strawberry.type
class Mutation(DisconnectionMutations, SnapshotMutations):
    pass


__all__ = ["Mutation"]
