"""Writes the demo data set (data.py): workshops, people, vehicles, services, walk-in queues and a week of
appointments, each found by its natural key and created only when missing (see the load_demo command)."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from vininfo import Vin

from autoagenda.accounts.models import ClientLinkSource, Role, StaffMembership, User
from autoagenda.catalog.models import Service
from autoagenda.core import money
from autoagenda.core.errors import ApplicationError
from autoagenda.customers import services as customer_services
from autoagenda.customers.models import Vehicle
from autoagenda.locations.models import Closure, DepositMode, Location, OpeningHours, Sector
from autoagenda.notifications.models import Channel, Delivery, DeliveryStatus, InAppNotification
from autoagenda.notifications.services import notification_enqueue
from autoagenda.scheduling import selectors as scheduling_selectors
from autoagenda.scheduling import services as scheduling_services
from autoagenda.scheduling.models import Appointment, AppointmentStatus, TimeOff, WorkingHours
from autoagenda.site.demo import data as demo
from autoagenda.site.demo.billing import load_invoices
from autoagenda.site.demo.deposits import load_deposits
from autoagenda.site.demo.inventory import load_inventory
from autoagenda.site.demo.workorders import load_work_orders
from autoagenda.walkins.models import Desk, Queue, Ticket, TicketAction, TicketCounter, TicketEvent, TicketStatus

M = TypeVar("M", bound=models.Model)


class DemoLoader:
    """Writes data.py's data set; `created` counts what this run added, by kind."""

    def __init__(self, *, reset: bool) -> None:
        self.reset = reset
        self.password = demo.demo_password()
        self.created: dict[str, int] = {}
        self.restored = 0
        self.locations: dict[str, Location] = {}
        self.users: dict[str, User] = {}
        self.vehicles: dict[str, list[Vehicle]] = {}
        # The local date of this run, per zone: relative demo dates (closures, time off) start from it.
        self.now = timezone.now()

    # --- generic natural-key upsert ---------------------------------------

    def upsert(
        self,
        model: type[M],
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        before_create: Callable[[M], None] | None = None,
    ) -> tuple[M, bool]:
        """Create from `lookup` + `values` when missing; with --reset, bring changed `values` back.

        Saves only when something differs, so a second run writes nothing (and
        adds no history rows).
        """
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            if before_create is not None:
                before_create(obj)
            _validate(obj)
            obj.save()
            self._count(model)
            return obj, True
        if self.reset:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                _validate(obj)
                obj.save(update_fields=_with_timestamp(obj, changed))
                self.restored += 1
        return obj, False

    def _count(self, model: type[models.Model]) -> None:
        label = str(model._meta.model_name)
        self.created[label] = self.created.get(label, 0) + 1

    # --- the data set ------------------------------------------------------

    def load(self) -> None:
        for spec in demo.LOCATIONS:
            self.locations[spec.name] = self.load_location(spec)
        for person in demo.STAFF:
            self.load_person(person)
        for client in demo.CLIENTS:
            owner = self.load_person(client.person)
            self.vehicles[owner.email] = [self.load_vehicle(owner, vehicle) for vehicle in client.vehicles]
        for closure in demo.CLOSURES:
            self.load_closure(closure)
        for time_off in demo.TIME_OFF:
            self.load_time_off(time_off)
        for location_name, services in demo.SERVICES.items():
            for service in services:
                self.load_service(self.locations[location_name], service)
        load_inventory(self)
        for location_name in self.locations:
            self.load_walkins(location_name)
        for location_name in self.locations:
            self.load_appointments(location_name)
        for location in self.locations.values():
            load_work_orders(location, self.users, self.vehicles)
        for location in self.locations.values():
            load_deposits(location, [self.users[c.person.email] for c in demo.CLIENTS if c.location == location.name])
            load_invoices(location, self.users)
        self.load_notifications()

    def load_location(self, spec: demo.LocationSpec) -> Location:
        location, _ = self.upsert(
            Location,
            {"name": spec.name},
            {
                "address": spec.address,
                "legal_name": spec.legal_name,
                "tax_id": spec.tax_id,
                "phone": spec.phone,
                "email": spec.email,
                "timezone": spec.timezone,
                "country": spec.country,
                "sector": Sector.AUTOMOTIVE,
                "slot_minutes": spec.slot_minutes,
                "max_appointments_per_hour": spec.max_appointments_per_hour,
                "max_appointments_per_day": spec.max_appointments_per_day,
                "min_notice_minutes": 60,
                "booking_horizon_days": 60,
                "cancellation_window_minutes": 120,
                "use_public_holidays": True,
                "deposit_mode": DepositMode.PERCENT if spec.deposit_percent else DepositMode.NONE,
                "deposit_percent": spec.deposit_percent,
                "deposit_hold_minutes": spec.deposit_hold_minutes,
                "is_active": True,
            },
        )
        for weekday, start, end in spec.opening_hours:
            self.upsert(
                OpeningHours,
                {"location": location, "weekday": weekday, "start_minute": demo.hm(start)},
                {"end_minute": demo.hm(end)},
            )
        return location

    def load_person(self, spec: demo.PersonSpec) -> User:
        is_admin = spec.role == Role.ADMIN
        values = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "phone": spec.phone,
            "role": spec.role,
            "language": spec.language,
            "marketing_opt_in": spec.marketing_opt_in,
            "is_active": True,
            # The demo admin may also open the Django back office (/backoffice/).
            "is_staff": is_admin,
            "is_superuser": is_admin,
        }
        user, created = self.upsert(
            User, {"email": spec.email}, values, before_create=lambda u: u.set_password(self.password)
        )
        if self.reset and not created and not user.check_password(self.password):
            user.set_password(self.password)
            user.save(update_fields=["password"])
            self.restored += 1
        self.users[spec.email] = user
        if spec.location is not None:
            location = self.locations[spec.location]
            self.upsert(StaffMembership, {"user": user, "location": location}, {"role": spec.role})
            for weekday, start, end in spec.working_hours:
                self.upsert(
                    WorkingHours,
                    {"user": user, "location": location, "weekday": weekday, "start_minute": demo.hm(start)},
                    {"end_minute": demo.hm(end)},
                )
        return user

    def load_vehicle(self, owner: User, spec: demo.VehicleSpec) -> Vehicle:
        manufacturer, country = _decode_vin(spec.vin)
        vehicle, _ = self.upsert(
            Vehicle,
            {"owner": owner, "plate": demo.normalise_plate(spec.plate)},
            {
                "make": spec.make,
                "model": spec.model,
                "year": spec.year,
                "vin": spec.vin,
                "mileage": spec.mileage,
                "color": spec.color,
                "vin_manufacturer": manufacturer,
                "vin_country": country,
            },
        )
        return vehicle

    def load_closure(self, spec: demo.ClosureSpec) -> Closure:
        location = self.locations[spec.location]
        zone = location.zone
        today = timezone.localdate(self.now, zone)
        if spec.month is not None and spec.day is not None:
            day = date(today.year, spec.month, spec.day)
            if day < today:
                day = date(today.year + 1, spec.month, spec.day)
        else:
            day = _next_weekday(today + timedelta(days=spec.days_ahead), spec.weekday)
        if spec.start is None or spec.end is None:
            start, end, whole_day = _local(day, "00:00", zone), _local(day + timedelta(days=1), "00:00", zone), day
        else:
            start, end, whole_day = _local(day, spec.start, zone), _local(day, spec.end, zone), None
        # Dated from the day of the first load; a later run keeps the dates, --reset moves them to today's plan.
        closure, _ = self.upsert(
            Closure,
            {"location": location, "reason": spec.reason},
            {"start": start, "end": end, "date": whole_day},
        )
        return closure

    def load_time_off(self, spec: demo.TimeOffSpec) -> TimeOff:
        user = self.users[spec.email]
        membership = user.memberships.select_related("location").first()
        zone = membership.location.zone if membership else ZoneInfo(settings.DEFAULT_LOCATION_TIMEZONE)
        first = _next_weekday(timezone.localdate(self.now, zone) + timedelta(days=spec.days_ahead), spec.weekday)
        if spec.start is None or spec.end is None:
            start, end = _local(first, "00:00", zone), _local(first + timedelta(days=spec.days), "00:00", zone)
        else:
            start, end = _local(first, spec.start, zone), _local(first, spec.end, zone)
        time_off, _ = self.upsert(
            TimeOff,
            {"user": user, "reason": spec.reason},
            {"start": start, "end": end, "created_by": self.users.get(demo.STAFF[0].email)},
        )
        return time_off

    def load_service(self, location: Location, spec: demo.ServiceSpec) -> Service:
        """Services are per location here (tax differs by country), keyed on (name, location)."""
        tax_rate = next(loc.tax_rate for loc in demo.LOCATIONS if loc.name == location.name)
        price = Decimal(spec.price_clp) if location.currency == "CLP" else Decimal(spec.price_eur)
        values = {
            "description": spec.description,
            "duration_minutes": spec.duration_minutes,
            "buffer_minutes": spec.buffer_minutes,
            "price": money.quantize(price, location.currency),
            "currency": location.currency,
            "tax_rate": tax_rate,
            "requires_mechanic": spec.requires_mechanic,
            "repeat_months": spec.repeat_months,
            "repeat_km": spec.repeat_km,
            "is_active": True,
        }
        existing = Service.objects.filter(name=spec.name, locations=location).first()
        mechanics = [self.users[email] for email in spec.mechanics]
        if existing is None:
            service = Service(name=spec.name, **values)
            _validate(service)
            service.save()
            service.locations.set([location])
            service.mechanics.set(mechanics)
            self._count(Service)
            return service
        if self.reset:
            changed = [name for name, value in values.items() if getattr(existing, name) != value]
            if changed:
                for name in changed:
                    setattr(existing, name, values[name])
                _validate(existing)
                existing.save(update_fields=_with_timestamp(existing, changed))
                self.restored += 1
            if set(existing.mechanics.all()) != set(mechanics):
                existing.mechanics.set(mechanics)
                self.restored += 1
        return existing

    def load_appointments(self, location_name: str) -> None:
        """Fill the next days' calendar with real free slots, booked the way the receptionist books them.

        Only for a location with no appointment at all, so a second run (and
        --reset) leaves what is there alone. Each booking goes through
        `appointment_book`, so the demo never breaks a rule the product keeps;
        a slot refused meanwhile (or none left late in the day) is just skipped.
        """
        location = self.locations[location_name]
        if Appointment.objects.filter(location=location).exists():
            return
        receptionist = next(
            self.users[p.email] for p in demo.STAFF if p.location == location_name and p.role == Role.RECEPTIONIST
        )
        clients = [self.users[c.person.email] for c in demo.CLIENTS if c.location == location_name]
        services = list(Service.objects.filter(locations=location, is_active=True).order_by("name", "pk"))
        if not clients or not services:
            return
        # The receptionist knows the workshop's regulars (at a real desk: found by their full email, phone or
        # plate); each booking below links them again, idempotently.
        for client in clients:
            customer_services.client_link_location(client=client, location=location, source=ClientLinkSource.BOOKING)
        rng = random.Random(f"{demo.APPOINTMENTS.seed}:{location_name}")
        today = timezone.localdate(self.now, location.zone)
        free = self._free_starts(location, services, today)
        booked: list[Appointment] = []
        for offset in range(demo.APPOINTMENTS.days):
            day = today + timedelta(days=offset)
            booked += self._book_day(location, day, services, free, rng, receptionist, clients, len(booked))
        self._check_in_first_of(today, booked, receptionist)

    def _free_starts(
        self, location: Location, services: list[Service], today: date
    ) -> dict[tuple[int, date], list[datetime]]:
        """One availability read per service for the whole plan; a slot taken since by another demo booking is
        refused by appointment_book's own re-check, and then skipped."""
        last = today + timedelta(days=demo.APPOINTMENTS.days - 1)
        free: dict[tuple[int, date], list[datetime]] = {}
        for service in services:
            for slot in scheduling_selectors.available_slots_for(
                location=location, service=service, first_date=today, last_date=last, now=self.now
            ):
                free.setdefault((service.pk, slot.start.date()), []).append(slot.start)
        return free

    def _book_day(
        self,
        location: Location,
        day: date,
        services: list[Service],
        free: dict[tuple[int, date], list[datetime]],
        rng: random.Random,
        receptionist: User,
        clients: list[User],
        booked_so_far: int,
    ) -> list[Appointment]:
        """Some of the day's free slots, each service at most once and one booking an hour (readable, spread
        out); clients and notes take turns across the whole plan."""
        plan = demo.APPOINTMENTS
        wanted = rng.choice(plan.per_day)
        taken_hours: set[int] = set()
        booked: list[Appointment] = []
        for service in rng.sample(services, len(services)):
            if wanted <= 0:
                break
            starts = [start for start in free.get((service.pk, day), []) if start.hour not in taken_hours]
            if not starts:
                continue
            start = rng.choice(starts)
            turn = booked_so_far + len(booked)
            client = clients[turn % len(clients)]
            vehicles = self.vehicles.get(client.email, [])
            vehicle = rng.choice(vehicles) if vehicles and location.sector == Sector.AUTOMOTIVE else None
            try:
                appointment = scheduling_services.appointment_book(
                    actor=receptionist,
                    location=location,
                    service=service,
                    start=start,
                    client=client,
                    vehicle=vehicle,
                    notes=plan.notes_for(turn),
                )
            except ApplicationError:
                continue
            booked.append(appointment)
            self._count(Appointment)
            taken_hours.add(start.hour)
            wanted -= 1
        return booked

    def _check_in_first_of(self, today: date, booked: list[Appointment], receptionist: User) -> None:
        """Today's first client is already here (and so in the walk-in queue of their service)."""
        todays = [a for a in booked if a.local_date == today]
        if todays:
            earliest = min(todays, key=lambda a: (a.start, a.pk))
            with contextlib.suppress(ApplicationError):
                scheduling_services.appointment_set_status(
                    actor=receptionist, appointment=earliest, status=AppointmentStatus.CHECKED_IN
                )

    # --- notifications ------------------------------------------------------------------------------------

    def load_notifications(self) -> None:
        """A refused SMS in the outbox (to retry from the page) and a first item in each manager's bell; the
        bookings above already queued their confirmations, reminders and the staff's in-app alerts."""
        for spec in demo.FAILED_MESSAGES:
            self.upsert(
                Delivery,
                {"event_key": f"demo:sms-refused:{spec.address}", "channel": Channel.SMS, "address": spec.address},
                {
                    "recipient": self.users.get(spec.client_email),
                    "location": self.locations[spec.location],
                    "template": "test_message",
                    "language": "es",
                    "status": DeliveryStatus.FAILED,
                    "attempts": 1,
                    "last_error": spec.error,
                },
                before_create=lambda row: setattr(row, "send_after", self.now),  # a dated row: kept on --reset
            )
        for person in demo.STAFF:
            user = self.users[person.email]
            if person.role != Role.MANAGER or InAppNotification.objects.filter(user=user).exists():
                continue
            notification_enqueue(
                event_key="demo:welcome",
                recipient=user,
                template="test_message",
                context={"url": "/notifications/outbox/"},
                location=self.locations.get(person.location or ""),
                channels=["inapp"],
            )
            self._count(InAppNotification)

    # --- walk-in queue (walkins) ---------------------------------------------------------------------

    def load_walkins(self, location_name: str) -> None:
        """Queues and desks of the location (before the appointments: a check-in then queues its client)."""
        location = self.locations[location_name]
        offered = list(Service.objects.filter(locations=location).order_by("name", "pk"))
        queues: dict[str, Queue] = {}
        for spec in demo.WALKIN_QUEUES:
            queue, created = self.upsert(
                Queue, {"location": location, "prefix": spec.prefix}, {"name": spec.name, "position": spec.position}
            )
            if created:
                wanted = offered if "*" in spec.services else [s for s in offered if s.name in spec.services]
                queue.services.set(wanted)
            queues[spec.prefix] = queue
        for desk_spec in demo.WALKIN_DESKS:
            desk, created = self.upsert(Desk, {"location": location, "name": desk_spec.name}, {})
            if created:
                desk.queues.set([queues[p] for p in desk_spec.queues if p in queues])
        self.load_walkin_history(location, queues)

    def load_walkin_history(self, location: Location, queues: dict[str, Queue]) -> None:
        """Yesterday's finished tickets (only where the location has none), so wait estimates start realistic."""
        if Ticket.objects.filter(location=location).exists():
            return
        yesterday = timezone.localdate(self.now, location.zone) - timedelta(days=1)
        for prefix, durations in demo.WALKIN_HISTORY.items():
            queue = queues.get(prefix)
            if queue is None:
                continue
            began = datetime.combine(yesterday, time(10, 0), tzinfo=location.zone)
            for number, minutes in enumerate(durations, start=1):
                finished = began + timedelta(minutes=minutes)
                issued, called = began - timedelta(minutes=10), began - timedelta(minutes=1)
                ticket = Ticket.objects.create(
                    location=location,
                    queue=queue,
                    prefix=prefix,
                    local_date=yesterday,
                    number=number,
                    status=TicketStatus.DONE,
                    issued_at=issued,
                    called_at=called,
                    started_at=began,
                    finished_at=finished,
                )
                self._count(Ticket)
                for action, at in (
                    (TicketAction.ISSUED, issued),
                    (TicketAction.CALLED, called),
                    (TicketAction.STARTED, began),
                    (TicketAction.FINISHED, finished),
                ):
                    TicketEvent.objects.create(ticket=ticket, location=location, action=action, at=at)
                began = finished + timedelta(minutes=2)
            TicketCounter.objects.create(
                location=location, prefix=prefix, local_date=yesterday, last_number=len(durations)
            )


def _with_timestamp(obj: models.Model, fields: list[str]) -> list[str]:
    """`update_fields` skips auto_now fields unless named: a restored row should show it changed."""
    return [*fields, "updated_at"] if hasattr(obj, "updated_at") else fields


def _validate(obj: models.Model) -> None:
    """Field validators catch a typo in the demo data; the database itself enforces uniqueness and constraints."""
    obj.full_clean(validate_unique=False, validate_constraints=False)


def _decode_vin(vin: str) -> tuple[str, str]:
    """Manufacturer and country from the VIN, offline (vininfo); blank when it cannot tell."""
    if not vin:
        return "", ""
    try:
        info = Vin(vin)
        return str(info.manufacturer or ""), str(info.country or "")
    except Exception:  # vininfo raises plain ValidationError/KeyError variants; a demo VIN just stays undecoded
        return "", ""


def _next_weekday(day: date, weekday: int | None) -> date:
    """`day` itself, or the first following date that falls on ISO `weekday`."""
    if weekday is None:
        return day
    return day + timedelta(days=(weekday - day.isoweekday()) % 7)


def _local(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    minutes = demo.hm(hhmm)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
