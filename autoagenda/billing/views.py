"""Invoice pages: thin — authorize through permissions, validate with a form, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from autoagenda.accounts.permissions import is_staff_member
from autoagenda.billing import pdf, selectors, services
from autoagenda.billing.forms import InvoiceFilterForm, PaymentForm, ReasonForm
from autoagenda.billing.models import Invoice
from autoagenda.billing.permissions import (
    can_cancel_invoices,
    can_record_payments,
    get_invoice_for_user,
    get_payment_for_user,
)
from autoagenda.core import bounds, money
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.locations.permissions import locations_staffed_by

PAGE_SIZE = 50


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Staff: the invoices of their locations (filter by location, status, dates); a client: their own."""
    filters = InvoiceFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    staff = is_staff_member(request.user)
    location_id = bounds.parse_id(request.GET.get("location") or "") if staff else None
    invoices = selectors.invoices_for(
        request.user,
        location=location_id,
        status=values.get("status") or None,
        issued_from=values.get("date_from"),
        issued_to=values.get("date_to"),
    )
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "staff": staff,
        "locations": locations_staffed_by(request.user).order_by("name", "id") if staff else [],
        "selected_location": location_id,
    }
    return render(request, "billing/list.html", context)


def _detail_page(
    request: HttpRequest,
    invoice: Invoice,
    *,
    payment_form: PaymentForm | None = None,
    cancel_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    invoice = selectors.invoice_detail(request.user, invoice.pk).get()
    context = {
        "invoice": invoice,
        "location": invoice.location,
        "amounts": selectors.amounts_of(invoice),
        "credit_note": selectors.credit_note_of(invoice),
        "payments": list(invoice.payments.all()),
        "can_pay": can_record_payments(request.user, invoice.location) and not invoice.is_cancelled,
        "can_void": can_record_payments(request.user, invoice.location),
        "can_cancel": can_cancel_invoices(request.user, invoice.location) and not invoice.is_cancelled,
        "payment_form": payment_form
        or PaymentForm(initial={"amount": money.format_amount(invoice.balance, invoice.currency)}),
        "cancel_form": cancel_form or ReasonForm(),
        "staff": is_staff_member(request.user),
    }
    return render(request, "billing/detail.html", context, status=status)


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, get_invoice_for_user(request.user, pk))


@login_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_detail(request.user, get_invoice_for_user(request.user, pk).pk).get()
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(invoice)}"'
    return response


@login_required
@require_POST
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for_user(request.user, pk, pay=True)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(actor=request.user, invoice=invoice, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("billing:detail", pk=invoice.pk)
    return _detail_page(request, invoice, payment_form=form, status=400)


@login_required
@require_POST
def payment_void(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    invoice = get_invoice_for_user(request.user, pk, pay=True)
    payment = get_payment_for_user(request.user, invoice, payment_pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.payment_void(actor=request.user, payment=payment, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return _detail_page(request, invoice, status=400)
        messages.success(request, _("Payment voided."))
        return redirect("billing:detail", pk=invoice.pk)
    messages.error(request, _("Say why the payment is voided."))
    return _detail_page(request, invoice, status=400)


@login_required
@require_POST
def invoice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice_for_user(request.user, pk, cancel=True)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            note = services.invoice_cancel(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Invoice cancelled; credit note %(number)s issued.") % {"number": note.number})
            return redirect("billing:detail", pk=invoice.pk)
    return _detail_page(request, invoice, cancel_form=form, status=400)
