"""Demo deposits: at a location that asks one (Madrid, 20 %), two clients booked online themselves — one still
waiting for the deposit (`pending`, its slot held), one who paid through the fake provider (confirmed).

Only for a location with no deposit yet, so a second run leaves what is there alone. Everything goes through
the services and the fake provider's signed webhook, exactly as a client's booking and payment would.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from autoagenda.accounts.models import User
from autoagenda.catalog.models import Service
from autoagenda.core.errors import ApplicationError
from autoagenda.deposits import services as deposit_services
from autoagenda.deposits.models import Deposit
from autoagenda.deposits.providers import fake
from autoagenda.locations.models import Location
from autoagenda.scheduling import selectors as scheduling_selectors
from autoagenda.scheduling import services as scheduling_services


def load_deposits(location: Location, clients: list[User]) -> None:
    if not location.takes_deposits or len(clients) < 2 or Deposit.objects.filter(location=location).exists():
        return
    service = Service.objects.filter(locations=location, is_active=True).order_by("name", "pk").first()
    if service is None:
        return
    now = timezone.now()
    today = timezone.localdate(now, location.zone)
    slots = scheduling_selectors.available_slots_for(
        location=location,
        service=service,
        first_date=today + timedelta(days=2),
        last_date=today + timedelta(days=9),
        now=now,
    )
    booked = []
    for client, slot in zip(clients[:2], slots[::7], strict=False):
        try:
            booked.append(
                scheduling_services.appointment_book(actor=client, location=location, service=service, start=slot.start)
            )
        except ApplicationError:
            continue
    if len(booked) < 2:
        return
    paid = Deposit.objects.get(appointment=booked[1])
    Deposit.objects.filter(pk=paid.pk).update(session_id=f"fake_cs_demo_{paid.pk}")
    paid.refresh_from_db()
    payload = fake.event_payload(deposit=paid, session_id=paid.session_id, paid=True, event_id=f"evt_demo_{paid.pk}")
    deposit_services.webhook_receive(
        provider="fake", payload=payload, headers={fake.SIGNATURE_HEADER: fake.sign(payload)}
    )
