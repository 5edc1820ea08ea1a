"""Booking, moving, cancelling and moving along an appointment's life, through the services.

The clock stands still on Monday 2026-11-30 08:00 in Santiago (UTC-3). The cast's location opens Monday–Friday
09:00–13:00 and 14:00–18:00 with 30-minute slots, 60 minutes' notice, a 60-day horizon and a 120-minute
cancellation window; the service takes 60 minutes plus a 15-minute buffer.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from autoagenda.accounts.models import Role
from autoagenda.core.errors import ApplicationError
from autoagenda.scheduling.models import Appointment, AppointmentStatus, AppointmentStatusChange, BookingDay
from autoagenda.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from tests.accounts.factories import ClientLocationFactory, StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.locations.factories import LocationFactory
from tests.scheduling.factories import AppointmentFactory, TimeOffFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)
TUESDAY = date(2026, 12, 1)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = SCL) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(cast):
    return ServiceFactory(locations=[cast.location], duration_minutes=60, buffer_minutes=15)


@pytest.fixture
def book(cast, service):
    def book(actor, start, **kwargs):
        kwargs.setdefault("location", cast.location)
        kwargs.setdefault("service", service)
        return appointment_book(actor=actor, start=start, **kwargs)

    return book


class refused:  # a lower-case name: it reads as `with refused("slot_unavailable"):`
    """The service raised ApplicationError with this code (and `as info` gives pytest's ExceptionInfo)."""

    def __init__(self, code):
        self.code = code
        self._raises = pytest.raises(ApplicationError)

    def __enter__(self):
        self.info = self._raises.__enter__()
        return self.info

    def __exit__(self, *exc):
        swallowed = self._raises.__exit__(*exc)
        assert self.info.value.code == self.code, self.info.value.message
        return swallowed


# --- booking ------------------------------------------------------------------------------------------------------


def test_a_client_books_a_confirmed_appointment_with_its_times_worked_out(cast, book, service):
    vehicle = VehicleFactory(owner=cast.client)
    appointment = book(cast.client, at(TUESDAY, 9), vehicle=vehicle, notes="  Ruido al frenar  ")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert (appointment.client, appointment.mechanic, appointment.vehicle) == (cast.client, cast.mechanic, vehicle)
    assert appointment.start == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert appointment.end == datetime(2026, 12, 1, 13, tzinfo=UTC)
    assert appointment.occupied_until == datetime(2026, 12, 1, 13, 15, tzinfo=UTC)
    assert (appointment.local_date, appointment.local_hour) == (TUESDAY, 9)
    assert (appointment.duration_minutes, appointment.buffer_minutes) == (60, 15)
    assert appointment.notes == "Ruido al frenar"
    assert appointment.created_by == cast.client
    history = list(appointment.status_changes.all())
    assert [(h.from_status, h.to_status, h.changed_by) for h in history] == [("", "confirmed", cast.client)]
    assert BookingDay.objects.filter(location=cast.location, date=TUESDAY).count() == 1


def test_staff_book_for_a_client(cast, book):
    ClientLocationFactory(client=cast.client, location=cast.location)
    appointment = book(cast.receptionist, at(TUESDAY, 10), client=cast.client)
    assert appointment.client == cast.client
    assert appointment.created_by == cast.receptionist
    assert appointment.status_changes.get().changed_by == cast.receptionist


def test_a_booking_across_a_dst_change_lasts_its_real_duration(db):
    # Madrid leaves summer time on Sunday 2026-10-25 at 03:00 (back to 02:00).
    madrid = ZoneInfo("Europe/Madrid")
    location = LocationFactory(
        timezone="Europe/Madrid", country="ES", use_public_holidays=False, hours=[(7, 0, 1440)], min_notice_minutes=0
    )
    StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location], duration_minutes=180, buffer_minutes=30)
    client = UserFactory()
    with time_machine.travel(datetime(2026, 10, 24, 12, tzinfo=madrid), tick=False):
        appointment = appointment_book(
            actor=client, location=location, service=service, start=at(date(2026, 10, 25), 1, zone=madrid)
        )
    assert appointment.end - appointment.start == timedelta(hours=3)
    assert appointment.end.astimezone(madrid).hour == 3  # wall-clock arithmetic would have said 04:00
    assert appointment.occupied_until - appointment.end == timedelta(minutes=30)
    assert (appointment.local_date, appointment.local_hour) == (date(2026, 10, 25), 1)


