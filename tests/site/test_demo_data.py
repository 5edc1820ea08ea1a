"""`load_demo` and `demo_logins`: the data `make run` starts with."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from autoagenda.accounts.models import Role, StaffMembership, User
from autoagenda.catalog.models import Service
from autoagenda.customers.models import Vehicle
from autoagenda.locations.models import Closure, Location, OpeningHours, Sector
from autoagenda.scheduling.models import Appointment, AppointmentStatus, AppointmentStatusChange, TimeOff, WorkingHours
from autoagenda.site.demo import data as demo
from autoagenda.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", "--force", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model, history tables included: a second run must add none."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def weekly_plan(rows) -> set[tuple[int, int, int]]:
    return {(r.weekday, r.start_minute, r.end_minute) for r in rows}


@pytest.fixture
def demo_loaded(monkeypatch) -> None:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    load_demo()


def test_it_creates_both_workshops_in_their_own_time_zones(demo_loaded):
    providencia = Location.objects.get(name="Taller Providencia")
    madrid = Location.objects.get(name="Taller Madrid Chamberí")

    assert (providencia.timezone, providencia.country, providencia.sector) == (
        "America/Santiago",
        "CL",
        Sector.AUTOMOTIVE,
    )
    assert (madrid.timezone, madrid.country, madrid.sector) == ("Europe/Madrid", "ES", Sector.AUTOMOTIVE)
    assert "Providencia" in providencia.address


def test_the_opening_hours_have_a_lunch_break(demo_loaded):
    providencia = Location.objects.get(name="Taller Providencia")
    madrid = Location.objects.get(name="Taller Madrid Chamberí")

    weekdays = range(1, 6)
    assert weekly_plan(OpeningHours.objects.filter(location=providencia)) == {
        *((day, 9 * 60, 13 * 60 + 30) for day in weekdays),
        *((day, 14 * 60 + 30, 18 * 60 + 30) for day in weekdays),
        (6, 9 * 60, 13 * 60),
    }
    assert weekly_plan(OpeningHours.objects.filter(location=madrid)) == {
        *((day, 8 * 60 + 30, 14 * 60) for day in weekdays),
        *((day, 15 * 60, 19 * 60) for day in weekdays),
    }


def test_each_location_has_a_manager_a_receptionist_and_two_mechanics(demo_loaded):
    for location in Location.objects.all():
        roles = sorted(StaffMembership.objects.filter(location=location).values_list("role", flat=True))
        assert roles == [Role.MANAGER, Role.MECHANIC, Role.MECHANIC, Role.RECEPTIONIST], location.name
        for membership in StaffMembership.objects.filter(location=location).select_related("user"):
            assert membership.user.role == membership.role
    admin = User.objects.get(role=Role.ADMIN)
    assert admin.email == "admin@demo.autoagenda.cl"
    assert not admin.memberships.exists()


def test_one_mechanic_per_location_has_own_hours_and_one_is_away(demo_loaded):
    for location in Location.objects.all():
        with_own_hours = set(WorkingHours.objects.filter(location=location).values_list("user__email", flat=True))
        assert len(with_own_hours) == 1, location.name
        (email,) = with_own_hours
        own = weekly_plan(WorkingHours.objects.filter(location=location, user__email=email))
        assert own != weekly_plan(OpeningHours.objects.filter(location=location))
        assert TimeOff.objects.filter(user__memberships__location=location).count() == 1
        assert Closure.objects.filter(location=location).exists()

    time_off = TimeOff.objects.get(user__email="mecanico2.providencia@demo.autoagenda.cl")
    assert time_off.end > time_off.start
    assert time_off.reason == "Vacaciones"


def test_clients_have_vehicles_with_normalised_plates_and_decoded_vins(demo_loaded):
    clients = User.objects.filter(role=Role.CLIENT)
    assert clients.count() >= 4
    assert all(client.vehicles.exists() for client in clients)

    chilean = Vehicle.objects.get(plate="KXPT21")
    spanish = Vehicle.objects.get(plate="1234LMN")
    assert chilean.owner.email == "cliente1@demo.autoagenda.cl"
    assert (chilean.make, chilean.vin_manufacturer, chilean.vin_country) == ("Toyota", "Toyota", "Japan")
    assert (spanish.make, spanish.vin_manufacturer, spanish.vin_country) == ("SEAT", "SEAT", "Spain")
    assert not Vehicle.objects.filter(plate__contains="-").exists()
    assert not Vehicle.objects.filter(plate__contains=" ").exists()


def test_the_catalog_is_in_spanish_with_each_countrys_tax(demo_loaded, settings):
    providencia = Location.objects.get(name="Taller Providencia")
    madrid = Location.objects.get(name="Taller Madrid Chamberí")

    oil_cl = Service.objects.get(name="Cambio de aceite y filtro", locations=providencia)
    oil_es = Service.objects.get(name="Cambio de aceite y filtro", locations=madrid)
    assert (oil_cl.tax_rate, oil_es.tax_rate) == (Decimal("19"), Decimal("21"))
    assert (oil_cl.repeat_months, oil_cl.repeat_km) == (12, 10_000)
    assert oil_cl.buffer_minutes == 15
    assert Service.objects.filter(name="Revisión técnica", locations=providencia).exists()
    assert Service.objects.filter(name="Revisión pre-ITV", locations=madrid).exists()
    assert Service.objects.filter(name="Alineación y balanceo", locations=providencia).exists()
    # Prices in the configured currency: whole pesos by default.
    assert settings.CURRENCY == "CLP"
    assert oil_cl.price == Decimal("45000")
    assert all(s.price == s.price.to_integral_value() for s in Service.objects.filter(locations=providencia))


def test_a_wash_needs_no_mechanic_and_diagnosis_is_for_the_specialist(demo_loaded):
    washes = Service.objects.filter(name="Lavado exterior")
    assert washes.count() == 2
    assert not any(wash.requires_mechanic for wash in washes)
    diagnosis = Service.objects.get(name="Diagnóstico computarizado")
    assert [m.email for m in diagnosis.mechanics.all()] == ["mecanico1.providencia@demo.autoagenda.cl"]


def test_each_workshop_prices_in_its_own_currency(demo_loaded):
    madrid = Location.objects.get(name="Taller Madrid Chamberí")
    providencia = Location.objects.get(name="Taller Providencia")
    assert (providencia.currency, madrid.currency) == ("CLP", "EUR")

    oil = Service.objects.get(name="Cambio de aceite y filtro", locations=madrid)
    assert (oil.price, oil.currency) == (Decimal("69.90"), "EUR")


def test_each_workshop_has_paid_partial_unpaid_and_cancelled_invoices(demo_loaded):
    from autoagenda.billing.models import CreditNote, Invoice

    for name, currency in (("Taller Providencia", "CLP"), ("Taller Madrid Chamberí", "EUR")):
        invoices = list(Invoice.objects.filter(location__name=name).order_by("sequence"))
        assert [i.status for i in invoices[:3]] == ["paid", "partial", "unpaid"]
        assert {i.currency for i in invoices} == {currency}
        assert invoices[0].seller_tax_id
        cancelled = [i for i in invoices if i.cancelled_at is not None]
        assert len(cancelled) == 1
        assert CreditNote.objects.get(invoice=cancelled[0]).number.startswith("NC-")
    madrid = Invoice.objects.filter(location__name="Taller Madrid Chamberí").first()
    assert madrid is not None
    assert madrid.total < 1000  # euros, not pesos


def test_running_it_twice_changes_nothing(demo_loaded):
    before = row_counts()
    passwords = dict(User.objects.values_list("email", "password"))
    service_updates = dict(Service.objects.values_list("pk", "updated_at"))

    output = load_demo()

    assert row_counts() == before
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert dict(Service.objects.values_list("pk", "updated_at")) == service_updates
    assert "nothing to add" in output


def test_a_second_run_keeps_what_a_user_changed_but_restores_what_was_deleted(demo_loaded):
    service = Service.objects.get(name="Lavado de motor", locations__name="Taller Providencia")
    service.price = Decimal("21000")
    service.save()
    # A vehicle with history cannot be deleted (the database protects it): take it off its bookings first.
    Appointment.objects.filter(vehicle__plate="KXPT21").update(vehicle=None)
    # Invoices are never deleted by the app (they protect their work order): this test takes them away by hand.
    from autoagenda.billing.models import CreditNote, Invoice, Payment

    Payment.objects.filter(invoice__work_order__vehicle__plate="KXPT21").delete()
    CreditNote.objects.filter(invoice__work_order__vehicle__plate="KXPT21").delete()
    Invoice.objects.filter(work_order__vehicle__plate="KXPT21").delete()
    WorkOrder.objects.filter(vehicle__plate="KXPT21").delete()
    Vehicle.objects.filter(plate="KXPT21").delete()

    load_demo()

    service.refresh_from_db()
    assert service.price == Decimal("21000")
    assert Vehicle.objects.filter(plate="KXPT21", owner__email="cliente1@demo.autoagenda.cl").count() == 1


def test_reset_puts_demo_values_and_the_password_back_without_duplicates(demo_loaded):
    before = Service.objects.count(), User.objects.count(), Vehicle.objects.count()
    service = Service.objects.get(name="Lavado de motor", locations__name="Taller Providencia")
    service.price = Decimal("21000")
    service.save()
    user = User.objects.get(email="cliente2@demo.autoagenda.cl")
    user.first_name = "Otro"
    user.set_password("changed-by-the-visitor-1")
    user.save()

    output = load_demo("--reset")

    assert "put back on 3 object(s)" in output  # the price, the name, the password
    service.refresh_from_db()
    user.refresh_from_db()
    assert service.price == Decimal("20000")
    assert user.first_name == "Matías"
    assert user.check_password(demo.DEFAULT_DEMO_PASSWORD)
    assert (Service.objects.count(), User.objects.count(), Vehicle.objects.count()) == before


def test_dated_demo_rows_keep_their_dates_until_a_reset_moves_them_forward():
    santiago = ZoneInfo("America/Santiago")
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=santiago), tick=False):
        load_demo()
    inventory = Closure.objects.get(reason="Inventario anual")
    assert inventory.date == date(2026, 3, 23)  # the Monday three weeks after the first load
    assert inventory.start == datetime(2026, 3, 23, tzinfo=santiago)

    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=santiago), tick=False):
        load_demo()
        inventory.refresh_from_db()
        assert inventory.date == date(2026, 3, 23)

        load_demo("--reset")
    inventory.refresh_from_db()
    assert inventory.date == date(2026, 6, 22)
    assert Closure.objects.filter(reason="Inventario anual").count() == 1
    san_isidro = Closure.objects.get(location__name="Taller Madrid Chamberí")
    assert san_isidro.date == date(2027, 5, 15)


def test_every_demo_user_can_log_in_with_the_demo_password(demo_loaded):
    request = RequestFactory().post("/accounts/login/")
    emails = [person.email for person in demo.all_people()]
    assert User.objects.filter(email__in=emails).count() == len(emails)

    for email in emails:
        user = authenticate(request, username=email, password="autoagenda-demo-2026")
        assert user is not None, email
        assert user.password != "autoagenda-demo-2026"
        assert authenticate(request, username=email, password="wrong-password-123") is None


def test_the_password_comes_from_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "otra-clave-de-demo-77")
    load_demo()

    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="gerente.madrid@demo.autoagenda.cl", password="otra-clave-de-demo-77")


def test_it_refuses_to_run_when_debug_is_off_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=StringIO())

    assert not Location.objects.exists()
    assert not User.objects.exists()


def test_it_runs_without_force_when_debug_is_on(settings):
    settings.DEBUG = True

    call_command("load_demo", stdout=StringIO())

    assert Location.objects.count() == 2


def test_demo_logins_lists_every_account_with_its_role_and_the_password(demo_loaded, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert "/accounts/login/" in text
    lines = text.splitlines()
    for person in demo.all_people():
        (line,) = [line for line in lines if f" {person.email} " in line]
        assert line.split()[0] == person.role
        assert line.rstrip().endswith("autoagenda-demo-2026")
    (manager_line,) = [line for line in lines if "gerente.madrid@" in line]
    assert "Taller Madrid Chamberí" in manager_line


def test_demo_logins_says_how_to_load_the_demo_when_there_is_none():
    out = StringIO()

    call_command("demo_logins", stdout=out)

    assert "load_demo" in out.getvalue()
    assert "@demo.autoagenda.cl" not in out.getvalue()


# --- Demo appointments -------------------------------------------------------

SANTIAGO = ZoneInfo("America/Santiago")
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=SANTIAGO)
SATURDAY_NIGHT = datetime(2026, 12, 5, 23, 30, tzinfo=SANTIAGO)
ACTIVE = [AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED, AppointmentStatus.CHECKED_IN]


def overlapping_pairs(appointments) -> list[tuple[int, int]]:
    """Pairs of one mechanic's appointments whose [start, occupied_until) intersect."""
    by_mechanic: dict[int, list] = {}
    for appointment in appointments:
        if appointment.mechanic_id is not None:
            by_mechanic.setdefault(appointment.mechanic_id, []).append(appointment)
    pairs = []
    for rows in by_mechanic.values():
        for first, second in itertools.combinations(rows, 2):
            if first.start < second.occupied_until and second.start < first.occupied_until:
                pairs.append((first.pk, second.pk))
    return pairs


