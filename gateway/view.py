"""The HTTP face of the schema: Strawberry's ASGI view with our context and GraphiQL page.

Security duties here (the HTTP checks before it are ``gateway.security.middleware``):
- the context carries the request's ``Principal``; partner-scoped principals get scoped
  loaders and Noyo client (``gateway.security.scoping``);
- ``SecurityExtension`` (operation limits, cost, role checks) is on the schema;
- persisted operations (trusted documents or APQ) are resolved before execution;
- JSON array batching is refused unless ``GATEWAY_BATCHING_MAX_OPERATIONS`` > 0;
- production: no GraphiQL, no "Did you mean ...?" suggestions in error messages.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from cross_web import HTTPException
from strawberry.types import ExecutionResult

from .access_log import annotate
from .security.middleware import PRINCIPAL_SCOPE_KEY
from .security.persisted import PersistedQueries, PersistedQueryError, normalise_document_id
from .security.principal import Principal
from .security.scoping import scope_context
from .settings import Settings

EXAMPLE_OPERATION = """\
# noyo-gateway: Noyo's Fulfillment API as a typed graph.
# Press the play button (Ctrl-Enter) to run; open the Docs panel to explore.

query ReviewQueue {
  reviewQueue(first: 10) {
    totalCount
    edges {
      node {
        id
        status
        sourceType
        effectiveEndDate
        group { id name }
        carrier { id displayName }
      }
    }
  }
}
"""

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
TOKEN_LIMIT_TEXT = "Document contains more than"  # graphql-core's parser, past ``max_tokens``
# Without the HTTP layer nobody is trusted: no role beyond viewer, no group in scope.
NOBODY = Principal.build("unauthenticated", "viewer", group_ids=[])


def strip_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


class GatewayGraphQL(GraphQL):
    """Strawberry's ASGI view, building our per-request context and a GraphiQL with an example."""

    def __init__(self, schema: Any, *, settings: Settings, persisted: PersistedQueries | None = None) -> None:
        production = settings.gateway_env == "production"
        super().__init__(
            schema,
            graphql_ide=None if production else "graphiql",
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
        )
        self.settings = settings
        self.production = production
        self.persisted = persisted

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Any:
        from .schema.context import build_context

        context = await build_context(request, response, request.app.state.services)
        principal = request.scope.get(PRINCIPAL_SCOPE_KEY)
        scope_context(context, principal if isinstance(principal, Principal) else NOBODY)
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_graphiql(self.graphql_ide_html, EXAMPLE_OPERATION))

    def parse_json(self, data: str | bytes) -> Any:
        return normalise_document_id(super().parse_json(data))

    def _validate_batch_request(self, request_data: list[Any], protocol: Any) -> None:
        limit = self.settings.gateway_batching_max_operations
        if limit <= 0:
            raise HTTPException(400, "Batching is not enabled")
        if len(request_data) > limit:
            raise HTTPException(400, "Too many operations")

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Any,
                             root_value: Any, request_data: Any) -> ExecutionResult:
        if self.persisted is not None:
            try:
                request_data.query = await self.persisted.resolve(request_data.query, request_data.extensions)
            except PersistedQueryError as exc:
                error = GraphQLError(exc.message, extensions={"code": exc.code})
                return ExecutionResult(data=None, errors=[error])
        return await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        data = await super().process_result(request, result)
        for error in data.get("errors") or []:
            extensions = error.setdefault("extensions", {})
            if not extensions.get("code"):  # the parser's errors come back before any extension ran
                too_large = TOKEN_LIMIT_TEXT in error["message"]
                extensions["code"] = "QUERY_TOO_LARGE" if too_large else "GRAPHQL_PARSE_FAILED"
            annotate(outcome=extensions["code"])
            if self.production:
                error["message"] = strip_suggestions(error["message"])
        return data


def render_graphiql(template: str, operation: str) -> str:
    """Swap Strawberry's welcome text for ``operation`` so GraphiQL opens ready to run."""
    start = template.index("const EXAMPLE_QUERY = `") + len("const EXAMPLE_QUERY = `")
    end = template.index("`;", start)
    escaped = operation.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return template[:start] + escaped + template[end:]


__all__ = ["EXAMPLE_OPERATION", "GatewayGraphQL", "render_graphiql", "strip_suggestions"]
