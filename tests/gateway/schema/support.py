"""Reading the emulator's seeded world to pick test subjects (never to predict gateway output
beyond what Noyo itself holds)."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette


def world(emulator_app: Starlette) -> Any:
    return emulator_app.state.emulator


def data(result: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` of a GraphQL response that must have succeeded."""
    assert "errors" not in result, result.get("errors")
    return result["data"]


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]
