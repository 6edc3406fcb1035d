"""The change message: what the event pipeline publishes once per accepted Noyo event."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

#: The bus channel every replica's subscriptions consume.
CHANGES = "changes"

#: ``Change.kind`` values, one per Noyo record type that webhooks announce.
KINDS = ("disconnection_request", "member_snapshot", "group", "group_connection")


@dataclass(frozen=True)
class Change:
    """A record Noyo changed, refetched by the event pipeline (latest state wins).

    ``status`` is Noyo's status after the change and ``previous_status`` what the gateway's
    cache held before, when known (``reviewQueueChanged`` tells "entered" from "left" with
    them). ``record`` is Noyo's JSON of the refetched record, ``None`` when it no longer exists.
    """

    kind: str
    id: str
    event_type: str
    event_id: str | None = None
    group_id: str | None = None
    carrier_id: str | None = None
    employee_id: str | None = None
    status: str | None = None
    previous_status: str | None = None
    record: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown change kind {self.kind!r}")

    def to_message(self) -> dict[str, Any]:
        """A JSON object for :meth:`gateway.events.Bus.publish`."""
        return asdict(self)

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Change:
        """The change a bus message carries (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in message.items() if k in names})


__all__ = ["CHANGES", "KINDS", "Change"]
