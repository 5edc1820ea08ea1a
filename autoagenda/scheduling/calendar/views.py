"""The staff side of scheduling on the web: day and week calendars, the appointment panel, desk booking.

Thin views: fetch and authorize through the permission functions (pages.py),
read through `calendar/selectors.py`, `calendar/grid.py` and `scheduling.selectors`,
validate with a form, call one service. Booking at the desk is desk.py.
htmx swaps fragments (the calendar view, the appointment panel); every action
is also a plain POST that redirects. htmx does not swap 4xx answers, so a
refused action answers an htmx request with 200 and the message in the panel;
a plain POST gets 400 and the page with the message.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autoagenda.accounts import services as account_services
from autoagenda.accounts.models import User
from autoagenda.core import slots
from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Location
from autoagenda.scheduling import availability, selectors, services
from autoagenda.scheduling.calendar import grid as grids
from autoagenda.scheduling.calendar import selectors as cal
from autoagenda.scheduling.calendar.forms import (
    CalendarFilterForm,
    CancelForm,
    MoveForm,
    ReassignForm,
    StatusForm,
    person_label,
)
from autoagenda.scheduling.calendar.pages import (
    TEMPLATES,
    calendar_url,
    is_partial,
    now_day,
    param_date,
    render_page,
    require_staff,
    safe_next,
    staff_appointment,
    staff_location,
)
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from autoagenda.scheduling.permissions import (
    appointment_action_checker,
    can_act_on_appointment,
    get_mechanic_for_booking,
)

VIEWS = ("day", "week", "today")
# Higher apps add buttons to the appointment panel and the today list here (core/slots.py).
APPOINTMENT_SLOT = "scheduling.appointment"


# --- Entry point and the views of a location -------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """`/calendar/`: the nav link. Also the location switcher's target (`?location=&view=&date=`)."""
    require_staff(request)
    view = request.GET.get("view") or "day"
    if view not in VIEWS:
        view = "day"
    wanted = request.GET.get("location")
    if wanted:
        location = staff_location(request, wanted)
    else:
        locations = cal.calendar_locations(request.user)
        if not locations:
            return render(request, f"{TEMPLATES}/no_location.html")
        location = locations[0]
    day = request.GET.get("date") if view != "today" else None
    return redirect(calendar_url(view, location.pk, date=day))


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
        "prev_url": calendar_url(view, location.pk, date=previous.isoformat(), mechanic=mechanic),
        "next_url": calendar_url(view, location.pk, date=following.isoformat(), mechanic=mechanic),
        "today_url": calendar_url(view, location.pk, mechanic=mechanic),
        "week_url": calendar_url("week", location.pk, date=day.isoformat(), mechanic=mechanic),
        "day_url": calendar_url("day", location.pk, date=day.isoformat(), mechanic=mechanic),
    }


@login_required
@require_GET
def day_view(request: HttpRequest, location_id: int) -> HttpResponse:
    location = staff_location(request, location_id)
    today = now_day(location)
    day = param_date(request.GET.get("date"), today)
    mechanic = request.GET.get("mechanic", "")
    show_cancelled = request.GET.get("cancelled") in ("1", "on", "true")
    grid = grids.day_grid(request.user, location, day, mechanic=mechanic, show_cancelled=show_cancelled)
    context = _calendar_context(request, location, "day", day, today)
    context.update(
        grid=grid,
        **_board_context(
            location, "day", day, day - timedelta(days=1), day + timedelta(days=1), grid, mechanic, show_cancelled
        ),
    )
    return render_page(request, f"{TEMPLATES}/day.html", f"{TEMPLATES}/_day.html", context)


@login_required
@require_GET
def week_view(request: HttpRequest, location_id: int) -> HttpResponse:
    location = staff_location(request, location_id)
    today = now_day(location)
    day = param_date(request.GET.get("date"), today)
    mechanic = request.GET.get("mechanic", "")
    show_cancelled = request.GET.get("cancelled") in ("1", "on", "true")
    board = grids.week_board(request.user, location, day, today=today, mechanic=mechanic, show_cancelled=show_cancelled)
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
    return render_page(request, f"{TEMPLATES}/week.html", f"{TEMPLATES}/_week.html", context)


@login_required
@require_GET
def today_view(request: HttpRequest, location_id: int) -> HttpResponse:
    """The receptionist's list of today's appointments, with one-click check-in and no-show."""
    location = staff_location(request, location_id)
    today = now_day(location)
    appointments = cal.today_list(request.user, location, today)
    context = _calendar_context(request, location, "today", today, today)
    may_act = appointment_action_checker(request.user, location)
    rows = [(a, cal.status_actions(a) if may_act(a) else []) for a in appointments]
    extras = slots.render_many(APPOINTMENT_SLOT, request.user, appointments)
    for a in appointments:
        a.slot_actions = extras.get(a.pk, "")  # type: ignore[attr-defined]
    counts: dict[str, int] = {}
    for a in appointments:
        counts[a.status] = counts.get(a.status, 0) + 1
    context.update(
        rows=rows,
        counts=[(status.label, counts[status], status.value) for status in AppointmentStatus if status in counts],
        waiting=sum(1 for a in appointments if a.status == AppointmentStatus.CHECKED_IN),
        day_url=calendar_url("day", location.pk),
        week_url=calendar_url("week", location.pk),
        next_here=reverse("calendar:today", args=[location.pk]),
    )
    return render_page(request, f"{TEMPLATES}/today.html", f"{TEMPLATES}/_today.html", context)


