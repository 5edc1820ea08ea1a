"""The release sweep: an unpaid pending booking gives its slot back after the hold time, saying why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from autoagenda.core import sweeps
from autoagenda.deposits import services
from autoagenda.deposits.models import DepositStatus
from autoagenda.scheduling.models import AppointmentStatus, AppointmentStatusChange
from autoagenda.scheduling.services import appointment_book
from tests.deposits.helpers import TUESDAY, at, fake_webhook

pytestmark = pytest.mark.django_db


def test_the_sweep_is_registered_for_the_worker():
    assert "deposits-release-unpaid" in {sweep.name for sweep in sweeps.registered()}


def test_a_booking_within_its_hold_is_kept(pending, frozen):
    frozen.shift(timedelta(minutes=29))
    assert services.release_unpaid(timezone.now()) == "0 unpaid bookings released"
    pending.refresh_from_db()
    assert pending.status == DepositStatus.PENDING


def test_an_unpaid_booking_past_its_hold_is_cancelled_and_its_slot_released(cast, pending, service, frozen):
    frozen.shift(timedelta(minutes=30))
    assert services.release_unpaid(timezone.now()) == "1 unpaid bookings released"
    pending.refresh_from_db()
    assert pending.status == DepositStatus.EXPIRED
    assert pending.appointment.status == AppointmentStatus.CANCELLED
    change = AppointmentStatusChange.objects.filter(appointment=pending.appointment).latest("pk")
    assert change.note == "Released: the deposit was not paid in time"
    assert change.changed_by is None
    # The slot is free again: the capacity of one per hour lets another client take it.
    location = pending.location
    location.max_appointments_per_hour = 1
    location.save()
    other = appointment_book(actor=cast.outsider, location=location, service=service, start=at(TUESDAY, 10))
    assert other.status == AppointmentStatus.PENDING


def test_running_the_sweep_twice_releases_once(pending, frozen):
    frozen.shift(timedelta(hours=1))
    services.release_unpaid(timezone.now())
    assert services.release_unpaid(timezone.now()) == "0 unpaid bookings released"
    assert AppointmentStatusChange.objects.filter(to_status="cancelled").count() == 1


def test_a_paid_booking_is_never_released(api, pending, frozen):
    payload, headers = fake_webhook(pending)
    services.webhook_receive(provider="fake", payload=payload, headers=headers)
    frozen.shift(timedelta(hours=2))
    services.release_unpaid(timezone.now())
    pending.refresh_from_db()
    assert pending.appointment.status == AppointmentStatus.CONFIRMED
    assert pending.status == DepositStatus.PAID
