"""Pydantic models of cached values, validated once per stored value instead of on every read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
        if len(self._models) >= self.MAX:
            self._models.clear()
        self._models[id(value)] = (value, validated)  # holds ``value``: its id cannot be reused
        return validated


_MEMOS: dict[int, ValidatedModels] = {}


def validator(cache: Any) -> Callable[[type[M], Any], M]:
    """The validation memo of a memory cache, or plain validation for a shared one."""
    if getattr(getattr(cache, "backend", None), "distributed", True):
        return lambda model, value: model.model_validate(value)
    memo = _MEMOS.get(id(cache))
    if memo is None or len(_MEMOS) > 64:
        _MEMOS.clear()
        memo = _MEMOS[id(cache)] = ValidatedModels()
    return memo


__all__ = ["ValidatedModels", "validator"]
