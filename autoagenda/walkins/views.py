"""The staff side of the walk-in queue on the web: reception, the printable ticket, desk panels, setup.

Thin views: fetch and authorize through `permissions`, read through
`selectors`, validate with a form, call one service. The desk panel is
one htmx fragment: every action answers an htmx request with the fresh panel
(200, the refusal shown inside it, as htmx does not swap 4xx answers) and a
plain POST with a redirect (or 400 and the page with the message); desk.js
re-fetches the fragment when the desk WebSocket says something changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autoagenda.accounts.permissions import require
from autoagenda.core import slots
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.locations.models import Location
from autoagenda.walkins import selectors, services
from autoagenda.walkins.forms import DeskForm, IssueForm, QueueForm, TransferForm, first_error
from autoagenda.walkins.models import ALLOWED_ACTIONS, Desk, Queue, Ticket, TicketAction
from autoagenda.walkins.permissions import (
    can_issue_tickets,
    can_manage_queues,
    can_operate_desks,
    can_use_walkins,
    get_desk_for_user,
    get_queue_for_user,
    get_ticket_for_user,
    get_walkins_location_for_user,
)

# --- Fetch and authorize ------------------------------------------------------------


def _location(request: HttpRequest, location_id: Any, check: Callable[[Any, Location], bool]) -> Location:
    """404 for a location the user may not see; 403 when their role may not do this there."""
    location = get_walkins_location_for_user(request.user, location_id)
    require(check(request.user, location))
    return location


def _desk(request: HttpRequest, pk: Any) -> Desk:
    desk = get_desk_for_user(request.user, pk, operate=True)
    return selectors.desk_for_panel(desk.pk)


def _partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def _tabs(request: HttpRequest, location: Location, active: str) -> dict[str, Any]:
    """The sub-navigation every queue page shows, with only the tabs the user's role may open."""
    user = request.user
    tabs = []
    if can_issue_tickets(user, location):
        tabs.append(("reception", reverse("walkins:reception", args=[location.pk]), _("Reception")))
    if can_operate_desks(user, location):
        tabs.append(("desks", reverse("walkins:desks", args=[location.pk]), _("Desks")))
    if can_manage_queues(user, location):
        tabs.append(("setup", reverse("walkins:setup", args=[location.pk]), _("Queues and desks")))
    return {
        "location": location,
        "locations": selectors.staff_locations(user),
        "tabs": [{"key": k, "url": u, "label": label, "active": k == active} for k, u, label in tabs],
        "tab": active,
        "display_url": reverse("walkins:display", args=[location.pk]),
    }


