"""The work-order page (`/work-orders/<id>/`): header, lines, comments, status buttons, clock, estimates and
one timeline (ticket → work order → pickup call); its actions answer the fresh page fragment to htmx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from autoagenda.accounts.models import Role, User
from autoagenda.core import slots
from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import selectors as inventory_selectors
from autoagenda.locations.permissions import locations_staffed_by
from autoagenda.walkins.models import Desk
from autoagenda.workorders import selectors, selectors_boards, services
from autoagenda.workorders.forms import (
    AssignForm,
    ClockForm,
    CommentForm,
    LaborForm,
    PartForm,
    PickupForm,
    StatusForm,
    first_error,
)
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from autoagenda.workorders.permissions import (
    can_run_work_orders,
    can_set_status,
    can_work_on,
    get_work_order_for_user,
    sees_internal_comments,
)
from autoagenda.workorders.views.common import actor, is_partial, refusal, render_page, safe_next

PAGE = "workorders/detail.html"
FRAGMENT = "workorders/_detail.html"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Where "Work orders" leads: the desk's job board, the mechanic's board, the client's own list."""
    user = actor(request)
    if user.role == Role.CLIENT:
        return redirect("workorders:mine")
    if user.role == Role.MECHANIC:
        return redirect("workorders:mechanic")
    location = locations_staffed_by(user).filter(is_active=True).order_by("name", "id").first()
    if location is None:
        raise PermissionDenied
    return redirect("workorders:board", location_id=location.pk)


# Higher apps add to the work order's page here (core/slots.py): billing's invoice link.
WORK_ORDER_SLOT = "workorders.work_order"


def _estimates(work_order: WorkOrder) -> list[dict[str, Any]]:
    return [
        {"version": estimate, "lines": selectors.estimate_lines(estimate)}
        for estimate in reversed(list(work_order.estimates.all()))
    ]


def _client_link(work_order: WorkOrder) -> str:
    """The client's own link to the estimate waiting for their answer (none once decided or expired)."""
    for estimate in work_order.estimates.all():
        if estimate.superseded_at is None and estimate.decided_at is None and estimate.expires_at > timezone.now():
            return services.estimate_url(services.estimate_token(estimate))
    return ""


def page_context(request: HttpRequest, work_order: WorkOrder, **extra: Any) -> dict[str, Any]:
    user = actor(request)
    staff = sees_internal_comments(user)
    runs = can_run_work_orders(user, work_order.location)
    works = can_work_on(user, work_order)
    moves = [
        (s, label) for s, label in selectors_boards.next_statuses(work_order) if can_set_status(user, work_order, s)
    ]
    pickup = runs and work_order.ticket_id is not None and work_order.status == WorkOrderStatus.COMPLETED
    running = [e for e in work_order.time_entries.all() if e.stopped_at is None]
    context: dict[str, Any] = {
        "wo": work_order,
        "zone": work_order.location.zone,
        "staff": staff,
        "can_run": runs,
        "can_work": works and work_order.is_open,
        "moves": moves if staff else [],
        "totals": selectors.totals_for(work_order),
        "hours": selectors.hours_for(work_order),
        "timeline": selectors.timeline(user, work_order),
        "estimates": _estimates(work_order) if staff or work_order.estimates.exists() else [],
        "client_link": _client_link(work_order) if not staff else "",
        "mechanics": selectors_boards.mechanics_of(work_order.location) if runs and work_order.is_open else [],
        "desks": selectors_boards.desks_of(work_order.location) if pickup else [],
        "my_clock": next((e for e in running if e.mechanic_id == user.pk), None),
        "running": running,
        "labor_form": LaborForm(auto_id="labor-%s"),
        "part_form": PartForm(auto_id="part-%s"),
        "comment_form": CommentForm(auto_id="comment-%s"),
        "ws_path": f"/ws/locations/{work_order.location_id}/work-orders/" if staff else "",
        "page_url": reverse("workorders:detail", args=[work_order.pk]),
        # What higher apps add to the page (billing: the link to the invoice), core/slots.py.
        "slot_actions": slots.render_one(WORK_ORDER_SLOT, user, work_order),
    }
    context.update(extra)
    return context


