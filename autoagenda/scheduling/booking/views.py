"""The client's booking pages: location → vehicle → service → month → day → confirm.

Every choice travels in the query string (vehicle, service, mechanic,
reschedule, month, date, start), so each step is a plain GET page that a
reload, the back button or a shared link shows again; a missing or stale
choice sends the client back to the step that asks for it. Only the confirm
POST writes, through `services.appointment_book` / `appointment_reschedule`,
which re-check the slot under the day's lock.

The confirmation page, its .ics file and cancelling are open to whoever may
see the appointment (its client, staff of its location); the flow itself and
"My appointments" are the client's.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import get_visible_or_404, require
from autoagenda.catalog.models import Service
from autoagenda.catalog.permissions import services_visible_to
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.customers import services as customer_services
from autoagenda.customers.forms import VehicleForm
from autoagenda.customers.models import Vehicle
from autoagenda.customers.permissions import get_vehicle_for_user, vehicles_visible_to
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import get_location_for_user, locations_visible_to
from autoagenda.scheduling import availability, ics, selectors, services
from autoagenda.scheduling.booking.forms import ChoicesForm, ConfirmForm, MechanicForm
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from autoagenda.scheduling.permissions import can_book_online

View = Callable[..., HttpResponse]

JUST_TAKEN = gettext_lazy("That time was just taken — choose another.")
TOO_LATE = gettext_lazy("Too late to change online — call the workshop.")
SLOT_CODES = frozenset({availability.SLOT_UNAVAILABLE, availability.CAPACITY_REACHED})
# Appointments that are still ahead of the client (the list's "Upcoming"); only the first two may move.
OPEN_STATUSES = (
    AppointmentStatus.PENDING,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.IN_PROGRESS,
)
CHANGEABLE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)
PAST_LIMIT = 50

# Which choices each step's URL carries: the ones made before it.
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "vehicle": (),
    "service": ("vehicle",),
    "month": ("vehicle", "service", "mechanic", "reschedule", "month"),
    "day": ("vehicle", "service", "mechanic", "reschedule", "date"),
    "confirm": ("vehicle", "service", "mechanic", "reschedule", "start"),
}


class _Redirect(Exception):
    """A step that lacks an earlier choice answers with a redirect to the step that asks for it."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def booking_page(view: View) -> View:
    """Login first (anonymous → login page), then only clients: staff book for clients from the calendar."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(can_book_online(request.user))
        try:
            return view(request, *args, **kwargs)
        except _Redirect as exc:
            return redirect(exc.url)

    return wrapper


def _is_htmx(request: HttpRequest, target: str) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == target


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# --- The choices so far -------------------------------------------------------


@dataclass
class Flow:
    location: Location
    vehicle: Vehicle | None = None
    service: Service | None = None
    mechanic: User | None = None
    mechanics: list[User] = field(default_factory=list)  # the service's eligible mechanics, for the select
    appointment: Appointment | None = None  # the one being rescheduled
    month: date | None = None
    day: date | None = None
    start: datetime | None = None

    @property
    def needs_vehicle(self) -> bool:
        return self.location.is_automotive and self.appointment is None

    def _values(self) -> dict[str, Any]:
        return {
            "vehicle": self.vehicle.pk if self.vehicle is not None and self.appointment is None else None,
            "service": self.service.pk if self.service is not None else None,
            "mechanic": self.mechanic.pk if self.mechanic is not None else None,
            "reschedule": self.appointment.pk if self.appointment is not None else None,
            "month": self.month.strftime("%Y-%m") if self.month is not None else None,
            "date": self.day.isoformat() if self.day is not None else None,
            "start": self.start.isoformat() if self.start is not None else None,
        }

    def url(self, step: str, **changes: Any) -> str:
        """The URL of `step` with the choices it needs; `changes` replace or add some (None drops one)."""
        values = {key: value for key, value in self._values().items() if key in STEP_KEYS[step]}
        values.update(changes)
        query = urlencode({key: str(value) for key, value in values.items() if value not in (None, "")})
        base = reverse(f"booking:{step}", args=[self.location.pk])
        return f"{base}?{query}" if query else base

    def hidden_fields(self, step: str, *, without: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The choices a GET form on this step must carry along."""
        values = self._values()
        return [
            (key, str(values[key]))
            for key in STEP_KEYS[step]
            if key not in without and values.get(key) not in (None, "")
        ]


