"""Noyo's reference documents: skipped locally when absent, a failure under CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_documents


def test_present_documents_are_used_whatever_the_environment(tmp_path: Path):
    # given: a folder holding the Fulfillment OpenAPI document
    (tmp_path / "fulfillment-openapi.json").write_text("{}")

    # then: it is handed out, in CI or not
    assert shared_documents(tmp_path, ci=True) == tmp_path
    assert shared_documents(tmp_path, ci=False) == tmp_path


def test_missing_documents_are_skipped_outside_ci(tmp_path: Path):
    assert shared_documents(tmp_path / "absent", ci=False) is None


def test_missing_documents_fail_under_ci(tmp_path: Path):
    # when / then: under CI the absence is a failure, not a skip
    with pytest.raises(pytest.fail.Exception, match="not found"):
        shared_documents(tmp_path / "absent", ci=True)


def test_ci_reads_the_ci_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        shared_documents(tmp_path / "absent")
    monkeypatch.setenv("CI", "false")
    assert shared_documents(tmp_path / "absent") is None

