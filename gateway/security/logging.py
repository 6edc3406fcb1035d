"""Logs without PHI or secrets: a redacting log-record factory, request ids and JSON lines.

The first line of defence is that the gateway never logs request bodies, variables or
upstream bodies. This module is the safety net behind it: ``install_redaction()`` wraps
the process's log-record factory so EVERY record (ours, uvicorn's, httpx's, any handler,
pytest's caplog included) is redacted when it is created:

- SSNs (``NNN-NN-NNNN`` and bare 9-digit numbers) -> ``[SSN]``;
- ISO dates ``YYYY-MM-DD`` (dates of birth look like any other date) -> ``[DATE]``;
- values of personal keys (``first_name``, ``last_name``, ``ssn``, ``date_of_birth``,
  address parts, email, phone, in ``key=value``, ``"key": "value"`` and ``'key': 'value'``
  forms) -> ``[REDACTED]``;
- bearer tokens, API keys, JWTs and client secrets -> ``[REDACTED]``.

The message is rendered and redacted at creation (``record.args`` are dropped) and an
attached exception's text is redacted too. ``request_id_var`` (set by the security
middleware) is stamped on every record as ``record.request_id``, and the current OpenTelemetry
span as ``record.trace_id`` / ``record.span_id`` (when there is one); ``JsonFormatter``
writes one JSON object per line.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import re
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import orjson
from opentelemetry import trace

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("gateway_request_id", default=None)

PERSONAL_KEYS = (
    "first_name|last_name|middle_name|maiden_name|suffix|full_name|name|firstName|lastName|middleName|"
    "ssn|social_security_number|date_of_birth|dateOfBirth|dob|birth_date|"
    "street_one|street_two|streetOne|streetTwo|address|home_address|mailing_address|city|zip_code|zipCode|county|"
    "email|email_address|phone|phone_number|"
    "password|secret|client_secret|access_token|token|api_key|authorization"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(Bearer|ApiKey|Basic)\s+[A-Za-z0-9._~+/=-]+", re.I), r"\1 [REDACTED]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[JWT]"),
    # "key": "value" / 'key': 'value' / key=value / key: value (personal and secret keys)
    (
        re.compile(rf"""(["']?\b(?:{PERSONAL_KEYS})\b["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}}\]]+)""", re.I),
        r"\1[REDACTED]",
    ),
    (re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)"), "[SSN]"),
    (re.compile(r"(?<!\d)\d{9}(?!\d)"), "[SSN]"),
    (re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"), "[DATE]"),
]


_FOUR_DIGITS = re.compile(r"\d{4}")
_CREDENTIAL_WORDS = ("bearer", "apikey", "basic")


def _may_match(text: str) -> tuple[bool, ...]:
    """Per pattern, whether it can match ``text`` at all (cheap tests; replacements only ever
    insert marker text, so what cannot match the original cannot match after them either)."""
    lower = text.lower()
    digits = _FOUR_DIGITS.search(text) is not None
    return (
        any(word in lower for word in _CREDENTIAL_WORDS),
        "eyJ" in text,
        ":" in text or "=" in text,
        digits,
        digits,
        digits,
    )


def redact(text: str) -> str:
    """``text`` with PHI and secrets replaced (see module docstring)."""
    for (pattern, replacement), possible in zip(_PATTERNS, _may_match(text)):
        if possible:
            text = pattern.sub(replacement, text)
    return text


_installed: Callable[..., logging.LogRecord] | None = None
_INVALID_SPAN = trace.INVALID_SPAN  # no span: nothing to format


def _stamp(record: logging.LogRecord) -> logging.LogRecord:
    """Redact ``record`` and stamp the request id and trace ids on it (see the module docstring)."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string must not break logging
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    record.redacted = record.msg  # while msg is this very string, formatters need not redact it again
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
        record.exc_info = None  # formatters use the redacted exc_text
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    _stamp_context(record.__dict__)
    return record


def _stamp_context(values: dict[str, Any]) -> None:
    """The request id and the current span's trace and span ids, into a record's ``values``."""
    values["request_id"] = request_id_var.get()
    span = trace.get_current_span()
    context = None if span is _INVALID_SPAN else span.get_span_context()
    if context is None or not context.is_valid:
        values["trace_id"] = values["span_id"] = None
    else:
        values["trace_id"] = format(context.trace_id, "032x")
        values["span_id"] = format(context.span_id, "016x")


_TEMPLATES: dict[tuple[str, int, int, int], dict[str, Any]] = {}
_LOGGING_STARTED: float = getattr(logging, "_startTime", time.time())  # what relativeCreated counts from
_pid = [os.getpid()]  # os.getpid() is a system call: this process's, renewed in a forked child
os.register_at_fork(after_in_child=lambda: _pid.__setitem__(0, os.getpid()))
_REDACTED: dict[str, str] = {}  # quick records' messages, redacted (the access line's repeat)
REDACTED_MEMO_ENTRIES = 1024


def _redacted(message: str) -> str:
    """``redact(message)``, remembered for messages that come again (bounded; then forgotten
    all at once): an access line's message is method, path, status and duration."""
    found = _REDACTED.get(message)
    if found is None:
        found = redact(message)
        if len(_REDACTED) >= REDACTED_MEMO_ENTRIES:
            _REDACTED.clear()
        _REDACTED[message] = found
    return found