def _services_at(user: Any, location: Location) -> QuerySet[Service]:
    return services_visible_to(user).filter(locations=location).order_by("name", "id")


def _eligible_mechanics(location: Location, service: Service) -> list[User]:
    """The people the mechanic select offers: rule 3's eligible mechanics of the service at the location."""
    if not service.requires_mechanic:
        return []
    ids = selectors.eligible_mechanic_ids(location, service, None)
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "id"))


def _too_late(appointment: Appointment, now: datetime) -> bool:
    """What the services enforce for clients, shown before they try: start - now < the cancellation window."""
    window = timedelta(minutes=appointment.location.cancellation_window_minutes)
    return appointment.start - now < window


def _read_flow(request: HttpRequest, location_pk: int, *, step: str) -> Flow:
    """The location and the well-formed choices in the query string, each fetched through permissions.

    Someone else's vehicle or appointment, or a service the location does not
    offer, is a 404; a choice that is missing sends the client to its step.
    """
    location = get_location_for_user(request.user, location_pk)
    data = ChoicesForm(request.GET).valid_data()
    flow = Flow(location=location, month=data.get("month"), day=data.get("date"), start=data.get("start"))
    if data.get("reschedule"):
        appointment = selectors.get_appointment_for_user(request.user, data["reschedule"])
        if appointment.location_id != location.pk:
            raise Http404
        if appointment.status not in CHANGEABLE_STATUSES:
            messages.error(request, _("This appointment can no longer be moved."))
            raise _Redirect(reverse("booking:done", args=[appointment.pk]))
        if _too_late(appointment, timezone.now()):
            messages.error(request, TOO_LATE)
            raise _Redirect(reverse("booking:done", args=[appointment.pk]))
        flow.appointment = appointment
        flow.service = appointment.service
        flow.vehicle = appointment.vehicle
    else:
        if location.is_automotive and data.get("vehicle"):
            flow.vehicle = get_vehicle_for_user(request.user, data["vehicle"])
        if data.get("service"):
            flow.service = get_visible_or_404(_services_at(request.user, location), data["service"])
    if flow.start is not None:
        flow.start = flow.start.astimezone(location.zone)
        flow.day = flow.start.date()
    if flow.service is not None and step in ("month", "day", "confirm"):
        flow.mechanics = _eligible_mechanics(location, flow.service)
        # A mechanic who is no longer eligible falls back to "any mechanic" rather than a dead end.
        flow.mechanic = next((m for m in flow.mechanics if m.pk == data.get("mechanic")), None)

    if step != "vehicle" and flow.needs_vehicle and flow.vehicle is None:
        raise _Redirect(flow.url("vehicle"))
    if step in ("month", "day", "confirm") and flow.service is None:
        raise _Redirect(flow.url("service"))
    if step == "day" and flow.day is None:
        raise _Redirect(flow.url("month"))
    if step == "confirm" and flow.start is None:
        raise _Redirect(flow.url("day") if flow.day else flow.url("month"))
    return flow


def _bookable_dates(location: Location, now: datetime) -> tuple[date, date]:
    """Today's local date and the last one the horizon allows."""
    today = now.astimezone(location.zone).date()
    return today, today + timedelta(days=location.booking_horizon_days)


def _slots(flow: Flow, first: date, last: date, now: datetime) -> list[availability.Slot]:
    """One availability read for local dates first..last: what the booking (or the move) would accept."""
    assert flow.service is not None
    mechanic_id = flow.mechanic.pk if flow.mechanic is not None else None
    if flow.appointment is not None:
        # A move keeps the duration and buffer it was booked with and ignores itself (rules 6 and 10).
        query = selectors.availability_query_for_move(
            flow.appointment, first_date=first, last_date=last, now=now, mechanic_id=mechanic_id
        )
        return availability.available_slots(query)
    return selectors.available_slots_for(
        location=flow.location,
        service=flow.service,
        first_date=first,
        last_date=last,
        now=now,
        mechanic_id=mechanic_id,
    )


