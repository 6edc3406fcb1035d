"""Reading the warnings and fulfillment errors of a Noyo member snapshot.

Noyo serves them as plain text (``OutboundMemberSnapshot.warnings``,
``CarrierFulfillmentStatus.errors``) and documents no codes for them. Its texts name
carriers and members by id and coverages by ``line_of_coverage`` value and
``individual_type`` (``dental for dependent <id>``), never by a person's name.
``read_message`` recognises the texts of omitted coverage handling and of carriers
that are not connected; any other text is ``UNKNOWN``, kept as Noyo wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MISSING_ACTIVE_COVERAGE = "missing_active_coverage"
OMITTED_COVERAGE_CONTINUED = "omitted_coverage_continued"
CARRIER_NOT_CONNECTED = "carrier_not_connected"
UNKNOWN = "unknown"

_UUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
_COVERAGE = re.compile(rf"\b([a-z_]+) for (employee|dependent) ({_UUID})")
_MISSING = re.compile(
    rf"(?:Changes for carrier (?P<carrier>{_UUID}) were canceled\. )?"
    r"This snapshot is missing the following active coverages: (?P<listed>[^.]*)\."
)
_CONTINUED = re.compile(rf"Omitted active coverage left unchanged: (?P<listed>.*) at carrier (?P<carrier>{_UUID})\.")
_NOT_CONNECTED = re.compile(rf"Carrier (?P<carrier>{_UUID}) is not connected for this group\b")


@dataclass(frozen=True)
class NamedCoverage:
    """A member's coverage on one line, as a Noyo text names it."""

    line_of_coverage: str
    individual_type: str
    individual_id: str


@dataclass(frozen=True)
class Notice:
    """One Noyo warning or fulfillment error: what it is about, beside Noyo's text."""

    kind: str
    message: str
    carrier_id: str | None = None
    coverages: tuple[NamedCoverage, ...] = ()


def _coverages(listed: str) -> tuple[NamedCoverage, ...]:
    return tuple(NamedCoverage(line, kind, member) for line, kind, member in _COVERAGE.findall(listed))


def read_message(message: str, carrier_id: str | None = None) -> Notice:
    """What ``message`` says; ``carrier_id`` is the carrier of a fulfillment entry's error."""
    if found := _MISSING.match(message):
        carrier = found.group("carrier") or carrier_id
        return Notice(MISSING_ACTIVE_COVERAGE, message, carrier, _coverages(found.group("listed")))
    if found := _CONTINUED.match(message):
        return Notice(OMITTED_COVERAGE_CONTINUED, message, found.group("carrier"), _coverages(found.group("listed")))
    if found := _NOT_CONNECTED.match(message):
        return Notice(CARRIER_NOT_CONNECTED, message, found.group("carrier"))
    return Notice(UNKNOWN, message, carrier_id)


__all__ = [
    "CARRIER_NOT_CONNECTED",
    "MISSING_ACTIVE_COVERAGE",
    "OMITTED_COVERAGE_CONTINUED",
    "UNKNOWN",
    "NamedCoverage",
    "Notice",
    "read_message",
]
