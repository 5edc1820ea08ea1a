"""Factories of scheduling: working hours, time off, appointments."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import factory
from factory.django import DjangoModelFactory

from autoagenda.scheduling.models import TimeOff, WorkingHours
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import LocationFactory


class WorkingHoursFactory(DjangoModelFactory):
    class Meta:
        model = WorkingHours

    weekday = 1
    start_minute = 540
    end_minute = 1080


class TimeOffFactory(DjangoModelFactory):
    class Meta:
        model = TimeOff

    reason = "Vacaciones"


def _utc(value: Any) -> Any:
    return value.astimezone(UTC)


class AppointmentFactory(DjangoModelFactory):
    """An appointment whose derived fields agree with `start` (pass an aware datetime).

    end = start + duration on the UTC timeline, occupied_until = end + buffer,
    local_date/local_hour from start in the location's zone; duration and buffer
    come from the service unless given. No lock, no re-check: tests build the
    situation the services must then respect.
    """

    class Meta:
        model = "scheduling.Appointment"

    location = factory.SubFactory(LocationFactory)
    service = factory.SubFactory(ServiceFactory)
    client = factory.SubFactory(UserFactory)
    mechanic = None
    status = "confirmed"
    duration_minutes = factory.LazyAttribute(lambda o: o.service.duration_minutes)
    buffer_minutes = factory.LazyAttribute(lambda o: o.service.buffer_minutes)
    end = factory.LazyAttribute(lambda o: _utc(o.start) + timedelta(minutes=o.duration_minutes))
    occupied_until = factory.LazyAttribute(lambda o: o.end + timedelta(minutes=o.buffer_minutes))
    local_date = factory.LazyAttribute(lambda o: o.start.astimezone(o.location.zone).date())
    local_hour = factory.LazyAttribute(lambda o: o.start.astimezone(o.location.zone).hour)
