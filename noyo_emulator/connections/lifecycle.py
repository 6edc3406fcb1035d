"""Group connections requested through the API: creation, retry and the clock ``tick``.

A connection requested for an existing group (``POST /groups/{group_id}/group_connections``)
starts ``created``; one day later it is ``processing``, two days later ``completed``. A
retry (``PUT /group_connections/{id}/retry``) is allowed for a connection that failed
(``action_required`` or ``unable_to_connect``): it goes back to ``processing`` and completes
two days later. Seeded connections never move. Every change emits
``group_connection_request.status_change``; creation emits ``group_connection_request.created``.
"""

from __future__ import annotations

from typing import Any

from ..http import NoyoHTTPError, find_or_404
from ..state import Record, State

RETRYABLE = ("action_required", "unable_to_connect")
OPEN = ("created", "processing", "noyo_review", "waiting_on_carrier", "carrier_authorization", "completed")
GROUP_DATA_FIELDS = ("carrier_group_id", "broker_federal_ein", "broker_tin", "employer_email_address")


def _group_data(body: dict[str, Any], required: bool) -> dict[str, str]:
    data: Any = body.get("group_data") if required else body
    if required and not isinstance(data, dict):
        raise NoyoHTTPError(422, "group_data: Missing data for required field.")
    found = {k: data[k] for k in GROUP_DATA_FIELDS if isinstance(data.get(k), str) and data[k].strip()}
    if required and "carrier_group_id" not in found:
        raise NoyoHTTPError(422, "group_data.carrier_group_id: Missing data for required field.")
    return found


def create(state: State, group_id: str, body: dict[str, Any]) -> Record:
    """A new connection of an existing group with a carrier (``created``)."""
    group = find_or_404(state.groups, group_id, "Group")
    carrier_id = body.get("carrier_id")
    if not isinstance(carrier_id, str):
        raise NoyoHTTPError(422, "carrier_id: Missing data for required field.")
    find_or_404(state.carriers, carrier_id, "Carrier")
    data = _group_data(body, required=True)
    for existing in state.connections.values():
        if existing.get("group_id") == group_id and existing["carrier_id"] == carrier_id and existing["status"] in OPEN:
            raise NoyoHTTPError(
                409,
                f"carrier_id: Group {group_id} already has a group connection with "
                f"carrier {carrier_id} ({existing['id']})",
            )
    now = state.now()
    record: dict[str, Any] = {
        "id": state.new_id(),
        "version": state.new_id(),
        "created": now,
        "modified": now,
        "carrier_id": carrier_id,
        "group_id": group_id,
        "organization_id": group.get("organization_id"),
        "federal_ein": group.get("federal_ein"),
        "request_type": "existing_group",
        "status": "created",
        "group_data": {**data, "group_name": group["name"]},
        "setup_data": {},
        "setup_metadata": {},
        "setup_result": {},
    }
    state.connections[record["id"]] = record
    state.connection_starts[record["id"]] = state.today
    state.emit("group_connection_request.created", record["id"])
    return record


def retry(state: State, connection_id: str, body: dict[str, Any]) -> Record:
    """Retry a failed connection (optionally with corrected group data): back to ``processing``."""
    record = find_or_404(state.connections, connection_id, "GroupConnection")
    if record["status"] not in RETRYABLE:
        raise NoyoHTTPError(
            409,
            f"status: Group connection {connection_id} is {record['status']}; "
            f"only {' or '.join(RETRYABLE)} connections can be retried",
        )
    record["group_data"] = {**record["group_data"], **_group_data(body, required=False)}
    state.connection_starts[connection_id] = state.today
    _move(state, record, "processing")
    return record


def _move(state: State, record: Record, status: str) -> None:
    record["status"] = status
    record["version"] = state.new_id()
    record["modified"] = state.now()
    if status == "completed":
        record["completed"] = record["modified"]
    state.emit("group_connection_request.status_change", record["id"])


def tick(state: State) -> None:
    """Advance every connection requested or retried through the API to the status its age calls for."""
    for connection_id, start in sorted(state.connection_starts.items(), key=lambda kv: (kv[1], kv[0])):
        record = state.connections.get(connection_id)
        if record is None or record["status"] not in ("created", "processing"):
            continue
        age = (state.today - start).days
        if age >= 2:
            _move(state, record, "completed")
        elif age >= 1 and record["status"] == "created":
            _move(state, record, "processing")
