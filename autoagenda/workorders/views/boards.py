"""The desk's job board (kanban by status for one location, 1280 px and a wall TV) and the mechanic's board
(phone first, 375 px). Both load their cards in a constant number of queries and refresh live over the
location's channel group (consumers.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import is_staff_member, require, role_of
from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_staffed_by
from autoagenda.scheduling.models import Appointment
from autoagenda.workorders import live, selectors, selectors_boards, services
from autoagenda.workorders.forms import CommentForm, LaborForm, PartForm, StatusForm, first_error
from autoagenda.workorders.models import (
    ALLOWED_TRANSITIONS,
    WorkOrder,
    WorkOrderStatus,
)
from autoagenda.workorders.permissions import DESK_ROLES, MECHANIC_STATUSES, get_work_order_for_user
from autoagenda.workorders.views import board_cards, board_page
from autoagenda.workorders.views.common import actor, is_partial, redirect_with, refusal, render_page, staff_location
from autoagenda.workorders.views.pages import _comment, _labor, _part

TEMPLATES = "workorders"


def _mechanic_filter(raw: str | None, mechanics: list[User]) -> int | None:
    ids = {m.pk for m in mechanics}
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if value in ids else None


BOARD_CACHE_SECONDS = 120
CSRF_PLACEHOLDER = board_page.CSRF_PLACEHOLDER


def _board_cache_key(location: Any, user: User, *, runs: bool, mechanic_id: int | None, tv: bool, now: Any) -> str:
    """What a rendered board depends on besides its work orders: the minute (ages, the late marker), the
    language, who may move which card (every desk role alike; a mechanic their own), the filter, the wall screen.
    Empty (do not cache) when the board version cannot be read."""
    version = live.board_version(location.pk)
    if version is None:
        return ""
    who = "desk" if runs else f"user-{user.pk}"
    minute = int(now.timestamp() // 60)
    return f"workorders:board:{location.pk}:{version}:{minute}:{get_language()}:{who}:{mechanic_id or ''}:{int(tv)}"


def _columns(
    location: Any, user: User, *, mechanic_id: int | None, runs: bool, tv: bool, now: Any
) -> tuple[SafeString, int]:
    """The board's columns as HTML (with the CSRF placeholder, which board_page puts the request's token in), and
    how many cards.

    A wall screen and every desk refresh the board on each change, so one location's board is rendered once per
    version of its work orders (live.board_version, moved by every change) and minute, and kept in the cache shared
    by the web processes: every desk's page (board_page) is made from the same columns."""
    key = _board_cache_key(location, user, runs=runs, mechanic_id=mechanic_id, tv=tv, now=now)
    cached = cache.get(key) if key else None
    if cached is None:
        columns = selectors.job_board(user, location, mechanic_id=mechanic_id, now=now)
        page = board_cards.CardPage.build(
            location_id=location.pk, zone=location.zone, tv=tv, csrf_token=CSRF_PLACEHOLDER
        )
        for column in columns:
            for card in column.cards:
                allowed = ALLOWED_TRANSITIONS.get(card.status, frozenset())
                if not runs:  # the assigned mechanic starts and completes only
                    allowed = allowed & MECHANIC_STATUSES if card.mechanic_id == user.pk else frozenset()
                card.moves = [(s.value, s.label) for s in WorkOrderStatus if s in allowed]  # type: ignore[attr-defined]
                card.late = selectors.is_late(card, now)  # type: ignore[attr-defined]
                card.age = selectors_boards.describe_age(selectors_boards.age_minutes(card, now))  # type: ignore[attr-defined]
                card.html = board_cards.render_card(card, page)  # type: ignore[attr-defined]
        cached = (
            render_to_string(f"{TEMPLATES}/_board_columns.html", {"columns": columns}),
            sum(len(c.cards) for c in columns),
        )
        if key:
            cache.set(key, cached, BOARD_CACHE_SECONDS)
    html, count = cached
    return mark_safe(html), count  # noqa: S308 (our render)


