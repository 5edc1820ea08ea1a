"""What an app contributes to the shell (the `site` app): navigation entries and dashboard panels.

Each app declares its own in `<app>/shell.py` (`NAV_ENTRIES`, `DASHBOARD_PANELS`, built from these classes);
`site` collects them when it starts (site/registry.py). The classes live here in the kernel so that an app
never imports `site`, the one app above every other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


@dataclass(frozen=True)
class NavGroup:
    """A drop-down menu of the top navigation, holding the less used entries (`NavEntry.group` names it)."""

    key: str
    label: StrOrPromise


# The menus an entry may join; the top level is the default. A menu stands where its first entry (lowest order)
# would; a menu of which the user sees a single entry shows that entry as a plain link instead.
NAV_GROUPS: dict[str, NavGroup] = {
    group.key: group
    for group in (
        NavGroup("workshop", _("Workshop")),  # the workshops themselves: locations, services, stock (invoices)
        NavGroup("admin", _("Administration")),  # users, staff hours, outbox, applications
    )
}


@dataclass(frozen=True)
class NavEntry:
    """A link of the top navigation, for the signed-in users `shown_to` accepts.

    `order` places it among every app's entries (site/registry.py lists the numbers in use); `url_args`
    gives the route's arguments for the user (e.g. their own id); `group` puts it in one of the drop-down menus
    of NAV_GROUPS ("workshop", "admin") instead of the top level ("").
    """

    order: int
    label: StrOrPromise
    url_name: str
    shown_to: Callable[[Any], bool]
    url_args: Callable[[Any], Sequence[Any]] | None = None
    group: str = ""


@dataclass(frozen=True)
class DashboardPanel:
    """A card of the home page's dashboard: `template` rendered with `data(user)` as `data`.

    `data` answers None when the panel is not for this user (their role, or nothing to show).
    """

    order: int
    template: str
    data: Callable[[Any], dict[str, Any] | None]
