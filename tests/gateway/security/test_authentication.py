"""Who is calling: bearer JWTs (HS256, JWKS RS256/ES256), API keys, anonymous access."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from gateway.security.authn import hash_api_key

from .support import bearer, codes, mint, post

QUERY = "{ carriers { id } }"


def assert_unauthenticated(response, message: str = "invalid token") -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == message  # nothing about why
    assert body["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_a_valid_token_is_accepted(client, token):
    # when: a correctly signed, unexpired token for our audience and issuer is presented
    response = await post(client, QUERY, headers=bearer(token()))

    # then: the operation runs
    assert response.status_code == 200
    assert response.json()["data"]["carriers"]


async def test_forged_token_is_refused(client, token):
    # given: a token signed with another secret
    forged = token(secret="not-the-gateway-secret-0123456789abcdef", role="admin")

    # then: 401, not an anonymous fallback
    assert_unauthenticated(await post(client, QUERY, headers=bearer(forged)))


async def test_unsigned_alg_none_token_is_refused(client):
    unsigned = mint(algorithm="none", key="", role="admin")
    assert_unauthenticated(await post(client, QUERY, headers=bearer(unsigned)))


async def test_expired_token_is_refused(client, token):
    # given: a token that expired well past the allowed clock skew
    expired = token(exp_in=-3600)
    assert_unauthenticated(await post(client, QUERY, headers=bearer(expired)))


async def test_wrong_audience_token_is_refused(client, token):
    assert_unauthenticated(await post(client, QUERY, headers=bearer(token(aud="another-api"))))


async def test_wrong_issuer_token_is_refused(client, token):
    assert_unauthenticated(await post(client, QUERY, headers=bearer(token(iss="https://evil.test"))))


async def test_unknown_role_claim_is_refused(client, token):
    assert_unauthenticated(await post(client, QUERY, headers=bearer(token(role="root"))))


async def test_garbage_bearer_is_refused(client):
    assert_unauthenticated(await post(client, QUERY, headers={"Authorization": "Bearer not.a.jwt"}))


async def test_missing_credentials_are_refused_without_anonymous_access(client):
    assert_unauthenticated(await post(client, QUERY), message="authentication required")


async def test_bad_credentials_are_refused_even_when_anonymous_access_is_on(secure, token):
    # given: anonymous callers allowed
    async with secure(gateway_allow_anonymous=True) as client:
        # then: no credentials -> in; bad credentials -> still 401
        assert (await post(client, QUERY)).status_code == 200
        assert_unauthenticated(await post(client, QUERY, headers=bearer(token(exp_in=-3600))))


async def test_api_keys_by_header_and_authorization_scheme(secure):
    # given: one key stored by its sha256 only
    keys = [{"sha256": hash_api_key("k-123-secret"), "role": "viewer", "scopes": [], "name": "partner"}]
    async with secure(gateway_api_keys=json.dumps(keys)) as client:
        # then: both ways of sending it work; a wrong key does not
        assert (await post(client, QUERY, headers={"X-API-Key": "k-123-secret"})).status_code == 200
        assert (await post(client, QUERY, headers={"Authorization": "ApiKey k-123-secret"})).status_code == 200
        assert_unauthenticated(await post(client, QUERY, headers={"X-API-Key": "k-123-wrong"}), "invalid API key")


@contextlib.contextmanager
def serve_json(document: dict) -> Iterator[str]:
    """Serve ``document`` on a loopback port (PyJWKClient only fetches http(s))."""
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


async def test_jwks_rs256_and_es256_tokens(secure):
    # given: a JWKS served on loopback with an RSA and an EC public key
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks = {
        "keys": [
            {**json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key())), "kid": "rsa-1", "use": "sig", "alg": "RS256"},
            {**json.loads(ECAlgorithm.to_jwk(ec_key.public_key())), "kid": "ec-1", "use": "sig", "alg": "ES256"},
        ]
    }
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with serve_json(jwks) as url:
        async with secure(gateway_jwks_url=url, gateway_jwt_secret="") as client:
            rs = mint(algorithm="RS256", key=rsa_key, headers={"kid": "rsa-1"})
            es = mint(algorithm="ES256", key=ec_key, headers={"kid": "ec-1"})
            forged = mint(algorithm="RS256", key=other, headers={"kid": "rsa-1"})
            wrong_aud = mint(algorithm="RS256", key=rsa_key, headers={"kid": "rsa-1"}, aud="x")
            # then: keys from the JWKS verify; a key not in it, or a wrong audience, does not
            assert (await post(client, QUERY, headers=bearer(rs))).status_code == 200
            assert (await post(client, QUERY, headers=bearer(es))).status_code == 200
            assert_unauthenticated(await post(client, QUERY, headers=bearer(forged)))
            assert_unauthenticated(await post(client, QUERY, headers=bearer(wrong_aud)))
            # and: an HS256 token is refused when no secret is configured (no algorithm confusion)
            assert_unauthenticated(await post(client, QUERY, headers=bearer(mint())))


async def test_health_endpoints_need_no_credentials(client):
    assert (await client.get("/healthz")).status_code == 200


async def test_request_id_is_echoed_or_generated(client, token):
    response = await post(client, QUERY, headers={**bearer(token()), "x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = await post(client, QUERY, headers=bearer(token()))
    assert len(generated.headers["x-request-id"]) == 32

