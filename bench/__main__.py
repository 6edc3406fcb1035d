"""``python -m bench`` (``make bench``): every benchmark suite, one after the other.

A suite is a module ``bench/<name>.py`` defining ``main(argv: list[str] | None = None)``; it
prints its own figures, each ratio measured against a baseline in the same run.
``python -m bench NAME [ARGS...]`` runs one suite with its own arguments.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def suites() -> list[str]:
    """Names of the modules beside this one that define ``main``, sorted."""
    names = []
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("_"):
            continue
        if callable(getattr(importlib.import_module(f"bench.{info.name}"), "main", None)):
            names.append(info.name)
    return sorted(names)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    available = suites()
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in available:
            print(f"unknown suite {name!r}; suites: {', '.join(available)}", file=sys.stderr)
            return 2
        importlib.import_module(f"bench.{name}").main(rest)
        return 0
    started = time.perf_counter()
    for name in available:
        print(f"\n== bench {name} ==", flush=True)
        importlib.import_module(f"bench.{name}").main([])
    print(f"\nall suites in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