@pytest.fixture
def demo_booked() -> None:
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        load_demo()


def test_it_books_a_few_appointments_a_day_at_both_workshops_for_their_own_clients(demo_booked):
    for location in Location.objects.all():
        appointments = Appointment.objects.filter(location=location, deposit__isnull=True)  # the desk's bookings
        today = WEDNESDAY_MORNING.astimezone(location.zone).date()
        days = set(appointments.values_list("local_date", flat=True))
        assert len(days) >= 4, location.name
        assert min(days) >= today
        assert max(days) < today + timedelta(days=7)
        for day in days:
            assert 1 <= appointments.filter(local_date=day).count() <= 4, (location.name, day)
        spec_clients = {c.person.email for c in demo.CLIENTS if c.location == location.name}
        assert set(appointments.values_list("client__email", flat=True)) <= spec_clients
        assert all(a.vehicle is not None and a.vehicle.owner_id == a.client_id for a in appointments)
        assert all(a.created_by.role == Role.RECEPTIONIST for a in appointments)
        assert all(a.start >= WEDNESDAY_MORNING + timedelta(minutes=location.min_notice_minutes) for a in appointments)
    assert set(Appointment.objects.exclude(notes="").values_list("notes", flat=True)) >= {
        "Ruido al frenar",
        "Revisar luz de motor",
    }
    # Each booking leaves its history row, like any booking made in the product.
    assert AppointmentStatusChange.objects.filter(from_status="").count() == Appointment.objects.count()


