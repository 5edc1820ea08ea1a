"""Estimates: freeze the lines into a numbered version, send the client a signed expiring link, take their
decision per line.

The link carries `signing.dumps({"e": <version id>})` (salted, timestamped): a changed character is
`link_invalid`, one older than `ESTIMATE_LINK_MAX_AGE` (or past the version's `expires_at`) `link_expired`, and a
version an edit or a new send replaced `link_superseded` — all 400 and nothing changes; deciding twice is 409
`invalid_transition`. No login: the token is the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.core import money
from autoagenda.core.errors import ApplicationError
from autoagenda.workorders import events
from autoagenda.workorders.models import (
    EstimateLineDecision,
    EstimateVersion,
    LaborLine,
    LineDecision,
    LineKind,
    PartLine,
    WorkOrder,
    WorkOrderStatus,
)
from autoagenda.workorders.permissions import can_run_work_orders
from autoagenda.workorders.services.base import (
    HISTORY_COMMENT_MAX,
    SIGNER_MAX,
    changed,
    clean_text,
    copy_back,
    invalid_transition,
    lock,
    raise_if_errors,
    user_or_none,
)
from autoagenda.workorders.services.transitions import apply_status
from autoagenda.workorders.totals import totals_of

ESTIMATE_LINK_MAX_AGE = timedelta(days=14)
SALT = "workorders.estimate"
# Where the client's page lives (the UI mounts it here); the API's twin is /api/v1/estimates/<token>/.
ESTIMATE_PATH = "/work-orders/estimate/{token}/"
SENDABLE = (WorkOrderStatus.DRAFT, WorkOrderStatus.ESTIMATE_SENT)
USER_AGENT_MAX = 300


def estimate_token(estimate: EstimateVersion) -> str:
    return signing.dumps({"e": estimate.pk}, salt=SALT, compress=False)


def estimate_url(token: str) -> str:
    return ESTIMATE_PATH.format(token=token)


def _frozen(line: LaborLine | PartLine, quantity: Any, unit_price: Any) -> dict[str, Any]:
    return {
        "key": line.key,
        "kind": line.kind,
        "description": line.description,
        "quantity": str(quantity),
        "unit_price": money.format_amount(unit_price),
        "tax_rate": str(line.tax_rate),
        "net": money.format_amount(line.net),
        "tax": money.format_amount(line.tax),
        "total": money.format_amount(line.total),
    }


def frozen_lines(work_order: WorkOrder) -> list[dict[str, Any]]:
    """The lines as the client sees them: JSON only (strings for amounts), labor then parts, by id. `quantity`
    is the hours of a labor line and `unit_price` its rate."""
    labor = [
        _frozen(line, line.hours, line.rate) for line in LaborLine.objects.filter(work_order=work_order).order_by("id")
    ]
    parts = [
        _frozen(line, line.quantity, line.unit_price)
        for line in PartLine.objects.filter(work_order=work_order).order_by("id")
    ]
    return labor + parts


def estimate_send(*, actor: Any, work_order: WorkOrder, comment: str = "") -> tuple[EstimateVersion, str]:
    """Freeze the lines as version n+1 (the previous one is superseded, its link dead), move a draft to
    `estimate_sent`, and send the client the link (`estimate_sent` event → notifications). Returns the version
    and its token. A work order without lines, or past the estimate, is refused."""
    require(can_run_work_orders(actor, work_order.location))
    with transaction.atomic():
        current = lock(work_order)
        if current.status not in SENDABLE:
            raise invalid_transition(current.status, WorkOrderStatus.ESTIMATE_SENT)
        lines = frozen_lines(current)
        if not lines:
            raise ApplicationError.invalid(
                "lines", _("Add at least one labor or part line before sending an estimate.")
            )
        now = timezone.now()
        EstimateVersion.objects.filter(work_order=current, superseded_at__isnull=True).update(superseded_at=now)
        last = EstimateVersion.objects.filter(work_order=current).aggregate(n=Max("number"))["n"] or 0
        totals = totals_of(
            [(money.quantize(line["net"]), money.quantize(line["tax"])) for line in lines if line["kind"] == "labor"],
            [(money.quantize(line["net"]), money.quantize(line["tax"])) for line in lines if line["kind"] == "part"],
        )
        estimate = EstimateVersion.objects.create(
            work_order=current,
            number=last + 1,
            lines=lines,
            subtotal=totals.subtotal,
            tax=totals.tax,
            total=totals.total,
            currency=money.currency(),
            sent_at=now,
            sent_by=user_or_none(actor),
            expires_at=now + ESTIMATE_LINK_MAX_AGE,
        )
        if current.status == WorkOrderStatus.DRAFT:
            apply_status(current, WorkOrderStatus.ESTIMATE_SENT, actor=actor, comment=comment[:HISTORY_COMMENT_MAX])
        token = estimate_token(estimate)
        events.estimate_sent.send(
            events.EstimateSent(
                work_order=current, estimate=estimate, actor=user_or_none(actor), url=estimate_url(token)
            )
        )
        changed(current, "estimate")
    copy_back(work_order, current)
    return estimate, token


def estimate_for_token(token: str, *, for_update: bool = False) -> EstimateVersion:
    """The version a link names, or the reason it does not work any more (400, clear code)."""
    try:
        data = signing.loads(str(token), salt=SALT, max_age=ESTIMATE_LINK_MAX_AGE)
        pk = int(data["e"])
    except signing.SignatureExpired:
        raise ApplicationError(
            "link_expired", _("This estimate link has expired. Ask the workshop for a new one.")
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(
            "link_invalid", _("This estimate link is not valid. Check that it was copied whole.")
        ) from None
    rows = EstimateVersion.objects.select_related("work_order__location", "work_order__client", "work_order__vehicle")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    estimate = rows.filter(pk=pk).first()
    if estimate is None:
        raise ApplicationError("link_invalid", _("This estimate link is not valid. Check that it was copied whole."))
    if estimate.superseded_at is not None:
        raise ApplicationError(
            "link_superseded", _("This estimate was replaced by a newer one. Use the latest link the workshop sent.")
        )
    if timezone.now() > estimate.expires_at:
        raise ApplicationError("link_expired", _("This estimate link has expired. Ask the workshop for a new one."))
    return estimate


def _decision_errors(estimate: EstimateVersion, decisions: Mapping[str, str]) -> dict[str, list[str]]:
    keys = [line["key"] for line in estimate.lines]
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(decisions) - set(keys))
    if unknown:
        errors["decisions"] = [_("Unknown lines: %(keys)s.") % {"keys": ", ".join(unknown)}]
    missing = [key for key in keys if key not in decisions]
    if missing:
        errors.setdefault("decisions", []).append(_("Decide every line: %(keys)s.") % {"keys": ", ".join(missing)})
    bad = sorted(k for k, v in decisions.items() if v not in (LineDecision.APPROVED, LineDecision.DECLINED))
    if bad:
        errors.setdefault("decisions", []).append(_("Approve or decline: %(keys)s.") % {"keys": ", ".join(bad)})
    return errors


def estimate_decide(
    *,
    token: str,
    decisions: Mapping[str, str],
    signer_name: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> EstimateVersion:
    """The client's answer, line by line (`{"labor-3": "approved", "part-7": "declined"}`), stored with the
    version, time, IP and browser. Any approved line moves the work order to `approved`; declined lines stay on it
    marked declined, for follow-up. All declined: it stays `estimate_sent` for the desk to revise or cancel."""
    errors: dict[str, list[str]] = {}
    signer = clean_text(signer_name, SIGNER_MAX, "signer_name", errors)
    with transaction.atomic():
        estimate = estimate_for_token(token, for_update=True)
        if estimate.decided_at is not None or estimate.work_order.status != WorkOrderStatus.ESTIMATE_SENT:
            raise ApplicationError("invalid_transition", _("This estimate was already answered."))
        errors.update(_decision_errors(estimate, decisions))
        raise_if_errors(errors, _("The estimate was not answered."))
        _store_decisions(estimate, decisions, signer=signer, ip=ip, user_agent=user_agent[:USER_AGENT_MAX])
    return estimate


def _store_decisions(
    estimate: EstimateVersion, decisions: Mapping[str, str], *, signer: str, ip: str | None, user_agent: str
) -> None:
    now = timezone.now()
    rows = []
    for key, decision in decisions.items():
        kind, _sep, line_id = key.partition("-")
        rows.append(
            EstimateLineDecision(
                estimate=estimate,
                line_kind=kind,
                line_id=int(line_id),
                decision=decision,
                signer_name=signer,
                decided_at=now,
                ip=ip,
                user_agent=user_agent,
            )
        )
        model = LaborLine if kind == LineKind.LABOR else PartLine
        model.objects.filter(pk=int(line_id), work_order_id=estimate.work_order_id).update(decision=decision)
    EstimateLineDecision.objects.bulk_create(rows)
    estimate.decided_at = now
    estimate.signer_name = signer
    estimate.ip = ip
    estimate.user_agent = user_agent
    estimate.save(update_fields=["decided_at", "signer_name", "ip", "user_agent"])
    approved = tuple(sorted(k for k, v in decisions.items() if v == LineDecision.APPROVED))
    declined = tuple(sorted(k for k, v in decisions.items() if v == LineDecision.DECLINED))
    work_order = lock(estimate.work_order)
    if approved:
        note = _("Approved by %(name)s") % {"name": signer} if signer else _("Approved by the client")
        apply_status(work_order, WorkOrderStatus.APPROVED, actor=None, comment=str(note))
    events.estimate_decided.send(
        events.EstimateDecided(work_order=work_order, estimate=estimate, approved=approved, declined=declined)
    )
    changed(work_order, "estimate")
    estimate.work_order = work_order


def estimate_decide_all(*, token: str, decision: str, **kwargs: Any) -> EstimateVersion:
    """Approve (or decline) every line of the estimate at once."""
    estimate = estimate_for_token(token)
    return estimate_decide(token=token, decisions={line["key"]: decision for line in estimate.lines}, **kwargs)
