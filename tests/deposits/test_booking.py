"""A client's booking at a location that takes deposits waits `pending`, holding its slot; staff's do not."""

from datetime import timedelta
from decimal import Decimal

import pytest

from autoagenda.core.errors import ApplicationError
from autoagenda.deposits.models import Deposit, DepositStatus
from autoagenda.locations.models import DepositMode
from autoagenda.notifications.models import Delivery
from autoagenda.scheduling.models import AppointmentStatus
from autoagenda.scheduling.services import appointment_book, appointment_cancel
from tests.accounts.factories import ClientLocationFactory
from tests.catalog.factories import ServiceFactory
from tests.deposits.helpers import NOW, TUESDAY, at

pytestmark = pytest.mark.django_db


def test_a_client_booking_waits_pending_for_a_percent_deposit(cast, pending):
    assert pending.appointment.status == AppointmentStatus.PENDING
    assert pending.amount == Decimal("5000")
    assert pending.currency == "CLP"
    assert pending.status == DepositStatus.PENDING
    assert pending.provider == "fake"
    assert pending.hold_until == NOW + timedelta(minutes=30)


def test_a_pending_booking_sends_no_confirmation_yet(cast, pending):
    assert not Delivery.objects.filter(template="appointment_booked").exists()


def test_staff_booking_at_the_desk_stays_confirmed_without_a_deposit(cast, deposit_location, service):
    ClientLocationFactory(client=cast.client, location=deposit_location)
    appointment = appointment_book(
        actor=cast.receptionist, location=deposit_location, service=service, start=at(TUESDAY, 10), client=cast.client
    )
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert not Deposit.objects.exists()


def test_a_location_without_deposits_confirms_client_bookings(cast, service):
    appointment = appointment_book(actor=cast.client, location=cast.location, service=service, start=at(TUESDAY, 10))
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert not Deposit.objects.exists()


def test_a_fixed_deposit_is_the_amount_but_never_more_than_the_price(cast, deposit_location):
    deposit_location.deposit_mode = DepositMode.FIXED
    deposit_location.deposit_amount = Decimal("30000")
    deposit_location.deposit_percent = None
    deposit_location.save()
    service = ServiceFactory(locations=[deposit_location], price=Decimal("25000"))
    appointment = appointment_book(actor=cast.client, location=deposit_location, service=service, start=at(TUESDAY, 9))
    assert appointment.deposit.amount == Decimal("25000")


def test_a_percent_deposit_rounds_half_up_to_the_currency(cast, deposit_location):
    service = ServiceFactory(locations=[deposit_location], price=Decimal("12345"))  # 20 % = 2469
    deposit_location.deposit_percent = 15  # 1851.75 → 1852 CLP
    deposit_location.save()
    appointment = appointment_book(actor=cast.client, location=deposit_location, service=service, start=at(TUESDAY, 9))
    assert appointment.deposit.amount == Decimal("1852")


def test_a_percent_of_a_free_service_asks_nothing(cast, deposit_location):
    service = ServiceFactory(locations=[deposit_location], price=Decimal("0"))
    appointment = appointment_book(actor=cast.client, location=deposit_location, service=service, start=at(TUESDAY, 9))
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_a_pending_booking_holds_its_slot(cast, pending, service):
    location = pending.location
    location.max_appointments_per_hour = 1
    location.save()
    with pytest.raises(ApplicationError) as info:
        appointment_book(actor=cast.outsider, location=location, service=service, start=at(TUESDAY, 10))
    assert info.value.code == "slot_unavailable"  # its mechanic is taken by the pending booking


def test_cancelling_a_pending_booking_expires_its_deposit(cast, pending):
    appointment_cancel(actor=cast.client, appointment=pending.appointment)
    pending.refresh_from_db()
    assert pending.status == DepositStatus.EXPIRED


def test_a_client_booking_through_the_api_is_pending_with_its_deposit(api, cast, deposit_location, service):
    response = api(cast.client).post(
        "/api/v1/appointments/",
        {"location": deposit_location.pk, "service": service.pk, "start": at(TUESDAY, 11).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert Deposit.objects.get(appointment_id=response.json()["id"]).amount == Decimal("5000")


def test_paying_sends_the_booking_confirmation_once(cast, pending):
    from autoagenda.deposits import services
    from tests.deposits.helpers import fake_webhook

    for event_id in ("evt_a", "evt_b"):
        payload, headers = fake_webhook(pending, event_id=event_id)
        services.webhook_receive(provider="fake", payload=payload, headers=headers)
    assert Delivery.objects.filter(template="appointment_booked", recipient=cast.client, channel="email").count() == 1