def test_the_demo_bookings_keep_the_rules(demo_booked):
    active = list(Appointment.objects.filter(status__in=ACTIVE).select_related("service", "location"))

    assert active
    assert overlapping_pairs(active) == []
    for appointment in active:
        local_start = appointment.start.astimezone(appointment.location.zone)
        assert appointment.local_date == local_start.date()
        assert appointment.end - appointment.start == timedelta(minutes=appointment.service.duration_minutes)
        assert (appointment.mechanic_id is None) == (not appointment.service.requires_mechanic)
        mechanics = list(appointment.service.mechanics.values_list("pk", flat=True))
        if mechanics and appointment.mechanic_id is not None:
            assert appointment.mechanic_id in mechanics


def test_only_todays_earliest_appointment_is_checked_in(demo_booked):
    for location in Location.objects.all():
        today = WEDNESDAY_MORNING.astimezone(location.zone).date()
        todays = list(
            Appointment.objects.filter(location=location, local_date=today, deposit__isnull=True).order_by(
                "start", "pk"
            )
        )
        assert todays, location.name
        assert [a.status for a in todays] == [AppointmentStatus.CHECKED_IN] + [AppointmentStatus.CONFIRMED] * (
            len(todays) - 1
        )
    assert set(
        Appointment.objects.filter(deposit__isnull=True)
        .exclude(status=AppointmentStatus.CHECKED_IN)
        .values_list("status", flat=True)
    ) == {AppointmentStatus.CONFIRMED}


