"""``requirements.lock`` pins every distribution the project installs, transitive ones included.

``make lock`` regenerates it (pip-compile) after a change to the pins in ``pyproject.toml``;
``make install`` and the Dockerfile install under it as constraints.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
# Installed by the virtual environment itself, or the project.
NOT_LOCKED = {"pip", "setuptools", "wheel", "noyo-gateway"}
HINT = "run `make lock` after changing pins in pyproject.toml"


def locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]


def test_every_declared_dependency_is_pinned_exactly_and_locked_at_that_version():
    pins = locked()
    for requirement in declared():
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{requirement} is not pinned exactly"
        name = canonicalize_name(requirement.name)
        assert pins.get(name) == specifiers[0].version, f"{requirement}: lock has {pins.get(name)}; {HINT}"


def test_every_installed_distribution_is_in_the_lock_at_its_installed_version():
    pins = locked()
    unlocked = []
    for distribution in importlib.metadata.distributions():
        name = canonicalize_name(distribution.metadata["Name"])
        if name in NOT_LOCKED:
            continue
        if pins.get(name) != distribution.version:
            unlocked.append(f"{name}=={distribution.version} (lock: {pins.get(name)})")
    assert unlocked == [], f"{HINT}: {unlocked}"


def test_the_lock_is_what_installs_and_the_image_use():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-c requirements.lock" in makefile
    assert "COPY pyproject.toml README.md LICENSE requirements.lock" in dockerfile
    assert "-c requirements.lock" in dockerfile
