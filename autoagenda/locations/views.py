"""HTML pages for locations: list, settings, weekly hours and closures. Thin: fetch, authorize, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autoagenda.accounts.permissions import get_visible_or_404, is_staff_member, require
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.core.timeutils import format_hhmm
from autoagenda.core.weekly import Weekday
from autoagenda.locations import selectors, services
from autoagenda.locations.forms import ClosureForm, IntervalRow, LocationForm, WeekForm, country_label
from autoagenda.locations.permissions import (
    can_create_locations,
    can_manage_location,
    get_location_for_user,
    locations_managed_by,
)


@login_required
@require_GET
def location_list(request: HttpRequest) -> HttpResponse:
    locations = list(selectors.locations_for_user(request.user))
    for location in locations:
        location.country_label = country_label(location.country)  # type: ignore[attr-defined]
    context = {
        "locations": locations,
        "can_create": can_create_locations(request.user),
        "is_staff": is_staff_member(request.user),
        "managed_ids": set(locations_managed_by(request.user).values_list("id", flat=True)),
    }
    return render(request, "locations/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def location_create(request: HttpRequest) -> HttpResponse:
    require(can_create_locations(request.user))
    form = LocationForm(request.POST or None, initial=LocationForm.defaults())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                location = services.location_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Location “%(name)s” created.") % {"name": location.name})
                return redirect("locations:hours", pk=location.pk)
        status = 400
    return render(request, "locations/form.html", {"form": form, "location": None}, status=status)


@login_required
@require_GET
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for_user(request.user, pk)
    plan = selectors.opening_hours_by_weekday(location)
    context = {
        "location": location,
        "can_manage": can_manage_location(request.user, location),
        "week": [(label, [(format_hhmm(s), format_hhmm(e)) for s, e in plan[day]]) for day, label in Weekday.choices],
        "closures": selectors.upcoming_closures(location, limit=6),
        "holidays": selectors.upcoming_public_holidays(location),
        "local_now": timezone.now().astimezone(location.zone),
        "country_label": country_label(location.country),
    }
    return render(request, "locations/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for_user(request.user, pk, manage=True)
    form = LocationForm(request.POST or None, location=location)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.location_update(actor=request.user, location=location, **form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("locations:detail", pk=location.pk)
        status = 400
    return render(request, "locations/form.html", {"form": form, "location": location}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def opening_hours_edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for_user(request.user, pk, manage=True)
    status = 200
    if request.method == "POST":
        week = WeekForm(request.POST)
        if not week.is_valid():
            # Show overlaps among the well-formed rows too, so one round trip fixes everything.
            week.add_service_errors(services.opening_hours_errors(week.intervals))
        else:
            try:
                services.opening_hours_replace(actor=request.user, location=location, intervals=week.intervals)
            except ApplicationError as exc:
                week.add_service_errors(exc.errors)
                week.errors.insert(0, exc.message)
            else:
                messages.success(request, _("Opening hours saved."))
                return redirect("locations:hours", pk=location.pk)
        status = 400
    else:
        week = WeekForm(initial=selectors.opening_hours_by_weekday(location))
    return render(request, "locations/hours.html", {"location": location, "week": week}, status=status)


@login_required
@require_GET
def opening_hours_interval(request: HttpRequest, pk: int) -> HttpResponse:
    """An empty interval row for the weekly editor (htmx adds it to a day)."""
    location = get_location_for_user(request.user, pk, manage=True)
    try:
        weekday = int(request.GET.get("weekday", ""))
    except ValueError:
        weekday = 0
    if weekday not in Weekday.values:
        return HttpResponse(status=400)
    row = IntervalRow(weekday)
    return render(request, "locations/_interval.html", {"location": location, "row": row})


@login_required
@require_http_methods(["GET", "POST"])
def closure_list(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for_user(request.user, pk, manage=True)
    form = ClosureForm(request.POST or None, location=location)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.closure_add(actor=request.user, location=location, **form.service_kwargs())
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Closure added."))
                return redirect("locations:closures", pk=location.pk)
        status = 400
    context = {
        "location": location,
        "form": form,
        "closures": selectors.upcoming_closures(location),
        "holidays": selectors.upcoming_public_holidays(location, days=366, limit=10),
    }
    return render(request, "locations/closures.html", context, status=status)


@login_required
@require_POST
def closure_delete(request: HttpRequest, pk: int, closure_id: int) -> HttpResponse:
    location = get_location_for_user(request.user, pk, manage=True)
    closure = get_visible_or_404(selectors.closures_of(location), closure_id)
    services.closure_delete(actor=request.user, closure=closure)
    messages.success(request, _("Closure removed."))
    return redirect("locations:closures", pk=location.pk)
