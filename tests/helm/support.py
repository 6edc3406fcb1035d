"""Render the chart with Helm's own engine (helm-python-sdk binds Helm's Go SDK) and scan it.

``render(values)`` returns the manifests as dicts (NOTES.txt apart); ``notes(values)`` the rendered
NOTES.txt; ``checkov_failures(manifests)`` the failed checkov checks, run from the separate
environment ``make tools`` installs (``$CHECKOV``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "noyo-gateway"
RELEASE = "noyo-gateway"
NAMESPACE = "noyo"
KUBERNETES_VERSION = "1.30.0"
DIGEST = "sha256:" + "ab" * 32

# Failed checks that are the operator's choice, documented in the README's Operations section:
# pinning the image by digest (image.digest) and, with it, pulling with IfNotPresent.
OPERATOR_CHOICES = {"CKV_K8S_43", "CKV_K8S_15"}


def chart() -> Any:
    helm = pytest.importorskip("helm_python")
    return helm.Chart.load(str(CHART))


def rendered(values: dict[str, Any] | None = None, *, name: str = RELEASE) -> dict[str, str]:
    """Template path -> rendered text, as ``helm template`` would print them."""
    with chart() as loaded:
        return loaded.render(values or {}, name=name, namespace=NAMESPACE)


def render(values: dict[str, Any] | None = None, *, name: str = RELEASE) -> list[dict[str, Any]]:
    """Every manifest of the release (test hooks included), parsed."""
    return [
        document
        for path, text in sorted(rendered(values, name=name).items())
        if not path.endswith("NOTES.txt")
        for document in yaml.safe_load_all(text)
        if document
    ]


def notes(values: dict[str, Any] | None = None) -> str:
    return next(text for path, text in rendered(values).items() if path.endswith("NOTES.txt"))


def of_kind(manifests: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m for m in manifests if m["kind"] == kind]


def one(manifests: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = of_kind(manifests, kind)
    assert len(found) == 1, f"{len(found)} {kind} manifests"
    return found[0]


def pod_specs(manifests: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(object name, pod spec) of every Deployment and bare Pod."""
    for manifest in manifests:
        if manifest["kind"] == "Deployment":
            yield manifest["metadata"]["name"], manifest["spec"]["template"]["spec"]
        elif manifest["kind"] == "Pod":
            yield manifest["metadata"]["name"], manifest["spec"]


def gateway_container(manifests: list[dict[str, Any]]) -> dict[str, Any]:
    return one(manifests, "Deployment")["spec"]["template"]["spec"]["containers"][0]


def checkov() -> str:
    """The checkov executable; a missing one skips, except under CI where it fails."""
    path = os.environ.get("CHECKOV") or shutil.which("checkov") or ""
    if not path or not Path(path).exists():
        message = "checkov not installed (make tools)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def checkov_failures(manifests: list[dict[str, Any]], tmp_path: Path) -> list[dict[str, Any]]:
    """checkov's failed checks on ``manifests`` (offline: no download of guidelines or policies)."""
    target = tmp_path / "manifests.yaml"
    target.write_text(yaml.safe_dump_all(manifests))
    done = subprocess.run(
        [checkov(), "--file", str(target), "--framework", "kubernetes", "--output", "json", "--skip-download"],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["summary"]["resource_count"] > 0, report["summary"]
    assert report["summary"]["passed"] > 0, report["summary"]  # it really scanned
    return list(report["results"]["failed_checks"])
