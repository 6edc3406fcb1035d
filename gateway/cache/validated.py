"""Pydantic models of cached values, validated once per stored value instead of on every read."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class ValidatedModels:
    """Models validated from the memory cache's stored values, kept per stored object.

    The memory backend hands back the very object it stores, so a value seen before maps to
    the model validated then (models are read-only to resolvers). Redis values are new objects
    on every read: nothing to remember there.
    """

    MAX = 50_000

    def __init__(self) -> None:
        self._models: dict[int, tuple[Any, BaseModel]] = {}

    def __call__(self, model: type[M], value: Any) -> M:
        seen = self._models.get(id(value))
        if seen is not None and seen[0] is value and type(seen[1]) is model:
            return seen[1]
        validated = model.model_validate(value)
        self.remember(value, validated)
        return validated

    def remember(self, value: Any, validated: BaseModel) -> None:
        """``validated`` is the model of ``value`` (its JSON, about to be stored): a freshly fetched
        record is not validated again when read back from the store."""
        if len(self._models) >= self.MAX:
            self._models.clear()
        self._models[id(value)] = (value, validated)  # holds ``value``: its id cannot be reused


class ValidatedContents:
    """Models validated from a shared cache's values, kept per model and content.

    Redis values are new objects on every read; the same content (its JSON bytes, which cost a
    fraction of a validation to produce) maps to the model validated the first time. Keyed by
    content, an entry can never be out of date: a changed record is a different key.
    """

    MAX = 10_000

    def __init__(self) -> None:
        self._models: dict[tuple[type[BaseModel], bytes], BaseModel] = {}

    def __call__(self, model: type[M], value: Any) -> M:
        key = (model, orjson.dumps(value))
        seen = self._models.get(key)
        if seen is not None:
            return seen  # type: ignore[return-value]
        validated = model.model_validate(value)
        self._keep(key, validated)
        return validated

    def remember(self, value: Any, validated: BaseModel) -> None:
        """``validated`` is the model of ``value`` (a freshly fetched record's JSON)."""
        self._keep((type(validated), orjson.dumps(value)), validated)

    def _keep(self, key: tuple[type[BaseModel], bytes], validated: BaseModel) -> None:
        if len(self._models) >= self.MAX:
            self._models.clear()
        self._models[key] = validated


_MEMOS: dict[int, ValidatedModels | ValidatedContents] = {}


def validator(cache: Any) -> ValidatedModels | ValidatedContents:
    """The validation memo of ``cache``: per stored object in memory, per content when shared."""
    memo = _MEMOS.get(id(cache))
    if memo is None or len(_MEMOS) > 64:
        _MEMOS.clear()
        shared = getattr(getattr(cache, "backend", None), "distributed", True)
        memo = _MEMOS[id(cache)] = ValidatedContents() if shared else ValidatedModels()
    return memo


__all__ = ["ValidatedContents", "ValidatedModels", "validator"]
