"""The three ways to open a work order in the browser: from an appointment (its panel, and check-in), from a
walk-in ticket at the desk, and directly for an existing or new client found with the desk's client search."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import get_user_for_user, get_visible_or_404, require
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.customers import services as customer_services
from autoagenda.customers.models import Vehicle
from autoagenda.customers.selectors import bookable_vehicles_of
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_staffed_by
from autoagenda.scheduling.calendar import selectors as cal
from autoagenda.walkins.models import Ticket
from autoagenda.workorders import selectors, selectors_boards, services
from autoagenda.workorders.forms import DirectForm, TicketForm, first_error, local_datetime
from autoagenda.workorders.permissions import can_run_work_orders
from autoagenda.workorders.views.common import actor, safe_next, staff_location

TEMPLATES = "workorders"


def _created(request: HttpRequest, work_order: Any) -> HttpResponse:
    messages.success(request, _("Work order %(number)s opened.") % {"number": work_order.number})
    url = reverse("workorders:detail", args=[work_order.pk])
    response: HttpResponse = redirect(url)
    if getattr(request, "htmx", None):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
    return response


# --- From an appointment ------------------------------------------------------------------------------------------


@login_required
@require_POST
def from_appointment(request: HttpRequest, pk: int) -> HttpResponse:
    """The appointment's vehicle, service and mechanic carry over; a second one is refused (409)."""
    appointment = cal.appointment_for_panel(request.user, pk)
    require(can_run_work_orders(request.user, appointment.location))
    existing = selectors.work_order_for_appointment(request.user, appointment)
    if existing is not None:
        messages.info(request, _("This appointment already has work order %(number)s.") % {"number": existing.number})
        return redirect("workorders:detail", pk=existing.pk)
    try:
        work_order = services.work_order_create_from_appointment(
            actor=actor(request), appointment=appointment, description=request.POST.get("description", "")[:2000]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(safe_next(request, reverse("calendar:appointment", args=[appointment.pk])))
    return _created(request, work_order)


# --- From a walk-in ticket ----------------------------------------------------------------------------------------


def _ticket(request: HttpRequest, pk: Any) -> Ticket:
    rows = Ticket.objects.filter(location__in=locations_staffed_by(request.user)).select_related("location", "customer")
    ticket = get_visible_or_404(rows, pk)
    require(can_run_work_orders(request.user, ticket.location))
    return ticket


@login_required
@require_http_methods(["GET", "POST"])
def from_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket's plate finds or creates the vehicle (and the client from its name and phone)."""
    ticket = _ticket(request, pk)
    existing = selectors.work_order_for_ticket(request.user, ticket)
    if existing is not None:
        return redirect("workorders:detail", pk=existing.pk)
    initial = {"first_name": ticket.name, "phone": ticket.phone, "plate": ticket.plate}
    form = TicketForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                work_order = services.work_order_create_from_ticket(
                    actor=actor(request),
                    ticket=ticket,
                    description=data["description"],
                    client=ticket.customer,
                    plate=data["plate"],
                    make=data["make"],
                    model=data["model"],
                    first_name=data["first_name"],
                    phone=data["phone"],
                    promised_by=local_datetime(data["promised_by"], ticket.location.zone),
                    mileage_in=data["mileage_in"],
                )
            except ApplicationError as exc:
                add_application_error(form, exc)
                status = exc.status
            else:
                return _created(request, work_order)
        else:
            status = 400
    context = {"ticket": ticket, "location": ticket.location, "form": form, "back": safe_next(request, "")}
    return render(request, f"{TEMPLATES}/from_ticket.html", context, status=status)


# --- Directly, for an existing or new client ---------------------------------------------------------------------


def _picked_client(request: HttpRequest, raw: Any) -> User | None:
    if not raw:
        return None
    client = get_user_for_user(request.user, raw)
    return client if client.role == Role.CLIENT and client.is_active else None


@login_required
@require_GET
def client_search(request: HttpRequest, location_id: int) -> HttpResponse:
    """htmx search-as-you-type: the desk's client search (name, phone, email or plate)."""
    location = staff_location(request, location_id, check=can_run_work_orders)
    query = request.GET.get("q", "")
    matches = [m for m in cal.clients_matching(request.user, query) if not m.elsewhere]
    context = {"location": location, "matches": matches, "query": query}
    return render(request, f"{TEMPLATES}/_client_results.html", context)


def _vehicle(request: HttpRequest, client: User, data: dict[str, Any]) -> Vehicle:
    if data.get("vehicle"):
        vehicle = bookable_vehicles_of(request.user, client.pk).filter(pk=data["vehicle"]).first()
        if vehicle is None:
            raise ApplicationError.invalid("vehicle", _("Choose one of the client's vehicles."))
        return vehicle
    return customer_services.vehicle_create(
        actor=actor(request), owner=client, make=data["make"], model=data["model"], plate=data["plate"]
    )


def _create_direct(request: HttpRequest, location: Location, client: User | None, data: dict[str, Any]) -> Any:
    user = actor(request)
    with transaction.atomic():
        if client is None:
            client = customer_services.client_create_at_desk(
                actor=user,
                location=location,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                email=data["email"],
            )
        mechanic = User.objects.filter(pk=data["mechanic"]).first() if data.get("mechanic") else None
        return services.work_order_create(
            actor=user,
            location=location,
            client=client,
            vehicle=_vehicle(request, client, data),
            description=data["description"],
            mechanic=mechanic,
            promised_by=local_datetime(data["promised_by"], location.zone),
            mileage_in=data["mileage_in"],
        )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, location_id: int) -> HttpResponse:
    """Reception or a manager opens a work order for a client found by the search, or a new one."""
    location = staff_location(request, location_id, check=can_run_work_orders)
    data = request.POST if request.method == "POST" else request.GET
    client = _picked_client(request, data.get("client"))
    form = DirectForm(request.POST or None, initial={"client": client.pk if client else None})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                work_order = _create_direct(request, location, client, form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
                status = exc.status
            else:
                return _created(request, work_order)
        else:
            status = 400
    context = {
        "location": location,
        "client": client,
        "vehicles": list(bookable_vehicles_of(request.user, client.pk)) if client else [],
        "mechanics": selectors_boards.mechanics_of(location),
        "form": form,
        "error": first_error(form) if form.errors else "",
    }
    return render(request, f"{TEMPLATES}/new.html", context, status=status)