def test_without_a_chosen_mechanic_the_one_with_fewest_bookings_that_day_gets_it_ties_to_the_lowest_id(
    cast, book, service
):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    third = StaffFactory(role=Role.MECHANIC, location=cast.location)
    # cast.mechanic: two bookings on Tuesday; second and third: one each (and third more on other days).
    for hour in (14, 16):
        AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=at(TUESDAY, hour))
    AppointmentFactory(location=cast.location, service=service, mechanic=second, start=at(TUESDAY, 16))
    AppointmentFactory(location=cast.location, service=service, mechanic=third, start=at(TUESDAY, 14))
    for days in (1, 2):
        AppointmentFactory(
            location=cast.location, service=service, mechanic=third, start=at(TUESDAY, 9) + timedelta(days)
        )
    first = book(cast.client, at(TUESDAY, 9))
    assert first.mechanic == second  # tied with third at one booking, lower id
    assert book(cast.outsider, at(TUESDAY, 9)).mechanic == third  # second now has two; third one
    assert book(UserFactory(), at(TUESDAY, 9)).mechanic == cast.mechanic  # the only one still free at 09:00


def test_a_chosen_free_mechanic_is_assigned(cast, book):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    assert book(cast.client, at(TUESDAY, 9), mechanic=second).mechanic == second


def test_a_chosen_mechanic_who_is_busy_is_slot_unavailable_though_another_is_free(cast, book, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    AppointmentFactory(location=cast.location, service=service, mechanic=second, start=at(TUESDAY, 8, 30))
    with refused("slot_unavailable"):
        book(cast.client, at(TUESDAY, 9), mechanic=second)
    # The buffer counts: second is busy until 09:45, so 09:30 is refused too, and 10:00 is fine.
    with refused("slot_unavailable"):
        book(cast.client, at(TUESDAY, 9, 30), mechanic=second)
    assert book(cast.client, at(TUESDAY, 10), mechanic=second).mechanic == second
    assert book(cast.client, at(TUESDAY, 9)).mechanic == cast.mechanic


def test_a_mechanic_on_time_off_or_not_eligible_cannot_be_chosen(cast, book):
    TimeOffFactory(user=cast.mechanic, start=at(TUESDAY, 0), end=at(TUESDAY, 12))
    with refused("slot_unavailable"):
        book(cast.client, at(TUESDAY, 9), mechanic=cast.mechanic)
    with refused("slot_unavailable"):
        book(cast.client, at(TUESDAY, 14), mechanic=cast.other_mechanic)
    assert Appointment.objects.count() == 0


def test_a_mechanic_booked_at_another_location_at_that_time_is_not_free(cast, book, service):
    service.locations.add(cast.other_location)
    cast.other_mechanic.memberships.create(location=cast.location, role=Role.MECHANIC)
    cast.mechanic.delete()
    # 14:00 in Madrid is 10:00 in Santiago.
    AppointmentFactory(
        location=cast.other_location,
        service=service,
        mechanic=cast.other_mechanic,
        start=at(TUESDAY, 14, zone=ZoneInfo("Europe/Madrid")),
    )
    with refused("slot_unavailable"):
        book(cast.client, at(TUESDAY, 10))
    assert book(cast.client, at(TUESDAY, 11, 30)).mechanic == cast.other_mechanic


def test_a_full_hour_is_capacity_reached(cast, book, service):
    StaffFactory(role=Role.MECHANIC, location=cast.location)
    cast.location.max_appointments_per_hour = 1
    cast.location.save()
    book(cast.client, at(TUESDAY, 9))
    with refused("capacity_reached") as info:
        book(cast.outsider, at(TUESDAY, 9, 30))
    assert info.value.status == 409
    assert book(cast.outsider, at(TUESDAY, 10)).local_hour == 10


def test_a_full_day_is_capacity_reached(cast, book):
    StaffFactory(role=Role.MECHANIC, location=cast.location)
    cast.location.max_appointments_per_day = 2
    cast.location.save()
    book(cast.client, at(TUESDAY, 9))
    book(cast.client, at(TUESDAY, 9))
    with refused("capacity_reached"):
        book(cast.outsider, at(TUESDAY, 15))
    assert book(cast.outsider, at(TUESDAY, 15) + timedelta(days=1)).local_date == date(2026, 12, 2)


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(at(TUESDAY, 9, 10), id="off the grid"),
        pytest.param(at(TUESDAY, 9, 0) + timedelta(seconds=30), id="seconds off the grid"),
        pytest.param(at(date(2026, 11, 27), 9), id="in the past"),
        pytest.param(at(date(2026, 11, 30), 8, 30), id="inside the notice"),
        pytest.param(at(TUESDAY, 19), id="after closing"),
        pytest.param(at(TUESDAY, 12, 30), id="runs into lunch"),
        pytest.param(at(date(2026, 12, 5), 10), id="saturday"),
        pytest.param(at(date(2026, 12, 8), 9), id="public holiday"),
        pytest.param(at(date(2027, 2, 1), 9), id="beyond the horizon"),
    ],
)
def test_a_start_that_is_not_offered_is_slot_unavailable(cast, book, start):
    with refused("slot_unavailable") as info:
        book(cast.client, start)
    assert info.value.status == 409
    assert Appointment.objects.count() == 0


