"""Factories of the walk-in queue: queues, desks, tickets (and a finished ticket for the wait estimates)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from autoagenda.walkins.models import Desk, Queue, Ticket, TicketCounter, TicketStatus
from tests.locations.factories import LocationFactory


class QueueFactory(DjangoModelFactory):
    class Meta:
        model = Queue
        skip_postgeneration_save = True

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Fila {n}")
    prefix = factory.Sequence(lambda n: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 26])
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def services(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.services.set(extracted)


class DeskFactory(DjangoModelFactory):
    """A desk; `queues=[...]` limits it (none: every queue of its location)."""

    class Meta:
        model = Desk
        skip_postgeneration_save = True

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Mesón {n + 1}")

    @factory.post_generation
    def queues(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.queues.set(extracted)


class TicketFactory(DjangoModelFactory):
    """A ticket built directly (no counter, no event): for setting up a situation, not for numbering tests.

    Give `queue`; the number is the next free one for its (location, prefix, date) unless `number=` is given.
    """

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    queue = factory.SubFactory(QueueFactory)
    location = factory.LazyAttribute(lambda o: o.queue.location)
    prefix = factory.LazyAttribute(lambda o: o.queue.prefix)
    issued_at = factory.LazyFunction(timezone.now)
    local_date = factory.LazyAttribute(lambda o: o.issued_at.astimezone(o.queue.location.zone).date())
    number = factory.LazyAttribute(
        lambda o: (
            (
                Ticket.objects.filter(location=o.location, prefix=o.prefix, local_date=o.local_date)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
                or 0
            )
            + 1
        )
    )
    status = TicketStatus.WAITING

    @factory.post_generation
    def counter(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Keep the day's counter at or past this number, so the service's next number is free."""
        if not create:
            return
        row, _ = TicketCounter.objects.get_or_create(
            location=self.location, prefix=self.prefix, local_date=self.local_date
        )
        if row.last_number < self.number:
            TicketCounter.objects.filter(pk=row.pk).update(last_number=self.number)


def done_ticket(queue: Queue, *, minutes: float, finished_at: Any, **kwargs: Any) -> Ticket:
    """A ticket served for `minutes` that ended at `finished_at` (history for wait estimates)."""
    started = finished_at - timedelta(minutes=minutes)
    return TicketFactory(
        queue=queue,
        status=TicketStatus.DONE,
        issued_at=started - timedelta(minutes=5),
        called_at=started - timedelta(minutes=1),
        started_at=started,
        finished_at=finished_at,
        **kwargs,
    )
