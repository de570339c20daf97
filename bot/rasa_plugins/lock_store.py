"""The lock store of several Rasa replicas (endpoints.yml, with LOCK_STORE_URL): Rasa's
RedisLockStore, with a waiting message that keeps its place in the queue.

Why: Rasa serves a conversation's messages one at a time with numbered tickets, each
with a lifetime (TICKET_LOCK_LIFETIME, bot/processes/launch.py) so that a replica that dies while
it holds one does not block the conversation for ever. But the lifetime also runs while
a ticket *waits*: when a replica is killed mid-message, nginx hands the message to the
other replica at once, whose new ticket waits for the dead one's to lapse, and lapses
itself a moment later. Rasa's waiting loop then found neither ticket and waited for a
turn that never comes, until Sanic cancelled the request after 60 s and the visitor got
an empty reply (the replica-kill test in tests/test_production_replicas.py caught it).

Here a waiting ticket's lifetime is renewed each time the waiter checks the lock (once a
second), in the same read-modify-write in which Rasa drops lapsed tickets. A dead
holder's ticket still lapses, and so does a dead waiter's.

After each message, Rasa's clean-up read the lock, wrote it back without the finished
ticket, read it again to see whether anyone waits, and deleted it if not: four round
trips to Redis, with the event loop blocked on each (~5% of a replica's CPU under
load). Here it reads the lock once, then either writes it back for the next ticket or
deletes it. And a message whose ticket is first in the queue it has just written is
served at once, without reading the lock back first.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


def renew_ticket(lock: TicketLock, ticket: int, lifetime: float, now: float) -> bool:
    """Drop the lapsed tickets, then give ``ticket`` ``lifetime`` more seconds from
    ``now`` if it is still there; whether it was."""
    lock.remove_expired_tickets()
    for held in lock.tickets:
        if held.number == ticket:
            held.expires = now + lifetime
            return True
    return False


class ConversationLockStore(RedisLockStore):
    """Rasa's RedisLockStore; a waiting ticket does not lapse while its owner waits."""

    def __init__(self, endpoint_config: EndpointConfig, **kwargs: Any) -> None:
        """Rasa builds a custom lock store from its endpoint configuration alone."""
        super().__init__(host=endpoint_config.url, **{**endpoint_config.kwargs, **kwargs})

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Rasa's clean-up after a message, with one read of the lock: the finished
        ticket removed, and the lock kept for whoever waits or else deleted."""
        lock = self.get_lock(conversation_id)
        if lock:
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
                return
        self.delete_lock(conversation_id)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        """Rasa's lock: a ticket issued (the lock read, the ticket added, the lock
        written), the message served when its ticket comes up, the ticket removed after.

        Rasa then read the lock back to see whether the new ticket is first. The lock
        just written answers that: a ticket issued later has a higher number and queues
        behind, and lapsed tickets are dropped when it is issued. Otherwise Rasa's
        waiting loop runs (``_acquire_lock``)."""
        lock = self.get_or_create_lock(conversation_id)
        ticket = lock.issue_ticket(lock_lifetime)
        self.save_lock(lock)
        try:
            if lock.is_locked(ticket):
                lock = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            yield lock
        finally:
            self.cleanup(conversation_id, ticket)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Rasa's loop (fetch the lock, return it when ``ticket`` is served, else sleep),
        with the ticket renewed at each check instead of left to lapse."""
        lock = self.get_lock(conversation_id)
        while lock:
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            lock = self.get_lock(conversation_id)
            if not lock or not renew_ticket(lock, ticket, LOCK_LIFETIME, time.time()):
                break  # our ticket is gone: the lock was reset underneath us
            self.save_lock(lock)  # the renewed lock is the one checked next: one read a turn
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
