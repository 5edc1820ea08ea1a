"""Appointments write their messages in their own transaction: the client's confirmation (with the .ics),
reminders at the location's offsets (moved with a reschedule, cancelled with a cancellation, not created when
already past), changes, cancellations and no-shows, and the in-app alert to the mechanic and the receptionists."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from icalendar import Calendar

from autoagenda.accounts.models import ClientLinkSource
from autoagenda.customers.services import client_link_location
from autoagenda.notifications import live
from autoagenda.notifications.models import Delivery, InAppNotification
from autoagenda.notifications.rendering import render
from autoagenda.notifications.services import attachment_from_json
from autoagenda.scheduling import events
from autoagenda.scheduling import services as booking
from tests.catalog.factories import ServiceFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)  # a Monday
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=SCL)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def oil(cast):
    client_link_location(client=cast.client, location=cast.location, source=ClientLinkSource.DESK_FOUND)
    return ServiceFactory(name="Cambio de aceite", locations=[cast.location], mechanics=[cast.mechanic])


def book(cast, oil, *, actor=None, start=TUESDAY_10, **kwargs):
    actor = actor or cast.client
    client = None if actor == cast.client else cast.client
    return booking.appointment_book(
        actor=actor, location=cast.location, service=oil, start=start, client=client, **kwargs
    )


def rows(**filters):
    return list(Delivery.objects.filter(**filters).order_by("event_key", "channel"))


def calendar_of(delivery):
    [attachment] = [attachment_from_json(a, language=delivery.language) for a in delivery.attachments]
    return Calendar.from_ical(attachment.content)


def test_a_booking_queues_the_clients_confirmation_with_the_invitation(cast, oil):
    appointment = book(cast, oil)
    [confirmation] = rows(event_key=f"appointment:{appointment.pk}:booked", recipient=cast.client)
    assert (confirmation.channel, confirmation.template, confirmation.language) == ("email", "appointment_booked", "es")
    assert confirmation.send_after == NOW
    calendar = calendar_of(confirmation)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == cast.location.address
    assert event["DTSTART"].params["TZID"] == "America/Santiago"


def test_the_client_who_booked_gets_no_in_app_item_but_one_booked_for_them_does(cast, oil):
    mine = book(cast, oil)
    assert not InAppNotification.objects.filter(user=cast.client).exists()
    theirs = book(cast, oil, actor=cast.receptionist, start=TUESDAY_10 + timedelta(hours=2))
    [item] = InAppNotification.objects.filter(user=cast.client)
    assert item.event_key == f"appointment:{theirs.pk}:booked"
    assert item.url == f"/book/appointments/{theirs.pk}/"
    assert item.body == "Cambio de aceite · Taller Providencia"
    assert mine.pk != theirs.pk


def test_the_mechanic_and_the_receptionists_get_an_instant_alert_but_not_the_one_who_booked(cast, oil):
    appointment = book(cast, oil, actor=cast.receptionist)
    alerted = set(
        InAppNotification.objects.filter(event_key=f"appointment:{appointment.pk}:booked:staff").values_list(
            "user__email", flat=True
        )
    )
    assert alerted == {cast.mechanic.email}  # the receptionist made it; managers and other locations are not told
    book(cast, oil, start=TUESDAY_10 + timedelta(hours=2))
    assert InAppNotification.objects.filter(user=cast.receptionist).count() == 1
    [alert] = InAppNotification.objects.filter(user=cast.receptionist)
    assert alert.title.startswith("Nueva reserva:")  # in the receptionist's language (es)
    assert "/calendar/appointments/" in alert.url
    assert not Delivery.objects.filter(recipient__in=[cast.mechanic, cast.receptionist]).exists()  # in-app only


def test_inactive_staff_and_the_receptionists_of_other_locations_get_no_alert(cast, oil):
    from tests.accounts.factories import StaffFactory

    StaffFactory(role="receptionist", location=cast.location, is_active=False)
    appointment = book(cast, oil)
    alerted = set(
        InAppNotification.objects.filter(event_key=f"appointment:{appointment.pk}:booked:staff").values_list(
            "user_id", flat=True
        )
    )
    assert alerted == {cast.mechanic.pk, cast.receptionist.pk}


def test_staff_pages_hear_the_alert_after_commit_only(cast, oil, django_capture_on_commit_callbacks, monkeypatch):
    told: list[int] = []
    monkeypatch.setattr(live, "publish_inbox_changed", lambda *ids: told.extend(ids))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        book(cast, oil)
        assert told == []
    assert callbacks
    assert set(told) == {cast.mechanic.pk, cast.receptionist.pk}


def test_reminders_are_queued_24_and_2_hours_before(cast, oil):
    appointment = book(cast, oil)
    reminders = rows(template="appointment_reminder")
    assert [(r.channel, r.send_after) for r in reminders] == [
        ("email", TUESDAY_10 - timedelta(minutes=120)),
        ("email", TUESDAY_10 - timedelta(minutes=1440)),
    ]
    assert all(r.event_key.startswith(f"appointment:{appointment.pk}:reminder:") for r in reminders)


def test_a_reminder_whose_time_has_passed_is_not_created(cast, oil):
    book(cast, oil, start=NOW + timedelta(hours=3))  # 24 h before is gone; 2 h before is still ahead
    assert [r.send_after for r in rows(template="appointment_reminder")] == [NOW + timedelta(hours=1)]


def test_the_offsets_are_the_locations_setting(cast, oil):
    cast.location.first_reminder_minutes = 0
    cast.location.second_reminder_minutes = 45
    cast.location.save()
    book(cast, oil)
    assert [r.send_after for r in rows(template="appointment_reminder")] == [TUESDAY_10 - timedelta(minutes=45)]


def test_sms_reminders_follow_the_clients_choice_and_wait_out_quiet_hours(cast, oil):
    cast.client.notify_sms = True
    cast.client.save()
    book(cast, oil, start=datetime(2026, 12, 1, 9, 0, tzinfo=SCL))  # 2 h before is 07:00, inside 21:00–08:00
    sms = {r.event_key.split(":")[3]: r.send_after for r in rows(template="appointment_reminder", channel="sms")}
    assert sms == {"120m": datetime(2026, 12, 1, 8, 0, tzinfo=SCL), "1440m": datetime(2026, 11, 30, 9, 0, tzinfo=SCL)}
    assert rows(template="appointment_booked", channel="sms")


def test_a_reschedule_moves_the_reminders_with_the_new_time_and_links(cast, oil):
    appointment = book(cast, oil)
    before = {r.pk: r.context["links"]["cancel"] for r in rows(template="appointment_reminder")}
    new_start = datetime(2026, 12, 2, 11, 0, tzinfo=SCL)
    booking.appointment_reschedule(actor=cast.client, appointment=appointment, start=new_start)
    moved = rows(template="appointment_reminder")
    assert {r.pk for r in moved} == set(before)  # the same rows, moved
    assert sorted(r.send_after for r in moved) == [new_start - timedelta(hours=24), new_start - timedelta(hours=2)]
    assert all(r.context["start"] == new_start.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")
               or datetime.fromisoformat(r.context["start"]) == new_start for r in moved)  # fmt: skip
    assert all(r.context["links"]["cancel"] != before[r.pk] for r in moved)


def test_a_reschedule_that_leaves_no_time_for_a_reminder_cancels_it(cast, oil):
    appointment = book(cast, oil)
    booking.appointment_reschedule(actor=cast.receptionist, appointment=appointment, start=NOW + timedelta(hours=3))
    statuses = {r.event_key.split(":")[3]: r.status for r in rows(template="appointment_reminder")}
    assert statuses == {"1440m": "cancelled", "120m": "queued"}


def test_a_reschedule_tells_the_client_with_a_newer_invitation_and_both_mechanics(cast, oil):
    other = type(cast.mechanic).objects.create_user(email="second@example.com", password="x", role="mechanic")
    cast.location.memberships.create(user=other, role="mechanic")
    oil.mechanics.add(other)
    appointment = book(cast, oil, mechanic=cast.mechanic)
    booked_seq = calendar_of(rows(template="appointment_booked")[0]).walk("VEVENT")[0]["SEQUENCE"]
    booking.appointment_reschedule(
        actor=cast.receptionist, appointment=appointment, start=TUESDAY_10 + timedelta(hours=1), mechanic=other
    )
    [moved] = rows(template="appointment_rescheduled", recipient=cast.client)
    event = calendar_of(moved).walk("VEVENT")[0]
    assert calendar_of(moved)["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] > booked_seq
    told = set(
        InAppNotification.objects.filter(event_key__contains=":rescheduled:", event_key__endswith=":staff").values_list(
            "user_id", flat=True
        )
    )
    assert told == {cast.mechanic.pk, other.pk}
    assert InAppNotification.objects.filter(user=cast.client, event_key__contains=":rescheduled:").exists()


def test_a_cancellation_cancels_the_reminders_and_sends_a_cancel_with_the_same_uid(cast, oil):
    appointment = book(cast, oil)
    booking.appointment_cancel(actor=cast.client, appointment=appointment)
    assert {r.status for r in rows(template="appointment_reminder")} == {"cancelled"}
    [booked] = rows(template="appointment_booked")
    [cancelled] = rows(template="appointment_cancelled")
    request, cancel = calendar_of(booked), calendar_of(cancelled)
    assert cancel["METHOD"] == "CANCEL"
    first, last = request.walk("VEVENT")[0], cancel.walk("VEVENT")[0]
    assert first["UID"] == last["UID"]
    assert last["SEQUENCE"] > first["SEQUENCE"]
    assert InAppNotification.objects.filter(user=cast.receptionist, event_key__endswith=":cancelled:staff").exists()


def test_a_no_show_tells_the_client_and_cancels_what_is_left(cast, oil):
    appointment = book(cast, oil)
    with time_machine.travel(TUESDAY_10 + timedelta(minutes=30), tick=False):
        booking.appointment_set_status(actor=cast.receptionist, appointment=appointment, status="no_show")
    assert rows(template="appointment_no_show", recipient=cast.client)
    assert InAppNotification.objects.filter(user=cast.mechanic, event_key__endswith=":no_show:staff").exists()
    assert not InAppNotification.objects.filter(user=cast.receptionist, event_key__endswith=":no_show:staff").exists()
    assert not rows(template="appointment_reminder", status="queued")


def test_other_status_changes_send_nothing(cast, oil):
    appointment = book(cast, oil)
    count = Delivery.objects.count()
    with time_machine.travel(TUESDAY_10 - timedelta(minutes=10), tick=False):
        booking.appointment_set_status(actor=cast.receptionist, appointment=appointment, status="checked_in")
    assert Delivery.objects.count() == count


def test_a_booking_refused_after_the_subscribers_leaves_no_message(cast, oil):
    def refuse(event):
        raise RuntimeError("a later subscriber refuses")

    events.appointment_booked.subscribe(refuse)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            book(cast, oil)
    finally:
        events.appointment_booked.unsubscribe(refuse)
    assert not Delivery.objects.exists()
    assert not InAppNotification.objects.exists()


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [("es", "Tu hora está reservada", "Hola"), ("en", "Your appointment is booked", "Hello")],
)
def test_the_confirmation_is_written_in_the_clients_language_with_its_links(cast, oil, language, subject, greeting):
    cast.client.language = language
    cast.client.save()
    book(cast, oil)
    [confirmation] = rows(template="appointment_booked")
    message = render(Delivery.objects.select_related("location").get(pk=confirmation.pk))
    assert message.subject.startswith(subject)
    assert message.text.startswith(greeting)
    assert "10:00" in message.text
    assert cast.location.address in message.html
    for purpose in ("confirm", "cancel", "reschedule"):
        assert confirmation.context["links"][purpose] in message.html
        assert confirmation.context["links"][purpose] in message.text


def test_every_appointment_template_renders_on_every_channel(cast, oil):
    cast.client.notify_sms = cast.client.notify_whatsapp = True
    cast.client.save()
    appointment = book(cast, oil)
    booking.appointment_reschedule(actor=cast.client, appointment=appointment, start=TUESDAY_10 + timedelta(hours=1))
    booking.appointment_cancel(actor=cast.client, appointment=appointment)
    templates = set()
    for row in Delivery.objects.select_related("location"):
        message = render(row)
        assert message.text.strip(), row
        assert "{{" not in message.text
        assert "{%" not in message.text
        templates.add(row.template)
    assert templates == {
        "appointment_booked",
        "appointment_reminder",
        "appointment_rescheduled",
        "appointment_cancelled",
    }


def test_the_invitation_is_built_when_the_email_is_sent_as_the_booking_was(cast, oil):
    appointment = book(cast, oil)
    [confirmation] = rows(event_key=f"appointment:{appointment.pk}:booked", recipient=cast.client)
    [stored] = confirmation.attachments
    assert stored["builder"] == "appointment_invitation"  # no .ics is made in the booking's transaction
    booking.appointment_cancel(actor=cast.client, appointment=appointment)
    message = render(Delivery.objects.select_related("location").get(pk=confirmation.pk))
    [attachment] = message.attachments
    calendar = Calendar.from_ical(attachment.content)
    # What the confirmation was about, even when it goes out after the cancellation (whose CANCEL is newer).
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert (event["SEQUENCE"], str(event["STATUS"])) == (0, "CONFIRMED")
