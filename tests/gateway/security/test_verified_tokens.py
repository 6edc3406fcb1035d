"""Verified bearer tokens are remembered for a short TTL, never past their ``exp``, never when
they failed, and only as the very same token (``gateway.security.authn.VerifiedTokens``)."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest

from gateway.security.authn import AuthenticationError, Authenticator

from .support import bearer, mint, post, security_settings
from .test_authentication import QUERY, assert_unauthenticated

OTHER_SECRET = "a-rotated-secret-for-hs256-signing-9876543210"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def authenticator(clock: Clock, **overrides: object) -> Authenticator:
    return Authenticator(security_settings("verified-tokens", **overrides), clock=clock)


async def test_a_remembered_token_is_refused_once_it_expires(secure):
    # given: no leeway, and a token that expires in two seconds, accepted (and so remembered)
    async with secure(gateway_jwt_leeway=0) as client:
        token = mint(exp_in=2)
        exp = jwt.decode(token, options={"verify_signature": False})["exp"]
        assert (await post(client, QUERY, headers=bearer(token))).status_code == 200
        assert (await post(client, QUERY, headers=bearer(token))).status_code == 200

        # when: its exp passes
        while time.time() < exp + 0.05:
            await asyncio.sleep(0.1)

        # then: the remembered verification does not outlive it
        assert_unauthenticated(await post(client, QUERY, headers=bearer(token)))


async def test_a_tampered_copy_of_a_remembered_token_is_refused(client):
    # given: a token accepted once
    token = mint(role="viewer")
    assert (await post(client, QUERY, headers=bearer(token))).status_code == 200

    # when: the same token with another signature, or with its claims changed, is presented
    head, claims, signature = token.split(".")
    resigned = f"{head}.{claims}.{signature[:-4]}AAAA"
    admin = mint(role="admin", secret=OTHER_SECRET)

    # then: neither is taken for the remembered one
    assert_unauthenticated(await post(client, QUERY, headers=bearer(resigned)))
    assert_unauthenticated(await post(client, QUERY, headers=bearer(admin)))


async def test_a_changed_secret_stops_covering_a_remembered_token_after_the_ttl():
    clock = Clock()
    auth = authenticator(clock, gateway_auth_cache_ttl=30)
    token = mint(sub="user-7")
    # given: a token verified with the current secret
    assert (await auth.authenticate({"authorization": f"Bearer {token}"})).subject == "user-7"

    # when: the secret changes
    auth.secret = OTHER_SECRET

    # then: a token not seen before is checked against the new secret at once
    with pytest.raises(AuthenticationError):
        await auth.authenticate({"authorization": f"Bearer {mint(sub='user-8')}"})
    # and: the remembered one is honoured for at most the TTL (documented), then checked again
    clock.now += 29
    assert (await auth.authenticate({"authorization": f"Bearer {token}"})).subject == "user-7"
    clock.now += 2
    with pytest.raises(AuthenticationError):
        await auth.authenticate({"authorization": f"Bearer {token}"})


async def test_a_token_is_remembered_no_longer_than_its_exp_even_with_a_longer_ttl():
    clock = Clock()
    auth = authenticator(clock, gateway_auth_cache_ttl=3600, gateway_jwt_leeway=10)
    token = mint(exp_in=60)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    await auth.authenticate({"authorization": f"Bearer {token}"})

    # then: it is due for a fresh check at exp + leeway, not after the hour
    assert auth.verified.get(token) is not None
    clock.now = exp + 10
    assert auth.verified.get(token) is None


async def test_refused_tokens_are_not_remembered_and_ttl_zero_remembers_nothing():
    clock = Clock()
    auth = authenticator(clock)
    for refused in (mint(aud="another-api"), mint(exp_in=-3600), mint(secret=OTHER_SECRET)):
        with pytest.raises(AuthenticationError):
            await auth.authenticate({"authorization": f"Bearer {refused}"})
    assert len(auth.verified) == 0

    # given: the cache turned off
    off = authenticator(clock, gateway_auth_cache_ttl=0)
    token = mint()
    await off.authenticate({"authorization": f"Bearer {token}"})
    assert len(off.verified) == 0
    # then: a changed secret refuses the very token that just passed
    off.secret = OTHER_SECRET
    with pytest.raises(AuthenticationError):
        await off.authenticate({"authorization": f"Bearer {token}"})


async def test_only_a_token_verified_before_is_known_without_verifying_it():
    auth = authenticator(Clock())
    headers = {"authorization": f"Bearer {mint(role='operator')}"}

    # given: a token never seen: known() cannot answer without verifying it
    assert auth.known(headers) is None

    # when: it is verified once
    principal = await auth.authenticate(headers)

    # then: known() answers the very principal, with no verification
    assert auth.known(headers) is principal and principal.role == "operator"
    # and: bad or missing credentials are refused by known() exactly as by authenticate()
    for bad in ({"authorization": "Basic abc"}, {"authorization": "Bearer"}, {}):
        with pytest.raises(AuthenticationError) as by_known:
            auth.known(bad)
        with pytest.raises(AuthenticationError) as by_authenticate:
            await auth.authenticate(bad)
        assert by_known.value.message == by_authenticate.value.message
