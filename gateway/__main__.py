"""The ``noyo-gateway`` command: ``serve [--demo]``, ``export-schema`` and ``--version``."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from pydantic import SecretStr

from .settings import Settings
from .version import VERSION

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"  # noqa: S105 - the demo emulator's public credentials


def _start_demo_emulator(
    host: str, port: int, seed: int, *, webhook_url: str | None = None, webhook_secret: str | None = None
) -> uvicorn.Server:
    """Serve the emulator on loopback in a background thread; return once it accepts calls.
    With ``webhook_url`` it delivers its webhooks there, signed with ``webhook_secret``."""
    try:
        from noyo_emulator import create_app as create_emulator
    except ImportError:
        raise SystemExit(
            "--demo needs the Noyo emulator, which the production image leaves out: "
            "use the demo image (docker build --target demo .) or a source install"
        ) from None

    emulator = create_emulator(seed=seed, webhook_url=webhook_url, webhook_secret=webhook_secret)
    config = uvicorn.Config(
        emulator,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        log_config=None,  # our root handler: JSON lines, redacted
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="noyo-emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit(f"the demo emulator could not start on {host}:{port}")
        time.sleep(0.05)
    return server


#: What the demo changes (exported to the environment for the worker processes).
DEMO_SETTINGS = [
    "noyo_base_url",
    "noyo_token_url",
    "noyo_client_id",
    "noyo_client_secret",
    "gateway_allow_anonymous",
    "gateway_anonymous_role",
    "gateway_anonymous_scopes",
]


def demo_settings(base: Settings, emulator_url: str, webhook_secret: str | None = None) -> Settings:
    """The demo's configuration: the embedded emulator instead of Noyo's sandbox (and its
    webhooks, when ``webhook_secret`` is given)."""
    webhooks = {"gateway_webhook_secrets": SecretStr(webhook_secret)} if webhook_secret else {}
    return base.model_copy(
        update={
            **webhooks,
            "noyo_base_url": emulator_url,
            "noyo_token_url": f"{emulator_url}/auth/public/token",
            "noyo_client_id": DEMO_CLIENT_ID,
            "noyo_client_secret": DEMO_CLIENT_SECRET,
            # the demo's data is synthetic: anyone on loopback may operate and see names
            "gateway_allow_anonymous": True,
            "gateway_anonymous_role": "operator",
            "gateway_anonymous_scopes": "phi",
        }
    )


def _export(settings: Settings, names: list[str]) -> None:
    """Put settings into the environment, where every worker process's ``Settings()`` reads them."""
    for name in names:
        value = getattr(settings, name)
        os.environ[name.upper()] = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def serve(args: argparse.Namespace) -> int:
    from .app import create_app

    settings = Settings()
    if args.demo:
        emulator_host = "127.0.0.1"
        webhook_secret = secrets.token_hex(32)  # this run only: the emulator signs, the gateway verifies
        webhook_host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host  # noqa: S104 - a comparison
        webhook_url = f"http://{webhook_host}:{args.port}{settings.gateway_webhook_path}"
        _start_demo_emulator(
            emulator_host, args.emulator_port, args.seed, webhook_url=webhook_url, webhook_secret=webhook_secret
        )
        emulator_url = f"http://{emulator_host}:{args.emulator_port}"
        settings = demo_settings(settings, emulator_url, webhook_secret)
        _export(settings, [*DEMO_SETTINGS, "gateway_webhook_secrets"])
        print(f"demo: Noyo emulator on {emulator_url} (seed {args.seed}), webhooks to {webhook_url}", file=sys.stderr)
    print(f"GraphiQL: http://{args.host}:{args.port}/graphql", file=sys.stderr)
    from .security.production import UnsafeConfiguration

    try:
        app = create_app(settings)  # a bad configuration is refused here, before any worker starts
    except UnsafeConfiguration as exc:
        print(f"noyo-gateway: {exc}", file=sys.stderr)
        return 2
    if args.workers > 1 and settings.gateway_cache_url.startswith("memory://"):
        print(
            "noyo-gateway: memory:// is per process; several workers want GATEWAY_CACHE_URL=redis://...",
            file=sys.stderr,
        )
    from .tracing import configure_tracing

    # One worker serves the app built here; several each build their own (and their own tracing).
    provider = configure_tracing() if args.workers == 1 else None
    if args.workers == 1:
        from .app import freeze_startup_objects

        freeze_startup_objects()
    try:
        uvicorn.run(
            app if args.workers == 1 else "gateway.app:app_factory",
            factory=args.workers > 1,
            workers=args.workers,
            loop="uvloop",
            http="httptools",
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            log_config=None,  # uvicorn's loggers propagate to our redacting JSON handler
            access_log=False,  # gateway.access writes one JSON line per request instead
            proxy_headers=True,
        )
    finally:
        if provider is not None:
            provider.shutdown()  # flush the spans still queued
    return 0


def export_schema(args: argparse.Namespace) -> int:
    from .schema import schema

    sdl = schema.as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).write_text(sdl, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="noyo-gateway", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("serve", help="serve the GraphQL gateway")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--demo", action="store_true", help="embed the Noyo emulator on loopback")
    run.add_argument("--emulator-port", type=int, default=8100)
    run.add_argument("--seed", type=int, default=42, help="the demo emulator's world seed")
    run.add_argument("--log-level", default="info")
    run.add_argument("--workers", type=int, default=1, help="worker processes (several want a redis:// cache)")
    run.set_defaults(func=serve)

    export = commands.add_parser("export-schema", help="write the schema as SDL")
    export.add_argument("output", nargs="?", default="schema.graphql", help="a path, or - for stdout")
    export.set_defaults(func=export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .security.logging import configure_logging

    configure_logging("INFO")  # JSON lines with request ids; PHI and secrets redacted
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
