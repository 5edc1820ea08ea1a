"""The staff side of scheduling on the web: day and week calendars, the appointment panel, desk booking.

Thin views: fetch and authorize through `permissions`, read through
`selectors_calendar` / `selectors`, validate with a form, call one service.
htmx swaps fragments (the calendar view, the appointment panel); every action
is also a plain POST that redirects. htmx does not swap 4xx answers, so a
refused action answers an htmx request with 200 and the message in the panel;
a plain POST gets 400 and the page with the message.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autoagenda.accounts import permissions
from autoagenda.accounts import services as account_services
from autoagenda.accounts.models import Role, User
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.customers.models import Vehicle
from autoagenda.customers.selectors import vehicles_for
from autoagenda.locations.models import Location
from autoagenda.scheduling import availability, selectors, services
from autoagenda.scheduling import selectors_calendar as cal
from autoagenda.scheduling.forms_calendar import (
    CalendarFilterForm,
    CancelForm,
    DeskBookingForm,
    DeskClientForm,
    MoveForm,
    ReassignForm,
    StatusForm,
    person_label,
)
from autoagenda.scheduling.models import Appointment, AppointmentStatus

VIEWS = ("day", "week", "today")
TEMPLATES = "scheduling/calendar"


# --- Fetch and authorize ------------------------------------------------------------


def _staff_location(request: HttpRequest, location_id: Any) -> Location:
    """404 for a location the user may not see; 403 for a client (who sees it to book, not to run it)."""
    location = permissions.get_location_for_user(request.user, location_id)
    permissions.require(permissions.can_work_at(request.user, location))
    return location


def _staff_appointment(request: HttpRequest, pk: Any) -> Appointment:
    """404 when not visible (another location's, another client's); 403 for the client who owns it."""
    appointment = cal.appointment_for_panel(request.user, pk)
    permissions.require(permissions.can_set_appointment_status(request.user, appointment))
    return appointment


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user))


# --- Small helpers ------------------------------------------------------------------


def _now_day(location: Location) -> date:
    return cal.local_today(location, timezone.now())


def _param_date(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return default


def _url(name: str, *args: Any, **query: Any) -> str:
    params = {k: v for k, v in query.items() if v not in (None, "", False)}
    base = reverse(f"calendar:{name}", args=args)
    return f"{base}?{urlencode(params)}" if params else base


def _partial(request: HttpRequest) -> bool:
    """An htmx swap of a fragment (not a boosted page load)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def _render(request: HttpRequest, full: str, partial: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, partial if _partial(request) else full, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


# --- Entry point and the views of a location --------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """`/calendar/`: the nav link. Also the location switcher's target (`?location=&view=&date=`)."""
    _require_staff(request)
    view = request.GET.get("view") or "day"
    if view not in VIEWS:
        view = "day"
    wanted = request.GET.get("location")
    if wanted:
        location = _staff_location(request, wanted)
    else:
        locations = cal.calendar_locations(request.user)
        if not locations:
            return render(request, f"{TEMPLATES}/no_location.html")
        location = locations[0]
    day = request.GET.get("date") if view != "today" else None
    return redirect(_url(view, location.pk, date=day))


def _calendar_context(request: HttpRequest, location: Location, view: str, day: date, today: date) -> dict[str, Any]:
    locations = cal.calendar_locations(request.user)
    return {
        "location": location,
        "locations": locations,
        "view": view,
        "day": day,
        "today": today,
        "zone": location.zone,
        "statuses": AppointmentStatus.choices,
    }


def _board_context(
    location: Location,
    view: str,
    day: date,
    previous: date,
    following: date,
    board: Any,
    mechanic: str,
    show_cancelled: bool,
) -> dict[str, Any]:
    """What the day and week views share: the filter form and the navigation links."""
    return {
        "cancelled_count": board.cancelled_count,
        "filters": CalendarFilterForm(
            {"date": day.isoformat(), "mechanic": mechanic, "cancelled": show_cancelled},
            mechanics=[(c.key, c.label) for c in board.all_columns],
        ),
        "mechanic": mechanic if any(c.key == mechanic for c in board.all_columns) else "",
        "show_cancelled": show_cancelled,
        "prev_url": _url(view, location.pk, date=previous.isoformat(), mechanic=mechanic),
        "next_url": _url(view, location.pk, date=following.isoformat(), mechanic=mechanic),
        "today_url": _url(view, location.pk, mechanic=mechanic),
        "week_url": _url("week", location.pk, date=day.isoformat(), mechanic=mechanic),
        "day_url": _url("day", location.pk, date=day.isoformat(), mechanic=mechanic),
    }


@login_required
@require_GET
def day_view(request: HttpRequest, location_id: int) -> HttpResponse:
    location = _staff_location(request, location_id)
    today = _now_day(location)
    day = _param_date(request.GET.get("date"), today)
    mechanic = request.GET.get("mechanic", "")
    show_cancelled = request.GET.get("cancelled") in ("1", "on", "true")
    grid = cal.day_grid(request.user, location, day, mechanic=mechanic, show_cancelled=show_cancelled)
    context = _calendar_context(request, location, "day", day, today)
    context.update(
        grid=grid,
        **_board_context(
            location, "day", day, day - timedelta(days=1), day + timedelta(days=1), grid, mechanic, show_cancelled
        ),
    )
    return _render(request, f"{TEMPLATES}/day.html", f"{TEMPLATES}/_day.html", context)


@login_required
@require_GET
def week_view(request: HttpRequest, location_id: int) -> HttpResponse:
    location = _staff_location(request, location_id)
    today = _now_day(location)
    day = _param_date(request.GET.get("date"), today)
    mechanic = request.GET.get("mechanic", "")
    show_cancelled = request.GET.get("cancelled") in ("1", "on", "true")
    board = cal.week_board(request.user, location, day, today=today, mechanic=mechanic, show_cancelled=show_cancelled)
    context = _calendar_context(request, location, "week", day, today)
    context.update(
        board=board,
        **_board_context(
            location,
            "week",
            day,
            board.first - timedelta(days=7),
            board.first + timedelta(days=7),
            board,
            mechanic,
            show_cancelled,
        ),
    )
    return _render(request, f"{TEMPLATES}/week.html", f"{TEMPLATES}/_week.html", context)


@login_required
@require_GET
def today_view(request: HttpRequest, location_id: int) -> HttpResponse:
    """The receptionist's list of today's appointments, with one-click check-in and no-show."""
    location = _staff_location(request, location_id)
    today = _now_day(location)
    appointments = cal.today_list(request.user, location, today)
    context = _calendar_context(request, location, "today", today, today)
    rows = [(a, cal.status_actions(a)) for a in appointments]
    counts: dict[str, int] = {}
    for a in appointments:
        counts[a.status] = counts.get(a.status, 0) + 1
    context.update(
        rows=rows,
        counts=[(status.label, counts[status], status.value) for status in AppointmentStatus if status in counts],
        waiting=sum(1 for a in appointments if a.status == AppointmentStatus.CHECKED_IN),
        day_url=_url("day", location.pk),
        week_url=_url("week", location.pk),
        next_here=reverse("calendar:today", args=[location.pk]),
    )
    return _render(request, f"{TEMPLATES}/today.html", f"{TEMPLATES}/_today.html", context)


@login_required
@require_GET
def mine_view(request: HttpRequest) -> HttpResponse:
    """A mechanic's own assigned appointments: today, upcoming, and what is done."""
    _require_staff(request)
    user = request.user
    assert isinstance(user, User)
    zone = selectors.staff_zone(user)
    today = timezone.now().astimezone(zone).date()
    agenda = cal.mechanic_agenda(user, today)
    context = {
        "agenda": agenda,
        "today": today,
        "today_rows": [(a, cal.status_actions(a)) for a in agenda.today],
        "next_here": reverse("calendar:mine"),
    }
    return _render(request, f"{TEMPLATES}/mine.html", f"{TEMPLATES}/_mine.html", context)


@login_required
@require_GET
def panel_close(request: HttpRequest) -> HttpResponse:
    """Empties the appointment panel (htmx swaps this empty answer into it)."""
    return HttpResponse("")


# --- The appointment panel and its actions ----------------------------------------


def _in_drawer(request: HttpRequest) -> bool:
    """Loaded by htmx into a calendar page's panel (not the appointment's own page): offer a close button."""
    htmx = getattr(request, "htmx", None)
    current = (htmx.current_url_abs_path or "") if htmx else ""
    return bool(htmx) and "/calendar/appointments/" not in current


def _panel_context(request: HttpRequest, appointment: Appointment, **extra: Any) -> dict[str, Any]:
    location = appointment.location
    movable = appointment.status in services.MOVABLE_STATUSES
    mechanics = cal.eligible_mechanics(location, appointment.service) if movable else []
    context: dict[str, Any] = {
        "appointment": appointment,
        "location": location,
        "zone": location.zone,
        "actions": cal.status_actions(appointment),
        "can_cancel": cal.can_cancel(appointment),
        "movable": movable,
        "reassign_form": ReassignForm(mechanics=mechanics, current=appointment.mechanic_id) if mechanics else None,
        "cancel_form": CancelForm(),
        "history": list(appointment.status_changes.all()),
        "drawer": _in_drawer(request),
        "back_url": _url("day", location.pk, date=appointment.local_date.isoformat()),
        "client_email": ""
        if account_services.is_placeholder_email(appointment.client.email)
        else appointment.client.email,
        "next_url": _safe_next(request, ""),
    }
    context.update(extra)
    return context


def _panel(request: HttpRequest, appointment: Appointment, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = _panel_context(request, appointment, **extra)
    return _render(request, f"{TEMPLATES}/appointment.html", f"{TEMPLATES}/_panel.html", context, status=status)


@login_required
@require_GET
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, _staff_appointment(request, pk))


def _done(request: HttpRequest, appointment: Appointment, notice: str) -> HttpResponse:
    """Success: htmx gets the fresh panel and tells the page to refresh; a plain POST is redirected."""
    if _partial(request):
        fresh = cal.appointment_for_panel(request.user, appointment.pk)
        response = _panel(request, fresh, notice=notice)
        response["HX-Trigger"] = "calendar-changed"
        return response
    messages.success(request, notice)
    return HttpResponseRedirect(_safe_next(request, reverse("calendar:appointment", args=[appointment.pk])))


def _refused(request: HttpRequest, appointment: Appointment, message: str) -> HttpResponse:
    """Nothing changed: show why, in the panel (htmx) or on the detail page with 400."""
    fresh = cal.appointment_for_panel(request.user, appointment.pk)
    return _panel(request, fresh, error=message, status=200 if _partial(request) else 400)


def _form_message(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Check the form.")


@login_required
@require_POST
def appointment_status(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _staff_appointment(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _refused(request, appointment, _form_message(form))
    try:
        services.appointment_set_status(
            actor=request.user,
            appointment=appointment,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as exc:
        return _refused(request, appointment, exc.message)
    notice = _("%(client)s: %(status)s.") % {
        "client": person_label(appointment.client),
        "status": AppointmentStatus(appointment.status).label,
    }
    return _done(request, appointment, notice)


@login_required
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _staff_appointment(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _refused(request, appointment, _form_message(form))
    try:
        services.appointment_cancel(actor=request.user, appointment=appointment, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        return _refused(request, appointment, exc.message)
    return _done(request, appointment, _("Appointment cancelled."))


@login_required
@require_POST
def appointment_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Another mechanic, same time: a reschedule to the same start."""
    appointment = _staff_appointment(request, pk)
    form = ReassignForm(request.POST, mechanics=cal.eligible_mechanics(appointment.location, appointment.service))
    if not form.is_valid():
        return _refused(request, appointment, _form_message(form))
    mechanic = permissions.get_mechanic_for_booking(appointment.location, form.cleaned_data["mechanic"])
    try:
        services.appointment_reschedule(
            actor=request.user, appointment=appointment, start=appointment.start, mechanic=mechanic
        )
    except ApplicationError as exc:
        return _refused(request, appointment, exc.message)
    return _done(request, appointment, _("Reassigned to %(name)s.") % {"name": person_label(mechanic)})


def _move_slots(appointment: Appointment, day: date, mechanic_id: int | None) -> list[availability.Slot]:
    """Where the appointment could go that day: with its own duration and buffer, ignoring itself."""
    query = selectors.availability_query_for_move(
        appointment, first_date=day, last_date=day, now=timezone.now(), mechanic_id=mechanic_id
    )
    return availability.available_slots(query)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _staff_appointment(request, pk)
    location = appointment.location
    mechanics = cal.eligible_mechanics(location, appointment.service)
    data = request.POST if request.method == "POST" else request.GET
    day = _param_date(data.get("date"), appointment.local_date)
    form = MoveForm(
        data if request.method == "POST" else None,
        mechanics=mechanics,
        initial={"date": day, "mechanic": data.get("mechanic", "")},
    )
    chosen = next((m for m in mechanics if str(m.pk) == data.get("mechanic")), None)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["start"] is not None:
            try:
                services.appointment_reschedule(
                    actor=request.user, appointment=appointment, start=form.cleaned_data["start"], mechanic=chosen
                )
            except ApplicationError as exc:
                error = exc.message
            else:
                local = appointment.start.astimezone(location.zone)
                notice = _("Moved to %(when)s.") % {"when": local.strftime("%Y-%m-%d %H:%M")}
                return _done(request, appointment, notice)
        else:
            error = _form_message(form) if form.errors else _("Choose one of the free times.")
        status = 200 if _partial(request) else 400
    slots = _move_slots(appointment, day, chosen.pk if chosen else None)
    context = {
        "appointment": appointment,
        "location": location,
        "zone": location.zone,
        "form": form,
        "day": day,
        "slots": slots,
        "selected": data.get("start", ""),
        "error": error,
        "drawer": _in_drawer(request),
    }
    return _render(request, f"{TEMPLATES}/reschedule.html", f"{TEMPLATES}/_reschedule.html", context, status=status)


# --- Booking at the desk ------------------------------------------------------------


def _desk_client(request: HttpRequest, raw: str | None) -> User | None:
    if not raw:
        return None
    client = permissions.get_user_for_user(request.user, raw)
    return client if client.role == Role.CLIENT and client.is_active else None


@login_required
@require_GET
def client_search(request: HttpRequest, location_id: int) -> HttpResponse:
    """htmx search-as-you-type: clients by name, phone, email or plate."""
    location = _staff_location(request, location_id)
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
    location = _staff_location(request, location_id)
    actor = request.user
    assert isinstance(actor, User)  # login_required
    today = _now_day(location)
    data = request.POST if request.method == "POST" else request.GET
    client = _desk_client(request, data.get("client"))
    client_form = DeskClientForm()

    if request.method == "POST" and request.POST.get("action") == "create_client":
        client_form = DeskClientForm(request.POST)
        if client_form.is_valid():
            try:
                client = account_services.client_create_at_desk(
                    actor=actor, region=location.country, **client_form.cleaned_data
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
    actor = request.user
    services_here = cal.bookable_services(location)
    mechanics = cal.mechanics_at(location)
    vehicles: list[Vehicle] = list(vehicles_for(actor, owner_id=client.pk)) if client is not None else []
    data = request.POST if request.method == "POST" else request.GET
    day = _param_date(data.get("date"), today)
    service = next((s for s in services_here if str(s.pk) == data.get("service")), None)
    if service is None and services_here and not data.get("service"):
        service = services_here[0]
    mechanic = next((m for m in mechanics if str(m.pk) == data.get("mechanic")), None)
    if service is not None and not service.requires_mechanic:
        mechanic = None
    booking = DeskBookingForm(
        data if request.method == "POST" and client is not None and data.get("action") != "create_client" else None,
        services=services_here,
        mechanics=mechanics,
        vehicles=vehicles,
        initial={
            "service": str(service.pk) if service else "",
            "date": day,
            "mechanic": str(mechanic.pk) if mechanic else "",
            "vehicle": str(vehicles[0].pk) if len(vehicles) == 1 else "",
        },
    )
    if booking.is_bound and status == 200:
        if booking.is_valid():
            try:
                appointment = services.appointment_book(
                    actor=actor,
                    location=location,
                    service=booking.cleaned_data["service"],
                    start=booking.cleaned_data["start"],
                    client=client,
                    mechanic=booking.cleaned_data["mechanic"]
                    if booking.cleaned_data["service"].requires_mechanic
                    else None,
                    vehicle=booking.cleaned_data["vehicle"],
                    notes=booking.cleaned_data["notes"],
                )
            except ApplicationError as exc:
                add_application_error(booking, exc)
            else:
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
                return redirect(_url("day", location.pk, date=appointment.local_date.isoformat()))
        status = 400
    slots: list[availability.Slot] = []
    if service is not None:
        slots = selectors.available_slots_for(
            location=location,
            service=service,
            first_date=day,
            last_date=day,
            now=timezone.now(),
            mechanic_id=mechanic.pk if mechanic else None,
        )
    query = data.get("q", "") if client is None else ""
    context = {
        "location": location,
        "locations": cal.calendar_locations(actor),
        "view": "new",
        "client": client,
        "client_email": "" if client is None or account_services.is_placeholder_email(client.email) else client.email,
        "vehicles": vehicles,
        "client_form": client_form,
        "booking": booking,
        "service": service,
        "services_here": services_here,
        "day": day,
        "today": today,
        "slots": slots,
        "slot_labels": {s.start.isoformat(): s for s in slots},
        "selected": data.get("start", ""),
        "query": query,
        "matches": cal.clients_matching(actor, query) if query else [],
        "keep": _keep_params(data),
        "client_missing": client_missing,
        "mechanic_names": {m.pk: person_label(m) for m in mechanics},
        "zone": location.zone,
    }
    response = render(request, f"{TEMPLATES}/{template}", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def new_slots(request: HttpRequest, location_id: int) -> HttpResponse:
    """htmx: the free times for the chosen service, date and mechanic (the desk form's time list)."""
    location = _staff_location(request, location_id)
    today = _now_day(location)
    client = _desk_client(request, request.GET.get("client"))
    return _new_page(request, location, client, today, client_form=DeskClientForm(), template="_new_slots.html")
