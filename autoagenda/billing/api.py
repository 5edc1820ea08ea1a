"""JSON API of invoices and payments (API.md, "Work orders, stock, invoices"): thin, calling services and selectors.

Money goes out as strings with the invoice currency's decimals (`"12500"` CLP, `"49.90"` EUR).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.billing import pdf, selectors, services
from autoagenda.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    LineKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from autoagenda.billing.permissions import get_invoice_for_user, get_payment_for_user
from autoagenda.billing.services.payments import REASON_MAX, REFERENCE_MAX
from autoagenda.core import money
from autoagenda.core.api import error_responses
from autoagenda.core.api_fields import BoundedDateField, IdField, MoneyField
from autoagenda.core.timeutils import isoformat_in

# --- Output ---------------------------------------------------------------------------------------------------------


def _zone_of(obj: Any) -> Any:
    return obj.location.zone


@extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
class LocalMomentField(serializers.Field):
    """A timestamp in the location's own offset (API.md), or null."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        self.moment = kwargs.pop("moment")
        super().__init__(**kwargs)

    def to_representation(self, obj: Any) -> str | None:
        value = getattr(obj, self.moment)
        return None if value is None else isoformat_in(value, obj.location.zone)


class LineSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=LineKind.choices, read_only=True)
    description = serializers.CharField(read_only=True)
    quantity = serializers.SerializerMethodField(help_text=_("Hours for labor, units for parts; a decimal string."))
    unit_price = serializers.SerializerMethodField(help_text=_("Net, in the invoice's currency."))
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, coerce_to_string=True)
    net = serializers.SerializerMethodField()
    tax = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    def _currency(self) -> str:
        return str(self.context.get("currency") or money.currency())

    def get_quantity(self, line: InvoiceLine | CreditNoteLine) -> str:
        return format(line.quantity.normalize(), "f")  # 1.5, 2, 0.333: no trailing zeros, never an exponent

    def get_unit_price(self, line: InvoiceLine | CreditNoteLine) -> str:
        return str(line.unit_price)

    def get_net(self, line: InvoiceLine | CreditNoteLine) -> str:
        return money.format_amount(line.net, self._currency())

    def get_tax(self, line: InvoiceLine | CreditNoteLine) -> str:
        return money.format_amount(line.tax, self._currency())

    def get_total(self, line: InvoiceLine | CreditNoteLine) -> str:
        return money.format_amount(line.total, self._currency())


class TaxBandSerializer(serializers.Serializer[Any]):
    rate = serializers.CharField(read_only=True, help_text=_("Percent."))
    base = serializers.CharField(read_only=True)
    tax = serializers.CharField(read_only=True)


class CreditNoteSerializer(serializers.ModelSerializer[CreditNote]):
    invoice = serializers.IntegerField(source="invoice_id", read_only=True)
    subtotal = MoneyField(read_only=True)
    tax = MoneyField(read_only=True)
    total = MoneyField(read_only=True)
    issued_at = LocalMomentField(moment="issued_at")
    lines = serializers.SerializerMethodField()

    class Meta:
        model = CreditNote
        fields: tuple[str, ...] = (
            "id", "number", "invoice", "currency", "issued_at", "issued_on", "reason", "lines", "subtotal", "tax",
            "total",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, note: CreditNote) -> list[dict[str, Any]]:
        return list(LineSerializer(note.lines.all(), many=True, context={"currency": note.currency}).data)


class SellerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="seller_name", read_only=True)
    tax_id = serializers.CharField(source="seller_tax_id", read_only=True)
    address = serializers.CharField(source="seller_address", read_only=True)


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    """API.md: `number, work_order, lines, subtotal, tax, total, paid, status`; the rest is ours."""

    work_order = serializers.IntegerField(source="work_order_id", read_only=True)
    location = serializers.IntegerField(source="location_id", read_only=True)
    client = serializers.IntegerField(source="client_id", read_only=True)
    seller = SellerSerializer(source="*", read_only=True)
    lines = serializers.SerializerMethodField()
    taxes = serializers.SerializerMethodField()
    subtotal = MoneyField(read_only=True)
    tax = MoneyField(read_only=True)
    total = MoneyField(read_only=True)
    paid = MoneyField(read_only=True)
    balance = MoneyField(read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    issued_at = LocalMomentField(moment="issued_at")
    cancelled_at = LocalMomentField(moment="cancelled_at")
    credit_note = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields: tuple[str, ...] = (
            "id", "number", "work_order", "work_order_number", "location", "client", "client_name", "vehicle",
            "seller", "currency", "issued_at", "issued_on", "lines", "taxes", "subtotal", "tax", "total", "paid",
            "balance", "status", "cancelled_at", "cancel_reason", "credit_note", "pdf",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, invoice: Invoice) -> list[dict[str, Any]]:
        lines = sorted(invoice.lines.all(), key=lambda line: line.position)
        return list(LineSerializer(lines, many=True, context={"currency": invoice.currency}).data)

    @extend_schema_field(TaxBandSerializer(many=True))
    def get_taxes(self, invoice: Invoice) -> list[dict[str, str]]:
        code = invoice.currency
        return [
            {
                "rate": str(band.rate),
                "base": money.format_amount(band.base, code),
                "tax": money.format_amount(band.tax, code),
            }
            for band in selectors.amounts_of(invoice).bands
        ]

    @extend_schema_field(CreditNoteSerializer(allow_null=True))
    def get_credit_note(self, invoice: Invoice) -> dict[str, Any] | None:
        note = selectors.credit_note_of(invoice)
        return None if note is None else dict(CreditNoteSerializer(note).data)

    def get_pdf(self, invoice: Invoice) -> str:
        return f"/api/v1/invoices/{invoice.pk}/pdf/"


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    invoice = serializers.IntegerField(source="invoice_id", read_only=True)
    amount = MoneyField(currency="invoice.currency", read_only=True)
    recorded_by = serializers.IntegerField(source="recorded_by_id", read_only=True, allow_null=True)
    recorded_at = serializers.SerializerMethodField()
    voided_at = serializers.SerializerMethodField()
    voided_by = serializers.IntegerField(source="voided_by_id", read_only=True, allow_null=True)
    voided = serializers.BooleanField(source="is_voided", read_only=True)

    class Meta:
        model = Payment
        fields: tuple[str, ...] = (
            "id", "invoice", "amount", "method", "paid_on", "reference", "recorded_by", "recorded_at", "voided",
            "voided_at", "voided_by", "void_reason",
        )  # fmt: skip
        read_only_fields = fields

    def get_recorded_at(self, payment: Payment) -> str:
        return isoformat_in(payment.recorded_at, payment.invoice.location.zone)

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_voided_at(self, payment: Payment) -> str | None:
        return None if payment.voided_at is None else isoformat_in(payment.voided_at, payment.invoice.location.zone)


# --- Input ----------------------------------------------------------------------------------------------------------


class InvoiceFilterSerializer(serializers.Serializer[Any]):
    work_order = IdField(required=False)
    location = IdField(required=False)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, required=False)
    from_ = BoundedDateField(required=False, help_text=_("First date of issue (local), inclusive."))
    to = BoundedDateField(required=False, help_text=_("Last date of issue (local), inclusive."))

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class PaymentInputSerializer(serializers.Serializer[Any]):
    amount = MoneyField(
        currency=None, min_value=Decimal("0.01"), help_text=_("More than zero; the currency's decimals.")
    )
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(max_length=REFERENCE_MAX, required=False, allow_blank=True)
    paid_on = BoundedDateField(required=False, help_text=_("When the money was received (default today)."))


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=REASON_MAX)