def _board_context(request: HttpRequest, location: Location, *, now: datetime, **extra: Any) -> dict[str, Any]:
    user = actor(request)
    mechanics = selectors_boards.mechanics_of(location)
    mechanic_id = _mechanic_filter(request.GET.get("mechanic"), mechanics)
    runs = role_of(user) in DESK_ROLES
    tv = request.GET.get("tv") in ("1", "on", "true")
    columns_html, count = _columns(location, user, mechanic_id=mechanic_id, runs=runs, tv=tv, now=now)
    query = request.GET.urlencode()
    board_url = reverse("workorders:board", args=[location.pk])
    context = {
        "location": location,
        "zone": location.zone,
        "columns_html": columns_html,
        "count": count,
        "mechanics": mechanics,
        "mechanic_id": mechanic_id,
        "can_run": runs,
        "tv": tv,
        "board_url": f"{board_url}?{query}" if query else board_url,
        "locations": list(locations_staffed_by(user).filter(is_active=True).order_by("name", "id")),
        "ws_path": f"/ws/locations/{location.pk}/work-orders/",
        "now": now,
    }
    context.update(extra)
    return context


def _template(request: HttpRequest) -> str:
    return f"{TEMPLATES}/_board.html" if is_partial(request) else f"{TEMPLATES}/board.html"


@login_required
@require_GET
def board(request: HttpRequest, location_id: int) -> HttpResponse:
    """Columns draft → ready for pickup; `?mechanic=<id>` filters, `?tv=1` is the wall screen (no controls).

    Who may see it is checked on every request (the location's query); the rendered page itself comes from the
    cache while the board and the minute are the same (board_page)."""
    location = staff_location(request, location_id)  # they work there: can_run_work_orders is their role's
    now = timezone.now()
    key = board_page.page_key(request, location, actor(request), now=now)
    response = board_page.cached(request, key)
    if response is not None:
        return response
    context = _board_context(request, location, now=now)
    return board_page.render(request, _template(request), context, key=key)


@login_required
@require_POST
def board_move(request: HttpRequest, location_id: int, pk: int) -> HttpResponse:
    """A card's button (or a drop on a column): the same status table as everywhere (409 refused, unchanged)."""
    location = staff_location(request, location_id)
    work_order = get_work_order_for_user(request.user, pk, work=True)
    require(work_order.location_id == int(location_id))
    form = StatusForm(request.POST)
    error, status = "", 200
    if not form.is_valid():
        error, status = first_error(form), 400
    else:
        try:
            services.work_order_transition(
                actor=actor(request), work_order=work_order, status=form.cleaned_data["status"]
            )
        except ApplicationError as exc:
            error, status = refusal(exc), exc.status
    url = reverse("workorders:board", args=[location_id])
    if not is_partial(request):
        if error:
            context = _board_context(request, location, now=timezone.now(), error=error)
            return board_page.render(request, f"{TEMPLATES}/board.html", context, status=status)
        return redirect_with(request, url, _("Card moved."))
    notice = "" if error else _("Card moved.")
    context = _board_context(request, location, now=timezone.now(), error=error, notice=notice)
    return board_page.render(request, f"{TEMPLATES}/_board.html", context)


# --- The mechanic's board -----------------------------------------------------------------------------------------


def _mechanic(request: HttpRequest) -> User:
    user = actor(request)
    require(is_staff_member(user) and user.role != Role.ADMIN)
    return user


def _job_actions(card: WorkOrder, running: bool) -> list[tuple[str, str, str]]:
    """The one-tap buttons of a job: (action, label, style)."""
    if card.status in (WorkOrderStatus.DRAFT, WorkOrderStatus.APPROVED):
        return [("start", _("Start"), "btn--primary")]
    if card.status == WorkOrderStatus.IN_PROGRESS:
        clock = ("pause", _("Pause"), "") if running else ("resume", _("Resume"), "btn--primary")
        return [clock, ("complete", _("Complete"), "wo-btn--done")]
    return []


