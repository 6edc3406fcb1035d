"""The browser pages the gateway serves from its own origin: the operations console and GraphiQL.

Both are built from ``console/`` (TypeScript + Vite, pinned by ``console/package-lock.json``;
``make assets``) into ``gateway/static/``, which the wheel and the image carry and git ignores:

- ``/console`` (and any path below it: the console routes in the browser) -> ``console.html``;
- ``/graphql`` with ``Accept: text/html`` -> ``graphiql.html`` (``GatewayGraphQL`` asks here);
- ``/static/...`` -> the hashed JS, CSS, font and worker files, cached for a year.

Every page goes out with a Content-Security-Policy that allows the gateway's own origin only
(``data:`` for the fonts and images GraphiQL's stylesheet embeds, which are no request), and a
fresh nonce for ``<style>`` elements that GraphiQL's editor creates at run time.

The console sends persisted documents only: ``persisted-documents.json`` (sha256 -> document,
written by the build from ``console/src/operations/*.graphql``) is what ``console_documents``
returns for ``gateway.security.persisted.PersistedQueries``.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
DOCUMENTS_FILE = "persisted-documents.json"
NONCE_PLACEHOLDER = "__CSP_NONCE__"
NOT_BUILT = (
    "<!doctype html><html lang=en><title>Not built</title><main><h1>{what} is not built</h1>"
    "<p>The browser assets are missing from this installation. Run <code>make assets</code> "
    "(or <code>make install</code>) in the source tree, or install a wheel built by <code>make wheel</code>.</p>"
    "</main></html>"
)


def content_security_policy(style_nonce: str | None = None) -> str:
    """The policy of every page: nothing but the gateway's own origin (and inline ``data:`` media)."""
    styles = (
        [f"style-src 'self' 'nonce-{style_nonce}'", "style-src-attr 'unsafe-inline'"]
        if style_nonce
        else ["style-src 'self'"]
    )
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            *styles,
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _template(name: str) -> str | None:
    path = STATIC_DIR / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def page(name: str, what: str, *, editor_styles: bool = False) -> Response:
    """One built HTML page with its CSP (a 503 explaining how to build it when it is missing).

    ``editor_styles``: the page runs GraphiQL's editor, which writes style elements (given this
    response's nonce) and style attributes at run time.
    """
    template = _template(name)
    if template is None:
        return HTMLResponse(NOT_BUILT.format(what=what), status_code=503, headers=PAGE_HEADERS)
    nonce = secrets.token_urlsafe(16) if editor_styles else None
    headers = {**PAGE_HEADERS, "Content-Security-Policy": content_security_policy(nonce)}
    return HTMLResponse(template.replace(NONCE_PLACEHOLDER, nonce or ""), headers=headers)


def graphiql_page() -> Response:
    return page("graphiql.html", "GraphiQL", editor_styles=True)


async def console_page(request: Request) -> Response:
    return page("console.html", "The operations console")


def console_documents() -> dict[str, str]:
    """The console's persisted documents (sha256 -> text); empty when the assets are not built."""
    path = STATIC_DIR / DOCUMENTS_FILE
    if not path.is_file():
        return {}
    documents = json.loads(path.read_text(encoding="utf-8"))
    return {key.removeprefix("sha256:"): value for key, value in documents.items()}


class _Assets(StaticFiles):
    """Hashed build output: immutable, with the same CSP as the pages (workers inherit it)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not STATIC_DIR.is_dir():
            await Response("Not Found", status_code=404)(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] += [
                    (b"cache-control", b"public, max-age=31536000, immutable"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", content_security_policy().encode()),
                ]
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def console_routes(*, console: bool = True) -> list[BaseRoute]:
    """``/static`` (GraphiQL needs it too) and, with ``console``, ``/console`` and every path below it."""
    routes: list[BaseRoute] = [Mount("/static", app=_Assets(directory=STATIC_DIR, check_dir=False), name="static")]
    if console:
        routes += [
            Route("/console", console_page, methods=["GET", "HEAD"]),
            Route("/console/{path:path}", console_page, methods=["GET", "HEAD"]),
        ]
    return routes


__all__ = [
    "STATIC_DIR",
    "console_documents",
    "console_routes",
    "content_security_policy",
    "graphiql_page",
]
