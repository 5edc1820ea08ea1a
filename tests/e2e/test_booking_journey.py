"""A client on a phone, in Spanish, books an appointment through every step and lands on the confirmation.

The clock is not frozen (the browser and the live server share real time), so the
workshop opens around the clock every day and closes on no holiday: there is
always a free time within the notice and the horizon.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from autoagenda.customers.models import Vehicle
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.e2e.conftest import log_in, screenshot
from tests.locations.factories import LocationFactory
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 375


def assert_fits(page, step: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{step} scrolls sideways by {overflow}px at {WIDTH}px"


def test_a_client_books_on_a_phone_in_spanish(live_server, page_at):
    location = LocationFactory(
        name="Taller Ñuñoa",
        address="Av. Irarrázaval 2401, Ñuñoa",
        phone="+56 2 2204 1100",
        use_public_holidays=False,
        hours=[(day, 0, 1440) for day in range(1, 8)],
    )
    mechanic = StaffFactory(role="mechanic", location=location, first_name="Rita", last_name="Soto")
    ServiceFactory(
        name="Cambio de aceite y filtro",
        description="Aceite sintético 5W-30 y filtro nuevo.",
        locations=[location],
        duration_minutes=60,
    )
    client = UserFactory(email="camila@example.com", first_name="Camila")
    VehicleFactory(owner=client, plate="KJTR21", make="Toyota", model="Yaris")

    page = page_at(WIDTH, height=800, lang="es")
    log_in(page, live_server.url, client.email, PASSWORD)

    page.goto(f"{live_server.url}/book/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert_fits(page, "start")
    screenshot(page, "booking-start-es-375")
    page.get_by_role("link", name=re.compile("Taller Ñuñoa")).click()

    page.wait_for_url(re.compile(r"/book/\d+/vehicle/"))
    assert_fits(page, "vehicle")
    screenshot(page, "booking-vehicle-es-375")
    page.get_by_role("link", name=re.compile("KJTR21")).click()

    page.wait_for_url(re.compile(r"/book/\d+/service/"))
    assert_fits(page, "service")
    screenshot(page, "booking-service-es-375")
    page.get_by_role("link", name=re.compile("Cambio de aceite y filtro")).click()

    page.wait_for_url(re.compile(r"/book/\d+/month/"))
    assert page.locator("select[name=mechanic]").count() == 1
    if page.locator("a.bk-cal__day--free").count() == 0:  # late on the month's last day: the next month
        page.locator("a[rel=next]").click()
        page.locator("a.bk-cal__day--free").first.wait_for()
    assert_fits(page, "month")
    screenshot(page, "booking-month-es-375")

    free_days = page.locator("a.bk-cal__day--free")
    # A later day, so the booking is outside the cancellation window and can still be changed online.
    (free_days.nth(1) if free_days.count() > 1 else free_days.first).click()  # htmx: the times open below
    page.locator("#bk-day a.bk-slot").first.wait_for()
    assert_fits(page, "month with a day")
    screenshot(page, "booking-month-day-es-375")

    page.goto(page.url)  # the pushed URL is the day's own page: a reload (or no JavaScript) shows it
    assert re.search(r"/book/\d+/day/", page.url)
    assert page.locator("a.bk-slot").count() >= 1
    assert_fits(page, "day")
    screenshot(page, "booking-day-es-375")
    page.locator("a.bk-slot").last.click()

    page.wait_for_url(re.compile(r"/book/\d+/confirm/"))
    page.fill("textarea[name=notes]", "Suena un ruido al frenar.")
    assert_fits(page, "confirm")
    screenshot(page, "booking-confirm-es-375")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/book/appointments/\d+/$"))
    appointment = Appointment.objects.get(client=client)
    assert page.url.endswith(f"/book/appointments/{appointment.pk}/")
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.mechanic == mechanic
    assert appointment.notes == "Suena un ruido al frenar."
    assert page.locator("a[href$='calendar.ics']").count() == 1
    assert "KJTR21" in page.locator("main").inner_text()
    assert_fits(page, "done")
    screenshot(page, "booking-done-es-375")

    page.goto(f"{live_server.url}/book/appointments/")
    assert page.locator(".bk-appt").count() == 1
    assert page.locator(f"a[href$='/book/appointments/{appointment.pk}/cancel/']").count() == 1
    assert_fits(page, "my appointments")
    screenshot(page, "booking-mine-es-375")


def test_a_client_archives_a_booked_vehicle_instead_of_deleting_it(live_server, page_at, cast):
    vehicle = VehicleFactory(owner=cast.client, plate="ARCH01", make="Fiat", model="Uno")
    AppointmentFactory(
        location=cast.location,
        service=ServiceFactory(locations=[cast.location]),
        client=cast.client,
        vehicle=vehicle,
        start=datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("America/Santiago")),
    )
    for width, lang in ((375, "es"), (1280, "en")):
        page = page_at(width, lang=lang)
        log_in(page, live_server.url, cast.client.email, PASSWORD)
        page.goto(f"{live_server.url}/vehicles/{vehicle.pk}/delete/")
        if page.locator("html").get_attribute("lang") != lang:
            page.click(f"button.langswitch__btn[value={lang}]")
            page.wait_for_load_state("networkidle")
        assert page.locator("form button.btn--danger").count() == 0  # no delete for a vehicle with history
        screenshot(page, f"vehicle-archive-{lang}-{width}")
    page.locator("form button.btn--primary").click()
    page.wait_for_load_state("networkidle")
    assert "Archived" in page.locator("table").inner_text()
    screenshot(page, "vehicle-list-archived-en-1280")
    vehicle.refresh_from_db()
    assert vehicle.is_archived
    assert Vehicle.objects.filter(pk=vehicle.pk).exists()
