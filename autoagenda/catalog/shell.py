"""What the catalog adds to the shell's navigation (site/registry.py has the order numbers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.permissions import is_staff_member
from autoagenda.core.contributions import NavEntry

NAV_ENTRIES = (
    NavEntry(order=90, label=_("Services"), url_name="catalog:list", shown_to=is_staff_member, group="workshop"),
)
