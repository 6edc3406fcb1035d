"""``SecurityExtension``: per-request operation limits and role checks, before any resolver runs.

Limits come from the request context's settings (``context.settings``), so one
schema serves apps configured differently. Per operation it:
- caps the lexer tokens (Strawberry's ``MaxTokensLimiter`` mechanism: ``parse_options``);
- computes depth, aliases and cost in one memoized pass (``limits.analyze``) and, when a limit
  is exceeded, replaces the validation rules with one reporting it (so no other rule walks
  a hostile document, and nothing executes);
- refuses introspection when ``GATEWAY_ENV=production``;
- refuses mutations to principals below ``operator`` (``FORBIDDEN``), on top of the
  permission classes on the mutation fields;
- refuses a subscription sent as a plain HTTP request, whose one JSON answer has no room for
  its events (``SUBSCRIPTION_NEEDS_STREAM``: the context's ``streams`` is False); over a
  WebSocket or Server-Sent Events it runs;
- reports the computed cost as ``extensions.cost`` on every response.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    OperationType,
    ValidationContext,
    ValidationRule,
    get_operation_ast,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from gateway.access_log import annotate

from .limits import analyze
from .principal import Principal
from .settings import SecuritySettings

MUTATION_ROLE = "operator"
_DEFAULTS = SecuritySettings()


def _setting(context: Any, name: str) -> Any:
    settings = getattr(context, "settings", None)
    return getattr(settings, name, getattr(_DEFAULTS, name))


def _reporting(errors: list[GraphQLError]) -> type[ValidationRule]:
    class ReportLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            for error in errors:
                context.report_error(error)

    return ReportLimits


def _error(message: str, code: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


class SecurityExtension(SchemaExtension):
    """See the module docstring."""

    cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        self.execution_context.parse_options["max_tokens"] = _setting(context, "gateway_max_tokens")
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        errors = self._check(ctx)
        if errors:
            ctx.validation_rules = (_reporting(errors),)
        elif _setting(ctx.context, "gateway_env") == "production":
            ctx.validation_rules = (*ctx.validation_rules, NoSchemaIntrospectionCustomRule)
        yield

    def _check(self, ctx: Any) -> list[GraphQLError]:
        document = ctx.graphql_document
        if document is None:
            return []
        operation = get_operation_ast(document, ctx.provided_operation_name)
        if operation is None:
            return []  # none or ambiguous: graphql-core's validation/execution says so
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        variables = ctx.variables if isinstance(ctx.variables, dict) else {}
        found = analyze(ctx.schema._schema, fragments, operation, variables)
        self.cost = found.cost
        annotate(cost=found.cost)
        context = ctx.context
        errors = []
        max_depth = _setting(context, "gateway_max_depth")
        if found.depth > max_depth:
            errors.append(
                _error(f"The operation is {found.depth} levels deep; the maximum is {max_depth}.", "QUERY_TOO_DEEP")
            )
        max_aliases = _setting(context, "gateway_max_aliases")
        if found.aliases > max_aliases:
            errors.append(
                _error(
                    f"The operation uses {found.aliases} aliases (fragments expanded); the maximum is {max_aliases}.",
                    "TOO_MANY_ALIASES",
                )
            )
        max_cost = _setting(context, "gateway_max_cost")
        if found.cost > max_cost:
            errors.append(
                _error(
                    f"The operation costs {found.cost}; the maximum is {max_cost}. Ask for fewer items (`first`).",
                    "QUERY_TOO_COSTLY",
                    cost=found.cost,
                    maxCost=max_cost,
                )
            )
        if operation.operation == OperationType.SUBSCRIPTION and getattr(context, "streams", True) is False:
            errors.append(
                _error(
                    "Subscriptions need an event stream: open a WebSocket (graphql-transport-ws) on /graphql, "
                    "or POST with `Accept: text/event-stream` (Server-Sent Events).",
                    "SUBSCRIPTION_NEEDS_STREAM",
                )
            )
        if operation.operation == OperationType.MUTATION:
            principal = getattr(context, "principal", None)
            if not isinstance(principal, Principal) or not principal.has_role(MUTATION_ROLE):
                errors.append(_error("This operation is not allowed for your role.", "FORBIDDEN"))
        return errors

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": self.cost}


__all__ = ["MUTATION_ROLE", "SecurityExtension"]
