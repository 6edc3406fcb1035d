"""Reading Noyo to learn whether an in-doubt write was applied (``writes.Reconciler``s).

One per kind of write; each returns the record the write produced, ``None`` when Noyo shows it
was not applied, or raises ``writes.Undecidable`` naming what to check:

- a disconnection request: the ``processing`` request for that group and carrier carrying the
  date sent (Noyo keeps at most one open request per pair, so a second is never made);
- a member snapshot: the employee's (or, for a new employee, the group's) newest snapshot, when
  its ``inbound_snapshot`` (the snapshot exactly as Noyo received it) has the fingerprint of what
  was sent; a matching snapshot that is no longer the newest is undecidable;
- confirm / reject: the request's current status (``processing`` or later / ``rejected``);
- edit: the request's current version: unchanged means not applied; changed and carrying what
  was sent means applied; changed otherwise is undecidable.
"""

from __future__ import annotations

import json
from typing import Any

from gateway.idempotency import fingerprint
from gateway.writes import Reconciler, Undecidable

OPEN_AFTER_CONFIRM = ("processing", "completed")
NEWEST_SNAPSHOTS = 5
PAGE = 100


def _json(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_unset=True)


def disconnection_created(noyo: Any, body: dict[str, Any]) -> Reconciler:
    group_id, carrier_id = body["group_id"], body["carrier_id"]

    async def find() -> dict[str, Any] | None:
        page = await noyo.list_disconnection_requests(
            group_id=group_id, carrier_ids=[carrier_id], status="processing", page_size=20
        )
        found = [
            r
            for r in page.items
            if r.group_id == group_id
            and r.carrier_id == carrier_id
            and str(r.effective_end_date or "") == str(body.get("effective_end_date") or "")
        ]
        if len(found) > 1:
            raise Undecidable(*(f"disconnection request {r.id}" for r in found))
        return _json(found[0]) if found else None

    return Reconciler(find, (f"disconnection requests of group {group_id} at carrier {carrier_id}",))


def connection_created(noyo: Any, group_id: str, body: dict[str, Any]) -> Reconciler:
    """The group's open connection with the carrier, once Noyo has one."""
    carrier_id = body["carrier_id"]

    async def find() -> dict[str, Any] | None:
        page = await noyo.list_group_connections(group_id, page_size=100)
        found = [
            c
            for c in page.items
            if c.carrier_id == carrier_id
            and c.request_type == "existing_group"
            and c.status not in ("action_required", "unable_to_connect")
        ]
        if len(found) > 1:
            raise Undecidable(*(f"group connection {c.id}" for c in found))
        return _json(found[0]) if found else None

    return Reconciler(find, (f"group connections of group {group_id} at carrier {carrier_id}",))


def connection_retried(noyo: Any, connection_id: str) -> Reconciler:
    """The connection, once it left the failed statuses."""

    async def find() -> dict[str, Any] | None:
        current = await noyo.get_connection(connection_id)
        return None if current.status in ("action_required", "unable_to_connect") else _json(current)

    return Reconciler(find, (f"group connection {connection_id}",))


def disconnection_decided(noyo: Any, request_id: str, action: str, body: dict[str, Any]) -> Reconciler:
    """``action`` is ``confirm`` or ``reject``."""
    wanted = OPEN_AFTER_CONFIRM if action == "confirm" else ("rejected",)

    async def find() -> dict[str, Any] | None:
        current = await noyo.get_disconnection_request(request_id)
        date = body.get("effective_end_date")
        if current.status in wanted and (date is None or str(current.effective_end_date) == date):
            return _json(current)
        return None  # still needs review, or decided otherwise: sending again gets Noyo's answer

    return Reconciler(find, (f"disconnection request {request_id}",))


def disconnection_edited(noyo: Any, request_id: str, version: str, body: dict[str, Any]) -> Reconciler:
    async def find() -> dict[str, Any] | None:
        current = await noyo.get_disconnection_request(request_id)
        if current.version == version:
            return None
        date = body.get("effective_end_date")
        if current.status == body.get("status") and (date is None or str(current.effective_end_date) == date):
            return _json(current)
        raise Undecidable(f"disconnection request {request_id} (now at version {current.version})")

    return Reconciler(find, (f"disconnection request {request_id}",))


def snapshot_created(noyo: Any, group_id: str, body: dict[str, Any]) -> Reconciler:
    employee_id = (body.get("employee") or {}).get("id")
    sent = fingerprint(body)
    where = f"employee {employee_id}" if employee_id else f"group {group_id}"

    async def find() -> dict[str, Any] | None:
        filters = {"employee_id": employee_id} if employee_id else {"group_id": group_id}
        page = await noyo.list_member_snapshots(**filters, page_size=PAGE)
        items = list(page.items)
        if page.total and page.total > len(items):  # the order is Noyo's: look at both ends
            last = await noyo.list_member_snapshots(**filters, offset=max(0, page.total - PAGE), page_size=PAGE)
            items += last.items
        newest = sorted({s.id: s for s in items}.values(), key=lambda s: s.created, reverse=True)[:NEWEST_SNAPSHOTS]
        for position, item in enumerate(newest):
            detail = await noyo.get_member_snapshot(item.id)
            if detail.inbound_snapshot is None:
                raise Undecidable(f"member snapshot {item.id}")
            if fingerprint(json.loads(detail.inbound_snapshot)) == sent:
                if position == 0:
                    return _json(detail)
                raise Undecidable(f"member snapshot {item.id}")
            if position == 0 and not employee_id:
                return None  # a new employee's snapshot would be the group's newest
        return None

    return Reconciler(find, (f"member snapshots of {where}",))


__all__ = ["disconnection_created", "disconnection_decided", "disconnection_edited", "snapshot_created"]
