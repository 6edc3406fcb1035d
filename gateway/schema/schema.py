"""The gateway's GraphQL schema: the read path (Query) composed from the domain packages."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types.execution import ExecutionContext

from .carriers import CarrierQueries
from .disconnections import DisconnectionQueries, DisconnectionReason, DisconnectionRejectionReason
from .employees import EmployeeQueries
from .errors import ErrorFormatter, log_errors
from .extensions import StaleDataExtension
from .groups import GroupQueries
from .mutation import Mutation
from .snapshots import SnapshotQueries
from .snapshots.preview import SnapshotPreviewQuery


@strawberry.type
class Query(
    GroupQueries, CarrierQueries, DisconnectionQueries, SnapshotQueries, EmployeeQueries, SnapshotPreviewQuery
):
    pass


class GatewaySchema(strawberry.Schema):
    """Logs errors our way (request id, no upstream bodies) instead of Strawberry's default."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, getattr(execution_context, "context", None))


def build_schema(**kwargs: Any) -> strawberry.Schema:
    """A schema with the gateway's extensions; ``kwargs`` (e.g. ``mutation``) pass to Strawberry."""
    return GatewaySchema(
        query=kwargs.pop("query", Query),
        mutation=kwargs.pop("mutation", Mutation),
        types=[DisconnectionReason, DisconnectionRejectionReason, *kwargs.pop("types", [])],
        extensions=[ErrorFormatter, StaleDataExtension, *kwargs.pop("extensions", [])],
        **kwargs,
    )


schema = build_schema()
