"""``python -m noyo_emulator``: serve the emulator with uvicorn."""

from __future__ import annotations

import argparse
import datetime as dt

import uvicorn

from .app import create_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m noyo_emulator", description="A local Noyo Fulfillment API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated world (default 42)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every counted request")
    parser.add_argument("--token-ttl", type=float, default=600, help="bearer token lifetime in seconds")
    parser.add_argument("--client-id", default="demo-client")
    parser.add_argument("--client-secret", default="demo-secret")
    parser.add_argument("--webhook-url", default=None, help="deliver webhook events to this URL")
    parser.add_argument("--webhook-secret", default=None, help="HMAC key for x-noyo-signature")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="start date YYYY-MM-DD")
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    app = create_app(
        seed=args.seed,
        latency_ms=args.latency_ms,
        token_ttl=args.token_ttl,
        client_id=args.client_id,
        client_secret=args.client_secret,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        today=args.today,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
