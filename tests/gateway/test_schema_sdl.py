"""The committed schema.graphql is what the code serves."""

from __future__ import annotations

from pathlib import Path

from gateway.__main__ import main
from gateway.schema import schema

COMMITTED = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_sdl_matches_the_schema() -> None:
    # given the SDL in the repository, when compared with the running schema, then they agree
    assert COMMITTED.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema.graphql is stale: run `make schema` and commit the result"
    )


def test_export_schema_writes_the_sdl(tmp_path: Path) -> None:
    # when the CLI exports the schema, then the file holds the printed schema
    target = tmp_path / "out.graphql"
    assert main(["export-schema", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema.as_str() + "\n"
