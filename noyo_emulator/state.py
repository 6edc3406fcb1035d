"""The emulator's whole mutable world: records as Noyo serves them, plus the clock.

Records are stored as the JSON dicts Noyo returns (``GroupResult``,
``GroupDisconnectionRequestResult``, ``OutboundMemberSnapshot``...), keyed by id.
Facts Noyo keeps but never shows (protected groups, which carrier a group
enrollment belongs to) live in side tables. Every domain module reads and writes
this object only; ``tick`` handlers registered by the domain modules run whenever
the clock moves so that statuses progress with it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]
TickHandler = Callable[["State"], None]

OPEN_END_DATE = "9999-12-31"
DEFAULT_TODAY = dt.date(2026, 7, 4)
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID4_SET = (0x8000 << 48) | (0x4000 << 64)


@dataclass
class Fault:
    """An injected fault for request paths matching ``path`` (an fnmatch glob)."""

    path: str
    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    reset_rate: float = 0.0
    retry_after: int | None = None
    # When set, the fault applies only to the next ``count`` matching requests.
    count: int | None = None
    # When set, only requests with this HTTP method match (e.g. "POST").
    method: str | None = None
    # "reset", "502" or "timeout": let the request commit, then lose its answer (drop the
    # connection, answer 502, or answer only after ``latency_ms``, default 30 s).
    after_commit: str | None = None


@dataclass
class State:
    seed: int = 42
    today: dt.date = DEFAULT_TODAY

    carriers: dict[str, Record] = field(default_factory=dict)
    groups: dict[str, Record] = field(default_factory=dict)
    protected_group_ids: set[str] = field(default_factory=set)
    connections: dict[str, Record] = field(default_factory=dict)
    # Internal: connection id -> the day it was requested or retried through the API (clock-driven)
    connection_starts: dict[str, dt.date] = field(default_factory=dict)
    employees: dict[str, Record] = field(default_factory=dict)
    dependents: dict[str, Record] = field(default_factory=dict)  # DependentResult + "employee_id"
    # Internal: id -> {"id", "group_id", "carrier_id", "line_of_coverage", "plan_id"}
    group_enrollments: dict[str, Record] = field(default_factory=dict)
    enrollments: dict[str, Record] = field(default_factory=dict)  # IndividualEnrollmentResult
    disconnections: dict[str, Record] = field(default_factory=dict)
    # Internal: request id -> [{"action", "status", "reason", "context"}] (Noyo never shows these)
    disconnection_notes: dict[str, list[Record]] = field(default_factory=dict)
    snapshots: dict[str, Record] = field(default_factory=dict)  # OutboundMemberSnapshot

    request_counts: dict[str, int] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    tick_handlers: list[TickHandler] = field(default_factory=list)
    # Webhook events waiting for delivery: {"type": ..., "data": {"id": ...}}.
    outbox: list[Record] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = random.Random(f"ids-{self.seed}")
        self._fault_rng = random.Random(f"faults-{self.seed}")
        self._seconds = 0

    # -- identity and time -------------------------------------------------

    def new_id(self) -> str:
        """A UUID4 drawn from the seeded generator: same seed, same ids."""
        # Same result as str(uuid.UUID(int=bits, version=4)), several times faster.
        bits = self._ids.getrandbits(128)
        bits = (bits & _UUID4_CLEAR) | _UUID4_SET
        h = f"{bits:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def now(self) -> int:
        """Epoch seconds on the emulator's clock, strictly increasing within a day."""
        self._seconds += 1
        midnight = dt.datetime.combine(self.today, dt.time(), tzinfo=dt.UTC)
        return int(midnight.timestamp()) + 9 * 3600 + self._seconds

    def set_today(self, today: dt.date) -> None:
        self.today = today
        self._seconds = 0
        self.tick()

    def advance_days(self, days: int) -> None:
        self.set_today(self.today + dt.timedelta(days=days))

    def tick(self) -> None:
        for handler in self.tick_handlers:
            handler(self)

    def emit(self, event_type: str, record_id: str) -> None:
        """Queue a webhook event; the dispatcher (if configured) delivers it."""
        self.outbox.append({"type": event_type, "data": {"id": record_id}})

    # -- faults ------------------------------------------------------------

    def fault_rng(self) -> random.Random:
        return self._fault_rng

    # -- lookups shared by the domains ------------------------------------

    def carrier_of_group_enrollment(self, group_enrollment_id: str) -> str | None:
        ge = self.group_enrollments.get(group_enrollment_id)
        return ge["carrier_id"] if ge else None

    def connection_for(self, group_id: str, carrier_id: str) -> Record | None:
        for conn in self.connections.values():
            if conn.get("group_id") == group_id and conn["carrier_id"] == carrier_id:
                return conn
        return None

    def is_disconnected(self, group_id: str, carrier_id: str) -> bool:
        """True once a disconnection for this group and carrier has completed."""
        return any(
            d["group_id"] == group_id and d["carrier_id"] == carrier_id and d["status"] == "completed"
            for d in self.disconnections.values()
        )

    def family_of(self, employee_id: str) -> list[str]:
        """The employee's id followed by their dependents' ids."""
        deps = [d["id"] for d in self.dependents.values() if d.get("employee_id") == employee_id]
        return [employee_id, *deps]
