"""GATEWAY_ENV=production refuses to start on unsafe settings, saying what is missing."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from gateway.__main__ import main
from gateway.app import create_app
from gateway.security.production import UnsafeConfiguration
from gateway.settings import Settings

SAFE = {
    "gateway_env": "production",
    "gateway_allow_anonymous": False,
    "gateway_jwt_secret": SecretStr("s" * 32),
    "noyo_client_id": "client",
    "noyo_client_secret": SecretStr("secret"),
}


def test_safe_production_settings_start():
    assert create_app(Settings(**SAFE)) is not None


@pytest.mark.parametrize("override, named", [
    ({"gateway_allow_anonymous": True}, "GATEWAY_ALLOW_ANONYMOUS"),
    ({"gateway_jwt_secret": SecretStr("")}, "GATEWAY_JWT_SECRET, GATEWAY_JWKS_URL or GATEWAY_API_KEYS"),
    ({"noyo_client_id": ""}, "NOYO_CLIENT_ID"),
    ({"noyo_client_secret": SecretStr("")}, "NOYO_CLIENT_SECRET"),
])
def test_each_gap_is_refused_and_named(override, named):
    with pytest.raises(UnsafeConfiguration) as caught:
        create_app(Settings(**{**SAFE, **override}))
    assert named in str(caught.value)
    assert "secret" not in str(caught.value).replace("SECRET", "")  # no value is printed


def test_every_gap_is_listed_at_once():
    with pytest.raises(UnsafeConfiguration) as caught:
        create_app(Settings(gateway_env="production", gateway_allow_anonymous=True))
    assert len(caught.value.problems) == 3


def test_development_is_not_held_to_it():
    assert create_app(Settings(gateway_env="development", gateway_allow_anonymous=True)) is not None


def test_the_command_exits_with_the_reason(monkeypatch, capsys):
    monkeypatch.setenv("GATEWAY_ENV", "production")
    monkeypatch.setenv("GATEWAY_ALLOW_ANONYMOUS", "true")
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("must not serve"))
    assert main(["serve"]) == 2
    assert "GATEWAY_ALLOW_ANONYMOUS" in capsys.readouterr().err
