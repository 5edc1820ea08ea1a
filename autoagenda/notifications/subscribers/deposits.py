"""Notifications' answer to deposits' events: a payment that came after its booking was released must be
refunded, so the location's managers and receptionists hear it (in-app, in the payment's own transaction).

A paid deposit needs no handler here: its booking's pending → confirmed change sends the booking's
confirmation (subscribers/scheduling.py), as every booking that waited gets.
"""

from __future__ import annotations

from django.urls import reverse

from autoagenda.accounts.models import Role, User
from autoagenda.deposits.events import DepositRefundDue, deposit_refund_due
from autoagenda.notifications.services import notification_enqueue


def alert_staff_of_refund_due(event: DepositRefundDue) -> None:
    deposit = event.deposit
    appointment = deposit.appointment
    staff = User.objects.filter(
        is_active=True,
        memberships__location_id=deposit.location_id,
        memberships__role__in=[Role.MANAGER, Role.RECEPTIONIST],
    ).distinct()
    for person in staff:
        notification_enqueue(
            event_key=f"deposit:{deposit.pk}:refund_due",
            recipient=person,
            template="deposit_refund_due",
            context={
                "client_name": appointment.client.get_full_name() or appointment.client.email,
                "amount": f"{deposit.paid_amount} {deposit.currency}",
                "reference": deposit.reference,
                "url": reverse("calendar:appointment", args=[appointment.pk]),
            },
            location=appointment.location,
            channels=["inapp"],
        )


def connect() -> None:
    deposit_refund_due.subscribe(alert_staff_of_refund_due)
