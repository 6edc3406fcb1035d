"""Group disconnection requests: Noyo's validation rules and status transitions.

Records in ``state.disconnections`` have exactly the shape of
``GroupDisconnectionRequestResult``. Noyo's examples show ``null`` for unset
fields, but its schema declares none of them nullable, so unset optional fields
(``completed``, ``decided``, ``source_date``, and ``effective_end_date`` of a
carrier-sourced request that has none yet) are left out. ``source_id`` is
required and a UUID: a platform request's source is the platform's organization,
so it carries ``organization_id`` there.

Noyo never shows the ``reason`` and ``context`` it is sent, so they are kept in
the side table ``state.disconnection_notes[request_id]`` (one entry per create,
confirm, reject or edit) instead of on the record.

Create checks run in this order: body (422 naming the field), group (404),
carrier (404), protected group (403), connection (422), open request (409).
Both lookups come before the protected-group check: a request naming something
that does not exist is reported as such before any business rule applies.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from ..http import NoyoHTTPError, find_or_404
from ..state import Record, State

STATUSES = ("needs_review", "processing", "completed", "rejected")
OPEN_STATUSES = ("needs_review", "processing")
CREATE_REASONS = (
    "broker_of_record",
    "changed_enrollment_method",
    "lost_group",
    "no_longer_eligible",
    "not_using_connection",
    "other",
    "terminated",
)
DECISION_REASONS = ("connection_restored", "eligibility_restored", "other", "payment_reinstated")
EDIT_STATUSES = ("processing", "rejected")
PROTECTED_MESSAGE = "Protected group disconnection is forbidden without an internal override."

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- body validation ------------------------------------------------------


def _reject_unknown(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise NoyoHTTPError(422, f"{key}: Unknown field.")


def _uuid_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        raise NoyoHTTPError(422, f"{name}: Missing data for required field.")
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else _not_uuid(name)
    except ValueError:
        return _not_uuid(name)


def _not_uuid(name: str) -> str:
    raise NoyoHTTPError(422, f"{name}: Not a valid UUID.")


def parse_date(value: Any, name: str) -> dt.date:
    """A strict ``YYYY-MM-DD`` date, or 422 naming the field."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise NoyoHTTPError(422, f"{name}: Not a valid date (expected YYYY-MM-DD).")


def _future_date(state: State, value: Any) -> str:
    day = parse_date(value, "effective_end_date")
    if day < state.today:
        raise NoyoHTTPError(422, f"effective_end_date: Must not be in the past (today is {state.today.isoformat()}).")
    return day.isoformat()


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise NoyoHTTPError(422, f"{name}: Not a valid string.")
    return value


def _reason(body: dict[str, Any], allowed: tuple[str, ...]) -> str | None:
    value = _optional_string(body, "reason")
    if value is not None and value not in allowed:
        raise NoyoHTTPError(422, f"reason: Must be one of: {', '.join(allowed)}.")
    return value


# -- lookups and business rules --------------------------------------------


def _check_not_protected(state: State, group_id: str) -> None:
    if group_id in state.protected_group_ids:
        raise NoyoHTTPError(403, PROTECTED_MESSAGE)


def _check_connected(state: State, group_id: str, carrier_id: str) -> None:
    connection = state.connection_for(group_id, carrier_id)
    if connection is None:
        raise NoyoHTTPError(422, f"Group {group_id} is not connected to carrier {carrier_id}.")
    if connection.get("status") != "completed":
        raise NoyoHTTPError(
            422,
            f"Group {group_id} cannot be disconnected from carrier {carrier_id}: "
            f"its connection is {connection.get('status')}, not completed.",
        )
    if state.is_disconnected(group_id, carrier_id):
        raise NoyoHTTPError(422, f"Group {group_id} is already disconnected from carrier {carrier_id}.")


