"""What deposits adds to scheduling's appointment pages (core.slots): the deposit's state and the pay button."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from autoagenda.deposits.permissions import can_pay_deposit
from autoagenda.deposits.selectors import deposits_by_appointment


def booking_panel(user: Any, appointments: Sequence[Any]) -> dict[Any, str]:
    """The client's appointment page: amount, state, until when the slot is held, and "Pay deposit"."""
    deposits = deposits_by_appointment([a.pk for a in appointments])
    out: dict[Any, str] = {}
    for appointment in appointments:
        deposit = deposits.get(appointment.pk)
        if deposit is None:
            continue
        context = {
            "deposit": deposit,
            "appointment": appointment,
            "can_pay": deposit.is_payable and appointment.status == "pending" and can_pay_deposit(user, appointment),
        }
        out[appointment.pk] = render_to_string("deposits/_booking_panel.html", context)
    return out


def staff_panel(user: Any, appointments: Sequence[Any]) -> dict[Any, str]:
    """The calendar's appointment panel: a badge with the deposit's state."""
    deposits = deposits_by_appointment([a.pk for a in appointments])
    return {
        pk: render_to_string("deposits/_staff_badge.html", {"deposit": deposit}) for pk, deposit in deposits.items()
    }
