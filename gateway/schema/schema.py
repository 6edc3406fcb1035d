"""The gateway's GraphQL schema: Query, Mutation and Subscription composed from the domain packages."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types.execution import ExecutionContext

from gateway.access_log import AccessLogExtension
from gateway.metrics import MetricsExtension
from gateway.security.extension import SecurityExtension

from .carriers import CarrierQueries
from .disconnections import (
    DisconnectionQueries,
    DisconnectionReason,
    DisconnectionRejectionReason,
    DisconnectionSubscriptions,
)
from .employees import EmployeeQueries
from .errors import ErrorFormatter, log_errors
from .extensions import OperationFactsExtension, StaleDataExtension
from .groups import GroupQueries, GroupSubscriptions
from .mutation import Mutation
from .node import NodeQueries
from .scalars import SCALAR_OVERRIDES
from .snapshots import SnapshotQueries, SnapshotSubscriptions
from .snapshots.preview import SnapshotPreviewQuery


@strawberry.type(description="Reads: groups, carriers, disconnection requests, member snapshots, employees.")
class Query(
    NodeQueries,
    GroupQueries,
    CarrierQueries,
    DisconnectionQueries,
    SnapshotQueries,
    EmployeeQueries,
    SnapshotPreviewQuery,
):
    pass


@strawberry.type(
    description="Live changes over WebSocket (graphql-transport-ws) or Server-Sent Events: each pushes the "
    "changed record typed as the queries return it, only for groups in your scope."
)
class Subscription(DisconnectionSubscriptions, GroupSubscriptions, SnapshotSubscriptions):
    pass


class GatewaySchema(strawberry.Schema):
    """Logs errors our way (request id, no upstream bodies) instead of Strawberry's default."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, getattr(execution_context, "context", None))


DOCUMENT_CACHE_SIZE = 256
# SecurityExtension sets each request's validation rules; ValidationCache (after it) then reuses
# the result for a document already validated under the same rules.
DEFAULT_EXTENSIONS = (
    MetricsExtension,  # first: times the whole operation, rejections included
    AccessLogExtension,  # sees the errors once ErrorFormatter gave them their codes
    ErrorFormatter,
    StaleDataExtension,
    OperationFactsExtension,
    SecurityExtension,
    lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
    lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
)


def build_schema(**kwargs: Any) -> strawberry.Schema:
    """A schema with the gateway's extensions (or ``extensions=``); other ``kwargs`` pass to Strawberry."""
    scalar_overrides: dict[Any, Any] = {**SCALAR_OVERRIDES, **kwargs.pop("scalar_overrides", {})}
    return GatewaySchema(
        query=kwargs.pop("query", Query),
        mutation=kwargs.pop("mutation", Mutation),
        subscription=kwargs.pop("subscription", Subscription),
        types=[DisconnectionReason, DisconnectionRejectionReason, *kwargs.pop("types", [])],
        extensions=kwargs.pop("extensions", DEFAULT_EXTENSIONS),
        scalar_overrides=scalar_overrides,
        **kwargs,
    )


schema = build_schema()
