"""core/events.py: subscribers run in order, inside the sender's transaction, and their failures are not swallowed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction

from autoagenda.accounts.models import User
from autoagenda.core.events import Event, EventSentOutsideTransaction
from tests.accounts.factories import UserFactory


@dataclass(frozen=True)
class Happened:
    value: int


def test_subscribers_run_in_the_order_they_subscribed(db):
    event: Event[Happened] = Event("tests.happened")
    calls: list[tuple[str, int]] = []
    event.subscribe(lambda payload: calls.append(("first", payload.value)))
    event.subscribe(lambda payload: calls.append(("second", payload.value)))
    with transaction.atomic():
        event.send(Happened(7))
    assert calls == [("first", 7), ("second", 7)]


def test_subscribing_the_same_function_twice_runs_it_once(db):
    event: Event[Happened] = Event("tests.happened")
    calls: list[int] = []

    def record(payload: Happened) -> None:
        calls.append(payload.value)

    event.subscribe(record)
    event.subscribe(record)
    with transaction.atomic():
        event.send(Happened(1))
    event.unsubscribe(record)
    with transaction.atomic():
        event.send(Happened(2))
    assert calls == [1]


def test_a_subscriber_s_exception_reaches_the_sender_and_stops_the_later_subscribers(db):
    event: Event[Happened] = Event("tests.happened")
    later: list[int] = []

    def fail(payload: Happened) -> None:
        raise RuntimeError("refused")

    event.subscribe(fail)
    event.subscribe(lambda payload: later.append(payload.value))
    with pytest.raises(RuntimeError, match="refused"), transaction.atomic():
        event.send(Happened(3))
    assert later == []


def test_what_a_subscriber_writes_rolls_back_with_the_sender(transactional_db):
    """The subscriber writes in the sender's transaction: when the sender fails afterwards, neither write stays."""
    event: Event[Happened] = Event("tests.happened")
    event.subscribe(lambda payload: UserFactory(email=f"subscriber{payload.value}@example.com"))

    def service() -> None:
        with transaction.atomic():
            UserFactory(email="sender@example.com")
            event.send(Happened(1))
            raise ValueError("the sender fails after sending")

    with pytest.raises(ValueError, match="after"):
        service()
    assert not User.objects.filter(email__in=["sender@example.com", "subscriber1@example.com"]).exists()


def test_an_event_sent_outside_a_transaction_is_refused(transactional_db):
    event: Event[Happened] = Event("tests.happened")
    calls: list[int] = []
    event.subscribe(lambda payload: calls.append(payload.value))
    with pytest.raises(EventSentOutsideTransaction):
        event.send(Happened(1))
    assert calls == []
