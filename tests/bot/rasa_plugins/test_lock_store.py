"""The lock store against the real Redis (db 9): a message retried on the surviving
replica gets its turn once a killed replica's ticket lapses."""

import asyncio
import time
import uuid

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins.lock_store import ConversationLockStore, renew_ticket

REDIS = {"url": "127.0.0.1", "port": 6379, "db": 9}


@pytest.fixture
def prefix():
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"test{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis(host=REDIS["url"], port=REDIS["port"], db=REDIS["db"])
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def store(cls, prefix):
    config = EndpointConfig(
        url=REDIS["url"], port=REDIS["port"], db=REDIS["db"], key_prefix=prefix, type="x"
    )
    if cls is ConversationLockStore:
        return ConversationLockStore(config)
    return cls(host=config.url, **config.kwargs)


def dead_holder_then_waiter(lock_store, conversation: str) -> int:
    """A ticket that a killed replica holds (lapsing in 1 s), then the waiting retry's
    ticket, whose lifetime runs out before the dead one's: what happens in production
    when the waiter's check falls after both lapse (the tickets are issued within a
    second of each other and the waiter checks once a second)."""
    lock_store.issue_ticket(conversation, 1.0)
    return lock_store.issue_ticket(conversation, 0.5)


def test_the_retried_message_gets_its_turn_after_the_dead_ticket_lapses(prefix):
    lock_store = store(ConversationLockStore, prefix)
    ticket = dead_holder_then_waiter(lock_store, "visitor")
    started = time.monotonic()
    lock = asyncio.run(asyncio.wait_for(lock_store._acquire_lock("visitor", ticket, 0.2), 5))
    assert not lock.is_locked(ticket)
    assert 0.5 < time.monotonic() - started < 3


def test_rasas_own_lock_store_never_serves_it(prefix):
    """The bug this class exists for: Rasa's waiter lets its own ticket lapse too."""
    lock_store = store(RedisLockStore, prefix)
    ticket = dead_holder_then_waiter(lock_store, "visitor")
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(lock_store._acquire_lock("visitor", ticket, 0.2), 3))


def test_the_whole_lock_serves_messages_in_order(prefix):
    lock_store = store(ConversationLockStore, prefix)
    served: list[int] = []

    async def message(number: int) -> None:
        async with lock_store.lock("visitor", wait_time_in_seconds=0.05):
            served.append(number)
            await asyncio.sleep(0.1)

    async def three() -> None:
        tasks = []
        for number in range(3):
            tasks.append(asyncio.create_task(message(number)))
            await asyncio.sleep(0.01)
        await asyncio.gather(*tasks)

    asyncio.run(three())
    assert served == [0, 1, 2]
    assert lock_store.get_lock("visitor") is None  # cleaned up


def test_a_ticket_removed_underneath_the_waiter_is_an_error(prefix):
    lock_store = store(ConversationLockStore, prefix)
    lock_store.issue_ticket("visitor", 30)
    ticket = lock_store.issue_ticket("visitor", 30)

    async def waiting_then_reset() -> TicketLock:
        waiter = asyncio.create_task(lock_store._acquire_lock("visitor", ticket, 0.1))
        await asyncio.sleep(0.05)
        lock_store.delete_lock("visitor")
        return await waiter

    with pytest.raises(LockError):
        asyncio.run(waiting_then_reset())


def test_renew_ticket_drops_lapsed_tickets_and_extends_the_waiter():
    lock = TicketLock("visitor")
    lock.issue_ticket(-1)  # lapsed already
    ticket = lock.issue_ticket(0.5)
    assert renew_ticket(lock, ticket, 15, now=time.time())
    assert [t.number for t in lock.tickets] == [ticket]
    assert lock.tickets[0].expires > time.time() + 14
    assert not renew_ticket(lock, 99, 15, now=time.time())


def redis_commands(lock_store) -> list[str]:
    """Each command the lock store sends to Redis from now on, by name."""
    sent: list[str] = []
    execute = lock_store.red.execute_command

    def recording(*args, **options):
        sent.append(str(args[0]))
        return execute(*args, **options)

    lock_store.red.execute_command = recording
    return sent


def test_clean_up_deletes_the_lock_when_nobody_waits_in_two_round_trips(prefix):
    lock_store = store(ConversationLockStore, prefix)
    ticket = lock_store.issue_ticket("visitor", 30)
    sent = redis_commands(lock_store)
    lock_store.cleanup("visitor", ticket)
    assert sent == ["GET", "DEL"]
    assert lock_store.get_lock("visitor") is None


def test_clean_up_hands_the_lock_to_the_waiter(prefix):
    lock_store = store(ConversationLockStore, prefix)
    first = lock_store.issue_ticket("visitor", 30)
    waiting = lock_store.issue_ticket("visitor", 30)
    sent = redis_commands(lock_store)
    lock_store.cleanup("visitor", first)
    assert sent == ["GET", "SET"]
    lock = lock_store.get_lock("visitor")
    assert lock is not None and not lock.is_locked(waiting)
    lock_store.cleanup("visitor", waiting)
    assert lock_store.get_lock("visitor") is None


def test_clean_up_of_a_lock_already_gone_leaves_nothing(prefix):
    lock_store = store(ConversationLockStore, prefix)
    lock_store.cleanup("visitor", 0)
    assert lock_store.get_lock("visitor") is None


def test_a_message_first_in_the_queue_is_served_in_three_round_trips(prefix):
    lock_store = store(ConversationLockStore, prefix)
    sent = redis_commands(lock_store)

    async def message() -> None:
        async with lock_store.lock("visitor") as lock:
            assert [t.number for t in lock.tickets] == [0]
            assert sent == ["GET", "SET"]  # issued, and served from the lock written

    asyncio.run(message())
    assert sent == ["GET", "SET", "GET", "DEL"]
    assert lock_store.get_lock("visitor") is None


def test_a_message_behind_another_waits_for_it(prefix):
    lock_store = store(ConversationLockStore, prefix)
    first = lock_store.issue_ticket("visitor", 30)
    order: list[str] = []

    async def held_then_released() -> None:
        await asyncio.sleep(0.15)
        order.append("first done")
        lock_store.cleanup("visitor", first)

    async def message() -> None:
        async with lock_store.lock("visitor", wait_time_in_seconds=0.05) as lock:
            order.append("second served")
            assert not lock.is_locked(first + 1)

    async def both() -> None:
        await asyncio.gather(held_then_released(), message())

    asyncio.run(both())
    assert order == ["first done", "second served"]
    assert lock_store.get_lock("visitor") is None