@login_required
@require_GET
def mine_view(request: HttpRequest) -> HttpResponse:
    """A mechanic's own assigned appointments: today, upcoming, and what is done."""
    require_staff(request)
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
    return render_page(request, f"{TEMPLATES}/mine.html", f"{TEMPLATES}/_mine.html", context)


@login_required
@require_GET
def panel_close(request: HttpRequest) -> HttpResponse:
    """Empties the appointment panel (htmx swaps this empty answer into it)."""
    return HttpResponse("")


# --- The appointment panel and its actions --------------------------------------


def _in_drawer(request: HttpRequest) -> bool:
    """Loaded by htmx into a calendar page's panel (not the appointment's own page): offer a close button."""
    htmx = getattr(request, "htmx", None)
    current = (htmx.current_url_abs_path or "") if htmx else ""
    return bool(htmx) and "/calendar/appointments/" not in current


def _panel_context(request: HttpRequest, appointment: Appointment, **extra: Any) -> dict[str, Any]:
    location = appointment.location
    can_act = can_act_on_appointment(request.user, appointment)
    movable = can_act and appointment.status in services.MOVABLE_STATUSES
    mechanics = cal.eligible_mechanics(location, appointment.service) if movable else []
    context: dict[str, Any] = {
        "appointment": appointment,
        "location": location,
        "zone": location.zone,
        "can_act": can_act,
        "actions": cal.status_actions(appointment) if can_act else [],
        "can_cancel": can_act and cal.can_cancel(appointment),
        "movable": movable,
        "reassign_form": ReassignForm(mechanics=mechanics, current=appointment.mechanic_id) if mechanics else None,
        "cancel_form": CancelForm(),
        "history": list(appointment.status_changes.all()),
        "drawer": _in_drawer(request),
        "back_url": calendar_url("day", location.pk, date=appointment.local_date.isoformat()),
        "client_email": ""
        if account_services.is_placeholder_email(appointment.client.email)
        else appointment.client.email,
        "next_url": safe_next(request, ""),
        # What higher apps add to the panel (workorders: create or open the work order), core/slots.py.
        "slot_actions": slots.render_one(APPOINTMENT_SLOT, request.user, appointment),
    }
    context.update(extra)
    return context


def _panel(request: HttpRequest, appointment: Appointment, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = _panel_context(request, appointment, **extra)
    return render_page(request, f"{TEMPLATES}/appointment.html", f"{TEMPLATES}/_panel.html", context, status=status)


@login_required
@require_GET
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, staff_appointment(request, pk, act=False))


def _done(request: HttpRequest, appointment: Appointment, notice: str) -> HttpResponse:
    """Success: htmx gets the fresh panel and tells the page to refresh; a plain POST is redirected."""
    if is_partial(request):
        fresh = cal.appointment_for_panel(request.user, appointment.pk)
        response = _panel(request, fresh, notice=notice)
        response["HX-Trigger"] = "calendar-changed"
        return response
    messages.success(request, notice)
    return HttpResponseRedirect(safe_next(request, reverse("calendar:appointment", args=[appointment.pk])))


def _refused(request: HttpRequest, appointment: Appointment, message: str) -> HttpResponse:
    """Nothing changed: show why, in the panel (htmx) or on the detail page with 400."""
    fresh = cal.appointment_for_panel(request.user, appointment.pk)
    return _panel(request, fresh, error=message, status=200 if is_partial(request) else 400)


def _form_message(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Check the form.")


@login_required
@require_POST
def appointment_status(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = staff_appointment(request, pk)
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
    appointment = staff_appointment(request, pk)
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
    appointment = staff_appointment(request, pk)
    form = ReassignForm(request.POST, mechanics=cal.eligible_mechanics(appointment.location, appointment.service))
    if not form.is_valid():
        return _refused(request, appointment, _form_message(form))
    mechanic = get_mechanic_for_booking(appointment.location, form.cleaned_data["mechanic"])
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
    appointment = staff_appointment(request, pk)
    location = appointment.location
    mechanics = cal.eligible_mechanics(location, appointment.service)
    data = request.POST if request.method == "POST" else request.GET
    day = param_date(data.get("date"), appointment.local_date)
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
        status = 200 if is_partial(request) else 400
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
    return render_page(request, f"{TEMPLATES}/reschedule.html", f"{TEMPLATES}/_reschedule.html", context, status=status)
