"""A bad variable value is the caller's error, reported without repeating the value."""

from __future__ import annotations

import logging

BAD_DATE = "1980-13-45"


async def test_malformed_date_variable_is_bad_user_input_without_the_value(gql, caplog):
    # given a date variable that is not a date
    caplog.set_level(logging.DEBUG)
    query = "query($d: Date!) { terminationDatePreview(rule: {endOfPriorMonth: true}, submittedOn: $d) }"

    # when it is sent
    body = await gql(query, {"d": BAD_DATE})

    # then the error is BAD_USER_INPUT naming the variable and type, and the value is nowhere
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$d" in error["message"] and "Date" in error["message"]
    assert BAD_DATE not in error["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # not an "unexpected error"
    assert all(BAD_DATE not in r.getMessage() + (r.exc_text or "") for r in caplog.records)


async def test_unknown_input_field_is_bad_user_input(gql):
    # when an input object carries a field the schema does not know
    query = "query($r: TerminationRuleInput!) { terminationDatePreview(rule: $r) }"
    body = await gql(query, {"r": {"secretField": "123-45-6789"}})

    # then it is refused as the caller's error, without echoing what was sent
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "123-45-6789" not in error["message"]