# --- Step headers -------------------------------------------------------------


def _steps(flow: Flow, current: str) -> list[dict[str, Any]]:
    """The progress bar: earlier steps link back, later ones are just labels."""
    if flow.appointment is not None:
        names = [("month", _("Day")), ("day", _("Time")), ("confirm", _("Confirm"))]
    else:
        names = [("start", _("Location"))]
        if flow.location.is_automotive:
            names.append(("vehicle", _("Vehicle")))
        names += [("service", _("Service")), ("month", _("Day")), ("day", _("Time")), ("confirm", _("Confirm"))]
    keys = [key for key, _label in names]
    position = keys.index(current)
    steps = []
    for index, (key, label) in enumerate(names):
        url = ""
        if index < position:
            url = reverse("booking:start") if key == "start" else flow.url(key)
        state = "done" if index < position else "current" if index == position else "todo"
        steps.append({"number": index + 1, "label": label, "state": state, "url": url})
    return steps


def _context(flow: Flow, step: str, **extra: Any) -> dict[str, Any]:
    steps = _steps(flow, step)
    context: dict[str, Any] = {
        "flow": flow,
        "location": flow.location,
        "steps": steps,
        "step_count": len(steps),
        "current_step": next(s for s in steps if s["state"] == "current"),
        "change_vehicle_url": flow.url("vehicle") if flow.needs_vehicle else "",
        "change_service_url": flow.url("service") if flow.appointment is None else "",
        "change_location_url": reverse("booking:start") if flow.appointment is None else "",
    }
    context.update(extra)
    return context


# --- 1. Location --------------------------------------------------------------


@booking_page
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    locations = locations_visible_to(request.user).filter(is_active=True).order_by("name", "id")
    cards = [
        {
            "location": location,
            "url": reverse("booking:vehicle" if location.is_automotive else "booking:service", args=[location.pk]),
        }
        for location in locations
    ]
    return render(request, "scheduling/booking/start.html", {"cards": cards})


# --- 2. Vehicle ---------------------------------------------------------------


@booking_page
@require_http_methods(["GET", "POST"])
def vehicle(request: HttpRequest, location: int) -> HttpResponse:
    flow = _read_flow(request, location, step="vehicle")
    if not flow.location.is_automotive:
        return redirect(flow.url("service"))
    form = VehicleForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = form.service_fields()
            fields.pop("owner", None)
            try:
                added = customer_services.vehicle_create(actor=request.user, owner=None, **fields)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Vehicle %(plate)s added.") % {"plate": added.plate})
                return redirect(flow.url("service", vehicle=added.pk))
        status = 400
    vehicles = vehicles_visible_to(request.user).filter(archived_at__isnull=True).order_by("plate", "id")
    choices = [{"vehicle": v, "url": flow.url("service", vehicle=v.pk)} for v in vehicles]
    context = _context(flow, "vehicle", choices=choices, form=form, show_form=not choices or status == 400)
    return render(request, "scheduling/booking/vehicle.html", context, status=status)


# --- 3. Service ---------------------------------------------------------------


@booking_page
@require_GET
def service(request: HttpRequest, location: int) -> HttpResponse:
    flow = _read_flow(request, location, step="service")
    cards = [{"service": s, "url": flow.url("month", service=s.pk)} for s in _services_at(request.user, flow.location)]
    return render(request, "scheduling/booking/service.html", _context(flow, "service", cards=cards))


# --- 4. Month -----------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    free: int  # free slots that day
    url: str  # the day's page when it has free slots
    is_today: bool
    selected: bool


