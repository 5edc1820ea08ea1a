"""Staff-hours pages: thin — authorize through permissions, validate with a form, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from autoagenda.accounts.permissions import get_staff_for_user, get_visible_or_404, require
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.locations.models import Location
from autoagenda.scheduling import services
from autoagenda.scheduling.permissions import (
    can_manage_schedules,
    can_manage_staff_schedule,
    can_manage_time_off,
    schedule_locations_for,
)
from autoagenda.scheduling.selectors import staff_zone
from autoagenda.scheduling.staff_hours import selectors
from autoagenda.scheduling.staff_hours.forms import DayRow, TimeOffForm, WeekHoursForm


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    require(can_manage_schedules(request.user))
    return render(request, "scheduling/staff_list.html", {"rows": selectors.staff_overview(request.user)})


def _pick_location(request: HttpRequest, choices: list[Location]) -> Location | None:
    raw = request.POST.get("location") or request.GET.get("location") or ""
    for location in choices:
        if str(location.pk) == raw:
            return location
    return choices[0] if choices else None


@login_required
@require_http_methods(["GET", "POST"])
def staff_hours(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_staff_for_user(request.user, pk)
    require(can_manage_staff_schedule(request.user, staff))
    if request.headers.get("HX-Request") and request.GET.get("interval", "").isdigit():
        # "Add interval": one empty row for that day.
        return render(request, "scheduling/_interval.html", {"day": request.GET["interval"], "start": "", "end": ""})
    choices = list(schedule_locations_for(request.user, staff).order_by("name", "id"))
    location = _pick_location(request, choices)
    stored = [
        (h.weekday, h.start_minute, h.end_minute)
        for h in (selectors.working_hours_visible(request.user, staff, location_id=location.pk) if location else [])
    ]
    status = 200
    if request.method == "POST" and location is not None:
        form = WeekHoursForm(request.POST)
        if form.is_valid():
            try:
                services.working_hours_replace(
                    actor=request.user, user=staff, location=location, intervals=form.intervals
                )
            except ApplicationError as exc:
                form.add_service_errors(exc.errors)
                if not exc.errors:
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Working hours of %(name)s at %(location)s saved.") % {"name": staff, "location": location.name},
                )
                return redirect(f"{reverse('scheduling:staff_hours', args=[staff.pk])}?location={location.pk}")
        status = 400
    else:
        form = WeekHoursForm(stored=stored)
    opening = _opening_rows(location) if location else []
    context = {
        "staff": staff,
        "form": form,
        "days": form.days,
        "locations": choices,
        "location": location,
        "opening": opening,
        "uses_opening_hours": not stored,
    }
    return render(request, "scheduling/staff_hours.html", context, status=status)


def _opening_rows(location: Location) -> list[DayRow]:
    """The location's opening hours, shown beside the editor (what "no hours set" means)."""
    days = WeekHoursForm(stored=[(h.weekday, h.start_minute, h.end_minute) for h in location.opening_hours.all()]).days
    for day in days:
        day.intervals = [(start, "24:00" if end == "00:00" else end) for start, end in day.intervals]
    return days


@login_required
@require_http_methods(["GET", "POST"])
def staff_time_off(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_staff_for_user(request.user, pk)
    require(can_manage_time_off(request.user, staff))
    zone = staff_zone(staff)
    status = 200
    form = TimeOffForm()
    if request.method == "POST" and request.POST.get("delete"):
        off = get_visible_or_404(selectors.time_off_for(staff), request.POST["delete"])
        services.time_off_delete(actor=request.user, time_off=off)
        messages.success(request, _("Time off deleted."))
        return redirect("scheduling:staff_time_off", pk=staff.pk)
    if request.method == "POST":
        form = TimeOffForm(request.POST)
        with timezone.override(zone):
            valid = form.is_valid()
        if valid:
            try:
                services.time_off_add(actor=request.user, user=staff, **form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Time off saved."))
                return redirect("scheduling:staff_time_off", pk=staff.pk)
        status = 400
    now = timezone.now()
    context = {
        "staff": staff,
        "form": form,
        "zone": zone,
        "upcoming": selectors.time_off_upcoming(staff, now),
        "past": selectors.time_off_past(staff, now),
        "is_self": staff.pk == request.user.pk,
        "can_manage_hours": can_manage_staff_schedule(request.user, staff),
    }
    return render(request, "scheduling/staff_time_off.html", context, status=status)
