"""Catalog pages: thin — authorize through permissions, validate with a form, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.catalog import selectors, services
from autoagenda.catalog.forms import ServiceForm
from autoagenda.catalog.permissions import can_create_services, get_service_for_user
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.locations.permissions import locations_visible_to


def _selected_location(request: HttpRequest) -> int | None:
    raw = request.GET.get("location") or ""
    return int(raw) if raw.isdigit() else None


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    location_id = _selected_location(request)
    context = {
        "rows": selectors.service_rows_for(request.user, location_id=location_id),
        "locations": locations_visible_to(request.user).order_by("name", "id"),
        "selected_location": location_id,
        "can_create": can_create_services(request.user),
    }
    return render(request, "catalog/service_list.html", context)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    require(can_create_services(request.user))
    form = ServiceForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service = services.service_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Service “%(name)s” created.") % {"name": service.name})
                return redirect("catalog:list")
        status = 400
    return render(request, "catalog/service_form.html", {"form": form, "service": None}, status=status)


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service_for_user(request.user, pk, manage=True)
    form = ServiceForm(request.POST or None, user=request.user, service=service)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.service_update(actor=request.user, service=service, **form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Service “%(name)s” saved.") % {"name": service.name})
                return redirect("catalog:list")
        status = 400
    return render(request, "catalog/service_form.html", {"form": form, "service": service}, status=status)
