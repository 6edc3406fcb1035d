"""``noyo-gateway serve``: an app factory per worker process, uvloop and httptools."""

from __future__ import annotations

import os

import pytest
from starlette.applications import Starlette

from gateway import __main__ as cli
from gateway.app import app_factory


def test_serve_runs_the_app_factory_in_n_workers_on_uvloop_and_httptools(monkeypatch):
    # given: uvicorn replaced by a recorder
    calls = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: calls.append((app, options)))
    monkeypatch.setenv("GATEWAY_CACHE_URL", "redis://127.0.0.1:6379/0")

    # when
    assert cli.main(["serve", "--workers", "2", "--port", "8123"]) == 0

    # then: an import string every worker process resolves itself
    (app, options), = calls
    assert app == "gateway.app:app_factory" and options["factory"] is True
    assert options["workers"] == 2 and options["loop"] == "uvloop" and options["http"] == "httptools"


def test_one_worker_serves_the_app_built_in_process_on_uvloop_and_httptools(monkeypatch):
    calls = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: calls.append((app, options)))
    assert cli.main(["serve", "--port", "8123"]) == 0
    (app, options), = calls
    assert isinstance(app, Starlette) and options["factory"] is False
    assert options["loop"] == "uvloop" and options["http"] == "httptools"


def test_the_demo_hands_its_settings_to_the_workers_through_the_environment(monkeypatch):
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: None)
    monkeypatch.setattr(cli, "_start_demo_emulator", lambda *args, **kwargs: None)
    for name in [*cli.DEMO_SETTINGS, "gateway_webhook_secrets"]:
        monkeypatch.delenv(name.upper(), raising=False)
    assert cli.main(["serve", "--demo", "--emulator-port", "8199"]) == 0
    assert os.environ["NOYO_BASE_URL"] == "http://127.0.0.1:8199"
    assert os.environ["NOYO_CLIENT_SECRET"] == cli.DEMO_CLIENT_SECRET
    assert os.environ["GATEWAY_ALLOW_ANONYMOUS"] == "True"


def test_the_app_factory_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GATEWAY_CACHE_NAMESPACE", "factory-test")
    app = app_factory()
    assert isinstance(app, Starlette)
    assert app.state.settings.gateway_cache_namespace == "factory-test"


@pytest.fixture(autouse=True)
def _restore_logging():
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:], root.level = handlers, level