def quick_record(logger: logging.Logger, level: int, message: str, **attributes: Any) -> logging.LogRecord:
    """The record ``logger.log(level, message, extra=attributes)`` would make, redacted and
    stamped, for a line written on every request (the access line): what does not change from
    one record to the next (names, process and thread, no caller since none is looked up) is
    taken from a record made once per logger, level, process and thread. When a log-record
    factory other than the redacting one is installed, it makes the record as usual."""
    if logging.getLogRecordFactory() is not _installed:
        return logger.makeRecord(logger.name, level, "(unknown file)", 0, message, (), None, extra=attributes)
    key = (logger.name, level, _pid[0], threading.get_ident())
    template = _TEMPLATES.get(key)
    if template is None:
        made = logger.makeRecord(logger.name, level, "(unknown file)", 0, "", (), None)
        template = {k: v for k, v in vars(made).items() if k not in _PER_RECORD}
        template.update(args=None, exc_info=None, exc_text=None, stack_info=None)
        _TEMPLATES[key] = template
    record = logging.LogRecord.__new__(logging.LogRecord)
    values = record.__dict__
    values.update(template)
    values.update(attributes)
    now = time.time()
    values["created"] = now
    values["msecs"] = int(now * 1000) % 1000 + 0.0
    values["relativeCreated"] = (now - _LOGGING_STARTED) * 1000
    # what ``_stamp`` does, for a record with no arguments, exception or stack
    values["msg"] = values["redacted"] = _redacted(message)
    _stamp_context(values)
    return record


_PER_RECORD = frozenset(
    {
        "msg",
        "args",
        "created",
        "msecs",
        "relativeCreated",
        "request_id",
        "trace_id",
        "span_id",
        "exc_info",
        "exc_text",
        "redacted",
    }
)


def install_redaction() -> None:
    """Redact every log record of this process at creation (idempotent)."""
    global _installed
    current = logging.getLogRecordFactory()
    if _installed is not None and current is _installed:
        return
    base = current

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _stamp(base(*args, **kwargs))

    _installed = factory
    logging.setLogRecordFactory(factory)
    # httpx logs whole URLs, query strings (search terms) included; gateway.noyo logs path templates.
    logging.getLogger("httpx").setLevel(logging.WARNING)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        access = getattr(record, "access", None)
        entry: dict[str, Any] = {
            # an access line brings its own time (UTC, milliseconds)
            "time": None if isinstance(access, dict) else self._time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.msg
            if record.__dict__.get("redacted") is record.msg and not record.args
            else redact(record.getMessage()),
        }
        if isinstance(access, dict):  # gateway.access: the request's fields, built without PHI
            entry.update(access)
        request_id = getattr(record, "request_id", None)
        if request_id and "request_id" not in entry:
            entry["request_id"] = request_id
        for ids in ("trace_id", "span_id"):  # the OpenTelemetry trace the record was written in
            value = getattr(record, ids, None)
            if value:
                entry[ids] = value
        if record.exc_text:
            entry["exception"] = redact(record.exc_text)
        elif record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(entry, default=str).decode()

    def _time(self, record: logging.LogRecord) -> str:
        return (
            self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}" + self.formatTime(record, "%z")
        )


class LineHandler(logging.StreamHandler):
    """``StreamHandler`` doing in one step what it does in several (filter, lock, format,
    write, flush): the server writes a line per request (the access line). Same output.

    Lines handled on a thread running an event loop are written together, in order, at the end
    of that loop iteration (one write and flush for every request answered in it, instead of a
    system call each); a line from anywhere else, and ``flush()`` (which ``logging.shutdown``
    calls at exit), write what waits at once, so nothing is lost at shutdown."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__(stream)
        self._waiting: list[str] = []
        self._flush_on: asyncio.AbstractEventLoop | None = None  # the loop a write is scheduled on
        self._flush_thread = 0  # the thread that loop runs in

    def handle(self, record: logging.LogRecord) -> bool:
        if self.filters:  # filters may change or drop the record: the usual way
            return bool(super().handle(record))
        try:
            line = self.formatter.format(record) if self.formatter is not None else self.format(record)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - logging never raises into the caller
            self.handleError(record)
            return True
        with self.lock:  # type: ignore[union-attr]
            self._waiting.append(line)
            thread = threading.get_ident()
            scheduled = self._flush_on
            if scheduled is not None and self._flush_thread == thread and not scheduled.is_closed():
                return True  # this iteration's write is scheduled already (its loop runs in this thread)
            # asking for the running loop costs a system call (getpid): once per iteration, not per line
            loop = asyncio._get_running_loop()
            if loop is not None and not loop.is_closed():
                self._flush_on, self._flush_thread = loop, thread
                loop.call_soon(self._write_waiting)
                return True
        self._write_waiting()
        return True

    def emit(self, record: logging.LogRecord) -> None:
        self._write_waiting()  # what waits goes first: lines keep their order
        super().emit(record)

    def _write_waiting(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            lines, self._waiting, self._flush_on = self._waiting, [], None
            if not lines:
                return
            try:
                stream = self.stream
                stream.write(self.terminator.join(lines) + self.terminator)
                if hasattr(stream, "flush"):
                    stream.flush()
            except RecursionError:
                raise
            except Exception:  # noqa: BLE001 - logging never raises into the caller
                self.handleError(logging.makeLogRecord({"msg": "log lines could not be written"}))

    def flush(self) -> None:
        self._write_waiting()
        super().flush()


def configure_logging(level: str | int = "INFO", *, json_lines: bool = True) -> None:
    """Root logging for the server process: redaction on, JSON lines (or plain text) on stderr."""
    install_redaction()
    handler = LineHandler()
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if isinstance(level, str) else level)
    # No record of ours names its source line, and looking it up walks the caller's stack on
    # every record (one per request, the access line): the logging documentation's own advice.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False  # nor do they name threads


__all__ = [
    "JsonFormatter",
    "LineHandler",
    "configure_logging",
    "install_redaction",
    "quick_record",
    "redact",
    "request_id_var",
]