def test_the_notice_boundary_itself_is_bookable(cast, book):
    assert book(cast.client, at(date(2026, 11, 30), 9)).local_hour == 9


def test_a_service_that_needs_no_mechanic_is_booked_without_one(cast, book):
    wash = ServiceFactory(locations=[cast.location], requires_mechanic=False)
    cast.mechanic.delete()
    appointment = book(cast.client, at(TUESDAY, 9), service=wash)
    assert appointment.mechanic is None


def test_a_cancelled_booking_frees_its_slot(cast, book):
    first = book(cast.client, at(TUESDAY, 9))
    with refused("slot_unavailable"):
        book(cast.outsider, at(TUESDAY, 9))
    appointment_cancel(actor=cast.client, appointment=first)
    assert book(cast.outsider, at(TUESDAY, 9)).mechanic == cast.mechanic


# --- booking: who and what ---------------------------------------------------------------------------------------


def test_staff_must_name_a_client_who_is_a_client(cast, book):
    with refused("invalid") as info:
        book(cast.receptionist, at(TUESDAY, 9))
    assert set(info.value.errors) == {"client"}
    with refused("invalid") as info:
        book(cast.receptionist, at(TUESDAY, 9), client=cast.mechanic)
    assert set(info.value.errors) == {"client"}
    assert Appointment.objects.count() == 0


def test_every_problem_with_a_booking_is_reported_at_once(cast, book):
    elsewhere = ServiceFactory(locations=[cast.other_location], requires_mechanic=False)
    with refused("invalid") as info:
        book(
            cast.client,
            datetime(2026, 12, 1, 9),  # the point: no offset
            service=elsewhere,
            mechanic=cast.mechanic,
            vehicle=VehicleFactory(owner=cast.outsider),
            notes="x" * 2001,
        )
    assert set(info.value.errors) == {"service", "mechanic", "vehicle", "notes", "start"}
    assert info.value.status == 400
    assert Appointment.objects.count() == 0


def test_an_inactive_service_is_not_offered(cast, book, service):
    service.is_active = False
    service.save()
    with refused("invalid") as info:
        book(cast.client, at(TUESDAY, 9))
    assert set(info.value.errors) == {"service"}


@pytest.mark.parametrize("who", ["other_manager", "other_receptionist", "other_mechanic", "anonymous"])
def test_people_who_cannot_book_at_the_location_are_refused(cast, book, who):
    actor = cast.by_name(who) or AnonymousUser()
    with pytest.raises(PermissionDenied):
        book(actor, at(TUESDAY, 9), client=cast.client)
    assert Appointment.objects.count() == 0


