"""A client on a phone books at a workshop that asks a 20 % deposit, pays it on the fake provider's page and
sees the booking confirmed; the deposit step is screenshotted at 375 px in Spanish and English.

The clock is not frozen (the browser and the live server share real time), so the workshop opens around the
clock every day and closes on no holiday.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from autoagenda.deposits.models import Deposit, DepositStatus
from autoagenda.locations.models import DepositMode
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.e2e.conftest import log_in, screenshot
from tests.locations.factories import LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 375


def assert_fits(page, step: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{step} scrolls sideways by {overflow}px at {WIDTH}px"


def _choose_a_time(page, base_url: str) -> None:
    page.goto(f"{base_url}/book/")
    page.get_by_role("link", name=re.compile("Taller Chamberí")).click()
    page.wait_for_url(re.compile(r"/book/\d+/vehicle/"))
    page.get_by_role("link", name=re.compile("1234BCD")).click()
    page.wait_for_url(re.compile(r"/book/\d+/service/"))
    page.get_by_role("link", name=re.compile("Revisión pre-ITV")).click()
    page.wait_for_url(re.compile(r"/book/\d+/month/"))
    if page.locator("a.bk-cal__day--free").count() == 0:
        page.locator("a[rel=next]").click()
        page.locator("a.bk-cal__day--free").first.wait_for()
    free_days = page.locator("a.bk-cal__day--free")
    (free_days.nth(1) if free_days.count() > 1 else free_days.first).click()
    page.locator("#bk-day a.bk-slot").first.wait_for()
    page.locator("#bk-day a.bk-slot").last.click()
    page.wait_for_url(re.compile(r"/book/\d+/confirm/"))


def test_a_client_pays_the_deposit_on_a_phone_and_the_booking_is_confirmed(live_server, page_at):
    location = LocationFactory(
        name="Taller Chamberí",
        timezone="Europe/Madrid",
        country="ES",
        use_public_holidays=False,
        hours=[(day, 0, 1440) for day in range(1, 8)],
        deposit_mode=DepositMode.PERCENT,
        deposit_percent=20,
    )
    StaffFactory(role="mechanic", location=location, first_name="Lucía", last_name="Gil")
    ServiceFactory(name="Revisión pre-ITV", locations=[location], duration_minutes=60, price=Decimal("49.90"))
    client = UserFactory(email="marta@example.com", first_name="Marta")
    VehicleFactory(owner=client, plate="1234BCD", make="Seat", model="Ibiza")

    page = page_at(WIDTH, height=800, lang="es")
    log_in(page, live_server.url, client.email, PASSWORD)
    _choose_a_time(page, live_server.url)
    confirm = page.locator("main").inner_text()
    assert "9,98" in confirm  # 20 % of 49,90 €, shown before confirming
    assert_fits(page, "confirm")
    screenshot(page, "deposit-confirm-es-375")
    page.locator("main form button[type=submit]").click()

    # The deposit step: the time is held, the amount and "Pagar abono".
    page.wait_for_url(re.compile(r"/book/appointments/\d+/$"))
    appointment = Appointment.objects.get(client=client)
    assert appointment.status == AppointmentStatus.PENDING
    assert_fits(page, "appointment waiting")
    screenshot(page, "deposit-appointment-es-375")
    page.get_by_role("link", name="Pagar abono").click()
    page.wait_for_url(re.compile(r"/deposits/appointments/\d+/pay/$"))
    assert "9,98 EUR" in page.locator("main").inner_text()
    assert_fits(page, "deposit step")
    screenshot(page, "deposit-step-es-375")
    page.get_by_role("button", name="Pagar abono").click()
    page.wait_for_url(re.compile(r"/deposits/fake-checkout/fake_cs_[\w-]+/$"))
    assert_fits(page, "fake checkout")
    screenshot(page, "deposit-fake-checkout-es-375")
    page.get_by_role("button", name="Pagar", exact=True).click()

    page.wait_for_url(re.compile(r"/deposits/appointments/\d+/return/\?result=success$"))
    assert "Abono pagado: su cita está confirmada" in page.locator("main").inner_text()
    assert_fits(page, "return")
    screenshot(page, "deposit-paid-es-375")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    deposit = Deposit.objects.get(appointment=appointment)
    assert (deposit.status, deposit.amount, deposit.currency) == (DepositStatus.PAID, Decimal("9.98"), "EUR")

    # The same step in English, for a second booking that waits.
    page = page_at(WIDTH, height=800, lang="en")
    log_in(page, live_server.url, client.email, PASSWORD)
    _choose_a_time(page, live_server.url)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/book/appointments/\d+/$"))
    page.get_by_role("link", name="Pay deposit").click()
    page.wait_for_url(re.compile(r"/deposits/appointments/\d+/pay/$"))
    assert page.get_by_role("button", name="Pay deposit").count() == 1
    assert_fits(page, "deposit step en")
    screenshot(page, "deposit-step-en-375")
