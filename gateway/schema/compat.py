"""Breaking schema changes, as graphql-core's ``find_breaking_changes`` sees them, against a changelog.

``unlisted_breaking_changes(old_sdl, new_schema, changelog)`` returns the breaking changes
between the two schemas whose description (e.g. ``Group.status changed type from ... to ...``)
the changelog does not mention. The changelog names a change by its description, or by its
subject in backticks (`` `Group.status` `` for a field or argument, `` `GroupPage` `` for a type).
"""

from __future__ import annotations

import re

from graphql import GraphQLSchema, build_schema, find_breaking_changes

_SUBJECT = re.compile(r"\b([A-Z_a-z]\w*(?:\.\w+)+)\b")  # Type.field, Type.field(arg) -> Type.field


def _subjects(description: str) -> list[str]:
    """What a change is about: the ``Type.field`` it names, else the type, value or directive it
    starts with (``DisconnectionEditStatus was removed.``)."""
    dotted = _SUBJECT.search(description)
    if dotted:
        return [dotted.group(1)]
    return description.split(" ")[:1]


def breaking_changes(old_sdl: str, new_schema: GraphQLSchema) -> list[str]:
    """``"<TYPE>: <description>"`` for every breaking change from ``old_sdl`` to ``new_schema``."""
    return [f"{c.type.name}: {c.description}" for c in find_breaking_changes(build_schema(old_sdl), new_schema)]


def unlisted_breaking_changes(old_sdl: str, new_schema: GraphQLSchema, changelog: str) -> list[str]:
    """The breaking changes the changelog does not name (by description or by subject in backticks)."""
    missing = []
    for change in find_breaking_changes(build_schema(old_sdl), new_schema):
        named = change.description in changelog or any(f"`{s}`" in changelog for s in _subjects(change.description))
        if not named:
            missing.append(f"{change.type.name}: {change.description}")
    return missing


__all__ = ["breaking_changes", "unlisted_breaking_changes"]