def test_a_client_cannot_book_for_another_client_or_at_an_inactive_location(cast, book):
    with pytest.raises(PermissionDenied):
        book(cast.client, at(TUESDAY, 9), client=cast.outsider)
    assert book(cast.client, at(TUESDAY, 9), client=cast.client).client == cast.client
    cast.location.is_active = False
    cast.location.save()
    with pytest.raises(PermissionDenied):
        book(cast.outsider, at(TUESDAY, 10))


# --- cancelling ---------------------------------------------------------------------------------------------------


@pytest.fixture
def tuesday_nine(cast, service):
    return AppointmentFactory(
        location=cast.location, service=service, client=cast.client, mechanic=cast.mechanic, start=at(TUESDAY, 9)
    )


def test_a_client_cancels_before_the_window_and_the_history_says_so(cast, tuesday_nine):
    appointment = appointment_cancel(actor=cast.client, appointment=tuesday_nine, note="Me cambié de ciudad")
    assert appointment.status == tuesday_nine.status == AppointmentStatus.CANCELLED
    tuesday_nine.refresh_from_db()
    assert tuesday_nine.status == AppointmentStatus.CANCELLED
    change = tuesday_nine.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        "confirmed",
        "cancelled",
        cast.client,
        "Me cambié de ciudad",
    )


def test_a_client_may_cancel_exactly_at_the_window(cast, tuesday_nine, frozen):
    frozen.move_to(at(TUESDAY, 7))  # start - now == 120 minutes
    assert appointment_cancel(actor=cast.client, appointment=tuesday_nine).status == "cancelled"


def test_a_client_inside_the_window_may_not_cancel_but_staff_may(cast, tuesday_nine, frozen):
    frozen.move_to(at(TUESDAY, 7, 30))
    with refused("cancellation_window_passed") as info:
        appointment_cancel(actor=cast.client, appointment=tuesday_nine)
    assert info.value.status == 409
    tuesday_nine.refresh_from_db()
    assert tuesday_nine.status == "confirmed"
    assert not tuesday_nine.status_changes.exists()
    appointment_cancel(actor=cast.receptionist, appointment=tuesday_nine)
    tuesday_nine.refresh_from_db()
    assert tuesday_nine.status == "cancelled"


@pytest.mark.parametrize("status", ["completed", "cancelled", "no_show"])
def test_cancelling_a_finished_appointment_is_an_invalid_transition(cast, service, status):
    appointment = AppointmentFactory(
        location=cast.location, service=service, client=cast.client, start=at(TUESDAY, 9), status=status
    )
    with refused("invalid_transition"):
        appointment_cancel(actor=cast.manager, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == status


@pytest.mark.parametrize("who", ["outsider", "other_manager", "other_receptionist"])
def test_others_may_not_cancel(cast, tuesday_nine, who):
    with pytest.raises(PermissionDenied):
        appointment_cancel(actor=getattr(cast, who), appointment=tuesday_nine)
    tuesday_nine.refresh_from_db()
    assert tuesday_nine.status == "confirmed"


def test_a_cancellation_note_that_is_too_long_is_invalid(cast, tuesday_nine):
    with refused("invalid") as info:
        appointment_cancel(actor=cast.client, appointment=tuesday_nine, note="x" * 501)
    assert set(info.value.errors) == {"note"}


# --- status -------------------------------------------------------------------------------------------------------


def test_staff_take_an_appointment_through_its_life_with_a_history_row_each_time(cast, tuesday_nine):
    appointment_set_status(actor=cast.receptionist, appointment=tuesday_nine, status="checked_in")
    appointment_set_status(actor=cast.mechanic, appointment=tuesday_nine, status="in_progress")
    appointment_set_status(actor=cast.mechanic, appointment=tuesday_nine, status="completed", note="Listo")
    tuesday_nine.refresh_from_db()
    assert tuesday_nine.status == "completed"
    assert [(h.from_status, h.to_status, h.changed_by, h.note) for h in tuesday_nine.status_changes.all()] == [
        ("confirmed", "checked_in", cast.receptionist, ""),
        ("checked_in", "in_progress", cast.mechanic, ""),
        ("in_progress", "completed", cast.mechanic, "Listo"),
    ]


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        ("confirmed", "completed"),
        ("confirmed", "in_progress"),
        ("confirmed", "confirmed"),
        ("pending", "checked_in"),
        ("in_progress", "cancelled"),
        ("completed", "in_progress"),
        ("cancelled", "confirmed"),
        ("no_show", "checked_in"),
    ],
)
def test_a_change_outside_the_allowed_transitions_is_refused(cast, service, current, wanted):
    appointment = AppointmentFactory(location=cast.location, service=service, start=at(TUESDAY, 9), status=current)
    with refused("invalid_transition") as info:
        appointment_set_status(actor=cast.manager, appointment=appointment, status=wanted)
    assert info.value.status == 409
    appointment.refresh_from_db()
    assert appointment.status == current
    assert not AppointmentStatusChange.objects.exists()


