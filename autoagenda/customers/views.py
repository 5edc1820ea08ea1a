"""Vehicle pages: "My vehicles" for clients, a searchable list for the front desk.

They exist only while an active location is an automotive workshop; otherwise
they answer 404 (the navigation hides them too). The API is not affected.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import require, role_of, users_visible_to
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.customers import selectors, services
from autoagenda.customers.forms import VehicleForm
from autoagenda.customers.permissions import can_add_vehicles, can_add_vehicles_for_others, get_vehicle_for_user
from autoagenda.customers.vin import decode_vin

View = Callable[..., HttpResponse]


def vehicles_page(view: View) -> View:
    """Login first (anonymous → login page), then 404 while no automotive location is active."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.vehicle_features_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@vehicles_page
@require_GET
def vehicle_list(request: HttpRequest) -> HttpResponse:
    is_client = role_of(request.user) == Role.CLIENT
    query = (request.GET.get("q") or "").strip()[:100]
    vehicles = selectors.vehicles_for(request.user, query=query or None)
    page = Paginator(vehicles, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "is_client": is_client,
        "can_add": can_add_vehicles(request.user),
        "can_edit": is_client or can_add_vehicles_for_others(request.user),
    }
    return render(request, "customers/vehicle_list.html", context)


@vehicles_page
@require_http_methods(["GET", "POST"])
def vehicle_create(request: HttpRequest) -> HttpResponse:
    require(can_add_vehicles(request.user))
    initial: dict[str, Any] = {}
    owner_id = request.GET.get("owner")
    if owner_id and owner_id.isdigit():
        owner = users_visible_to(request.user).filter(pk=int(owner_id), role=Role.CLIENT).first()
        if owner is not None:
            initial["owner_email"] = owner.email
    form = VehicleForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = form.service_fields()
            owner = fields.pop("owner", None)
            try:
                vehicle = services.vehicle_create(actor=request.user, owner=owner, **fields)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Vehicle %(plate)s added.") % {"plate": vehicle.plate})
                return redirect("customers:list")
        status = 400
    return render(request, "customers/vehicle_form.html", {"form": form, "vehicle": None}, status=status)


@vehicles_page
@require_http_methods(["GET", "POST"])
def vehicle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_vehicle_for_user(request.user, pk, manage=True)
    form = VehicleForm(request.POST or None, user=request.user, vehicle=vehicle)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.vehicle_update(actor=request.user, vehicle=vehicle, **form.service_fields())
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Vehicle %(plate)s saved.") % {"plate": vehicle.plate})
                return redirect("customers:list")
        status = 400
    return render(request, "customers/vehicle_form.html", {"form": form, "vehicle": vehicle}, status=status)


@vehicles_page
@require_http_methods(["GET", "POST"])
def vehicle_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a vehicle that was never booked; one with history is offered the archive instead."""
    vehicle = get_vehicle_for_user(request.user, pk, manage=True)
    context = {"vehicle": vehicle, "has_history": selectors.vehicle_has_history(vehicle)}
    if request.method == "POST":
        try:
            services.vehicle_delete(actor=request.user, vehicle=vehicle)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            context["has_history"] = True
            return render(request, "customers/vehicle_confirm_delete.html", context, status=409)
        messages.success(request, _("Vehicle %(plate)s deleted.") % {"plate": vehicle.plate})
        return redirect("customers:list")
    return render(request, "customers/vehicle_confirm_delete.html", context)


@vehicles_page
@require_POST
def vehicle_archive(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_vehicle_for_user(request.user, pk, manage=True)
    services.vehicle_archive(actor=request.user, vehicle=vehicle)
    messages.success(
        request, _("Vehicle %(plate)s archived: it is no longer offered for bookings.") % {"plate": vehicle.plate}
    )
    return redirect("customers:list")


@vehicles_page
@require_POST
def vehicle_restore(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_vehicle_for_user(request.user, pk, manage=True)
    services.vehicle_restore(actor=request.user, vehicle=vehicle)
    messages.success(request, _("Vehicle %(plate)s restored.") % {"plate": vehicle.plate})
    return redirect("customers:list")


@vehicles_page
@require_GET
def vin_decode(request: HttpRequest) -> HttpResponse:
    """htmx: the manufacturer, country and model years a VIN tells, as hints under the VIN field."""
    context: dict[str, Any] = {}
    try:
        context["info"] = decode_vin(request.GET.get("vin", ""))
    except ApplicationError as exc:
        context["error"] = exc.errors.get("vin", [exc.message])[0]
    return render(request, "customers/_vin_info.html", context)
