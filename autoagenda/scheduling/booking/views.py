"""The client's booking pages: location → vehicle → service → month → day → confirm.

The choices travel in the query string (flow.py), so each step is a plain GET
page that a reload, the back button or a shared link shows again. Only the confirm
POST writes, through `services.appointment_book` / `appointment_reschedule`,
which re-check the slot under the day's lock.

The confirmation page, its .ics file and cancelling are open to whoever may
see the appointment (its client, staff of its location); the flow itself and
"My appointments" are the client's.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import require
from autoagenda.core import slots
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.customers import services as customer_services
from autoagenda.customers.forms import VehicleForm
from autoagenda.scheduling import availability, ics, selectors, services
from autoagenda.scheduling.booking import selectors as booking_selectors
from autoagenda.scheduling.booking.flow import (
    CHANGEABLE_STATUSES,
    TOO_LATE,
    Flow,
    FlowRedirect,
    bookable_dates,
    flow_slots,
    read_flow,
    step_context,
)
from autoagenda.scheduling.booking.forms import ConfirmForm, MechanicForm
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from autoagenda.scheduling.permissions import can_book_online

JUST_TAKEN = gettext_lazy("That time was just taken — choose another.")
# The client's appointment page: higher apps add their panels there (deposits: the deposit and its pay button).
BOOKING_APPOINTMENT_SLOT = "scheduling.booking_appointment"
SLOT_CODES = frozenset({availability.SLOT_UNAVAILABLE, availability.CAPACITY_REACHED})
View = Callable[..., HttpResponse]


def booking_page(view: View) -> View:
    """Login first (anonymous → login page), then only clients: staff book for clients from the calendar."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(can_book_online(request.user))
        try:
            return view(request, *args, **kwargs)
        except FlowRedirect as exc:
            return redirect(exc.url)

    return wrapper


def _is_htmx(request: HttpRequest, target: str) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == target


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# --- 1. Location --------------------------------------------------------------


@booking_page
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    locations = booking_selectors.bookable_locations(request.user)
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
    flow = read_flow(request, location, step="vehicle")
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
    vehicles = booking_selectors.own_bookable_vehicles(request.user)
    choices = [{"vehicle": v, "url": flow.url("service", vehicle=v.pk)} for v in vehicles]
    context = step_context(flow, "vehicle", choices=choices, form=form, show_form=not choices or status == 400)
    return render(request, "scheduling/booking/vehicle.html", context, status=status)


# --- 3. Service ---------------------------------------------------------------


@booking_page
@require_GET
def service(request: HttpRequest, location: int) -> HttpResponse:
    flow = read_flow(request, location, step="service")
    cards = [
        {"service": s, "url": flow.url("month", service=s.pk)}
        for s in booking_selectors.services_at(request.user, flow.location)
    ]
    return render(request, "scheduling/booking/service.html", step_context(flow, "service", cards=cards))


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
    today, last_bookable = bookable_dates(flow.location, now)
    first_month = today.replace(day=1)
    last_month = last_bookable.replace(day=1)
    month = flow.month or (flow.day.replace(day=1) if flow.day is not None else first_month)
    month = min(max(month, first_month), last_month)
    flow.month = month
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    first, last = max(month, today), min(month_end, last_bookable)
    slots = flow_slots(flow, first, last, now) if first <= last else []
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
    flow = read_flow(request, location, step="month")
    now = timezone.now()
    context = step_context(flow, "month", **_month_context(flow, now))
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
    today, last_bookable = bookable_dates(flow.location, now)
    slots = flow_slots(flow, flow.day, flow.day, now) if today <= flow.day <= last_bookable else []
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
    context = step_context(flow, "day", error=error, **_day_context(flow, timezone.now()))
    template = "scheduling/booking/_day.html" if fragment else "scheduling/booking/day.html"
    return _vary_on_htmx(render(request, template, context, status=status))


@booking_page
@require_GET
def day(request: HttpRequest, location: int) -> HttpResponse:
    flow = read_flow(request, location, step="day")
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
    flow = read_flow(request, location, step="confirm")
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
                elif appointment.status == AppointmentStatus.PENDING:
                    messages.info(request, _("Your time is held: pay the deposit to confirm the booking."))
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
    context = step_context(
        flow,
        "confirm",
        form=form,
        start=flow.start,
        end=end.astimezone(flow.location.zone),
        # A client's new booking at a location that takes deposits: the amount they will pay after confirming.
        deposit=services.booking_deposit(flow.location, flow.service) if flow.appointment is None else None,
        day_url=flow.url("day", date=flow.day.isoformat() if flow.day else None),
    )
    return render(request, "scheduling/booking/confirm.html", context, status=status)


# --- The appointment: confirmation page, .ics, cancel, my appointments --------


def _appointment_context(appointment: Appointment, user: Any, now: datetime) -> dict[str, Any]:
    is_client = appointment.client_id == getattr(user, "pk", None)
    changeable = appointment.status in CHANGEABLE_STATUSES and appointment.end > now
    too_late = changeable and is_client and services.too_late_to_change(actor=user, appointment=appointment, now=now)
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
    # What higher apps add to the client's appointment page (deposits: its state and the "Pay deposit" button).
    context["slot_panels"] = slots.render_one(BOOKING_APPOINTMENT_SLOT, request.user, appointment)
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
    mine = booking_selectors.my_appointments(request.user, now)
    upcoming = [_appointment_context(appointment, request.user, now) for appointment in mine.upcoming]
    return render(request, "scheduling/booking/mine.html", {"upcoming": upcoming, "past": mine.past})