def test_a_no_show_frees_the_mechanic(cast, tuesday_nine, book):
    appointment_set_status(actor=cast.manager, appointment=tuesday_nine, status="no_show")
    assert book(cast.outsider, at(TUESDAY, 9)).mechanic == cast.mechanic


@pytest.mark.parametrize("who", ["client", "outsider", "other_manager", "other_mechanic"])
def test_only_staff_of_the_location_set_a_status(cast, tuesday_nine, who):
    with pytest.raises(PermissionDenied):
        appointment_set_status(actor=getattr(cast, who), appointment=tuesday_nine, status="checked_in")
    tuesday_nine.refresh_from_db()
    assert tuesday_nine.status == "confirmed"


def test_an_unknown_status_is_invalid(cast, tuesday_nine):
    with refused("invalid") as info:
        appointment_set_status(actor=cast.manager, appointment=tuesday_nine, status="teleported")
    assert set(info.value.errors) == {"status"}


def test_the_admin_sets_a_status_anywhere(cast, service):
    appointment = AppointmentFactory(
        location=cast.other_location, service=service, start=at(TUESDAY, 14, zone=ZoneInfo("Europe/Madrid"))
    )
    assert appointment_set_status(actor=cast.admin, appointment=appointment, status="checked_in").status == "checked_in"


# --- rescheduling -------------------------------------------------------------------------------------------------


def test_moving_thirty_minutes_later_inside_its_own_time_works_because_it_ignores_itself(cast, tuesday_nine):
    moved = appointment_reschedule(actor=cast.client, appointment=tuesday_nine, start=at(TUESDAY, 9, 30))
    moved.refresh_from_db()
    assert moved.start == datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
    assert moved.end == datetime(2026, 12, 1, 13, 30, tzinfo=UTC)
    assert moved.occupied_until == datetime(2026, 12, 1, 13, 45, tzinfo=UTC)
    assert (moved.local_date, moved.local_hour, moved.mechanic) == (TUESDAY, 9, cast.mechanic)
    assert moved.status == "confirmed"
    change = moved.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("confirmed", "confirmed", cast.client)
    assert change.note == "Rescheduled from 2026-12-01 09:00"
    assert Appointment.objects.count() == 1


def test_moving_onto_a_taken_time_is_slot_unavailable_and_changes_nothing(cast, tuesday_nine, service):
    AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=at(TUESDAY, 11))
    with refused("slot_unavailable"):
        appointment_reschedule(actor=cast.client, appointment=tuesday_nine, start=at(TUESDAY, 10, 30))
    tuesday_nine.refresh_from_db()
    assert tuesday_nine.start == at(TUESDAY, 9)
    assert not tuesday_nine.status_changes.exists()


def test_moving_to_another_day_locks_both_days_and_updates_the_local_fields(cast, tuesday_nine):
    friday = date(2026, 12, 4)
    moved = appointment_reschedule(actor=cast.receptionist, appointment=tuesday_nine, start=at(friday, 15, 30))
    assert (moved.local_date, moved.local_hour) == (friday, 15)
    assert set(BookingDay.objects.filter(location=cast.location).values_list("date", flat=True)) == {TUESDAY, friday}