def _mechanic_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = _mechanic(request)
    now = timezone.now()
    day = selectors_boards.mechanic_day(selectors.mechanic_board(user, now=now), now)
    cards = day.all
    hours = selectors_boards.hours_of(cards, now=now)
    for card in cards:
        mine = [e for e in card.running if e.mechanic_id == user.pk]  # type: ignore[attr-defined]
        card.clock_running = bool(mine)  # type: ignore[attr-defined]
        card.clock_since = mine[0].started_at if mine else None  # type: ignore[attr-defined]
        card.hours = hours[card.pk]  # type: ignore[attr-defined]
        card.late = selectors.is_late(card, now)  # type: ignore[attr-defined]
        card.actions = _job_actions(card, bool(mine))  # type: ignore[attr-defined]
    appointments: list[Appointment] = selectors.mechanic_appointments_today(user, now=now)
    with_work = {c.appointment_id for c in cards if c.appointment_id}
    context = {
        "cards": day.today,
        "earlier": day.earlier,
        "later": day.later,
        "appointments": [a for a in appointments if a.pk not in with_work],
        "comment_form": CommentForm(),
        "labor_form": LaborForm(),
        "part_form": PartForm(),
        "now": now,
        "ws_paths": sorted({f"/ws/locations/{c.location_id}/work-orders/" for c in cards}),
        "board_url": reverse("workorders:mechanic"),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def mechanic(request: HttpRequest) -> HttpResponse:
    """Today's assigned jobs and appointments by promise time, one tap to start, pause, complete; then, compact,
    the overdue jobs still open and the ones promised later (selectors_boards.mechanic_day)."""
    context = _mechanic_context(request)
    return render_page(request, f"{TEMPLATES}/mechanic.html", f"{TEMPLATES}/_mechanic.html", context)


def _start(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    with transaction.atomic():
        if wo.status != WorkOrderStatus.IN_PROGRESS:
            wo = services.work_order_transition(actor=user, work_order=wo, status=WorkOrderStatus.IN_PROGRESS)
        services.time_entry_start(actor=user, work_order=wo)


def _pause(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    services.time_entry_stop(actor=user, work_order=wo)


def _resume(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    services.time_entry_start(actor=user, work_order=wo)


def _complete(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    services.work_order_transition(actor=user, work_order=wo, status=WorkOrderStatus.COMPLETED)


MECHANIC_ACTIONS: dict[str, tuple[Any, Callable[[User, WorkOrder, dict[str, Any]], None], Any]] = {
    "start": (None, _start, _("Started, the clock runs.")),
    "pause": (None, _pause, _("Paused.")),
    "resume": (None, _resume, _("The clock runs again.")),
    "complete": (None, _complete, _("Completed: ready for pickup.")),
    "comment": (CommentForm, _comment, _("Comment added.")),
    "labor": (LaborForm, _labor, _("Labor line added.")),
    "part": (PartForm, _part, _("Part line added.")),
}


@login_required
@require_POST
def mechanic_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _mechanic(request)
    work_order = get_work_order_for_user(request.user, pk, work=True)
    form_class, do, notice = MECHANIC_ACTIONS[action]
    data: dict[str, Any] = {}
    error, status = "", 200
    if form_class is not None:
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
        else:
            error, status = first_error(form), 400
    if not error:
        try:
            do(actor(request), work_order, data)
        except ApplicationError as exc:
            error, status = refusal(exc), exc.status
    if not is_partial(request) and not error:
        return redirect_with(request, reverse("workorders:mechanic"), str(notice))
    context = _mechanic_context(request, error=error, notice="" if error else str(notice), open_card=work_order.pk)
    partial = is_partial(request)
    template = f"{TEMPLATES}/_mechanic.html" if partial else f"{TEMPLATES}/mechanic.html"
    return render_page(request, template, template, context, status=200 if partial else status)


@login_required
@require_GET
def mechanic_history(request: HttpRequest) -> HttpResponse:
    """The mechanic's finished work, newest first, searchable by number, plate, client or complaint."""
    user = _mechanic(request)
    search = request.GET.get("q", "").strip()[:100]
    rows = list(selectors.mechanic_history(user, search=search).select_related("vehicle", "client", "location")[:50])
    context = {"rows": rows, "search": search}
    return render_page(request, f"{TEMPLATES}/history.html", f"{TEMPLATES}/_history_rows.html", context)
