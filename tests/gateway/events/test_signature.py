"""Verifying Noyo's signatures: the README test vector, rotation, replays, malformed envelopes."""

from __future__ import annotations

import re

import pytest

from gateway.events.signature import SignatureVerifier, WebhookRejected, parse_event, parse_timestamp, sign


@pytest.fixture
def vector(shared_noyo) -> dict[str, str]:
    """Noyo's published test vector, read from the reference README."""
    text = (shared_noyo / "README.md").read_text()
    section = text[text.index("Test vector"):]
    return {
        "key": re.search(r"key `([^`]+)`", section).group(1),
        "timestamp": re.search(r"timestamp `([^`]+)`", section).group(1),
        "body": re.search(r"body\s+`([^`]+)`", section).group(1),
        "signature": re.search(r"-> `([0-9a-f]{64})`", section).group(1),
    }


def _verifier(secrets, vector, **kwargs) -> SignatureVerifier:
    at = parse_timestamp(vector["timestamp"]) + kwargs.pop("skew", 0)
    return SignatureVerifier(secrets, clock=lambda: at, **kwargs)


def test_the_readme_test_vector_signs_and_verifies(vector):
    body = vector["body"].encode()
    assert sign(vector["key"], vector["timestamp"], body) == vector["signature"]
    _verifier([vector["key"]], vector).verify(vector["timestamp"], vector["signature"], body)
    event = parse_event(body)
    assert (event.type, event.data_id, event.created) == ("test.hello_world", "eb73184b-ae3c-4411-aa82-3c3bd877cf78",
                                                          1714670277)


def test_any_of_several_signatures_and_any_of_several_secrets_is_enough(vector):
    body, ts = vector["body"].encode(), vector["timestamp"]
    # given the header of a rotation (an unknown signature first) and our secrets old and new
    header = f"{'ab' * 32}, {vector['signature'].upper()}"
    _verifier(["the-new-secret", vector["key"]], vector).verify(ts, header, body)
    # when no configured secret produced any signature, then it is refused
    with pytest.raises(WebhookRejected) as refused:
        _verifier(["the-new-secret"], vector).verify(ts, header, body)
    assert (refused.value.reason, refused.value.status) == ("bad_signature", 401)


@pytest.mark.parametrize("change", ["body", "timestamp"])
def test_a_tampered_body_or_timestamp_is_refused(vector, change):
    body, ts = vector["body"].encode(), vector["timestamp"]
    if change == "body":
        body = body.replace(b"hello_world", b"hello_worle")
    else:
        ts = ts.replace("45.039587", "45.039588")
    with pytest.raises(WebhookRejected, match="bad_signature"):
        _verifier([vector["key"]], vector).verify(ts, vector["signature"], body)


@pytest.mark.parametrize(("skew", "ok"), [(299, True), (-299, True), (301, False), (-301, False)])
def test_the_timestamp_must_be_within_the_tolerance_either_way(vector, skew, ok):
    verifier = _verifier([vector["key"]], vector, skew=skew, tolerance=300)
    check = lambda: verifier.verify(vector["timestamp"], vector["signature"], vector["body"].encode())  # noqa: E731
    if ok:
        check()
    else:
        with pytest.raises(WebhookRejected, match="stale_timestamp"):
            check()


@pytest.mark.parametrize(("timestamp", "signature", "reason"), [
    (None, "ab", "missing_timestamp"), ("", "ab", "missing_timestamp"),
    ("yesterday", "ab", "malformed_timestamp"), ("2024-05-08T21:27:45+00:00", None, "missing_signature"),
])
def test_missing_or_malformed_headers_are_refused(vector, timestamp, signature, reason):
    with pytest.raises(WebhookRejected) as refused:
        _verifier([vector["key"]], vector).verify(timestamp, signature, b"{}")
    assert refused.value.reason == reason


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"data": {"id": "x"}}', b'{"data": {}, "event": {"id": "e", "type": "t"}}',
    b'{"data": {"id": 7}, "event": {"id": "e", "type": "t"}}',
    b'{"data": {"id": "x"}, "event": {"id": "e", "type": "t", "created": "soon"}}',
])
def test_a_body_that_is_not_noyos_envelope_is_malformed(body):
    with pytest.raises(WebhookRejected) as refused:
        parse_event(body)
    assert (refused.value.reason, refused.value.status) == ("malformed", 400)
