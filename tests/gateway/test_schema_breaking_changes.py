"""A breaking schema change needs an entry in docs/schema-changelog.md.

The baseline is ``schema.graphql`` as committed where this branch meets ``main`` (the schema
clients have now); the check runs on every change before it lands.
"""

from __future__ import annotations

import pathlib
import subprocess

import pytest
from graphql import build_schema

from gateway.schema.compat import unlisted_breaking_changes
from gateway.schema.schema import schema

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHANGELOG = ROOT / "docs" / "schema-changelog.md"


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


def baseline_sdl() -> str:
    try:
        base = _git("merge-base", "HEAD", "main").strip()
        return _git("show", f"{base}:schema.graphql")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no git history with a main branch: nothing to compare the schema with")


def test_every_breaking_change_since_main_has_a_changelog_entry():
    # given the schema clients have (main) / when compared with this schema / then each break is listed
    assert unlisted_breaking_changes(baseline_sdl(), schema._schema, CHANGELOG.read_text()) == []


OLD = '"""R."""\ntype Query {\n  """A."""\n  a: Int\n  """B."""\n  b: String\n}\n'
NEW = build_schema('"""R."""\ntype Query {\n  """A."""\n  a: String\n  """C."""\n  c: Int\n}\n')


def test_a_removed_field_and_a_changed_type_need_entries():
    assert set(unlisted_breaking_changes(OLD, NEW, "nothing here")) == {
        "FIELD_CHANGED_KIND: Field Query.a changed type from Int to String.",
        "FIELD_REMOVED: Field Query.b was removed.",
    }


def test_an_entry_naming_the_field_covers_its_change():
    assert unlisted_breaking_changes(OLD, NEW, "- `Query.a`: now a String\n- `Query.b` removed") == []


def test_adding_is_not_breaking():
    assert unlisted_breaking_changes('"""R."""\ntype Query {\n  """A."""\n  a: Int\n}\n',
                                     build_schema(OLD), "") == []


def test_a_removed_type_is_named_by_its_name():
    old = '"""R."""\ntype Query {\n  """A."""\n  a: Int\n}\n"""E."""\nenum Gone {\n  """X."""\n  X\n}\n'
    new = build_schema('"""R."""\ntype Query {\n  """A."""\n  a: Int\n}\n')
    assert unlisted_breaking_changes(old, new, "") == ["TYPE_REMOVED: Gone was removed."]
    assert unlisted_breaking_changes(old, new, "- `Gone` was removed") == []
