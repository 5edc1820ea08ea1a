"""What the walk-in queue adds to the shell's navigation (site/registry.py has the order numbers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.permissions import is_staff_member
from autoagenda.core.contributions import NavEntry

NAV_ENTRIES = (NavEntry(order=60, label=_("Walk-ins"), url_name="walkins:index", shown_to=is_staff_member),)