def _page(request: HttpRequest, pk: Any, *, status: int = 200, **extra: Any) -> HttpResponse:
    work_order = selectors.work_order_detail(request.user, pk)
    return render_page(request, PAGE, FRAGMENT, page_context(request, work_order, **extra), status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


# --- Actions ------------------------------------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    pk: Any,
    form_class: type[forms.Form],
    do: Callable[[User, WorkOrder, dict[str, Any]], Any],
    notice: str,
    *,
    work: bool = False,
    run: bool = False,
) -> HttpResponse:
    """Fetch (404/403), parse, call one service; htmx gets the fresh fragment, a plain POST a redirect.
    A refusal changes nothing and is shown in place (400/409 without htmx)."""
    work_order = get_work_order_for_user(request.user, pk, work=work, run=run)
    form = form_class(request.POST)
    url = reverse("workorders:detail", args=[work_order.pk])
    error, status = "", 200
    if not form.is_valid():
        error, status = first_error(form), 400
    else:
        try:
            do(actor(request), work_order, form.cleaned_data)
        except ApplicationError as exc:
            error, status = refusal(exc), exc.status
    if error:
        return _page(request, work_order.pk, error=error, status=200 if is_partial(request) else status)
    if is_partial(request):
        return _page(request, work_order.pk, notice=notice)
    messages.success(request, notice)
    return redirect(safe_next(request, url))


def _status(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    services.work_order_transition(actor=user, work_order=wo, status=data["status"], comment=data["comment"])


@login_required
@require_POST
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Any move of the status table (the service refuses the others with 409 and the mechanic's limits)."""
    return _act(request, pk, StatusForm, _status, _("Status changed."), work=True)


def _assign(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    mechanic = User.objects.filter(pk=data["mechanic"]).first() if data["mechanic"] else None
    if data["mechanic"] and mechanic is None:
        raise ApplicationError.invalid("mechanic", _("This mechanic does not work here."))
    services.work_order_assign(actor=user, work_order=wo, mechanic=mechanic)


@login_required
@require_POST
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, AssignForm, _assign, _("Mechanic assigned."), run=True)


def _labor(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    services.labor_line_add(
        actor=user,
        work_order=wo,
        description=data["description"],
        hours=data["hours"],
        rate=data["rate"],
        tax_rate=data["tax_rate"],
    )


@login_required
@require_POST
def labor_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, LaborForm, _labor, _("Labor line added."), work=True)


def _part(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    product = None
    if data.get("product"):
        product = selectors.product_for_user(user, data["product"])
        if product is None:
            raise ApplicationError.invalid("product", _("Choose a product from the list."))
    services.part_line_add(
        actor=user,
        work_order=wo,
        product=product,
        description=data.get("description") or None,
        quantity=data["quantity"],
        unit_price=data.get("unit_price"),
        tax_rate=data.get("tax_rate"),
    )


@login_required
@require_POST
def part_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, PartForm, _part, _("Part line added."), work=True)


@login_required
@require_GET
def product_choices(request: HttpRequest, pk: int) -> HttpResponse:
    """The part form's picker (htmx): products carried at the work order's location matching `q` (SKU or name),
    each with its price and what is available there."""
    work_order = get_work_order_for_user(request.user, pk, work=True)
    search = request.GET.get("q", "")[:60]
    choices = inventory_selectors.product_choices(request.user, work_order.location, search=search)
    return render(request, "workorders/_product_choices.html", {"choices": choices, "search": search})


def _comment(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    services.comment_add(actor=user, work_order=wo, body=data["body"], visibility=data["visibility"])


@login_required
@require_POST
def comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, CommentForm, _comment, _("Comment added."), work=True)


def _clock(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    if data["action"] == "start":
        services.time_entry_start(actor=user, work_order=wo)
    else:
        services.time_entry_stop(actor=user, work_order=wo)


@login_required
@require_POST
def clock_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ClockForm, _clock, _("Clock updated."), work=True)


def _estimate(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    services.estimate_send(actor=user, work_order=wo)


@login_required
@require_POST
def estimate_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, forms.Form, _estimate, _("Estimate sent to the client."), run=True)


def _pickup(user: User, wo: WorkOrder, data: dict[str, Any]) -> None:
    desk = Desk.objects.filter(pk=data["desk"], location=wo.location).first()
    if desk is None:
        raise ApplicationError.invalid("desk", _("Choose a desk of this location."))
    services.work_order_pickup_call(actor=user, work_order=wo, desk=desk)


@login_required
@require_POST
def pickup_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The walk-in's car is ready: call them back to a desk from the same ticket."""
    response = _act(request, pk, PickupForm, _pickup, _("The client is called back for pickup."), run=True)
    response["HX-Trigger"] = "desk-changed"  # the desk panel the button may sit on refreshes
    return response
