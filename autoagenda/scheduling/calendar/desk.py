"""Booking at the desk, for a client who phones or walks in: find or create the client, then service, day and
one of the free times. The pages of /calendar/<location>/new/ (namespace "calendar")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from autoagenda.accounts import services as account_services
from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import get_user_for_user
from autoagenda.catalog.models import Service
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.customers import services as customer_services
from autoagenda.customers.models import Vehicle
from autoagenda.customers.selectors import bookable_vehicles_of
from autoagenda.locations.models import Location
from autoagenda.scheduling import availability, selectors, services
from autoagenda.scheduling.calendar import selectors as cal
from autoagenda.scheduling.calendar.forms import DeskBookingForm, DeskClientForm, person_label
from autoagenda.scheduling.calendar.pages import TEMPLATES, calendar_url, now_day, param_date, staff_location
from autoagenda.scheduling.models import Appointment


def _desk_client(request: HttpRequest, raw: str | None) -> User | None:
    if not raw:
        return None
    client = get_user_for_user(request.user, raw)
    return client if client.role == Role.CLIENT and client.is_active else None


@login_required
@require_GET
def client_search(request: HttpRequest, location_id: int) -> HttpResponse:
    """htmx search-as-you-type: clients by name, phone, email or plate."""
    location = staff_location(request, location_id)
    query = request.GET.get("q", "")
    context = {
        "location": location,
        "matches": cal.clients_matching(request.user, query),
        "query": query,
        "keep": _keep_params(request.GET),
    }
    return render(request, f"{TEMPLATES}/_client_results.html", context)


def _keep_params(data: Any) -> str:
    """The booking choices carried along when a client is picked from the results."""
    kept = {k: data.get(k) for k in ("service", "date", "mechanic") if data.get(k)}
    return urlencode(kept)


@login_required
@require_http_methods(["GET", "POST"])
def new_booking(request: HttpRequest, location_id: int) -> HttpResponse:
    """Book for a phone or walk-in client: find or create the client, then service, day, free time."""
    location = staff_location(request, location_id)
    actor = request.user
    assert isinstance(actor, User)  # login_required
    today = now_day(location)
    if request.method == "POST" and request.POST.get("action") == "use_client":
        return _use_client_found_elsewhere(request, location)

    data = request.POST if request.method == "POST" else request.GET
    client = _desk_client(request, data.get("client"))
    client_form = DeskClientForm()

    if request.method == "POST" and request.POST.get("action") == "create_client":
        client_form = DeskClientForm(request.POST)
        if client_form.is_valid():
            try:
                client = customer_services.client_create_at_desk(
                    actor=actor, location=location, **client_form.cleaned_data
                )
            except ApplicationError as exc:
                add_application_error(client_form, exc)
            else:
                messages.success(request, _("Client %(name)s created.") % {"name": person_label(client)})
                query = {"client": client.pk, **{k: v for k, v in request.POST.items() if k in ("service", "date")}}
                return redirect(f"{reverse('calendar:new', args=[location.pk])}?{urlencode(query)}")
        return _new_page(request, location, None, today, client_form=client_form, status=400)

    if request.method == "POST" and client is None:
        return _new_page(request, location, None, today, client_form=client_form, status=400, client_missing=True)
    return _new_page(request, location, client, today, client_form=client_form)


def _use_client_found_elsewhere(request: HttpRequest, location: Location) -> HttpResponse:
    """The desk picked a client of another location found by an exact identifier: this location serves
    them from now on, and the booking form opens for them. A client the identifier does not name is 404."""
    actor = request.user
    assert isinstance(actor, User)  # login_required
    client = customer_services.client_link_found_at_desk(
        actor=actor,
        location=location,
        client_id=request.POST.get("client"),
        identifier=request.POST.get("identifier", ""),
    )
    messages.success(request, _("%(name)s is now also a client of this location.") % {"name": person_label(client)})
    kept = _keep_params(QueryDict(request.POST.get("keep", "")))
    query = f"client={client.pk}" + (f"&{kept}" if kept else "")
    return redirect(f"{reverse('calendar:new', args=[location.pk])}?{query}")


@dataclass
class _DeskChoices:
    """What the desk's booking form offers and what the request picked (service, day, mechanic)."""

    services_here: list[Service]
    mechanics: list[User]
    vehicles: list[Vehicle]
    day: date
    service: Service | None
    mechanic: User | None


