"""Invoices, credit notes and payments.

An invoice is issued once per completed work order (`Invoice.work_order` is a OneToOne) and numbered per location
and year of issue (`F-2026-000123`) from a `DocumentCounter` row locked with `select_for_update`; the unique
constraint on (location, year, sequence) is the backstop, so numbers are gap-free. A cancelled invoice keeps its
number and gets a credit note from its own series (`NC-2026-000007`) that mirrors its lines negatively.

Amounts are `Decimal` in the location's currency, rounded **per line, half-up** to the currency's decimals
(billing/arithmetic.py): a line's net is quantity × unit price rounded, its tax is net × rate rounded; the
subtotal, the tax per rate and the total are sums of those rounded figures, so they always add up.

A payment is never deleted: voiding keeps it with a reason. `paid` and `status` (unpaid, partial, paid) are kept
on the invoice in the same transaction as every payment or void, and check constraints hold them to each other.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from autoagenda.core import money

MONEY_DIGITS = 14
MONEY_PLACES = 2
SLACK = Decimal("0.005")


class Series(models.TextChoices):
    INVOICE = "F", _("Invoice")
    CREDIT_NOTE = "NC", _("Credit note")


class PaymentStatus(models.TextChoices):
    # An invoice's status (Spanish: "la factura", feminine — a deposit is "pagado").
    UNPAID = "unpaid", pgettext_lazy("invoice status", "Unpaid")
    PARTIAL = "partial", pgettext_lazy("invoice status", "Partly paid")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online")


class LineKind(models.TextChoices):
    LABOR = "labor", _("Labor")
    PART = "part", _("Part")


def format_number(series: str, year: int, sequence: int) -> str:
    """`F-2026-000123`: six digits, more past 999,999."""
    return f"{series}-{year}-{sequence:06d}"


def _money(verbose: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)


def _adds_up(total: str, a: str, b: str) -> Q:
    """`total = a + b`, within half a cent: SQLite keeps decimals as floating point, where 27.37 + 5.74 is not
    33.11 exactly (PostgreSQL's numeric is exact; the amounts themselves have at most two decimals)."""
    return Q(**{f"{total}__gte": F(a) + F(b) - SLACK, f"{total}__lte": F(a) + F(b) + SLACK})


class DocumentCounter(models.Model):
    """The last number of one series (invoices, credit notes) for one (location, year): the row issuing locks."""

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=2, choices=Series.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "series", "year"], name="billing_documentcounter_unique"),
            models.CheckConstraint(condition=Q(series__in=Series.values), name="billing_documentcounter_series"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.series} {self.year}: {self.last_number}"


class Document(models.Model):
    """What an invoice and its credit note share: the number, the seller's and the buyer's data, the amounts."""

    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=24)
    currency = models.CharField(_("currency"), max_length=3)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_on = models.DateField(_("date of issue"))
    # The seller as it was at issue (the location's legal data may change later).
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_tax_id = models.CharField(_("seller's tax id"), max_length=40, blank=True)
    seller_address = models.CharField(_("seller's address"), max_length=255, blank=True)
    subtotal = _money(_("subtotal"))
    tax = _money(_("tax"))
    total = _money(_("total"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    @property
    def decimals(self) -> int:
        return money.decimals(self.currency)


class Invoice(Document):
    work_order = models.OneToOneField(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="invoice", verbose_name=_("work order")
    )
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices")
    client_name = models.CharField(_("client"), max_length=200)
    client_email = models.CharField(_("client's email"), max_length=254, blank=True)
    vehicle = models.CharField(_("vehicle"), max_length=200, blank=True)
    work_order_number = models.CharField(_("work order"), max_length=24)
    paid = _money(_("paid"), default=Decimal(0))
    status = models.CharField(
        _("payment status"), max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ("-issued_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "year", "sequence"], name="billing_invoice_unique_number"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="billing_invoice_sequence_positive"),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0, tax__gte=0) & _adds_up("total", "subtotal", "tax"),
                name="billing_invoice_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(paid__gte=0, paid__lte=F("total")), name="billing_invoice_paid_range"),
            models.CheckConstraint(
                condition=(Q(status=PaymentStatus.PAID) & Q(paid=F("total")))
                | (Q(status=PaymentStatus.UNPAID) & Q(paid=0) & Q(total__gt=0))
                | (Q(status=PaymentStatus.PARTIAL) & Q(paid__gt=0) & Q(paid__lt=F("total"))),
                name="billing_invoice_status_follows_paid",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""), name="billing_invoice_cancel_reason"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["location", "status"], name="billing_invoice_loc_status"),
            models.Index(fields=["client", "issued_at"], name="billing_invoice_client"),
            models.Index(fields=["number"], name="billing_invoice_number"),
        ]

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class CreditNote(Document):
    """Cancels an invoice: its lines and amounts negated, numbered from its own series."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="credit_note")
    reason = models.CharField(_("reason"), max_length=500)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ("-issued_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "year", "sequence"], name="billing_creditnote_unique_number"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="billing_creditnote_sequence_positive"),
            models.CheckConstraint(
                condition=Q(subtotal__lte=0, tax__lte=0) & _adds_up("total", "subtotal", "tax"),
                name="billing_creditnote_total_adds_up",
            ),
        ]


class Line(models.Model):
    """A line as it was on the work order at issue: description, quantity (hours), unit price, tax rate."""

    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("net unit price"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    net = _money(_("net"))
    tax = _money(_("tax"))
    total = _money(_("total"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


class InvoiceLine(Line):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ("invoice", "position")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_invoiceline_unique_position"),
            models.CheckConstraint(condition=_adds_up("total", "net", "tax"), name="billing_invoiceline_total_adds_up"),
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="billing_invoiceline_kind"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="billing_invoiceline_tax_rate_range"
            ),
        ]


class CreditNoteLine(Line):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
        ordering = ("credit_note", "position")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["credit_note", "position"], name="billing_creditnoteline_unique_position"),
            models.CheckConstraint(
                condition=_adds_up("total", "net", "tax"), name="billing_creditnoteline_total_adds_up"
            ),
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="billing_creditnoteline_kind"),
        ]


class Payment(models.Model):
    """Money received against an invoice; voided (with a reason), never deleted."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = _money(_("amount"))
    method = models.CharField(_("method"), max_length=8, choices=PaymentMethod.choices)
    paid_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ("recorded_at", "id")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_amount_positive"),
            models.CheckConstraint(condition=Q(method__in=PaymentMethod.values), name="billing_payment_method"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, void_reason="") | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="billing_payment_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount} {self.method}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None
