"""The client's side: their work orders (status, comments for them, the estimate to approve, history) and the
estimate page of the signed link, which needs no login and speaks the client's language."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import require
from autoagenda.core.errors import ApplicationError
from autoagenda.workorders import selectors, services
from autoagenda.workorders.models import EstimateVersion, LineDecision
from autoagenda.workorders.views.common import actor

TEMPLATES = "workorders"
USER_AGENT_MAX = 300
DECISIONS = (LineDecision.APPROVED, LineDecision.DECLINED)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A client's work orders, open ones first, newest first."""
    user = actor(request)
    require(user.role == Role.CLIENT)
    rows = list(selectors.work_orders_for(user).select_related("vehicle", "location"))
    context = {
        "open_rows": [wo for wo in rows if wo.is_open],
        "closed_rows": [wo for wo in rows if not wo.is_open],
    }
    return render(request, f"{TEMPLATES}/mine.html", context)


def _language(estimate: EstimateVersion) -> str:
    return str(getattr(estimate.work_order.client, "language", "") or translation.get_language() or "es")


def _render(request: HttpRequest, estimate: EstimateVersion, token: str, **extra: Any) -> HttpResponse:
    work_order = estimate.work_order
    lines = selectors.estimate_lines(estimate)
    context = {
        "estimate": estimate,
        "wo": work_order,
        "lines": lines,
        "token": token,
        "decided": estimate.decided_at is not None,
        "approved_total": sum(
            (float(line["total"]) for line in lines if line["decision"] == LineDecision.APPROVED), 0.0
        ),
        "choices": extra.pop("choices", {}),
        "zone": work_order.location.zone,
    }
    context.update(extra)
    status = context.pop("status", 200)
    return render(request, f"{TEMPLATES}/estimate.html", context, status=status)


@csrf_protect
@require_http_methods(["GET", "POST"])
def estimate(request: HttpRequest, token: str) -> HttpResponse:
    """The estimate a signed link names: approve or decline each line, optionally sign; a tampered, expired or
    superseded link shows why and changes nothing."""
    try:
        version = services.estimate_for_token(token)
    except ApplicationError as exc:
        return render(
            request, f"{TEMPLATES}/estimate_invalid.html", {"message": exc.message, "code": exc.code}, status=400
        )
    version = EstimateVersion.objects.select_related(
        "work_order__client", "work_order__location", "work_order__vehicle"
    ).get(pk=version.pk)
    with translation.override(_language(version)):
        if request.method != "POST":
            return _render(request, version, token)
        return _decide(request, version, token)


def _decide(request: HttpRequest, version: EstimateVersion, token: str) -> HttpResponse:
    choices = {
        line["key"]: request.POST.get(f"line-{line['key']}", "")
        for line in version.lines
        if request.POST.get(f"line-{line['key']}", "") in DECISIONS
    }
    if len(choices) != len(version.lines):
        error = _("Approve or decline every line.")
        return _render(request, version, token, error=error, choices=choices, status=400)
    try:
        services.estimate_decide(
            token=token,
            decisions=choices,
            signer_name=request.POST.get("signer_name", "").strip()[:120],
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX],
        )
    except ApplicationError as exc:
        fresh = EstimateVersion.objects.get(pk=version.pk)
        return _render(request, fresh, token, error=exc.message, choices=choices, status=exc.status)
    fresh = EstimateVersion.objects.select_related("work_order__location", "work_order__vehicle").get(pk=version.pk)
    return _render(request, fresh, token, notice=_("Thank you: the workshop has your answer."))
