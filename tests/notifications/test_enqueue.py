"""`notification_enqueue`: one row per channel the recipient accepts, in the caller's transaction, stored once
per (event, recipient, channel); cancel and reschedule for reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from autoagenda.notifications import live
from autoagenda.notifications.models import Delivery, InAppNotification
from autoagenda.notifications.services import (
    Attachment,
    Contact,
    notification_cancel,
    notification_enqueue,
    notification_reschedule,
)
from tests.accounts.factories import UserFactory

SCL = ZoneInfo("America/Santiago")
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=SCL)


@pytest.fixture(autouse=True)
def noon():
    with time_machine.travel(NOON, tick=False):
        yield


def _enqueue(recipient, **kwargs):
    kwargs.setdefault("event_key", "test:1")
    kwargs.setdefault("template", "test_message")
    return notification_enqueue(recipient=recipient, **kwargs)


def channels_of(event_key="test:1"):
    return sorted(Delivery.objects.filter(event_key=event_key).values_list("channel", flat=True))


def test_a_person_with_default_preferences_gets_email_and_in_app(db):
    user = UserFactory(phone="+56987654321", language="en")
    result = _enqueue(user)
    assert result.channels == ("inapp", "email")
    assert channels_of() == ["email"]
    assert InAppNotification.objects.get(user=user).title == "Test message"


def test_sms_and_whatsapp_follow_the_persons_choice_and_phone(db):
    user = UserFactory(phone="+56987654321", notify_email=False, notify_sms=True, notify_whatsapp=True)
    _enqueue(user)
    assert channels_of() == ["sms", "whatsapp"]
    assert set(Delivery.objects.values_list("address", flat=True)) == {"+56987654321"}


def test_without_a_phone_sms_is_never_queued(db):
    user = UserFactory(phone="", notify_sms=True)
    _enqueue(user)
    assert channels_of() == ["email"]


def test_the_event_may_limit_the_channels(db):
    user = UserFactory(phone="+56987654321", notify_sms=True)
    result = _enqueue(user, channels=["sms"])
    assert result.channels == ("sms",)
    assert channels_of() == ["sms"]
    assert not InAppNotification.objects.exists()


def test_the_recipients_language_is_stored(db):
    _enqueue(UserFactory(language="es"))
    assert Delivery.objects.get().language == "es"


def test_a_placeholder_email_of_a_desk_client_gets_no_email(db):
    user = UserFactory(email="desk-1@clients.invalid")
    _enqueue(user)
    assert channels_of() == []


def test_an_inactive_account_gets_nothing(db):
    _enqueue(UserFactory(is_active=False))
    assert channels_of() == []
    assert not InAppNotification.objects.exists()


def test_marketing_goes_only_to_people_who_opted_in(db):
    _enqueue(UserFactory(marketing_opt_in=False), event_key="promo:1:a", marketing=True)
    _enqueue(UserFactory(marketing_opt_in=True), event_key="promo:1:b", marketing=True)
    assert channels_of("promo:1:a") == []
    assert channels_of("promo:1:b") == ["email"]


def test_enqueueing_the_same_event_twice_stores_it_once(db):
    user = UserFactory(phone="+56987654321", notify_sms=True)
    _enqueue(user)
    _enqueue(user, context={"changed": True})
    assert channels_of() == ["email", "sms"]
    assert InAppNotification.objects.count() == 1


def test_a_contact_without_account_gets_what_they_gave(db):
    _enqueue(Contact(phone="+56987654321", name="Ana", language="en"), channels=["sms"], event_key="ticket:3:soon")
    row = Delivery.objects.get()
    assert (row.channel, row.recipient, row.address, row.language, row.context["recipient_name"]) == (
        "sms",
        None,
        "+56987654321",
        "en",
        "Ana",
    )


def test_rows_roll_back_with_the_callers_transaction(db):
    user = UserFactory()

    def booking_that_fails():
        with transaction.atomic():
            _enqueue(user)
            raise RuntimeError("the booking failed")

    with pytest.raises(RuntimeError):
        booking_that_fails()
    assert not Delivery.objects.exists()
    assert not InAppNotification.objects.exists()


def test_the_bell_is_told_only_after_commit(db, django_capture_on_commit_callbacks, monkeypatch):
    told: list[int] = []
    monkeypatch.setattr(live, "publish_inbox_changed", lambda *ids: told.extend(ids))
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _enqueue(user)
        assert told == []
    assert len(callbacks) == 1
    assert told == [user.pk]


def test_a_later_send_time_delays_the_outbox_and_writes_no_in_app_item_yet(db):
    user = UserFactory()
    later = NOON + timedelta(hours=3)
    _enqueue(user, send_after=later)
    assert Delivery.objects.get().send_after == later
    assert not InAppNotification.objects.exists()


def test_sms_due_in_quiet_hours_waits_but_email_does_not(cast):
    user = UserFactory(phone="+56987654321", notify_sms=True)
    evening = datetime(2026, 12, 1, 22, 0, tzinfo=SCL)
    _enqueue(user, location=cast.location, send_after=evening)
    rows = {row.channel: row.send_after for row in Delivery.objects.all()}
    assert rows == {"email": evening, "sms": datetime(2026, 12, 2, 8, 0, tzinfo=SCL)}


def test_attachments_go_with_the_email_only(db):
    user = UserFactory(phone="+56987654321", notify_sms=True)
    _enqueue(user, attachments=[Attachment("cita.ics", "BEGIN:VCALENDAR", "text/calendar")])
    rows = {row.channel: row.attachments for row in Delivery.objects.all()}
    assert rows == {
        "email": [{"filename": "cita.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR"}],
        "sms": [],
    }


def test_a_broken_in_app_template_costs_only_the_inbox_item(db, tmp_path, settings):
    folder = tmp_path / "notifications" / "messages" / "broken"
    folder.mkdir(parents=True)
    (folder / "inapp_title.txt").write_text("{% if %}")
    (folder / "inapp_body.txt").write_text("")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    result = _enqueue(UserFactory(), template="broken")
    assert result.channels == ("email",)
    assert channels_of() == ["email"]


def test_an_unknown_channel_is_a_programming_error(db):
    with pytest.raises(ValueError, match="pigeon"):
        _enqueue(UserFactory(), channels=["pigeon"])


# --- Reminders: cancel and reschedule in the caller's transaction -----------------------------------------


def _reminders(user):
    for offset in ("24h", "2h"):
        _enqueue(user, event_key=f"appointment:9:reminder:{offset}", send_after=NOON + timedelta(days=2))


def test_cancel_by_prefix_cancels_the_queued_reminders_of_a_booking(db):
    user = UserFactory()
    _reminders(user)
    _enqueue(user, event_key="appointment:10:reminder:24h", send_after=NOON + timedelta(days=2))
    assert notification_cancel(event_key_prefix="appointment:9:") == 2
    statuses = dict(Delivery.objects.values_list("event_key", "status"))
    assert statuses == {
        "appointment:9:reminder:24h": "cancelled",
        "appointment:9:reminder:2h": "cancelled",
        "appointment:10:reminder:24h": "queued",
    }


def test_cancel_leaves_sent_messages_alone(db):
    user = UserFactory()
    _reminders(user)
    Delivery.objects.filter(event_key="appointment:9:reminder:24h").update(status="sent", sent_at=NOON)
    assert notification_cancel(event_keys=["appointment:9:reminder:24h", "appointment:9:reminder:2h"]) == 1
    assert Delivery.objects.get(event_key="appointment:9:reminder:24h").status == "sent"


def test_cancel_rolls_back_with_the_caller(db):
    _reminders(UserFactory())

    def cancellation_that_fails():
        with transaction.atomic():
            notification_cancel(event_key_prefix="appointment:9:")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        cancellation_that_fails()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}


def test_an_empty_prefix_is_refused_rather_than_cancelling_everything(db):
    with pytest.raises(ValueError, match="empty prefix"):
        notification_cancel(event_key_prefix="")


def test_reschedule_moves_queued_reminders_and_applies_quiet_hours_to_sms(cast):
    user = UserFactory(phone="+56987654321", notify_sms=True)
    _enqueue(user, event_key="appointment:9:reminder:2h", location=cast.location, send_after=NOON + timedelta(days=1))
    night = datetime(2026, 12, 5, 23, 0, tzinfo=SCL)
    assert notification_reschedule(event_key_prefix="appointment:9:", send_after=night) == 2
    rows = {row.channel: row.send_after for row in Delivery.objects.all()}
    assert rows == {"email": night, "sms": datetime(2026, 12, 6, 8, 0, tzinfo=SCL)}


def test_several_messages_in_one_call_store_every_row_whole(db):
    """notification_enqueue_many writes its outbox rows in one statement: each keeps its own values, a key of its
    own, its timestamps and JSON as given; a repeat of the call stores nothing more."""
    from autoagenda.notifications.services import Message, notification_enqueue_many

    person = UserFactory(phone="+56912345678", notify_sms=True)
    later = NOON + timedelta(days=1)
    messages = [
        Message(event_key="many:1", recipient=person, template="test_message", context={"at": NOON, "n": 1}),
        Message(event_key="many:2", recipient=person, template="test_message", send_after=later, channels=["email"]),
    ]
    notification_enqueue_many(messages)
    notification_enqueue_many(messages)
    stored = list(Delivery.objects.filter(event_key__startswith="many:").order_by("event_key", "channel"))
    assert [(row.event_key, row.channel) for row in stored] == [
        ("many:1", "email"),
        ("many:1", "sms"),
        ("many:2", "email"),
    ]
    assert len({row.key for row in stored}) == 3
    assert [row.address for row in stored] == [person.email, "+56912345678", person.email]
    assert stored[0].context["n"] == 1
    assert stored[0].context["at"] == NOON.isoformat()
    assert stored[2].send_after == later
    assert all(row.created_at == row.updated_at == NOON for row in stored)
    assert all(row.status == "queued" and row.attempts == 0 for row in stored)
