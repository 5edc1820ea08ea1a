"""A receptionist runs the day from the staff calendar: week board, appointment panel, check-in, desk booking."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts.models import Role
from autoagenda.scheduling.models import Appointment
from tests.accounts.factories import PASSWORD, ClientLocationFactory, StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.e2e.conftest import log_in, screenshot
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

SANTIAGO = ZoneInfo("America/Santiago")
# Wednesday morning, before opening: the clock runs on from here.
START = datetime(2026, 12, 2, 8, 30, tzinfo=SANTIAGO)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SANTIAGO)


def _workshop(cast):
    """A believable week: two mechanics, a service without mechanic, a few statuses."""
    location = cast.location
    oil = ServiceFactory(name="Cambio de aceite", locations=[location], duration_minutes=60)
    brakes = ServiceFactory(name="Revisión de frenos", locations=[location], duration_minutes=90)
    wash = ServiceFactory(name="Lavado", locations=[location], duration_minutes=30, requires_mechanic=False)
    rosa = StaffFactory(role=Role.MECHANIC, location=location, first_name="Rosa", last_name="Mella")
    ana = UserFactory(first_name="Ana", last_name="Pizarro", phone="+56 9 8765 4321")
    VehicleFactory(owner=ana, plate="HXTZ55", make="Suzuki", model="Swift")
    ClientLocationFactory(client=ana, location=cast.location)  # a regular: the desk finds her by name
    cast.client.first_name, cast.client.last_name = "Carla", "Fuentes"
    cast.client.save()
    booked = AppointmentFactory(
        location=location,
        service=oil,
        client=cast.client,
        mechanic=cast.mechanic,
        vehicle=VehicleFactory(owner=cast.client, plate="KJTR21"),
        start=at(2, 10),
    )
    for start, service, mechanic, status in [
        (at(2, 9), brakes, rosa, "checked_in"),
        (at(2, 14), oil, rosa, "confirmed"),
        (at(2, 11, 30), wash, None, "confirmed"),
        (at(1, 9), oil, cast.mechanic, "completed"),
        (at(1, 15), brakes, rosa, "no_show"),
        (at(3, 9, 30), brakes, cast.mechanic, "confirmed"),
        (at(4, 16), oil, rosa, "pending"),
    ]:
        AppointmentFactory(
            location=location,
            service=service,
            client=UserFactory(),
            mechanic=mechanic,
            start=start,
            status=status,
        )
    return booked, oil, ana


def _switch_language(page, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != lang:
        page.click(f"button.langswitch__btn[value={lang}]")
        page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang


def test_a_receptionist_checks_a_client_in_from_the_week_view_and_books_at_the_desk(live_server, page_at, cast):
    with time_machine.travel(START, tick=True):
        booked, oil, ana = _workshop(cast)
        problems: list[str] = []
        page = page_at(1280)
        page.on(
            "console",
            lambda msg: problems.append(f"{page.url} {msg.text} {msg.location}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        log_in(page, live_server.url, cast.receptionist.email, PASSWORD)
        page.goto(f"{live_server.url}/calendar/{cast.location.pk}/week/")
        _switch_language(page, "en")

        chip = page.locator(f'a.cal-chip[data-appointment="{booked.pk}"]')
        assert "Carla Fuentes" in chip.inner_text()
        assert "10:00–11:00" in chip.inner_text()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the week view scrolls sideways by {overflow}px at 1280px"
        screenshot(page, "calendar-week-en-1280")

        chip.click()
        panel = page.locator("#cal-panel")
        panel.locator("button", has_text="Check in").wait_for()
        assert "KJTR21" in panel.inner_text()
        panel.locator("button", has_text="Check in").click()
        panel.locator(".alert--success").wait_for()
        assert "Checked in" in panel.inner_text()
        # The board behind the panel refreshed itself.
        page.locator(f'a.cal-chip.cal-status--checked_in[data-appointment="{booked.pk}"]').wait_for()
        booked.refresh_from_db()
        assert booked.status == "checked_in"
        panel.locator(".cal-panel__close").click()
        page.wait_for_selector("#cal-panel:empty", state="attached")

        page.goto(f"{live_server.url}/calendar/{cast.location.pk}/day/?date=2026-12-02")
        block = page.locator(f'td[data-column="m{cast.mechanic.pk}"][data-row="10:00"] a.cal-appt')
        assert "Carla Fuentes" in block.inner_text()
        screenshot(page, "calendar-day-en-1280")

        page.goto(f"{live_server.url}/calendar/{cast.location.pk}/new/?service={oil.pk}&date=2026-12-02")
        page.fill("#client-q", "pizarro")
        page.locator("#client-results a.cal-result").first.wait_for()
        page.locator("#client-results a.cal-result").first.click()
        page.wait_for_load_state("networkidle")
        assert "Ana Pizarro" in page.locator(".cal-client").inner_text()
        page.fill("#id_date", "2026-12-03")  # htmx reloads the free times for the new day
        page.locator("#desk-slots legend", has_text="Thursday 3 December").wait_for()
        page.locator(".cal-slot", has_text="11:00").click()
        screenshot(page, "calendar-new-en-1280")
        page.locator("#desk-booking button[type=submit]", has_text="Book appointment").click()
        page.wait_for_load_state("networkidle")
        assert "/day/?date=2026-12-03" in page.url
        assert "Booked Cambio de aceite for Ana Pizarro" in page.locator(".messages").inner_text()
        assert Appointment.objects.filter(client=ana, start=at(3, 11)).exists()
        assert problems == []  # a CSP violation is a console error in chromium


def test_todays_list_and_the_calendars_read_well_on_a_phone_in_spanish(live_server, page_at, cast):
    with time_machine.travel(START, tick=True):
        _workshop(cast)
        page = page_at(375, lang="es")
        log_in(page, live_server.url, cast.receptionist.email, PASSWORD)
        for view in ("day", "week", "new"):
            page.goto(f"{live_server.url}/calendar/{cast.location.pk}/{view}/")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the {view} view scrolls sideways by {overflow}px at 375px (only its grid may)"
        page.goto(f"{live_server.url}/calendar/{cast.location.pk}/today/")
        _switch_language(page, "es")
        rows = page.locator("tr.cal-today__row")
        assert rows.count() == 4
        assert "Carla Fuentes" in page.locator("main").inner_text()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"today's list scrolls sideways by {overflow}px at 375px"
        screenshot(page, "calendar-today-es-375")


def test_the_desk_finds_a_client_of_another_location_only_by_their_full_phone_and_books_for_them(
    live_server, page_at, cast
):
    with time_machine.travel(START, tick=True):
        _booked, oil, _ana = _workshop(cast)
        lucia = UserFactory(first_name="Lucía", last_name="Madrid", phone="+34 612 34 56 78")
        VehicleFactory(owner=lucia, plate="4455KLM", make="Seat", model="Ibiza")
        ClientLocationFactory(client=lucia, location=cast.other_location)
        for width, lang in ((1280, "en"), (375, "es")):
            page = page_at(width, lang=lang)
            log_in(page, live_server.url, cast.receptionist.email, PASSWORD)
            page.goto(f"{live_server.url}/calendar/{cast.location.pk}/new/?service={oil.pk}&date=2026-12-03")
            _switch_language(page, lang)
            page.fill("#client-q", "lucía")
            page.locator("#client-results .empty").wait_for()
            assert "Lucía" not in page.locator("#client-results").inner_text()
            page.fill("#client-q", "+34 612 34 56 78")
            page.locator("#client-results form.cal-result--elsewhere").wait_for()
            results = page.locator("#client-results").inner_text()
            assert "Lucía Madrid" in results
            assert "4455KLM" not in results  # nothing more until the desk serves her
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the desk scrolls sideways by {overflow}px at {width}px"
            screenshot(page, f"calendar-new-elsewhere-{lang}-{width}")
        page.locator("#client-results form.cal-result--elsewhere button").click()
        page.wait_for_load_state("networkidle")
        assert "Lucía Madrid" in page.locator(".cal-client").inner_text()
        assert "4455KLM" in page.locator(".cal-client").inner_text()
        assert "2026-12-03" in page.url
        screenshot(page, "calendar-new-linked-es-375")
