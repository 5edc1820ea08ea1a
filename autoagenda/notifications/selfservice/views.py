"""`/notifications/a/<token>/`: confirm attendance, cancel or reschedule from a message, without logging in.

The signed token is the key (links.py). The page speaks the client's language and acts as the client, through
scheduling's own services, so the cancellation window, availability and the allowed transitions are exactly the
app's. GET only shows (mail scanners open links); the change is a POST from the page. A link that was altered,
belongs to no appointment, has expired (the appointment has started, or it was moved since the message) or was
already used gets a page that says so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from autoagenda.core.errors import ApplicationError
from autoagenda.notifications import links
from autoagenda.notifications.forms import LinkRescheduleForm
from autoagenda.scheduling import services as scheduling_services
from autoagenda.scheduling.booking.flow import bookable_dates
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from autoagenda.scheduling.selectors import available_slots_for

TEMPLATE = "notifications/selfservice/page.html"
# How many days of free times the reschedule page offers (the full calendar is one login away).
RESCHEDULE_DAYS = 14

INVALID, EXPIRED, USED, CHANGED = "invalid", "expired", "used", "changed"


def _appointment(claim: links.LinkClaim) -> Appointment | None:
    return (
        Appointment.objects.select_related("location", "service", "client", "mechanic", "vehicle")
        .filter(pk=claim.appointment_id)
        .first()
    )


def _problem(claim: links.LinkClaim, appointment: Appointment, now: datetime) -> str:
    """Why the link cannot act any more, or "" when it can."""
    if appointment.status == AppointmentStatus.CANCELLED:
        return USED if claim.purpose == links.CANCEL else CHANGED
    if claim.purpose == links.CONFIRM and appointment.attendance_confirmed_at is not None:
        return USED
    if appointment.start <= now or appointment.status not in scheduling_services.MOVABLE_STATUSES:
        return EXPIRED
    if int(appointment.start.timestamp()) != int(claim.start.timestamp()):
        return CHANGED  # moved since the message: the newer message has the links
    return ""


def _days(appointment: Appointment, now: datetime) -> list[tuple[date, list[Any]]]:
    first, last = bookable_dates(appointment.location, now)
    last = min(last, first + timedelta(days=RESCHEDULE_DAYS - 1))
    slots = available_slots_for(
        location=appointment.location,
        service=appointment.service,
        first_date=first,
        last_date=last,
        now=now,
        exclude_appointment_id=appointment.pk,
    )
    by_day: dict[date, list[Any]] = defaultdict(list)
    for slot in slots:
        if slot.start != appointment.start:
            by_day[slot.start.date()].append(slot)
    return sorted(by_day.items())


def _act(purpose: str, appointment: Appointment, request: HttpRequest) -> str:
    """Do what the link is for, as the client; returns the done state. Raises ApplicationError when refused."""
    client = appointment.client
    if purpose == links.CONFIRM:
        scheduling_services.appointment_confirm_attendance(actor=client, appointment=appointment)
        return "confirmed"
    if purpose == links.CANCEL:
        scheduling_services.appointment_cancel(actor=client, appointment=appointment)
        return "cancelled"
    form = LinkRescheduleForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(error) for error in form.errors.get("start", []))
        raise ApplicationError("invalid", message or str(_("Choose one of the free times.")))
    scheduling_services.appointment_reschedule(actor=client, appointment=appointment, start=form.cleaned_data["start"])
    return "rescheduled"


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    base = {"appointment": None, "location": None, "purpose": "", "problem": "", "done": "", "error": ""}
    return render(request, TEMPLATE, {**base, **context, "too_late": context.get("too_late", False)}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def selfservice(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = links.read_token(token)
    except links.InvalidLink:
        return _page(request, {"problem": INVALID}, status=404)
    appointment = _appointment(claim)
    if appointment is None:
        return _page(request, {"problem": INVALID, "purpose": claim.purpose}, status=404)
    with translation.override(appointment.client.language or None):
        return _answer(request, claim, appointment)


def _answer(request: HttpRequest, claim: links.LinkClaim, appointment: Appointment) -> HttpResponse:
    now = timezone.now()
    context: dict[str, Any] = {
        "appointment": appointment,
        "location": appointment.location,
        "purpose": claim.purpose,
        "problem": "",
        "done": "",
        "error": "",
        "too_late": False,
        "days": [],
    }
    problem = _problem(claim, appointment, now)
    if problem:
        context["problem"] = problem
        return _page(request, context, status=410 if problem in (EXPIRED, CHANGED) else 200)
    too_late = claim.purpose != links.CONFIRM and scheduling_services.too_late_to_change(
        actor=appointment.client, appointment=appointment, now=now
    )
    context["too_late"] = too_late
    status = 200
    if request.method == "POST" and not too_late:
        try:
            context["done"] = _act(claim.purpose, appointment, request)
        except ApplicationError as exc:
            context["error"] = exc.message
            status = exc.status
        else:
            appointment.refresh_from_db()
            return _page(request, context)
    if claim.purpose == links.RESCHEDULE and not too_late:
        context["days"] = _days(appointment, now)
    return _page(request, context, status=status)
