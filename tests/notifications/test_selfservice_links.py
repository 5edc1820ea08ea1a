"""The links in confirmations and reminders: confirm attendance, cancel, reschedule — without logging in, one
purpose each, until the appointment starts, through scheduling's own rules; a clear page when a link was
altered, has expired, was already used or belongs to an appointment that changed since."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.notifications import links
from autoagenda.scheduling import services as booking
from autoagenda.scheduling.models import AppointmentStatusChange
from tests.catalog.factories import ServiceFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=SCL)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def appointment(cast):
    oil = ServiceFactory(name="Cambio de aceite", locations=[cast.location], mechanics=[cast.mechanic])
    return booking.appointment_book(actor=cast.client, location=cast.location, service=oil, start=TUESDAY_10)


def url(appointment, purpose):
    token = links.make_token(appointment_id=appointment.pk, purpose=purpose, start=appointment.start)
    return f"/notifications/a/{token}/"


def state(response):
    return response.content.decode().split('data-selfservice="', 1)[1].split('"', 1)[0]


def test_opening_a_link_changes_nothing_confirming_on_the_page_records_the_time(cast, client, appointment):
    link = url(appointment, links.CONFIRM)
    response = client.get(link)
    assert (response.status_code, state(response)) == (200, "confirm")
    assert '<html lang="es"' in response.content.decode()  # the client's language, not the browser's
    appointment.refresh_from_db()
    assert appointment.attendance_confirmed_at is None
    response = client.post(link)
    assert (response.status_code, state(response)) == (200, "confirmed")
    appointment.refresh_from_db()
    assert appointment.attendance_confirmed_at == NOW
    last = AppointmentStatusChange.objects.filter(appointment=appointment).last()
    assert (last.note, last.changed_by) == (
        "Asistencia confirmada por el cliente",
        cast.client,
    )  # in the page's language
    again = client.post(link)
    assert (again.status_code, state(again)) == (200, "used")
    assert AppointmentStatusChange.objects.filter(appointment=appointment).count() == 2


def test_confirming_tells_the_staff(cast, client, appointment):
    client.post(url(appointment, links.CONFIRM))
    assert cast.receptionist.inapp_notifications.filter(event_key__endswith=":attendance_confirmed:staff").exists()


def test_the_cancel_link_cancels_once(client, appointment):
    link = url(appointment, links.CANCEL)
    assert state(client.get(link)) == "cancel"
    response = client.post(link)
    assert state(response) == "cancelled"
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert state(client.get(link)) == "used"


def test_the_cancellation_window_applies_as_in_the_app(client, appointment):
    with time_machine.travel(TUESDAY_10 - timedelta(minutes=60), tick=False):  # the window is 120 minutes
        response = client.post(url(appointment, links.CANCEL))
    assert 'class="alert alert--warning bk-too-late"' in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_the_reschedule_link_offers_free_times_and_moves_it(client, appointment):
    link = url(appointment, links.RESCHEDULE)
    page = client.get(link)
    assert state(page) == "reschedule"
    new_start = datetime(2026, 12, 2, 11, 0, tzinfo=SCL)
    assert f'value="{new_start.isoformat()}"' in page.content.decode()
    response = client.post(link, {"start": new_start.isoformat()})
    assert state(response) == "rescheduled"
    appointment.refresh_from_db()
    assert appointment.start == new_start
    old = client.get(link)  # the link named the old time
    assert (old.status_code, state(old)) == (410, "changed")


def test_a_time_that_is_not_free_is_refused_and_nothing_moves(client, appointment):
    sunday = datetime(2026, 12, 6, 3, 0, tzinfo=SCL)
    response = client.post(url(appointment, links.RESCHEDULE), {"start": sunday.isoformat()})
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_10


@pytest.mark.parametrize("start", ["", "tomorrow", "9999-01-01T10:00:00Z"])
def test_a_malformed_time_is_a_400(client, appointment, start):
    response = client.post(url(appointment, links.RESCHEDULE), {"start": start})
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_10


def test_a_link_expires_when_the_appointment_starts(client, appointment):
    link = url(appointment, links.CONFIRM)
    with time_machine.travel(TUESDAY_10, tick=False):
        response = client.post(link)
    assert (response.status_code, state(response)) == (410, "expired")
    appointment.refresh_from_db()
    assert appointment.attendance_confirmed_at is None


def test_an_altered_or_foreign_token_gets_the_invalid_page(client, appointment):
    token = links.make_token(appointment_id=appointment.pk, purpose=links.CANCEL, start=appointment.start)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", token.replace(":", ".")):
        response = client.post(f"/notifications/a/{bad}/")
        assert (response.status_code, state(response)) == (404, "invalid")
    gone = links.make_token(appointment_id=appointment.pk + 1000, purpose=links.CANCEL, start=appointment.start)
    assert client.get(f"/notifications/a/{gone}/").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_a_link_is_single_purpose(client, appointment):
    client.post(url(appointment, links.CONFIRM))
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"  # confirming never cancels


def test_the_confirmation_carries_working_links(cast, client, appointment):
    from autoagenda.notifications.models import Delivery

    confirmation = Delivery.objects.get(template="appointment_booked", recipient=cast.client)
    cancel = confirmation.context["links"]["cancel"].split("127.0.0.1:8000", 1)[-1]
    assert state(client.post(cancel)) == "cancelled"


@pytest.mark.parametrize("who", ["anonymous", "admin", "manager", "receptionist", "mechanic", "client", "outsider"])
def test_authorization_the_token_is_the_key_whoever_opens_it(cast, web, client, who, appointment):
    person = cast.by_name(who)
    browser = client if person is None else web(person)
    assert browser.get(url(appointment, links.CANCEL)).status_code == 200
    assert browser.get("/notifications/a/forged/").status_code == 404
