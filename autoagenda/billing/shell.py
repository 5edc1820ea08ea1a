"""What billing adds to the shell's navigation (site/registry.py has the order numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import is_staff_member, role_of
from autoagenda.core.contributions import NavEntry


def _is_client(user: Any) -> bool:
    return role_of(user) == Role.CLIENT


NAV_ENTRIES = (
    NavEntry(order=27, label=_("My invoices"), url_name="billing:list", shown_to=_is_client),
    NavEntry(order=97, label=_("Invoices"), url_name="billing:list", shown_to=is_staff_member),
)