def _month_context(flow: Flow, now: datetime) -> dict[str, Any]:
    today, last_bookable = _bookable_dates(flow.location, now)
    first_month = today.replace(day=1)
    last_month = last_bookable.replace(day=1)
    month = flow.month or (flow.day.replace(day=1) if flow.day is not None else first_month)
    month = min(max(month, first_month), last_month)
    flow.month = month
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    first, last = max(month, today), min(month_end, last_bookable)
    slots = _slots(flow, first, last, now) if first <= last else []
    free = Counter(slot.start.astimezone(flow.location.zone).date() for slot in slots)
    weeks = [
        [
            CalendarDay(
                day=day,
                in_month=day.month == month.month,
                free=free.get(day, 0) if day.month == month.month else 0,
                url=flow.url("day", date=day.isoformat()) if free.get(day) and day.month == month.month else "",
                is_today=day == today,
                selected=day == flow.day,
            )
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    previous_month = (month - timedelta(days=1)).replace(day=1)
    next_month = (month_end + timedelta(days=1)).replace(day=1)
    return {
        "month": month,
        "weeks": weeks,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "free_days": len(free),
        "previous_url": flow.url("month", month=previous_month.strftime("%Y-%m"))
        if previous_month >= first_month
        else "",
        "next_url": flow.url("month", month=next_month.strftime("%Y-%m")) if next_month <= last_month else "",
        "next_month": next_month,
    }


@booking_page
@require_GET
def month(request: HttpRequest, location: int) -> HttpResponse:
    flow = _read_flow(request, location, step="month")
    now = timezone.now()
    context = _context(flow, "month", **_month_context(flow, now))
    if flow.mechanics:
        context["mechanic_form"] = MechanicForm(
            initial={"mechanic": flow.mechanic.pk if flow.mechanic else ""}, mechanics=flow.mechanics
        )
        context["mechanic_hidden"] = flow.hidden_fields("month", without=("mechanic",))
    template = "scheduling/booking/_month.html" if _is_htmx(request, "bk-month") else "scheduling/booking/month.html"
    return _vary_on_htmx(render(request, template, context))


# --- 5. Day -------------------------------------------------------------------


def _day_context(flow: Flow, now: datetime) -> dict[str, Any]:
    assert flow.day is not None
    today, last_bookable = _bookable_dates(flow.location, now)
    slots = _slots(flow, flow.day, flow.day, now) if today <= flow.day <= last_bookable else []
    zone = flow.location.zone
    buttons = [
        {
            "label": slot.start.astimezone(zone).strftime("%H:%M"),
            "url": flow.url("confirm", start=slot.start.isoformat()),
        }
        for slot in slots
    ]
    previous_day, next_day = flow.day - timedelta(days=1), flow.day + timedelta(days=1)
    return {
        "day": flow.day,
        "slots": buttons,
        "slot_starts": {slot.start for slot in slots},
        "month_url": flow.url("month", month=flow.day.strftime("%Y-%m"), date=None),
        "previous_day_url": flow.url("day", date=previous_day.isoformat()) if previous_day >= today else "",
        "next_day_url": flow.url("day", date=next_day.isoformat()) if next_day <= last_bookable else "",
    }


def _render_day(
    request: HttpRequest, flow: Flow, *, error: str = "", status: int = 200, fragment: bool = False
) -> HttpResponse:
    context = _context(flow, "day", error=error, **_day_context(flow, timezone.now()))
    template = "scheduling/booking/_day.html" if fragment else "scheduling/booking/day.html"
    return _vary_on_htmx(render(request, template, context, status=status))


@booking_page
@require_GET
def day(request: HttpRequest, location: int) -> HttpResponse:
    flow = _read_flow(request, location, step="day")
    return _render_day(request, flow, fragment=_is_htmx(request, "bk-day"))


# --- 6. Confirm ---------------------------------------------------------------


def _confirm_write(request: HttpRequest, flow: Flow, form: ConfirmForm) -> Appointment:
    assert flow.service is not None
    assert flow.start is not None
    if flow.appointment is not None:
        return services.appointment_reschedule(
            actor=request.user, appointment=flow.appointment, start=flow.start, mechanic=flow.mechanic
        )
    return services.appointment_book(
        actor=request.user,
        location=flow.location,
        service=flow.service,
        start=flow.start,
        client=request.user if isinstance(request.user, User) else None,
        mechanic=flow.mechanic,
        vehicle=flow.vehicle,
        notes=form.cleaned_data["notes"],
    )


@booking_page
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, location: int) -> HttpResponse:
    flow = _read_flow(request, location, step="confirm")
    assert flow.start is not None
    assert flow.service is not None
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appointment = _confirm_write(request, flow, form)
            except ApplicationError as exc:
                if exc.code in SLOT_CODES:
                    return _render_day(request, flow, error=str(JUST_TAKEN), status=exc.status)
                form.add_error(None, TOO_LATE if exc.code == "cancellation_window_passed" else exc.message)
                if exc.errors:
                    add_application_error(form, exc)
                status = exc.status
            else:
                if flow.appointment is not None:
                    messages.success(request, _("Your appointment was moved."))
                else:
                    messages.success(request, _("Your appointment is booked."))
                return redirect("booking:done", appointment.pk)
        else:
            status = 400
    else:
        offered = _day_context(flow, timezone.now())["slot_starts"]
        if flow.start not in offered:
            messages.error(request, JUST_TAKEN)
            return redirect(flow.url("day", date=flow.day.isoformat() if flow.day else None))
    end = flow.start + timedelta(
        minutes=flow.appointment.duration_minutes if flow.appointment is not None else flow.service.duration_minutes
    )
    context = _context(
        flow,
        "confirm",
        form=form,
        start=flow.start,
        end=end.astimezone(flow.location.zone),
        day_url=flow.url("day", date=flow.day.isoformat() if flow.day else None),
    )
    return render(request, "scheduling/booking/confirm.html", context, status=status)


# --- The appointment: confirmation page, .ics, cancel, my appointments ----------


def _appointment_context(appointment: Appointment, user: Any, now: datetime) -> dict[str, Any]:
    is_client = appointment.client_id == getattr(user, "pk", None)
    changeable = appointment.status in CHANGEABLE_STATUSES and appointment.end > now
    too_late = changeable and is_client and _too_late(appointment, now)
    return {
        "appointment": appointment,
        "location": appointment.location,
        "can_change": changeable and not too_late,
        "too_late": too_late,
        "reschedule_url": (
            reverse("booking:month", args=[appointment.location_id])
            + "?"
            + urlencode({"service": appointment.service_id, "reschedule": appointment.pk})
        )
        if is_client
        else "",
    }


@login_required
@require_GET
def done(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(request.user, pk)
    context = _appointment_context(appointment, request.user, timezone.now())
    context["is_client"] = appointment.client_id == request.user.pk
    context["show_client"] = not context["is_client"]
    return render(request, "scheduling/booking/done.html", context)


@login_required
@require_GET
def calendar_file(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(request.user, pk)
    response = HttpResponse(ics.appointment_calendar(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(request.user, pk)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            services.appointment_cancel(actor=request.user, appointment=appointment)
        except ApplicationError as exc:
            error = str(TOO_LATE) if exc.code == "cancellation_window_passed" else exc.message
            status = exc.status
        else:
            messages.success(request, _("Your appointment was cancelled."))
            if can_book_online(request.user):
                return redirect("booking:mine")
            return redirect("booking:done", appointment.pk)
    context = _appointment_context(appointment, request.user, timezone.now())
    context["error"] = error
    return render(request, "scheduling/booking/cancel.html", context, status=status)


@booking_page
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    visible = selectors.appointments_visible_to(request.user)  # a client's own
    upcoming = [
        _appointment_context(appointment, request.user, now)
        for appointment in visible.filter(status__in=OPEN_STATUSES, end__gt=now)
    ]
    past = list(visible.exclude(status__in=OPEN_STATUSES, end__gt=now).order_by("-start", "-id")[:PAST_LIMIT])
    return render(request, "scheduling/booking/mine.html", {"upcoming": upcoming, "past": past})