# --- Entry point ----------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """`/queue/`: the nav link and the location switcher's target (`?location=&tab=`).

    The front desk lands on reception; mechanics on their desk (or the desk list).
    """
    require(can_use_walkins(request.user))
    wanted = request.GET.get("location")
    if wanted:
        location = _location(request, wanted, can_operate_desks)
    else:
        sitting = selectors.desk_for_agent(request.user)
        if sitting is not None and request.GET.get("tab") in (None, "", "desks"):
            return redirect("walkins:desk", pk=sitting.pk)
        locations = selectors.staff_locations(request.user)
        if not locations:
            return render(request, "walkins/no_location.html")
        location = locations[0]
    tab = request.GET.get("tab") or ""
    if tab == "setup" and can_manage_queues(request.user, location):
        return redirect("walkins:setup", location_id=location.pk)
    if tab != "desks" and can_issue_tickets(request.user, location):
        return redirect("walkins:reception", location_id=location.pk)
    return redirect("walkins:desks", location_id=location.pk)


# --- Reception ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reception(request: HttpRequest, location_id: int) -> HttpResponse:
    """One big button per queue issues a ticket; name, phone and plate are optional."""
    location = _location(request, location_id, can_issue_tickets)
    queues = selectors.queues_of(location, active_only=True)
    status = 200
    if request.method == "POST":
        form = IssueForm(request.POST, queues=queues)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_issue(
                    actor=request.user, queue=data["queue"], name=data["name"], phone=data["phone"], plate=data["plate"]
                )
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                url = reverse("walkins:ticket", args=[ticket.pk])
                query = {"issued": "1", **({"print": "1"} if data["autoprint"] else {})}
                return HttpResponseRedirect(f"{url}?{urlencode(query)}")
        status = 400
    else:
        form = IssueForm(queues=queues, initial={"autoprint": request.GET.get("autoprint", "1") == "1"})
    context = {
        **_tabs(request, location, "reception"),
        "form": form,
        "cards": selectors.queue_overview(location),
        "recent": selectors.recent_issued(location),
    }
    return render(request, "walkins/reception.html", context, status=status)


@login_required
@require_GET
def ticket_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable ticket (80 mm thermal paper): number, queue, time, people ahead, estimated wait."""
    ticket = selectors.ticket_for_print(get_ticket_for_user(request.user, pk, operate=True))
    position = selectors.ticket_position(ticket)
    context = {
        "ticket": ticket,
        "location": ticket.location,
        "zone": ticket.location.zone,
        "ahead": position - 1 if position is not None else None,
        "estimate": selectors.ticket_estimate(ticket),
        "autoprint": request.GET.get("print") == "1",
        "just_issued": request.GET.get("issued") == "1",
        "can_issue": can_issue_tickets(request.user, ticket.location),
    }
    return render(request, "walkins/ticket.html", context)


# --- Desks ----------------------------------------------------------------------------


@login_required
@require_GET
def desk_picker(request: HttpRequest, location_id: int) -> HttpResponse:
    """The location's desks: sit at a free one, or go back to your own."""
    location = _location(request, location_id, can_operate_desks)
    sitting = selectors.desk_for_agent(request.user)
    context = {
        **_tabs(request, location, "desks"),
        "desks": selectors.desks_at(location, active_only=True),
        "sitting": sitting,
        "can_manage": can_manage_queues(request.user, location),
    }
    return render(request, "walkins/desks.html", context)


def _panel_context(request: HttpRequest, desk: Desk, **extra: Any) -> dict[str, Any]:
    panel = selectors.desk_panel(desk)
    current = panel.current
    allowed = ALLOWED_ACTIONS.get(current.status, frozenset()) if current else frozenset()
    slugs = {slug for slug, (action, _service) in _ACTIONS.items() if action in allowed}
    if TicketAction.TRANSFERRED in allowed:
        slugs.add("transfer")
    # What higher apps add to a ticket (workorders: create or open its work order, call back for pickup).
    tickets = [t for t in (current, *panel.recent) if t is not None]
    extras = slots.render_many(TICKET_SLOT, request.user, tickets)
    for ticket in tickets:
        ticket.slot_actions = extras.get(ticket.pk, "")  # type: ignore[attr-defined]
    context = {
        **_tabs(request, desk.location, "desks"),
        "desk": desk,
        "panel": panel,
        "mine": desk.agent_id == request.user.pk,
        "allowed": slugs,
        "ticket_buttons": [
            ("recall", _("Recall"), "r", ""),
            ("start", _("Start"), "s", ""),
            ("finish", _("Finish"), "f", "wk-btn--finish"),
            ("no-show", _("No-show"), "x", "wk-btn--noshow"),
        ],
        "panel_url": reverse("walkins:desk", args=[desk.pk]),
        "ws_path": f"/ws/locations/{desk.location_id}/desk/",
    }
    context.update(extra)
    return context


