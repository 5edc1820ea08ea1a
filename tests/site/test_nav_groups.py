"""The top navigation's drop-down menus: the less used entries grouped (NavEntry.group), so that a staff menu
fits one line at 1280 px; a menu with one entry for the user is a plain link; base.html draws <details>."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from autoagenda.core.contributions import NAV_GROUPS, NavEntry
from autoagenda.site import registry
from autoagenda.site.context_processors import navigation


def menu(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)["nav_menu"]


def shape(entries):
    return [
        (str(e["label"]), [str(link["label"]) for link in e["links"]]) if "links" in e else str(e["label"])
        for e in entries
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "admin",
            [
                "Home",
                "Calendar",
                "Walk-ins",
                "Work orders",
                ("Workshop", ["Locations", "Services", "Stock"]),
                "Invoices",
                ("Administration", ["Users", "Staff hours", "Outbox", "Applications"]),
            ],
        ),
        (
            "manager",
            [
                "Home",
                "Calendar",
                "Walk-ins",
                "Work orders",
                ("Workshop", ["Locations", "Services", "Stock"]),
                "Invoices",
                ("Administration", ["Users", "Staff hours", "Outbox"]),
            ],
        ),
        (
            "receptionist",
            [
                "Home",
                "Calendar",
                "Walk-ins",
                "Work orders",
                ("Workshop", ["Locations", "Services", "Stock"]),
                "Invoices",
                "My time off",
            ],
        ),
        (
            "mechanic",
            [
                "Home",
                "Calendar",
                "Walk-ins",
                "My appointments",
                "My jobs",
                ("Workshop", ["Locations", "Services", "Stock"]),
                "Invoices",
                "My time off",
            ],
        ),
        (
            "client",
            ["Home", "Book", "My appointments", "My work orders", "My invoices", "My vehicles", "Work with us"],
        ),
    ],
)
def test_each_role_s_top_level(cast, role, expected):
    assert shape(menu(getattr(cast, role))) == expected


def test_a_menu_is_marked_active_when_the_current_page_is_one_of_its_entries(cast):
    users = reverse("accounts:user_list")
    admin_menu = next(e for e in menu(cast.admin, users) if e.get("key") == "admin")
    assert admin_menu["active"] is True
    assert [str(link["label"]) for link in admin_menu["links"] if link["active"]] == ["Users"]
    assert all(e["active"] is False for e in menu(cast.admin, "/") if "links" in e)


def test_the_flat_list_keeps_every_entry_in_order_with_its_group(cast):
    request = RequestFactory().get("/")
    request.user = cast.admin
    items = navigation(request)["nav_items"]
    assert [(str(i["label"]), i["group"]) for i in items if i["group"]][:2] == [
        ("Locations", "workshop"),
        ("Services", "workshop"),
    ]


def test_an_entry_in_an_unknown_group_is_refused(monkeypatch):
    from autoagenda.site import shell

    stray = NavEntry(order=999, label="x", url_name="home", shown_to=lambda u: True, group="nowhere")
    monkeypatch.setattr(shell, "NAV_ENTRIES", (*shell.NAV_ENTRIES, stray))
    try:
        with pytest.raises(ImproperlyConfigured, match="nowhere"):
            registry.collect()
    finally:
        monkeypatch.undo()
        registry.collect()


def test_the_groups_are_the_ones_the_entries_use():
    assert set(NAV_GROUPS) == {"workshop", "admin"}
    assert NavEntry(order=1, label="x", url_name="home", shown_to=bool).group == ""  # the top level by default


def test_the_page_draws_a_menu_as_details_with_its_links_inside(cast, web):
    html = web(cast.admin).get(reverse("accounts:user_list")).content.decode()
    nav = html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    workshop, admin = (part.split("</details>", 1)[0] for part in nav.split("<details")[1:])
    assert 'class="navgroup__summary">Workshop' in workshop
    assert f'href="{reverse("locations:list")}"' in workshop
    assert 'class="navgroup__summary is-active">Administration' in admin
    assert f'href="{reverse("accounts:user_list")}" aria-current="page"' in admin
    assert nav.count("<details") == 2
