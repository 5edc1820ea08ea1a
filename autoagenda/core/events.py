"""Domain events: how a lower app lets higher apps react to what it did, without importing them.

The layers (CONTRIBUTING.md) let an app import only the apps below it. When a change in a lower app must have an
effect in a higher one (a checked-in appointment puts the client in the walk-in queue; new opening hours make the
cached availability stale), the lower app declares an event in its `events.py` and sends it from the service,
inside the service's transaction; the higher app subscribes in its `AppConfig.ready()`.

Subscribers run synchronously, in the order they subscribed, inside the sender's transaction: what they write
commits or rolls back with the service's own writes, and an exception in one propagates to the sender, so the
whole operation is refused and nothing of it stays. Effects that leave the process (email, SMS, WebSocket pushes)
are never done in a subscriber: it registers them with `transaction.on_commit` (or, once it exists, writes them
to the notifications outbox), so a rolled-back operation sends nothing.

This is not Django's signals on purpose: an event is typed (its payload is one frozen dataclass), it is named
after something that happened in the domain rather than a row being saved, and its failures are never swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import transaction

P = TypeVar("P")
Subscriber = Callable[[P], None]


class EventSentOutsideTransaction(RuntimeError):
    """An event's subscribers write with the service: sending one outside `transaction.atomic` is a bug."""


class Event(Generic[P]):
    """Something that happened in one app, for the apps above it. `P` is the payload, a frozen dataclass."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Subscriber[P]] = []

    def __repr__(self) -> str:
        return f"<Event {self.name}: {len(self._subscribers)} subscriber(s)>"

    def subscribe(self, subscriber: Subscriber[P]) -> Subscriber[P]:
        """Call `subscriber(payload)` on every send, after those already subscribed; subscribing twice is once.

        Returns `subscriber`, so it can be used as a decorator.
        """
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber[P]) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    @property
    def subscribers(self) -> tuple[Subscriber[P], ...]:
        return tuple(self._subscribers)

    def send(self, payload: P) -> None:
        """Run every subscriber now, in order, inside the caller's transaction; the first exception propagates."""
        if not transaction.get_connection().in_atomic_block:
            raise EventSentOutsideTransaction(f"{self.name} must be sent inside the service's transaction.atomic")
        for subscriber in tuple(self._subscribers):
            subscriber(payload)
