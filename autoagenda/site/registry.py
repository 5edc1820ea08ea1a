"""The navigation entries and dashboard panels every installed app declares in its `shell.py`.

Collected once, when the app registry is ready (SiteConfig.ready), in the order of their `order` numbers:

    navigation   0 Home (site) · 10 Book · 20 My appointments (client) · 25 My work orders (workorders)
                 · 27 My invoices (billing) · 30 My vehicles (customers)
                 · 40 Work with us (accounts) · 50 Calendar · 60 Walk-ins (walkins) · 65 Work orders (workorders)
                 · 70 My appointments (mechanic) · 75 My jobs (workorders) · 80 Locations (locations)
                 · 90 Services (catalog) · 95 Stock (inventory) · 97 Invoices (billing)
                 · 100 Users (accounts)
                 · 110 Staff hours (scheduling) · 115 Outbox (notifications) · 120 My time off (scheduling)
                 · 130 Applications (accounts)
    dashboard   10 Your locations (locations) · 15 Low stock (inventory) · 20 Professional applications (accounts)
                 · 30 Book an appointment (scheduling) · 35 Open work orders (workorders)
                 · 40 My vehicles (customers)

A new app picks numbers between these to place its own; two entries with the same number are a mistake that
`collect` refuses. An entry with a `group` goes into that drop-down menu (core/contributions.py NAV_GROUPS):

    workshop     80 Locations · 90 Services (catalog) · 95 Stock (inventory)
    admin        100 Users · 110 Staff hours (scheduling) · 115 Outbox (notifications) · 130 Applications

A group that is not in NAV_GROUPS is refused too.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from autoagenda.core.contributions import NAV_GROUPS, DashboardPanel, NavEntry

PACKAGE = "autoagenda."


@dataclass
class Shell:
    nav_entries: tuple[NavEntry, ...] = ()
    dashboard_panels: tuple[DashboardPanel, ...] = ()
    apps: tuple[str, ...] = field(default_factory=tuple)  # the apps that contributed, for the tests


_shell = Shell()


def _shell_module(app_name: str) -> object | None:
    try:
        return importlib.import_module(f"{app_name}.shell")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_name}.shell":  # the module exists but imports something missing: a real error
            raise
        return None


def _check_orders(orders: list[int], kind: str) -> None:
    if len(orders) != len(set(orders)):
        raise ImproperlyConfigured(f"Two {kind} share an order number: {sorted(orders)}")


def collect() -> None:
    """Read `NAV_ENTRIES` and `DASHBOARD_PANELS` from the `shell.py` of every installed autoagenda app."""
    global _shell
    entries: list[NavEntry] = []
    panels: list[DashboardPanel] = []
    contributors: list[str] = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PACKAGE):
            continue
        module = _shell_module(config.name)
        if module is None:
            continue
        contributors.append(config.label)
        entries.extend(getattr(module, "NAV_ENTRIES", ()))
        panels.extend(getattr(module, "DASHBOARD_PANELS", ()))
    _check_orders([entry.order for entry in entries], "navigation entries")
    unknown = sorted({entry.group for entry in entries if entry.group and entry.group not in NAV_GROUPS})
    if unknown:
        raise ImproperlyConfigured(f"Navigation entries name unknown groups {unknown}: see NAV_GROUPS")
    _check_orders([panel.order for panel in panels], "dashboard panels")
    _shell = Shell(
        nav_entries=tuple(sorted(entries, key=lambda entry: entry.order)),
        dashboard_panels=tuple(sorted(panels, key=lambda panel: panel.order)),
        apps=tuple(contributors),
    )


def nav_entries() -> tuple[NavEntry, ...]:
    return _shell.nav_entries


def dashboard_panels() -> tuple[DashboardPanel, ...]:
    return _shell.dashboard_panels


def contributors() -> tuple[str, ...]:
    return _shell.apps