# --- Views ----------------------------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Invoices the caller may see (staff: their locations; clients: their own)",
        parameters=[InvoiceFilterSerializer],
    )
)
class InvoiceListView(generics.ListAPIView[Invoice]):
    serializer_class = InvoiceSerializer

    def get_queryset(self) -> QuerySet[Invoice]:
        filters = InvoiceFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        return selectors.invoices_for(
            self.request.user,
            work_order=values.get("work_order"),
            location=values.get("location"),
            status=values.get("status"),
            issued_from=values.get("from"),
            issued_to=values.get("to"),
        ).prefetch_related("credit_note__lines")


def _detail(request: Request, pk: Any) -> Invoice:
    invoice = get_invoice_for_user(request.user, pk)
    return selectors.invoice_detail(request.user, invoice.pk).get()


@extend_schema(summary="Read an invoice", responses={200: InvoiceSerializer})
class InvoiceDetailView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(InvoiceSerializer(_detail(request, pk)).data)


@extend_schema_view(
    get=extend_schema(summary="An invoice's payments, voided ones too (its history)"),
    post=extend_schema(
        summary="Record a payment (receptionists, managers and admins of the location); 409 `overpayment`",
        request=PaymentInputSerializer,
        responses={201: PaymentSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
)
class InvoicePaymentsView(generics.ListCreateAPIView[Payment]):
    serializer_class = PaymentSerializer

    def get_queryset(self) -> QuerySet[Payment]:
        invoice = get_invoice_for_user(self.request.user, self.kwargs["pk"])
        return invoice.payments.select_related("invoice__location").order_by("recorded_at", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoice = get_invoice_for_user(request.user, kwargs["pk"], pay=True)
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_record(actor=request.user, invoice=invoice, **data.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Void a payment, with a reason (kept in the history)",
    request=ReasonSerializer,
    responses={200: PaymentSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class PaymentVoidView(APIView):
    def post(self, request: Request, pk: int, payment_pk: int) -> Response:
        invoice = get_invoice_for_user(request.user, pk, pay=True)
        payment = get_payment_for_user(request.user, invoice, payment_pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voided = services.payment_void(actor=request.user, payment=payment, **data.validated_data)
        return Response(PaymentSerializer(voided).data)


@extend_schema(
    summary="Cancel an invoice with a reason (managers and admins): it keeps its number and gets a credit note",
    request=ReasonSerializer,
    responses={200: InvoiceSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class InvoiceCancelView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        invoice = get_invoice_for_user(request.user, pk, cancel=True)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.invoice_cancel(actor=request.user, invoice=invoice, **data.validated_data)
        return Response(InvoiceSerializer(_detail(request, pk)).data)


class PDFRenderer(renderers.BaseRenderer):
    """Lets `Accept: application/pdf` through content negotiation; errors still go out as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


@extend_schema(
    summary="The invoice as a PDF, in the client's language (staff of the location and the client)",
    responses={(200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description=_("The PDF."))},
)
class InvoicePDFView(APIView):
    renderer_classes = (renderers.JSONRenderer, PDFRenderer)

    def handle_exception(self, exc: Exception) -> Response:
        """Errors are JSON (as the schema says) even for a caller that asked for the PDF."""
        response = super().handle_exception(exc)
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response

    def get(self, request: Request, pk: int) -> HttpResponse:
        invoice = _detail(request, pk)
        response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{pdf.filename(invoice)}"'
        return response
