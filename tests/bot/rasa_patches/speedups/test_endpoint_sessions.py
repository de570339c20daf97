import asyncio

from bot.rasa_patches.speedups.endpoint_sessions import shared_sessions


def test_endpoint_calls_share_one_open_session_per_loop():
    """Two calls on one loop reuse the session (and its connections); it stays open."""
    from rasa.utils.endpoints import EndpointConfig

    shared = shared_sessions(EndpointConfig.session)
    endpoint = EndpointConfig("http://127.0.0.1:9/webhook")

    async def borrow_twice():
        async with shared(endpoint) as first:
            pass
        async with shared(endpoint) as second:
            pass
        assert not first.closed
        other = EndpointConfig("http://127.0.0.1:9/webhook", headers={"X-Key": "k"})
        async with shared(other) as third:
            pass
        await first.close()
        async with shared(endpoint) as fourth:  # a closed session is replaced
            pass
        await third.close()
        await fourth.close()
        return first, second, third, fourth

    first, second, third, fourth = asyncio.run(borrow_twice())
    assert first is second
    assert third is not first and fourth is not first
    again = asyncio.run(borrow_twice())[0]
    assert again is not first  # a new loop gets its own session


def test_endpoint_sessions_outside_a_loop_are_rasas_own():
    """With no running loop to keep a session on, Rasa's own method decides."""
    made = []
    shared = shared_sessions(lambda endpoint: made.append(endpoint) or "rasa's")
    assert shared("endpoint") == "rasa's" and made == ["endpoint"]
