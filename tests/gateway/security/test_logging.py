"""No PHI in logs: snapshots with known SSNs, dates of birth, names and addresses go through
every path (success, gateway validation error, Noyo's refusal, Noyo failing) and none of those
values appears in any log record, at DEBUG, from any logger."""

from __future__ import annotations

import asyncio
import copy
import json
import logging

import pytest

from gateway.security.logging import redact
from tests.gateway.write.support import SUBMIT, current_snapshot, families, to_input

from .support import bearer, post

SSN, DOB = "512349876", "1958-11-23"
FIRST, LAST, STREET = "Zebulon", "Quackenbush", "4242 Nightjar Crescent"
SECRETS = (SSN, "512-34-9876", DOB, FIRST, LAST, STREET)


def with_known_phi(snapshot: dict) -> dict:
    snapshot = copy.deepcopy(snapshot)
    person = snapshot["employee"]["person"]
    person.update(ssn=SSN, date_of_birth=DOB, first_name=FIRST, last_name=LAST)
    person.setdefault("home_address", {})["street_one"] = STREET
    return snapshot


def leaks(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [caplog.text] + [r.getMessage() + str(r.exc_text or "") for r in caplog.records]
    return [secret for secret in SECRETS for line in lines if secret in line]


@pytest.fixture
async def family(noyo, emulator_app) -> dict:
    family = families(emulator_app, 1)[0]
    return {**family, "snapshot": with_known_phi(await current_snapshot(noyo, family["employee_id"]))}


@pytest.fixture
def operator(token) -> dict[str, str]:
    return bearer(token(role="operator", scope="phi"))


async def submit(client, headers, group_id: str, snapshot: dict) -> dict:
    variables = {"groupId": group_id, "snapshot": to_input(snapshot)}
    return (await post(client, SUBMIT, variables, headers=headers)).json()


async def test_successful_submission_logs_no_phi(client, operator, family, caplog):
    caplog.set_level(logging.DEBUG)
    body = await submit(client, operator, family["group_id"], family["snapshot"])
    assert body["data"]["submitMemberSnapshot"]["errors"] == [], body
    assert caplog.records, "the request should have logged something (upstream calls at least)"
    assert leaks(caplog) == []


async def test_gateway_validation_error_logs_no_phi(client, operator, family, caplog):
    # given: an SSN-shaped mistake next to the real PHI (rejected by the gateway's own checks)
    caplog.set_level(logging.DEBUG)
    snapshot = copy.deepcopy(family["snapshot"])
    snapshot["employee"]["person"]["ssn"] = "000" + SSN[3:]
    body = await submit(client, operator, family["group_id"], snapshot)
    assert body["data"]["submitMemberSnapshot"]["errors"][0]["code"] == "VALIDATION"
    assert leaks(caplog) == []


async def test_graphql_coercion_error_logs_no_phi(client, operator, family, caplog):
    # given: a date of birth graphql-core cannot parse (its message quotes the value back)
    caplog.set_level(logging.DEBUG)
    snapshot = copy.deepcopy(family["snapshot"])
    snapshot["employee"]["person"]["date_of_birth"] = DOB + "x"
    body = await submit(client, operator, family["group_id"], snapshot)
    assert body.get("errors")
    assert leaks(caplog) == []


async def test_noyo_refusal_logs_no_phi(client, operator, family, caplog):
    # given: an employee id Noyo does not know (Noyo answers 404 naming it)
    caplog.set_level(logging.DEBUG)
    snapshot = copy.deepcopy(family["snapshot"])
    snapshot["employee"]["id"] = "00000000-0000-4000-8000-000000000000"
    body = await submit(client, operator, family["group_id"], snapshot)
    assert body["data"]["submitMemberSnapshot"]["errors"], body
    assert leaks(caplog) == []


async def test_noyo_failure_logs_no_phi(client, operator, family, caplog, hooks):
    # given: Noyo failing every snapshot submission
    await hooks.post("/__emulator/faults", json={"path": "/api/v1/groups/*/member_snapshots", "error_rate": 1.0})
    caplog.set_level(logging.DEBUG)
    body = await submit(client, operator, family["group_id"], family["snapshot"])
    assert body["data"]["submitMemberSnapshot"]["errors"][0]["code"].startswith("UPSTREAM"), body
    assert leaks(caplog) == []


def test_redaction_safety_net():
    # a log line that, by mistake, carries personal data and credentials
    line = (
        f'body={{"first_name": "{FIRST}", "ssn": "{SSN}", "date_of_birth": "{DOB}"}} '
        "ssn 512-34-9876 Authorization: Bearer abc.def.ghi token eyJhbGciOi.eyJzdWIiOi.sig"
    )
    cleaned = redact(line)
    for secret in (*SECRETS, "abc.def.ghi", "eyJhbGciOi"):
        assert secret not in cleaned


def test_the_json_line_redacts_a_message_changed_after_the_record_was_made():
    from gateway.security.logging import JsonFormatter, install_redaction, quick_record

    # given: records made by the redacting factory (as usual, and the access line's quick way)
    install_redaction()
    logger = logging.getLogger("gateway.test.redaction")
    made = logger.makeRecord(logger.name, logging.INFO, __file__, 1, f"ssn {SSN}", (), None)
    quick = quick_record(logger, logging.INFO, f"GET /x/{SSN} 200 1.0ms", access={"path": "/x"})
    formatter = JsonFormatter()
    assert SSN not in formatter.format(made) and SSN not in formatter.format(quick)

    # when: something (a filter, a handler) puts PHI into the message afterwards
    made.msg = f"born {DOB}, ssn {SSN}"

    # then: the line is redacted all the same
    line = formatter.format(made)
    assert SSN not in line and DOB not in line and "[SSN]" in line


def test_a_quick_record_is_redacted_every_time_its_message_comes_again_and_the_memo_stays_bounded():
    from gateway.security import logging as redacting
    from gateway.security.logging import JsonFormatter, install_redaction, quick_record

    # given: the redacting factory, and the access line's quick records
    install_redaction()
    logger = logging.getLogger("gateway.test.repeat")
    formatter = JsonFormatter()

    # when: the same message with an SSN in its path is logged again and again
    lines = [formatter.format(quick_record(logger, logging.INFO, f"GET /x/{SSN} 200 0.1ms", access={}))
             for _ in range(3)]

    # then: every line is redacted
    assert all(SSN not in line and "[SSN]" in line for line in lines)

    # and: many different messages never grow what is remembered past its bound
    for n in range(redacting.REDACTED_MEMO_ENTRIES * 2):
        quick_record(logger, logging.INFO, f"GET /x/{n} 200 0.1ms", access={})
    assert len(redacting._REDACTED) <= redacting.REDACTED_MEMO_ENTRIES
    assert SSN not in formatter.format(quick_record(logger, logging.INFO, f"GET /x/{SSN} 200 0.1ms", access={}))


def test_the_servers_line_handler_writes_what_a_stream_handler_writes_and_honours_filters():
    import io

    from gateway.security.logging import JsonFormatter, LineHandler, install_redaction, quick_record

    # given: the server's handler and the standard one, each on a stream of its own
    install_redaction()
    logger = logging.getLogger("gateway.test.lines")
    ours, theirs = io.StringIO(), io.StringIO()
    handlers = [LineHandler(ours), logging.StreamHandler(theirs)]
    for handler in handlers:
        handler.setFormatter(JsonFormatter())
    records = [quick_record(logger, logging.INFO, f"GET /x/{SSN} 200 0.1ms", access={"path": "/x"}),
               logger.makeRecord(logger.name, logging.WARNING, __file__, 1, f"born {DOB}", (), None),
               logger.makeRecord(logger.name, logging.INFO, __file__, 1, "drop me", (), None)]

    # when: both handle the same records, then again with a filter that drops one
    for drop in (False, True):
        if drop:
            for handler in handlers:
                handler.addFilter(lambda record: "drop" not in record.getMessage())
        for record in records:
            for handler in handlers:
                handler.handle(record)

    # then: the same lines, one JSON object each, redacted; the dropped record written once
    lines = ours.getvalue().splitlines()
    assert lines == theirs.getvalue().splitlines() and len(lines) == 5
    assert [json.loads(line)["message"] for line in lines].count("drop me") == 1
    assert SSN not in ours.getvalue() and DOB not in ours.getvalue()


async def test_lines_handled_on_the_event_loop_are_written_together_at_the_end_of_its_iteration():
    import io
    import threading

    from gateway.security.logging import JsonFormatter, LineHandler, quick_record

    class Counting(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            self.writes += 1
            return super().write(text)

    # given the server's handler on a stream that counts its writes
    logger = logging.getLogger("gateway.test.batched")
    stream = Counting()
    handler = LineHandler(stream)
    handler.setFormatter(JsonFormatter())
    # when three requests' lines are handled in one loop iteration
    for n in range(3):
        handler.handle(quick_record(logger, logging.INFO, f"GET /a/{n} 200 0.1ms", access={"path": "/a"}))
    # then nothing is written yet, and after the iteration the three lines are, in one write, in order
    assert stream.getvalue() == ""
    await asyncio.sleep(0)
    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == [
        f"GET /a/{n} 200 0.1ms" for n in range(3)]
    assert stream.writes == 1
    # and a line from a thread without a loop is written at once, after the lines still waiting
    handler.handle(quick_record(logger, logging.INFO, "GET /b 200 0.1ms", access={"path": "/b"}))
    worker = threading.Thread(target=handler.handle, args=(
        quick_record(logger, logging.WARNING, "from a thread"),))
    worker.start()
    worker.join()
    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()][3:] == [
        "GET /b 200 0.1ms", "from a thread"]
    # and flush() (logging.shutdown) writes whatever still waits
    handler.handle(quick_record(logger, logging.INFO, "GET /c 200 0.1ms", access={"path": "/c"}))
    handler.flush()
    assert stream.getvalue().splitlines()[-1].count("GET /c") == 1