def _panel(request: HttpRequest, desk: Desk, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = _panel_context(request, desk, partial=_partial(request), **extra)
    template = "walkins/_desk_panel.html" if _partial(request) else "walkins/desk.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def desk_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, _desk(request, pk))


def _done(request: HttpRequest, desk: Desk, notice: str, *, level: int = messages.SUCCESS) -> HttpResponse:
    if _partial(request):
        fresh = selectors.desk_for_panel(desk.pk)
        return _panel(request, fresh, notice=notice, notice_level="success" if level == messages.SUCCESS else "info")
    messages.add_message(request, level, notice)
    return redirect("walkins:desk", pk=desk.pk)


def _refused(request: HttpRequest, desk: Desk, message: str) -> HttpResponse:
    fresh = selectors.desk_for_panel(desk.pk)
    return _panel(request, fresh, error=message, status=200 if _partial(request) else 400)


@login_required
@require_POST
def desk_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Sit at the desk (leaving any other desk)."""
    desk = _desk(request, pk)
    try:
        services.desk_open(actor=request.user, desk=desk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("walkins:desks", location_id=desk.location_id)
    return redirect("walkins:desk", pk=desk.pk)


@login_required
@require_POST
def desk_close(request: HttpRequest, pk: int) -> HttpResponse:
    desk = _desk(request, pk)
    try:
        services.desk_close(actor=request.user, desk=desk)
    except ApplicationError as exc:
        return _refused(request, desk, exc.message)
    messages.success(request, _("You left %(desk)s.") % {"desk": desk.name})
    return redirect("walkins:desks", location_id=desk.location_id)


@login_required
@require_POST
def desk_call_next(request: HttpRequest, pk: int) -> HttpResponse:
    desk = _desk(request, pk)
    try:
        ticket = services.ticket_call_next(actor=request.user, desk=desk)
    except ApplicationError as exc:
        return _refused(request, desk, exc.message)
    if ticket is None:
        return _done(request, desk, _("Nobody is waiting."), level=messages.INFO)
    return _done(request, desk, _("%(number)s called to %(desk)s.") % {"number": ticket.code, "desk": desk.name})


def _transfer(request: HttpRequest, desk: Desk, ticket: Ticket) -> str | HttpResponse:
    form = TransferForm(request.POST, queues=selectors.queues_of(desk.location, active_only=True))
    if not form.is_valid():
        return _refused(request, desk, first_error(form))
    queue = form.cleaned_data["queue"]
    services.ticket_transfer(actor=request.user, ticket=ticket, queue=queue)
    return _("%(number)s sent to %(queue)s.") % {"number": ticket.code, "queue": queue.name}


# The desk panel's ticket actions: URL slug → (history action, service).
_ACTIONS: dict[str, tuple[str, Callable[..., Any]]] = {
    "recall": (TicketAction.RECALLED, services.ticket_recall),
    "start": (TicketAction.STARTED, services.ticket_start),
    "finish": (TicketAction.FINISHED, services.ticket_finish),
    "no-show": (TicketAction.NO_SHOW, services.ticket_no_show),
    "cancel": (TicketAction.CANCELLED, services.ticket_cancel),
}


TICKET_ACTIONS = (*_ACTIONS, "transfer")
# Higher apps add buttons to the desk's tickets here (core/slots.py).
TICKET_SLOT = "walkins.ticket"


def _notice(action: str, ticket: Ticket, desk: Desk) -> str:
    texts = {
        TicketAction.RECALLED: _("%(number)s called again to %(desk)s."),
        TicketAction.STARTED: _("Serving %(number)s."),
        TicketAction.FINISHED: _("%(number)s finished."),
        TicketAction.NO_SHOW: _("%(number)s marked as a no-show."),
        TicketAction.CANCELLED: _("%(number)s cancelled."),
    }
    return texts[TicketAction(action)] % {"number": ticket.code, "desk": desk.name}


@login_required
@require_POST
def desk_ticket_action(request: HttpRequest, pk: int, ticket_id: int, action: str) -> HttpResponse:
    """Recall, start, finish, no-show, transfer or cancel a ticket from a desk panel."""
    desk = _desk(request, pk)
    if action != "transfer" and action not in _ACTIONS:
        raise Http404
    ticket = get_ticket_for_user(request.user, ticket_id, operate=True)
    if ticket.location_id != desk.location_id:
        raise Http404
    try:
        if action == "transfer":
            result = _transfer(request, desk, ticket)
            if isinstance(result, HttpResponse):
                return result
            notice = result
        else:
            kind, service = _ACTIONS[action]
            service(actor=request.user, ticket=ticket)
            notice = _notice(kind, ticket, desk)
    except ApplicationError as exc:
        return _refused(request, desk, exc.message)
    return _done(request, desk, notice)


# --- Setup: queues and desks (managers) ---------------------------------------------------


@login_required
@require_GET
def setup(request: HttpRequest, location_id: int) -> HttpResponse:
    location = _location(request, location_id, can_manage_queues)
    context = {
        **_tabs(request, location, "setup"),
        "queues": selectors.setup_queues(location),
        "desks": selectors.desks_at(location),
    }
    return render(request, "walkins/setup.html", context)


def _setup_url(location_id: int) -> str:
    return reverse("walkins:setup", args=[location_id])


@login_required
@require_http_methods(["GET", "POST"])
def queue_create(request: HttpRequest, location_id: int) -> HttpResponse:
    location = _location(request, location_id, can_manage_queues)
    return _queue_form(request, location, None)


@login_required
@require_http_methods(["GET", "POST"])
def queue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queue = get_queue_for_user(request.user, pk, manage=True)
    queue = selectors.queue_with_location(queue.pk)
    return _queue_form(request, queue.location, queue)


def _queue_form(request: HttpRequest, location: Location, queue: Queue | None) -> HttpResponse:
    form = QueueForm(request.POST or None, services=selectors.services_at(location), queue=queue)

    def save(data: dict[str, Any]) -> Queue:
        fields: dict[str, Any] = {
            "name": data["name"],
            "prefix": data["prefix"],
            "services": list(data["services"]),
            "position": data["position"],
        }
        if queue is not None:
            return services.queue_update(actor=request.user, queue=queue, is_active=data["is_active"], **fields)
        saved = services.queue_create(actor=request.user, location=location, **fields)
        if not data["is_active"]:
            saved = services.queue_update(actor=request.user, queue=saved, is_active=False)
        return saved

    return _setup_form(request, location, form, save, kind="queue", edited=queue, saved=_("Queue “%(name)s” saved."))


@login_required
@require_http_methods(["GET", "POST"])
def desk_create(request: HttpRequest, location_id: int) -> HttpResponse:
    location = _location(request, location_id, can_manage_queues)
    return _desk_form(request, location, None)


@login_required
@require_http_methods(["GET", "POST"])
def desk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    desk = get_desk_for_user(request.user, pk, manage=True)
    return _desk_form(request, desk.location, desk)


def _desk_form(request: HttpRequest, location: Location, desk: Desk | None) -> HttpResponse:
    form = DeskForm(request.POST or None, queues=selectors.queues_of(location), desk=desk)

    def save(data: dict[str, Any]) -> Desk:
        fields: dict[str, Any] = {"name": data["name"], "queues": list(data["queues"])}
        if desk is not None:
            return services.desk_update(actor=request.user, desk=desk, is_active=data["is_active"], **fields)
        saved = services.desk_create(actor=request.user, location=location, **fields)
        if not data["is_active"]:
            saved = services.desk_update(actor=request.user, desk=saved, is_active=False)
        return saved

    return _setup_form(request, location, form, save, kind="desk", edited=desk, saved=_("Desk “%(name)s” saved."))


def _setup_form(
    request: HttpRequest,
    location: Location,
    form: QueueForm | DeskForm,
    save: Callable[[dict[str, Any]], Queue | Desk],
    *,
    kind: str,
    edited: Queue | Desk | None,
    saved: str,
) -> HttpResponse:
    """The queue and desk editors: a valid POST saves and goes back to setup; a refusal shows on the form (400)."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                name = save(form.cleaned_data).name
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, saved % {"name": name})
                return redirect(_setup_url(location.pk))
        status = 400
    context = {**_tabs(request, location, "setup"), "form": form, kind: edited, "kind": kind}
    return render(request, "walkins/setup_form.html", context, status=status)
