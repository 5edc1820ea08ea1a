"""The shell's own navigation entry (site/registry.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autoagenda.core.contributions import NavEntry

NAV_ENTRIES = (NavEntry(order=0, label=_("Home"), url_name="home", shown_to=lambda user: True),)