def test_a_moved_appointment_keeps_the_duration_and_buffer_it_was_booked_with(cast, book, service):
    appointment = book(cast.client, at(TUESDAY, 9))
    service.duration_minutes = 120
    service.buffer_minutes = 0
    service.save()
    moved = appointment_reschedule(actor=cast.client, appointment=appointment, start=at(TUESDAY, 16, 30))
    assert moved.end - moved.start == timedelta(minutes=60)  # 120 minutes would not fit before 18:00
    assert moved.occupied_until - moved.end == timedelta(minutes=15)


def test_a_move_keeps_the_mechanic_when_free_and_otherwise_finds_another(cast, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    appointment = AppointmentFactory(
        location=cast.location, service=service, client=cast.client, mechanic=second, start=at(TUESDAY, 9)
    )
    moved = appointment_reschedule(actor=cast.client, appointment=appointment, start=at(TUESDAY, 10))
    assert moved.mechanic_id == second.pk  # not the lower id: they keep who they had
    AppointmentFactory(location=cast.location, service=service, mechanic=second, start=at(TUESDAY, 15))
    moved = appointment_reschedule(actor=cast.client, appointment=appointment, start=at(TUESDAY, 15))
    assert moved.mechanic_id == cast.mechanic.pk
    with refused("slot_unavailable"):
        appointment_reschedule(actor=cast.client, appointment=appointment, start=at(TUESDAY, 16), mechanic=second)
    moved = appointment_reschedule(actor=cast.client, appointment=appointment, start=at(TUESDAY, 17), mechanic=second)
    assert moved.mechanic_id == second.pk


def test_a_move_into_a_full_hour_is_capacity_reached(cast, tuesday_nine, service):
    StaffFactory(role=Role.MECHANIC, location=cast.location)
    cast.location.max_appointments_per_hour = 1
    cast.location.save()
    AppointmentFactory(location=cast.location, service=service, start=at(TUESDAY, 11))
    with refused("capacity_reached"):
        appointment_reschedule(actor=cast.client, appointment=tuesday_nine, start=at(TUESDAY, 11, 30))
    # Its own hour does not count against it.
    assert appointment_reschedule(actor=cast.client, appointment=tuesday_nine, start=at(TUESDAY, 9, 30)).local_hour == 9


def test_a_client_inside_the_window_may_not_move_but_staff_may(cast, tuesday_nine, frozen):
    frozen.move_to(at(TUESDAY, 7, 30))
    with refused("cancellation_window_passed"):
        appointment_reschedule(actor=cast.client, appointment=tuesday_nine, start=at(TUESDAY, 14))
    moved = appointment_reschedule(actor=cast.manager, appointment=tuesday_nine, start=at(TUESDAY, 14))
    assert moved.local_hour == 14


@pytest.mark.parametrize("status", ["checked_in", "in_progress", "completed", "cancelled", "no_show"])
def test_only_appointments_that_have_not_begun_may_move(cast, service, status):
    appointment = AppointmentFactory(
        location=cast.location, service=service, client=cast.client, start=at(TUESDAY, 9), status=status
    )
    with refused("invalid_transition"):
        appointment_reschedule(actor=cast.manager, appointment=appointment, start=at(TUESDAY, 14))


def test_a_move_is_validated_like_a_booking(cast, tuesday_nine):
    wash = ServiceFactory(locations=[cast.location], requires_mechanic=False)
    with refused("invalid") as info:
        appointment_reschedule(actor=cast.client, appointment=tuesday_nine, start="tomorrow")
    assert set(info.value.errors) == {"start"}
    no_mechanic = AppointmentFactory(location=cast.location, service=wash, client=cast.client, start=at(TUESDAY, 9))
    with refused("invalid") as info:
        appointment_reschedule(
            actor=cast.client, appointment=no_mechanic, start=at(TUESDAY, 10), mechanic=cast.mechanic
        )
    assert set(info.value.errors) == {"mechanic"}


@pytest.mark.parametrize("who", ["outsider", "other_manager"])
def test_others_may_not_move_an_appointment(cast, tuesday_nine, who):
    with pytest.raises(PermissionDenied):
        appointment_reschedule(actor=getattr(cast, who), appointment=tuesday_nine, start=at(TUESDAY, 14))