def _check_no_open_request(state: State, group_id: str, carrier_id: str, *, except_id: str = "") -> None:
    for other in state.disconnections.values():
        if (
            other["id"] != except_id
            and other.get("group_id") == group_id
            and other["carrier_id"] == carrier_id
            and other["status"] in OPEN_STATUSES
        ):
            raise NoyoHTTPError(
                409,
                f"An open GroupDisconnectionRequest ({other['id']}, status {other['status']}) "
                f"already exists for group {group_id} and carrier {carrier_id}.",
            )


def _note(state: State, record: Record, action: str, reason: str | None, context: str | None) -> None:
    state.disconnection_notes.setdefault(record["id"], []).append(
        {"action": action, "status": record["status"], "reason": reason, "context": context}
    )


def _touch(state: State, record: Record) -> int:
    now = state.now()
    record["version"] = state.new_id()
    record["modified"] = now
    return now


def _set_status(state: State, record: Record, status: str, *, decided: bool) -> None:
    changed = record["status"] != status
    record["status"] = status
    now = _touch(state, record)
    if decided:
        record["decided"] = now
    if changed:
        state.emit("group_disconnection_request.status_change", record["id"])


def _new_record(state: State, group: Record, carrier_id: str, **fields: Any) -> Record:
    now = state.now()
    organization_id = group.get("organization_id")
    record: Record = {
        "id": state.new_id(),
        "version": state.new_id(),
        "created": now,
        "modified": now,
        "organization_id": organization_id,
        "carrier_id": carrier_id,
        "group_id": group["id"],
        "group_name": group.get("name"),
        "source_id": organization_id,
        "source_type": "platform",
        "source_date": None,
        "status": "processing",
        "effective_end_date": None,
        "decided": None,
    }
    record.update(fields)
    if record["status"] != "needs_review":
        record["decided"] = now
    record = {key: value for key, value in record.items() if value is not None}
    state.disconnections[record["id"]] = record
    state.emit("group_disconnection_request.created", record["id"])
    return record


# -- operations -------------------------------------------------------------


def create_platform(state: State, body: dict[str, Any]) -> Record:
    """``POST /group_disconnection_requests``: a platform request, straight to ``processing``."""
    _reject_unknown(body, ("carrier_id", "group_id", "effective_end_date", "reason", "context"))
    carrier_id = _uuid_field(body, "carrier_id")
    group_id = _uuid_field(body, "group_id")
    if body.get("effective_end_date") is None:
        raise NoyoHTTPError(422, "effective_end_date: Missing data for required field.")
    end_date = _future_date(state, body["effective_end_date"])
    reason = _reason(body, CREATE_REASONS)
    context = _optional_string(body, "context")

    group = find_or_404(state.groups, group_id, "Group")
    find_or_404(state.carriers, carrier_id, "Carrier")
    _check_not_protected(state, group_id)
    _check_connected(state, group_id, carrier_id)
    _check_no_open_request(state, group_id, carrier_id)

    record = _new_record(state, group, carrier_id, effective_end_date=end_date)
    _note(state, record, "create", reason, context)
    return record


def create_carrier_sourced(
    state: State, group_id: str, carrier_id: str, effective_end_date: str | None = None
) -> Record:
    """The ``needs_review`` request Noyo opens from a carrier signal; the platform must decide.

    Raises ``NoyoHTTPError``: 404 unknown group or carrier, 422 not connected or a
    malformed date (a past date is accepted: carriers report terminations late),
    409 when an open request exists for the same group and carrier.
    """
    end_date = None
    if effective_end_date is not None:
        end_date = parse_date(effective_end_date, "effective_end_date").isoformat()
    group = find_or_404(state.groups, group_id, "Group")
    find_or_404(state.carriers, carrier_id, "Carrier")
    _check_connected(state, group_id, carrier_id)
    _check_no_open_request(state, group_id, carrier_id)
    record = _new_record(
        state,
        group,
        carrier_id,
        status="needs_review",
        source_type="carrier",
        source_id=state.new_id(),
        source_date=state.today.isoformat(),
        effective_end_date=end_date,
    )
    _note(state, record, "create", None, None)
    return record


