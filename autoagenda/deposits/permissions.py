"""Who sees and pays a deposit: the client who owns the booking, and the staff of its location (to look)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from autoagenda.accounts.permissions import require
from autoagenda.deposits.models import Deposit
from autoagenda.scheduling.models import Appointment
from autoagenda.scheduling.selectors import get_appointment_for_user


def get_appointment_deposit_for_user(user: Any, appointment_pk: Any) -> tuple[Appointment, Deposit]:
    """The appointment (as scheduling lets `user` see it: 404 otherwise) and its deposit (404 when none)."""
    appointment = get_appointment_for_user(user, appointment_pk)
    deposit = Deposit.objects.filter(appointment=appointment).first()
    if deposit is None:
        raise Http404
    deposit.appointment = appointment
    return appointment, deposit


def can_pay_deposit(user: Any, appointment: Appointment) -> bool:
    """Only the client whose booking it is pays online (staff take payments at the desk)."""
    return getattr(user, "pk", None) is not None and appointment.client_id == user.pk


def require_pay_deposit(user: Any, appointment: Appointment) -> None:
    require(can_pay_deposit(user, appointment))