def test_the_same_day_gives_the_same_demo_calendar():
    def calendar() -> list[tuple]:
        return list(
            Appointment.objects.order_by("location__name", "start", "pk").values_list(
                "location__name", "service__name", "client__email", "start", "notes"
            )
        )

    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        load_demo()
        first = calendar()
        Appointment.objects.all().delete()  # history rows go with them
        load_demo()

    assert calendar() == first


def test_a_second_run_books_nothing_more(demo_booked):
    before = row_counts()
    appointments = list(Appointment.objects.values_list("pk", "start", "status", "mechanic_id", "updated_at"))

    with time_machine.travel(WEDNESDAY_MORNING + timedelta(hours=2), tick=False):
        output = load_demo()

    assert row_counts() == before
    assert list(Appointment.objects.values_list("pk", "start", "status", "mechanic_id", "updated_at")) == appointments
    assert "nothing to add" in output


def test_late_on_a_saturday_it_still_books_the_coming_week():
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        output = load_demo()

    assert "appointment" in output
    for location in Location.objects.all():
        appointments = Appointment.objects.filter(location=location, deposit__isnull=True)
        assert appointments.exists(), location.name
        assert all(a.start > SATURDAY_NIGHT for a in appointments)
        # Nothing is left today to check in: every booking is still just confirmed.
        assert set(appointments.values_list("status", flat=True)) == {AppointmentStatus.CONFIRMED}
    assert overlapping_pairs(Appointment.objects.all()) == []


