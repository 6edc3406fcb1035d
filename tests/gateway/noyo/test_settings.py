"""Settings come from environment variables named after the fields."""

from __future__ import annotations

import httpx
import pydantic
import pytest

from gateway.noyo import NoyoClient, NoyoUnavailable
from gateway.settings import Settings

from .support import BASE_URL, RecordingTransport


def test_settings_read_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the upstream configured through the environment
    monkeypatch.setenv("NOYO_BASE_URL", "https://fulfillment.noyo.com")
    monkeypatch.setenv("NOYO_CLIENT_ID", "client-7")
    monkeypatch.setenv("NOYO_CLIENT_SECRET", "s3cr3t-value")
    monkeypatch.setenv("NOYO_READ_MAX_ATTEMPTS", "7")
    monkeypatch.setenv("NOYO_TOTAL_TIMEOUT", "12.5")
    monkeypatch.setenv("GATEWAY_CACHE_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("GATEWAY_CACHE_TTL_CARRIERS", "42")

    # when settings are loaded
    settings = Settings()

    # then every value is typed from its variable and the secret stays hidden
    assert settings.noyo_base_url == "https://fulfillment.noyo.com"
    assert settings.noyo_client_id == "client-7"
    assert settings.noyo_client_secret.get_secret_value() == "s3cr3t-value"
    assert settings.noyo_read_max_attempts == 7
    assert settings.noyo_total_timeout == 12.5
    assert settings.gateway_cache_url == "redis://127.0.0.1:6379/0"
    assert settings.gateway_cache_ttl_carriers == 42
    assert "s3cr3t-value" not in repr(settings)


def test_invalid_env_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOYO_READ_MAX_ATTEMPTS", "0")
    with pytest.raises(pydantic.ValidationError):
        Settings()


def test_every_field_is_documented() -> None:
    undocumented = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undocumented == []


async def test_from_settings_applies_retry_settings(monkeypatch: pytest.MonkeyPatch, emulator_app) -> None:
    # given two attempts configured through the environment and a group that always fails
    monkeypatch.setenv("NOYO_BASE_URL", BASE_URL)
    monkeypatch.setenv("NOYO_TOKEN_URL", f"{BASE_URL}/auth/public/token")
    monkeypatch.setenv("NOYO_CLIENT_ID", "demo-client")
    monkeypatch.setenv("NOYO_CLIENT_SECRET", "demo-secret")
    monkeypatch.setenv("NOYO_READ_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("NOYO_RETRY_BACKOFF_BASE", "0")
    group_id = next(iter(emulator_app.state.emulator.groups))
    transport = RecordingTransport(emulator_app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator_app), base_url=BASE_URL) as hooks:
        await hooks.post("/__emulator/faults", json={"path": f"/api/v1/groups/{group_id}", "error_rate": 1.0})

    # when a client built from those settings reads it
    async with NoyoClient.from_settings(Settings(), transport=transport) as client:
        with pytest.raises(NoyoUnavailable):
            await client.get_group(group_id)

    # then it made exactly two attempts
    assert sum(r.url.path == f"/api/v1/groups/{group_id}" for r in transport.requests) == 2
