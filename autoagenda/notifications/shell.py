"""What notifications add to the shell's navigation (site/registry.py has the order numbers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import Role
from autoagenda.core.contributions import NavEntry

NAV_ENTRIES = (
    NavEntry(
        order=115,
        label=_("Outbox"),
        url_name="notifications:outbox",
        shown_to=lambda user: user.role in (Role.ADMIN, Role.MANAGER),
        group="admin",
    ),
)