def _desk_choices(request: HttpRequest, location: Location, client: User | None, today: date) -> _DeskChoices:
    data = request.POST if request.method == "POST" else request.GET
    services_here = cal.bookable_services(location)
    mechanics = cal.mechanics_at(location)
    service = next((s for s in services_here if str(s.pk) == data.get("service")), None)
    if service is None and services_here and not data.get("service"):
        service = services_here[0]
    mechanic = next((m for m in mechanics if str(m.pk) == data.get("mechanic")), None)
    if service is not None and services.refuses_mechanic(service):
        mechanic = None
    return _DeskChoices(
        services_here=services_here,
        mechanics=mechanics,
        vehicles=list(bookable_vehicles_of(request.user, client.pk)) if client is not None else [],
        day=param_date(data.get("date"), today),
        service=service,
        mechanic=mechanic,
    )


def _booking_form(request: HttpRequest, choices: _DeskChoices, client: User | None) -> DeskBookingForm:
    """Bound to a POST that books (a client is chosen and it is not the create-client form), else unbound."""
    data = request.POST if request.method == "POST" else request.GET
    books = request.method == "POST" and client is not None and data.get("action") != "create_client"
    return DeskBookingForm(
        data if books else None,
        services=choices.services_here,
        mechanics=choices.mechanics,
        vehicles=choices.vehicles,
        initial={
            "service": str(choices.service.pk) if choices.service else "",
            "date": choices.day,
            "mechanic": str(choices.mechanic.pk) if choices.mechanic else "",
            "vehicle": str(choices.vehicles[0].pk) if len(choices.vehicles) == 1 else "",
        },
    )


def _book(
    request: HttpRequest, location: Location, client: User | None, booking: DeskBookingForm
) -> Appointment | None:
    """The booking the valid form asks for, or None with the refusal on the form."""
    if not booking.is_valid():
        return None
    service = booking.cleaned_data["service"]
    try:
        return services.appointment_book(
            actor=request.user,
            location=location,
            service=service,
            start=booking.cleaned_data["start"],
            client=client,
            mechanic=None if services.refuses_mechanic(service) else booking.cleaned_data["mechanic"],
            vehicle=booking.cleaned_data["vehicle"],
            notes=booking.cleaned_data["notes"],
        )
    except ApplicationError as exc:
        add_application_error(booking, exc)
        return None


def _booked(request: HttpRequest, location: Location, appointment: Appointment) -> HttpResponse:
    local = appointment.start.astimezone(location.zone)
    messages.success(
        request,
        _("Booked %(service)s for %(client)s on %(when)s.")
        % {
            "service": appointment.service.name,
            "client": person_label(appointment.client),
            "when": local.strftime("%Y-%m-%d %H:%M"),
        },
    )
    return redirect(calendar_url("day", location.pk, date=appointment.local_date.isoformat()))


def _new_page(
    request: HttpRequest,
    location: Location,
    client: User | None,
    today: date,
    *,
    client_form: DeskClientForm,
    status: int = 200,
    client_missing: bool = False,
    template: str = "new.html",
) -> HttpResponse:
    """The desk's booking page (or its free-times fragment): books on a valid POST, else shows the choices."""
    choices = _desk_choices(request, location, client, today)
    booking = _booking_form(request, choices, client)
    if booking.is_bound and status == 200:
        appointment = _book(request, location, client, booking)
        if appointment is not None:
            return _booked(request, location, appointment)
        status = 400
    slots: list[availability.Slot] = []
    if choices.service is not None:
        slots = selectors.available_slots_for(
            location=location,
            service=choices.service,
            first_date=choices.day,
            last_date=choices.day,
            now=timezone.now(),
            mechanic_id=choices.mechanic.pk if choices.mechanic else None,
        )
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q", "") if client is None else ""
    context = {
        "location": location,
        "locations": cal.calendar_locations(request.user),
        "view": "new",
        "client": client,
        "client_email": "" if client is None or account_services.is_placeholder_email(client.email) else client.email,
        "vehicles": choices.vehicles,
        "client_form": client_form,
        "booking": booking,
        "service": choices.service,
        "services_here": choices.services_here,
        "day": choices.day,
        "today": today,
        "slots": slots,
        "slot_labels": {s.start.isoformat(): s for s in slots},
        "selected": data.get("start", ""),
        "query": query,
        "matches": cal.clients_matching(request.user, query) if query else [],
        "keep": _keep_params(data),
        "client_missing": client_missing,
        "mechanic_names": {m.pk: person_label(m) for m in choices.mechanics},
        "zone": location.zone,
    }
    response = render(request, f"{TEMPLATES}/{template}", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def new_slots(request: HttpRequest, location_id: int) -> HttpResponse:
    """htmx: the free times for the chosen service, date and mechanic (the desk form's time list)."""
    location = staff_location(request, location_id)
    today = now_day(location)
    client = _desk_client(request, request.GET.get("client"))
    return _new_page(request, location, client, today, client_form=DeskClientForm(), template="_new_slots.html")
