"""Walk-ins: the person who becomes third in a waiting line ("you are next but two") gets an SMS, when their
ticket has a phone. Once per ticket (the event key), however often the line moves afterwards."""

from __future__ import annotations

from autoagenda.core.phones import InvalidPhone, to_e164
from autoagenda.locations.models import Location
from autoagenda.notifications.models import Channel
from autoagenda.notifications.services import Contact, notification_enqueue
from autoagenda.walkins import events, selectors
from autoagenda.walkins.models import Ticket

# The place in the line that gets the message: two people ahead.
NOTIFY_AT_POSITION = 3


def connect() -> None:
    events.waiting_line_moved.subscribe(on_waiting_line_moved)


def _phone(ticket: Ticket, location: Location) -> str:
    try:
        return to_e164(ticket.phone, region=location.country or None)
    except InvalidPhone:
        return ""  # a number the desk typed wrong: no message, the queue goes on


def on_waiting_line_moved(event: events.WaitingLineMoved) -> None:
    for queue_id in event.queue_ids:
        line = list(
            selectors.waiting_in([queue_id]).select_related("location", "customer", "queue")[:NOTIFY_AT_POSITION]
        )
        if len(line) < NOTIFY_AT_POSITION:
            continue
        third = line[NOTIFY_AT_POSITION - 1]
        phone = _phone(third, third.location) if third.phone else ""
        if not phone:
            continue
        customer = third.customer
        language = customer.language if customer is not None else ""  # else the default language
        notification_enqueue(
            event_key=f"ticket:{third.pk}:next_but_two",
            recipient=Contact(phone=phone, name=third.name, language=language),
            template="walkin_next_but_two",
            context={"code": third.code, "queue_name": third.queue.name},
            location=third.location,
            channels=[Channel.SMS.value],
        )
