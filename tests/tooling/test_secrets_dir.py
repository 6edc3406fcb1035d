"""``GATEWAY_SECRETS_DIR``: settings from one file per variable, as a mounted Kubernetes Secret gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import SECRETS_DIR_VARIABLE, Settings


def test_settings_are_read_from_files_named_like_their_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # given: a mounted Secret (trailing newlines are common in such files)
    (tmp_path / "NOYO_CLIENT_SECRET").write_text("from-a-file\n")
    (tmp_path / "GATEWAY_CACHE_URL").write_text("redis://:pw@redis:6379/0")
    monkeypatch.setenv(SECRETS_DIR_VARIABLE, str(tmp_path))
    monkeypatch.delenv("NOYO_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("GATEWAY_CACHE_URL", raising=False)

    settings = Settings()

    assert settings.noyo_client_secret.get_secret_value() == "from-a-file"
    assert settings.gateway_cache_url == "redis://:pw@redis:6379/0"


def test_environment_variables_win_over_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "NOYO_CLIENT_ID").write_text("file-id")
    monkeypatch.setenv(SECRETS_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setenv("NOYO_CLIENT_ID", "env-id")
    assert Settings().noyo_client_id == "env-id"


def test_without_the_variable_no_folder_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "NOYO_CLIENT_ID").write_text("file-id")
    monkeypatch.delenv(SECRETS_DIR_VARIABLE, raising=False)
    monkeypatch.delenv("NOYO_CLIENT_ID", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings().noyo_client_id == ""
