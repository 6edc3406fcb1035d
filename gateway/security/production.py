"""What ``GATEWAY_ENV=production`` insists on before the gateway starts.

A production gateway never lets anonymous callers in, always authenticates its clients (a JWT
secret, a JWKS URL or API keys) and always has Noyo credentials. :func:`check_production`
raises :class:`UnsafeConfiguration` listing every missing piece (by setting name, never a value).
"""

from __future__ import annotations

from typing import Any


class UnsafeConfiguration(ValueError):
    """The settings are not fit for production; ``problems`` says what is missing."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("GATEWAY_ENV=production refuses to start: " + "; ".join(problems) + ".")
        self.problems = problems


def _secret(value: Any) -> str:
    getter = getattr(value, "get_secret_value", None)
    return (getter() if getter else value or "").strip()


def production_problems(settings: Any) -> list[str]:
    """Every reason ``settings`` may not run in production (empty outside production)."""
    if getattr(settings, "gateway_env", "development") != "production":
        return []
    problems = []
    if settings.gateway_allow_anonymous:
        problems.append("anonymous access is on (set GATEWAY_ALLOW_ANONYMOUS=false)")
    if not (
        _secret(settings.gateway_jwt_secret) or settings.gateway_jwks_url.strip() or _secret(settings.gateway_api_keys)
    ):
        problems.append(
            "no client authentication is configured (set GATEWAY_JWT_SECRET, GATEWAY_JWKS_URL or GATEWAY_API_KEYS)"
        )
    missing = [
        name
        for name, value in (
            ("NOYO_CLIENT_ID", settings.noyo_client_id),
            ("NOYO_CLIENT_SECRET", settings.noyo_client_secret),
        )
        if not _secret(value)
    ]
    if missing:
        problems.append(f"Noyo credentials are missing (set {' and '.join(missing)})")
    return problems


def check_production(settings: Any) -> None:
    """Raise :class:`UnsafeConfiguration` when ``settings`` are production settings with gaps."""
    problems = production_problems(settings)
    if problems:
        raise UnsafeConfiguration(problems)


__all__ = ["UnsafeConfiguration", "check_production", "production_problems"]
