"""``noyo-gateway --version`` prints the installed distribution's version."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

from gateway.__main__ import main
from gateway.noyo.client import USER_AGENT


def test_version_flag_prints_the_distribution_version(capsys: pytest.CaptureFixture[str]):
    # when
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    # then: exit 0 and "noyo-gateway X.Y.Z", the version pip installed
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"noyo-gateway {importlib.metadata.version('noyo-gateway')}"


def test_the_console_script_answers_version_without_a_configuration():
    # the module entry point, as an operator runs it (no Noyo credentials in the environment)
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("noyo-gateway ")


def test_noyo_sees_the_same_version_in_the_user_agent():
    assert USER_AGENT == f"noyo-gateway/{importlib.metadata.version('noyo-gateway')}"