def _require_status(record: Record, action: str, allowed: tuple[str, ...]) -> None:
    if record["status"] not in allowed:
        raise NoyoHTTPError(
            409,
            f"GroupDisconnectionRequest {record['id']} cannot be {action}: "
            f"its status is {record['status']}, expected {' or '.join(allowed)}.",
        )


def _end_date_for_processing(state: State, record: Record, body: dict[str, Any]) -> str:
    """The date a request going to ``processing`` will carry: given, else the stored one."""
    if body.get("effective_end_date") is not None:
        return _future_date(state, body["effective_end_date"])
    if record.get("effective_end_date") is None:
        raise NoyoHTTPError(422, "effective_end_date: Required because the request has none set.")
    return _future_date(state, record["effective_end_date"])


def confirm(state: State, record: Record, body: dict[str, Any]) -> Record:
    """``PUT .../{id}/confirm``: ``needs_review`` -> ``processing``."""
    _reject_unknown(body, ("effective_end_date",))
    _require_status(record, "confirmed", ("needs_review",))
    end_date = _end_date_for_processing(state, record, body)
    _check_not_protected(state, record["group_id"])
    record["effective_end_date"] = end_date
    _set_status(state, record, "processing", decided=True)
    _note(state, record, "confirm", None, None)
    return record


def reject(state: State, record: Record, body: dict[str, Any]) -> Record:
    """``PUT .../{id}/reject``: ``needs_review`` -> ``rejected``."""
    _reject_unknown(body, ("reason", "context"))
    reason = _reason(body, DECISION_REASONS)
    context = _optional_string(body, "context")
    _require_status(record, "rejected", ("needs_review",))
    _set_status(state, record, "rejected", decided=True)
    _note(state, record, "reject", reason, context)
    return record


def edit(state: State, record: Record, version: str, body: dict[str, Any]) -> Record:
    """``PUT .../{id}/{version}``: fix a rejected request, change a date, or reject.

    Editable: ``needs_review``, ``processing`` and ``rejected`` (409 for ``completed``);
    the version in the path must be the current one (409 otherwise).
    """
    if version != record["version"]:
        raise NoyoHTTPError(
            409,
            f"Version {version} of GroupDisconnectionRequest {record['id']} is stale: "
            "the current version is different. Fetch the request and retry.",
        )
    _reject_unknown(body, ("status", "effective_end_date", "reason", "context"))
    status = body.get("status")
    if status is None:
        raise NoyoHTTPError(422, "status: Missing data for required field.")
    if status not in EDIT_STATUSES:
        raise NoyoHTTPError(422, f"status: Must be one of: {', '.join(EDIT_STATUSES)}.")
    reason = _reason(body, DECISION_REASONS)
    context = _optional_string(body, "context")
    _require_status(record, "edited", ("needs_review", "processing", "rejected"))

    end_date: str | None
    if status == "processing":
        end_date = _end_date_for_processing(state, record, body)
        if record["status"] != "processing":
            _check_not_protected(state, record["group_id"])
            _check_connected(state, record["group_id"], record["carrier_id"])
            _check_no_open_request(state, record["group_id"], record["carrier_id"], except_id=record["id"])
    elif body.get("effective_end_date") is not None:
        end_date = _future_date(state, body["effective_end_date"])
    else:
        end_date = record.get("effective_end_date")

    if end_date is not None:
        record["effective_end_date"] = end_date
    _set_status(state, record, status, decided=True)
    _note(state, record, "edit", reason, context)
    return record


def tick(state: State) -> None:
    """Complete every ``processing`` request whose ``effective_end_date`` has arrived."""
    today = state.today.isoformat()
    due = [
        r
        for r in state.disconnections.values()
        if r["status"] == "processing" and r.get("effective_end_date", "9999-12-31") <= today
    ]
    for record in sorted(due, key=lambda r: (r["created"], r["id"])):
        record["status"] = "completed"
        record["completed"] = _touch(state, record)
        state.emit("group_disconnection_request.status_change", record["id"])
