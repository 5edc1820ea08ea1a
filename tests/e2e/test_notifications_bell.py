"""The bell in the header, live: a manager has a page open (Spanish, on a phone); in another browser context
they send themselves a test message from the outbox; the first page's count goes up without a reload, the bell
opens on the new item, and marking it read brings the count down. Also renders a sample email (HTML, es/en).

The server is the production one (uvicorn, HTTP + WebSocket) in a child process on this test's database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from autoagenda.locations.selectors import public_holidays
from autoagenda.notifications.models import Delivery
from autoagenda.notifications.rendering import render
from autoagenda.scheduling.models import Appointment
from tests.accounts.factories import PASSWORD, ClientLocationFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.e2e.conftest import SCREENSHOTS, log_in, screenshot
from tests.notifications.factories import DeliveryFactory
from tests.walkins.asgi_server import AsgiServer

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page, problems: list[str]) -> None:
    page.on("console", lambda msg: problems.append(f"{page.url} {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))


def test_the_bell_counts_up_live_and_down_on_mark_read(page_at, cast):
    problems: list[str] = []
    cast.manager.first_name = "Carolina"
    cast.manager.save()
    DeliveryFactory(
        location=cast.location,
        status="failed",
        attempts=1,
        last_error="HTTP 400: Twilio 21211: invalid 'To'",
        channel="sms",
        address="+56912",
        recipient=None,
    )
    with AsgiServer() as server:
        phone = page_at(375, 812, "es")
        _watch(phone, problems)
        log_in(phone, server.url, cast.manager.email, PASSWORD)
        phone.goto(f"{server.url}/accounts/profile/")
        phone.wait_for_selector("[data-bell][data-live='1']")
        assert phone.locator("#bell-count").is_hidden()
        screenshot(phone, "notifications-profile-es-375")
        header = phone.locator(".topbar").bounding_box()
        assert header is not None
        assert header["width"] <= 375, "the header is wider than the phone"

        desk = page_at(1280, 900, "en")
        _watch(desk, problems)
        log_in(desk, server.url, cast.manager.email, PASSWORD)
        desk.goto(f"{server.url}/notifications/outbox/")
        desk.get_by_role("button", name="Send me a test message").click()
        desk.wait_for_selector(".alert--success")
        assert "A test message is on its way to you: inapp, email." in desk.locator(".messages").inner_text()
        screenshot(desk, "notifications-outbox-en-1280")

        # The phone's page was not reloaded: its socket brought the new count.
        phone.locator("#bell-count:not([hidden])").wait_for(timeout=5000)
        assert phone.locator("#bell-count").inner_text() == "1"
        phone.locator(".bell summary").click()
        phone.locator(".bell__item.is-unread").wait_for()
        assert "Mensaje de prueba" in phone.locator(".bell__panel").inner_text()
        box = phone.locator(".bell__panel").bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 375, "the bell's panel does not fit on the phone"
        screenshot(phone, "notifications-bell-open-es-375")

        # Read on the inbox page (htmx): the row and the count change in place; the desk's page hears it too.
        phone.goto(f"{server.url}/notifications/")
        phone.wait_for_selector("[data-bell][data-live='1']")
        desk.goto(f"{server.url}/notifications/outbox/?status=failed")
        desk.wait_for_selector("[data-bell][data-live='1']")
        assert desk.locator("#bell-count").inner_text() == "1"
        phone.locator("[data-mark-read]").click()
        phone.locator("#bell-count[hidden]").wait_for(state="attached", timeout=5000)
        phone.locator(".inbox__item.is-unread").wait_for(state="detached")  # after htmx settles the swapped row
        assert phone.get_by_role("button", name="Marcar como leída").count() == 0
        screenshot(phone, "notifications-inbox-es-375")
        desk.locator("#bell-count[hidden]").wait_for(state="attached", timeout=5000)
        screenshot(desk, "notifications-outbox-failed-en-1280")
    assert problems == []


def _a_weekday_ahead(location) -> str:
    """A working day two or more days from now at `location`: not a weekend, not a public holiday there (these
    journeys run on the real clock: on 6 December, two days ahead is Chile's 8 December holiday)."""
    day = timezone.now().astimezone(location.zone).date() + timedelta(days=2)
    closed = public_holidays(location, day, day + timedelta(days=14))
    while day.isoweekday() > 5 or day in closed:
        day += timedelta(days=1)
    return day.isoformat()


def test_a_booking_made_by_the_desk_rings_the_clients_bell_live(page_at, cast):
    """The client has a page open on their phone (es); a receptionist books for them at the desk in another
    browser; the client's bell counts up without a reload and down again when they read it."""
    problems: list[str] = []
    cast.client.first_name, cast.client.last_name = "Carla", "Fuentes"
    cast.client.save()
    ClientLocationFactory(client=cast.client, location=cast.location)
    oil = ServiceFactory(name="Cambio de aceite", locations=[cast.location], mechanics=[cast.mechanic])
    day = _a_weekday_ahead(cast.location)
    with AsgiServer() as server:
        phone = page_at(375, 812, "es")
        _watch(phone, problems)
        log_in(phone, server.url, cast.client.email, PASSWORD)
        phone.goto(f"{server.url}/book/appointments/")
        phone.wait_for_selector("[data-bell][data-live='1']")
        assert phone.locator("#bell-count").is_hidden()

        desk = page_at(1280, 900, "en")
        _watch(desk, problems)
        log_in(desk, server.url, cast.receptionist.email, PASSWORD)
        desk.goto(f"{server.url}/calendar/{cast.location.pk}/new/?service={oil.pk}&date={day}")
        desk.fill("#client-q", "fuentes")
        desk.locator("#client-results a.cal-result").first.wait_for()
        desk.locator("#client-results a.cal-result").first.click()
        desk.wait_for_load_state("networkidle")
        desk.locator(".cal-slot", has_text="11:00").click()
        desk.locator("#desk-booking button[type=submit]", has_text="Book appointment").click()
        desk.wait_for_load_state("networkidle")
        assert Appointment.objects.filter(client=cast.client).count() == 1

        phone.locator("#bell-count:not([hidden])").wait_for(timeout=5000)
        assert phone.locator("#bell-count").inner_text() == "1"
        phone.locator(".bell summary").click()
        phone.locator(".bell__item.is-unread").wait_for()
        assert "Hora reservada para el" in phone.locator(".bell__panel").inner_text()
        screenshot(phone, "notifications-bell-booking-es-375")

        phone.goto(f"{server.url}/notifications/")
        phone.wait_for_selector("[data-bell][data-live='1']")
        phone.locator("[data-mark-read]").click()
        phone.locator("#bell-count[hidden]").wait_for(state="attached", timeout=5000)
    assert problems == []


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_sample_email_renders_as_html(page_at, cast, language):
    user = UserFactory(first_name="Ana", language=language)
    delivery = DeliveryFactory(
        recipient=user,
        address=user.email,
        language=language,
        location=cast.location,
        context={"recipient_name": "Ana", "url": "/notifications/", "requested_by": "Carolina Fuentes"},
    )
    message = render(Delivery.objects.select_related("location").get(pk=delivery.pk))
    page = page_at(700, 700, language)
    page.set_content(message.html)
    assert page.locator("html").get_attribute("lang") == language
    expected = "Este es un mensaje de prueba" if language == "es" else "This is a test message"
    assert expected in page.locator("body").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"notifications-email-{language}.png"), full_page=True)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_confirmation_email_renders_as_html(page_at, cast, language):
    from autoagenda.scheduling import services as booking

    cast.client.first_name, cast.client.language = "Carla", language
    cast.client.save()
    oil = ServiceFactory(name="Cambio de aceite", locations=[cast.location], mechanics=[cast.mechanic])
    day = _a_weekday_ahead(cast.location)
    start = timezone.datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=cast.location.zone)
    booking.appointment_book(actor=cast.client, location=cast.location, service=oil, start=start)
    delivery = Delivery.objects.select_related("location").get(template="appointment_booked", channel="email")
    message = render(delivery)
    page = page_at(375, 800, language)
    page.set_content(message.html)
    assert page.locator("html").get_attribute("lang") == language
    body = page.locator("body").inner_text()
    assert ("Tu hora en" if language == "es" else "Your appointment at") in body
    assert ("Asistiré" if language == "es" else "I will be there") in body
    assert "10:00" in body
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"notifications-confirmation-email-{language}.png"), full_page=True)


def test_an_expired_link_says_so_on_a_phone(live_server, page_at, cast):
    from autoagenda.notifications import links
    from tests.scheduling.factories import AppointmentFactory

    oil = ServiceFactory(name="Cambio de aceite", locations=[cast.location])
    past = AppointmentFactory(
        location=cast.location, service=oil, client=cast.client, start=timezone.now() - timedelta(hours=3)
    )
    url = links.link_url(appointment_id=past.pk, purpose=links.CANCEL, start=past.start)
    page = page_at(375, 812, "es")
    response = page.goto(live_server.url + url.split("127.0.0.1:8000", 1)[-1])
    assert response is not None
    assert response.status == 410
    assert "Este enlace expiró" in page.locator("h1").inner_text()
    box = page.locator(".selfservice").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 375
    screenshot(page, "notifications-link-expired-es-375")
