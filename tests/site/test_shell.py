"""The shell's registry: each app's navigation entries and dashboard panels, gathered in one order.

Every role's menu is the same list, in the same order, as when core built it by hand; the menu costs no query
once the one thing it reads (whether vehicles are enabled) is cached, and a location saved through the product
reaches it at once.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from autoagenda.accounts.models import Role
from autoagenda.locations.models import Sector
from autoagenda.site import registry
from autoagenda.site.context_processors import navigation
from tests.accounts.factories import ProfessionalApplicationFactory, UserFactory
from tests.locations.factories import LocationFactory

MENUS = {
    "client": ["Home", "Book", "My appointments", "My work orders", "My invoices", "My vehicles", "Work with us"],
    "mechanic": [
        "Home",
        "Calendar",
        "Walk-ins",
        "My appointments",
        "My jobs",
        "Locations",
        "Services",
        "Stock",
        "Invoices",
        "My time off",
    ],
    "receptionist": [
        "Home",
        "Calendar",
        "Walk-ins",
        "Work orders",
        "Locations",
        "Services",
        "Stock",
        "Invoices",
        "My time off",
    ],
    "manager": [
        "Home",
        "Calendar",
        "Walk-ins",
        "Work orders",
        "Locations",
        "Services",
        "Stock",
        "Invoices",
        "Users",
        "Staff hours",
        "Outbox",
    ],
    "admin": [
        "Home",
        "Calendar",
        "Walk-ins",
        "Work orders",
        "Locations",
        "Services",
        "Stock",
        "Invoices",
        "Users",
        "Staff hours",
        "Outbox",
        "Applications",
    ],
}


def labels(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return [str(item["label"]) for item in navigation(request)["nav_items"]]


@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_gets_its_menu_in_order(cast, role):
    assert labels(getattr(cast, role)) == MENUS[role]


def test_every_app_with_pages_contributes_through_its_shell_module():
    assert set(registry.contributors()) == {
        "accounts",
        "locations",
        "catalog",
        "customers",
        "scheduling",
        "walkins",
        "workorders",
        "inventory",
        "billing",
        "notifications",
        "site",
    }


def test_the_menu_makes_no_query_once_the_vehicles_answer_is_cached(cast, django_assert_num_queries):
    labels(cast.client)
    with django_assert_num_queries(0):
        assert labels(cast.client) == MENUS["client"]


def test_an_automotive_location_saved_later_shows_the_vehicles_link_at_once(db):
    LocationFactory(sector=Sector.GENERAL)
    client = UserFactory(role=Role.CLIENT)
    assert "My vehicles" not in labels(client)
    workshop = LocationFactory(sector=Sector.AUTOMOTIVE)
    assert "My vehicles" in labels(client)
    workshop.is_active = False
    workshop.save()
    assert "My vehicles" not in labels(client)


def test_two_entries_with_one_order_number_are_refused():
    with pytest.raises(ImproperlyConfigured):
        registry._check_orders([10, 20, 10], "navigation entries")


def test_the_dashboard_shows_each_role_its_panels(cast, web):
    ProfessionalApplicationFactory(user=cast.outsider, location=cast.location)
    admin = web(cast.admin).get("/").content.decode()
    assert "Your locations" in admin
    assert "1 application waits for your decision." in admin
    client = web(cast.client).get("/").content.decode()
    assert "Book an appointment" in client
    assert "My vehicles" in client
    assert "Your locations" not in client
    mechanic = web(cast.mechanic).get("/").content.decode()
    assert "Your locations" in mechanic
    assert "Professional applications" not in mechanic
