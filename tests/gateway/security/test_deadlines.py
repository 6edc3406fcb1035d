"""Request deadlines (``gateway.security.deadlines``): a request past its timeout ends in
``TimeoutError``, one within it does not, on whichever event loop the requests run."""

from __future__ import annotations

import asyncio

from gateway.security.deadlines import Deadlines


async def a_quick_and_a_slow_request(deadlines: Deadlines) -> list[object]:
    async def request(seconds: float) -> str:
        with deadlines.limit():
            await asyncio.sleep(seconds)
        return "answered"

    return await asyncio.gather(request(0.01), request(2.0), return_exceptions=True)


def test_a_request_past_its_deadline_times_out_on_each_event_loop_in_turn():
    # given: one deadline keeper (a server's), a timeout of 0.2 s
    deadlines = Deadlines(0.2, tick=0.02)

    # when: requests run on one event loop, then on a new one after the first closed
    for _ in range(2):
        quick, slow = asyncio.run(a_quick_and_a_slow_request(deadlines))

        # then: each time the quick one is answered and the slow one stopped
        assert quick == "answered" and isinstance(slow, TimeoutError)