def test_the_demo_shows_messages_in_the_outbox_and_the_bells(demo_loaded):
    from autoagenda.notifications.models import Delivery, InAppNotification

    assert Delivery.objects.filter(status="failed", channel="sms", location__name="Taller Providencia").exists()
    assert Delivery.objects.filter(template="appointment_booked").exists()  # the bookings' own confirmations
    assert Delivery.objects.filter(template="appointment_reminder", status="queued").exists()
    for manager in User.objects.filter(role=Role.MANAGER, email__endswith="@demo.autoagenda.cl"):
        assert InAppNotification.objects.filter(user=manager).exists()
    assert InAppNotification.objects.filter(user__role=Role.MECHANIC, kind="appointment_staff").exists()


def test_the_demo_has_stock_at_both_workshops_and_madrid_sells_in_euros(demo_loaded):
    from autoagenda.inventory.models import Product, StockLevel, StockMove
    from autoagenda.inventory.selectors import low_stock_at, product_price_at

    providencia = Location.objects.get(name="Taller Providencia")
    madrid = Location.objects.get(name="Taller Madrid Chamberí")
    oil = Product.objects.get(sku="ACE-5W30")
    assert product_price_at(oil, providencia).amount == Decimal("9490")
    price = product_price_at(oil, madrid)
    assert (price.amount, price.currency) == (Decimal("11.90"), "EUR")
    for location in (providencia, madrid):
        for level in StockLevel.objects.filter(location=location):
            moves = StockMove.objects.filter(product=level.product, location=location)
            assert level.quantity == sum(m.quantity for m in moves)
    assert {p.sku for p in low_stock_at(providencia)} == {"FIL-AIR-002", "CAB-BAT-1"}
    assert {p.sku for p in low_stock_at(madrid)} == {"PAS-FRE-DEL", "BUJ-IRI-4"}


def test_the_demo_has_work_orders_at_every_step_and_a_second_run_adds_none(demo_loaded):
    for location in Location.objects.all():
        statuses = set(WorkOrder.objects.filter(location=location).values_list("status", flat=True))
        assert {"draft", "estimate_sent", "in_progress", "completed"} <= statuses, location.name
    count = WorkOrder.objects.count()
    load_demo()
    assert WorkOrder.objects.count() == count


@pytest.mark.django_db
def test_the_demo_madrid_asks_a_deposit_with_one_booking_waiting_and_one_paid():
    from autoagenda.deposits.models import Deposit

    call_command("load_demo", "--force", verbosity=0)
    madrid = Location.objects.get(name="Taller Madrid Chamberí")
    assert (madrid.deposit_mode, madrid.deposit_percent, madrid.currency) == ("percent", 20, "EUR")
    deposits = Deposit.objects.filter(location=madrid)
    assert sorted(deposits.values_list("status", "appointment__status")) == [
        ("paid", "confirmed"),
        ("pending", "pending"),
    ]


def test_the_demo_s_work_orders_reserve_their_parts_and_the_completed_ones_used_them(demo_loaded):
    from autoagenda.inventory.models import MoveKind, StockLevel, StockMove
    from autoagenda.workorders.models import EDITABLE_STATUSES, PartLine

    for location in Location.objects.all():
        open_lines = PartLine.objects.filter(
            work_order__location=location, work_order__status__in=EDITABLE_STATUSES, product__isnull=False
        )
        assert open_lines.exists(), location.name
        assert all(line.reserved == line.quantity for line in open_lines)
        completed = WorkOrder.objects.filter(location=location, status="completed", part_lines__product__isnull=False)
        uses = StockMove.objects.filter(location=location, kind=MoveKind.USE, work_order_id__in=completed.values("id"))
        assert uses.count() >= 2, location.name
        for level in StockLevel.objects.filter(location=location):
            held = open_lines.filter(product=level.product)
            assert level.reserved == sum((line.quantity for line in held), Decimal(0))
            assert level.quantity == sum(
                m.quantity for m in StockMove.objects.filter(product=level.product, location=location)
            )
