"""Issuing an invoice for a completed work order, and cancelling it with a credit note."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import require
from autoagenda.billing import arithmetic, events
from autoagenda.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    LineKind,
    Series,
    format_number,
)
from autoagenda.billing.permissions import can_cancel_invoices
from autoagenda.billing.services.numbering import next_sequence
from autoagenda.billing.services.payments import invoice_credit_deposit
from autoagenda.core.errors import ApplicationError
from autoagenda.deposits.selectors import paid_deposit_for_appointment
from autoagenda.workorders import events as workorder_events
from autoagenda.workorders.models import LaborLine, LineDecision, PartLine, WorkOrder, WorkOrderStatus

REASON_MAX = 500


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def _billable(lines: Iterable[LaborLine | PartLine]) -> list[LaborLine | PartLine]:
    """Declined work was not done: the client said no to it on the estimate."""
    return [line for line in lines if line.decision != LineDecision.DECLINED]


def _invoice_lines(work_order: WorkOrder, currency: str) -> list[InvoiceLine]:
    """The lines as they are now, labor first, each kind in the order written (`labor_lines` and `part_lines` as
    the work order has them: a completion has read its part lines already)."""
    prefetch_related_objects([work_order], "labor_lines", "part_lines")
    lines: list[InvoiceLine] = []
    sources: list[tuple[str, Sequence[LaborLine | PartLine]]] = [
        (LineKind.LABOR, _billable(sorted(work_order.labor_lines.all(), key=lambda line: line.pk))),
        (LineKind.PART, _billable(sorted(work_order.part_lines.all(), key=lambda line: line.pk))),
    ]
    for kind, source in sources:
        for line in source:
            if isinstance(line, LaborLine):
                quantity, unit_price = line.hours, line.rate
            else:
                quantity, unit_price = line.quantity, line.unit_price
            amounts = arithmetic.line_amounts(quantity, unit_price, line.tax_rate, currency)
            lines.append(
                InvoiceLine(
                    position=len(lines) + 1,
                    kind=kind,
                    description=line.description,
                    quantity=quantity,
                    unit_price=unit_price,
                    tax_rate=line.tax_rate,
                    net=amounts.net,
                    tax=amounts.tax,
                    total=amounts.total,
                )
            )
    return lines


def invoice_issue(*, work_order: WorkOrder, actor: Any = None) -> Invoice:
    """The invoice of a completed work order: numbered, its lines copied as they are now, the totals summed.

    Idempotent (a work order has one invoice: the existing one is returned). Runs inside the completion's
    transaction when called from the event; a failure here refuses the completion.
    """
    _refuse_unless_completed(work_order)
    # No savepoint of its own: the caller's transaction (the completion's) is refused whole by any failure.
    with transaction.atomic(savepoint=False):
        existing = Invoice.objects.filter(work_order=work_order).first()
        if existing is not None:
            return existing
        return _issue(work_order, actor)


def _refuse_unless_completed(work_order: WorkOrder) -> None:
    if work_order.status not in (WorkOrderStatus.COMPLETED, WorkOrderStatus.DELIVERED):
        raise ApplicationError("invalid_transition", _("Only a completed work order is invoiced."))


def _issue(work_order: WorkOrder, actor: Any) -> Invoice:
    """Write the invoice, inside the caller's transaction (which knows there is none yet). The number is taken
    last: the counter row is shared by every invoice of the location and year and stays locked until commit."""
    _refuse_unless_completed(work_order)
    location = work_order.location
    currency = location.currency
    now = timezone.now()
    issued_on = timezone.localtime(now, location.zone).date()
    lines = _invoice_lines(work_order, currency)
    amounts = arithmetic.document_amounts((line.tax_rate, line.net, line.tax) for line in lines)
    client = work_order.client
    vehicle = work_order.vehicle
    invoice = Invoice(
        location=location,
        year=issued_on.year,
        currency=currency,
        issued_at=now,
        issued_on=issued_on,
        seller_name=location.invoice_name[:200],
        seller_tax_id=location.tax_id,
        seller_address=location.address,
        work_order=work_order,
        client=client,
        client_name=(client.get_full_name() or client.email)[:200],
        client_email=client.email,
        vehicle=f"{vehicle.make} {vehicle.model} · {vehicle.plate}".strip(" ·")[:200],
        work_order_number=work_order.number,
        subtotal=amounts.subtotal,
        tax=amounts.tax,
        total=amounts.total,
        paid=0,
        status=arithmetic.payment_status(paid=arithmetic.ZERO, total=amounts.total),
    )
    invoice.sequence = next_sequence(location=location, series=Series.INVOICE, year=issued_on.year)
    invoice.number = format_number(Series.INVOICE, issued_on.year, invoice.sequence)
    invoice.save(force_insert=True)
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    _credit_deposit(invoice, work_order)
    events.invoice_issued.send(events.InvoiceIssued(invoice=invoice, actor=_user(actor)))
    return invoice


def _credit_deposit(invoice: Invoice, work_order: WorkOrder) -> None:
    """The deposit the client paid online when booking the work order's appointment counts as an `online`
    payment of this invoice (up to its total; a deposit in another currency is never mixed in)."""
    if work_order.appointment_id is None:
        return
    deposit = paid_deposit_for_appointment(work_order.appointment_id)
    if deposit is None or deposit.currency != invoice.currency:
        return
    paid_on = timezone.localtime(deposit.paid_at, work_order.location.zone).date() if deposit.paid_at else None
    invoice_credit_deposit(invoice=invoice, amount=deposit.amount, reference=deposit.reference, paid_on=paid_on)


def invoice_issue_on_completion(change: workorder_events.WorkOrderStatusChanged) -> None:
    """Subscriber of `workorders.work_order_status_changed` (BillingConfig.ready), in the completion's
    transaction. A work order is completed once (only from in progress: the status table has no way back), and
    only a completed or delivered one is invoiced, so it has no invoice yet and none is looked for (the unique
    work order of an invoice would refuse a second one anyway)."""
    if change.to_status == WorkOrderStatus.COMPLETED:
        _issue(change.work_order, change.actor)


def invoice_cancel(*, actor: Any, invoice: Invoice, reason: str) -> CreditNote:
    """Managers and admins: the invoice keeps its number, a credit note (its own series) mirrors it negatively.

    A cancelled invoice takes no more payments; payments already recorded stay (refunds are outside the app).
    """
    require(can_cancel_invoices(actor, invoice.location))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError.invalid("reason", _("Say why the invoice is cancelled."))
    if len(reason) > REASON_MAX:
        raise ApplicationError.invalid("reason", _("Use at most %(max)s characters.") % {"max": REASON_MAX})
    with transaction.atomic():
        current = Invoice.objects.select_for_update().select_related("location").get(pk=invoice.pk)
        if current.cancelled_at is not None:
            raise ApplicationError("conflict", _("This invoice is already cancelled."))
        location = current.location
        now = timezone.now()
        issued_on = timezone.localtime(now, location.zone).date()
        sequence = next_sequence(location=location, series=Series.CREDIT_NOTE, year=issued_on.year)
        note = CreditNote.objects.create(
            invoice=current,
            location=location,
            year=issued_on.year,
            sequence=sequence,
            number=format_number(Series.CREDIT_NOTE, issued_on.year, sequence),
            currency=current.currency,
            issued_at=now,
            issued_on=issued_on,
            seller_name=current.seller_name,
            seller_tax_id=current.seller_tax_id,
            seller_address=current.seller_address,
            subtotal=-current.subtotal,
            tax=-current.tax,
            total=-current.total,
            reason=reason,
            issued_by=_user(actor),
        )
        CreditNoteLine.objects.bulk_create(
            CreditNoteLine(
                credit_note=note,
                position=line.position,
                kind=line.kind,
                description=line.description,
                quantity=-line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
                net=-line.net,
                tax=-line.tax,
                total=-line.total,
            )
            for line in current.lines.all()
        )
        current.cancelled_at = now
        current.cancelled_by = _user(actor)
        current.cancel_reason = reason
        current.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        events.invoice_cancelled.send(events.InvoiceCancelled(invoice=current, credit_note=note, actor=_user(actor)))
    invoice.cancelled_at, invoice.cancelled_by, invoice.cancel_reason = now, _user(actor), reason
    return note
