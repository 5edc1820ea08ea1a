"""An online deposit per appointment, and the provider events it has seen (so each counts once)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DepositStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    # The hold ran out (or the booking was cancelled) before any payment: nothing to refund.
    EXPIRED = "expired", _("Expired")
    # A payment that arrived after the booking was released: recorded, and the workshop must refund it.
    REFUND_DUE = "refund_due", _("Paid late: refund due")


class Deposit(models.Model):
    """What a client's booking at a location that takes deposits must pay online to be confirmed.

    One per appointment, created `pending` with the booking; the amount and currency are fixed then (the
    location's rule at that moment). `session_id` is the provider's latest checkout session.
    """

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="deposit", verbose_name=_("appointment")
    )
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=12, choices=DepositStatus.choices, default=DepositStatus.PENDING)
    provider = models.CharField(_("provider"), max_length=20)
    session_id = models.CharField(_("checkout session"), max_length=255, blank=True)
    # Until then the unpaid booking keeps its slot; the release sweep cancels it after.
    hold_until = models.DateTimeField(_("held until"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid"), max_digits=12, decimal_places=2, null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ("-created_at", "-id")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposits_deposit_amount_positive"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="deposits_deposit_currency_code"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DepositStatus]), name="deposits_deposit_status"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[DepositStatus.PAID, DepositStatus.REFUND_DUE])
                | (Q(paid_at__isnull=False) & Q(paid_amount__isnull=False)),
                name="deposits_deposit_paid_has_payment",
            ),
            models.UniqueConstraint(
                fields=["provider", "session_id"],
                condition=~Q(session_id=""),
                name="deposits_deposit_unique_session",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["status", "hold_until"], name="deposits_deposit_due"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.amount} {self.currency} ({self.status})"

    @property
    def is_payable(self) -> bool:
        return self.status == DepositStatus.PENDING


class DepositEvent(models.Model):
    """A provider's webhook event we acted on: its id is unique per provider, so a redelivery counts once."""

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="events")
    provider = models.CharField(_("provider"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deposit event")
        verbose_name_plural = _("deposit events")
        ordering = ("received_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="deposits_depositevent_unique_event"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"
