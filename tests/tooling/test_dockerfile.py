"""The Dockerfile: hadolint clean, an exec-form HEALTHCHECK, and no emulator in the production image."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def hadolint() -> str:
    path = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("hadolint not installed (make install)")
        pytest.skip("hadolint not installed")
    return path


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([hadolint(), "--no-color", str(path)], capture_output=True, text=True, timeout=60,
                          check=False)


def stages() -> list[tuple[str, list[str]]]:
    """(stage name, its instruction lines), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("FROM "):
            found.append((line.split(" AS ")[-1].strip() if " AS " in line else "", [line]))
        elif line and not line.startswith("#") and found:
            found[-1][1].append(line)
    return found


def test_hadolint_finds_nothing():
    done = lint(DOCKERFILE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_really_lints(tmp_path: Path):
    # a shell-form CMD is reported (DL3025), so a clean report means something
    broken = tmp_path / "Dockerfile"
    broken.write_text("FROM python:3.11-slim\nCMD noyo-gateway serve\n")
    done = lint(broken)
    assert done.returncode != 0 and "DL3025" in done.stdout


def test_the_healthcheck_is_exec_form_and_probes_healthz():
    healthchecks = [line for _, lines in stages() for line in lines if line.startswith("HEALTHCHECK")]
    assert len(healthchecks) == 1
    command = json.loads(healthchecks[0].split(" CMD ", 1)[1])
    assert isinstance(command, list) and command[0] == "python"
    assert "/healthz" in command[-1]


def test_the_default_image_is_production_without_the_emulator():
    named = dict(stages())
    last_name, last = stages()[-1]
    assert last_name == "production"  # `docker build .` builds the last stage
    copies = [line for line in last if line.startswith("COPY --from=build")]
    assert copies == ["COPY --from=build /gateway-only /usr/local"]
    build = " ".join(named["build"])
    assert "rm -rf /gateway-only/lib/python3.11/site-packages/noyo_emulator" in build
    assert any(line.startswith("USER 10001") for line in last)
    # and the demo image, built on request, has it
    assert "COPY --from=build /install /usr/local" in named["demo"]
    assert any("--demo" in line for line in named["demo"] if line.startswith("CMD"))


def test_demo_mode_without_the_emulator_says_what_to_do(monkeypatch: pytest.MonkeyPatch):
    from gateway import __main__ as cli

    monkeypatch.setitem(sys.modules, "noyo_emulator", None)  # as in the production image
    with pytest.raises(SystemExit, match="production image leaves out"):
        cli._start_demo_emulator("127.0.0.1", 0, 42)
