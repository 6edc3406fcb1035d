"""Seeded-world benchmark: ``python -m bench world [--rounds 15] [--seed 1234]``.

Every emulator test builds a fresh world (``noyo_emulator.world.build_state``), so building one
must stay cheap. Prints the median build time over ``--rounds`` builds (interleaved with the baseline's) against a baseline
measured in the same run: ``copy.deepcopy`` of the world built, the least it costs to produce
those records at all. Target: a build within 0.3 s on this project's 2-core machine, and
within 2 x the copy. (The unit test ``tests/noyo_emulator/test_world.py`` checks the work a
build does, not its time: timings belong here.)
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from collections.abc import Callable
from typing import Any

from noyo_emulator import world
from noyo_emulator.state import DEFAULT_TODAY

TARGET_SECONDS = 0.3
TARGET_RATIO = 2.0
RECORD_TABLES = (
    "carriers", "groups", "connections", "employees", "dependents",
    "group_enrollments", "enrollments", "disconnections", "snapshots",
)


def _medians(fns: list[Callable[[], Any]], rounds: int) -> list[float]:
    """Median seconds of each function, the rounds interleaved (a load change hits both alike)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, spent in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench world", description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args(argv)

    state = world.build_state(args.seed, DEFAULT_TODAY)
    records = sum(len(getattr(state, name)) for name in RECORD_TABLES)
    tables = {name: getattr(state, name) for name in RECORD_TABLES}
    build, baseline = _medians(
        [lambda: world.build_state(args.seed, DEFAULT_TODAY), lambda: copy.deepcopy(tables)], args.rounds
    )
    ratio = build / baseline
    print(f"world of seed {args.seed}: {records} records, median of {args.rounds} rounds")
    print(f"  deepcopy of its records (baseline): {baseline * 1000:7.1f} ms")
    print(f"  build_state:                        {build * 1000:7.1f} ms  ({ratio:.1f} x the baseline)")
    within = build <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print(f"  target <= {TARGET_SECONDS:.1f} s and <= {TARGET_RATIO:.0f} x the copy: {'met' if within else 'MISSED'}")


if __name__ == "__main__":
    main()
