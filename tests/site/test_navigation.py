"""Each role's menu, and which link is marked as the current page."""

import pytest
from django.test import RequestFactory

from autoagenda.site.context_processors import navigation


def _nav(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)["nav_items"]


def test_a_client_sees_booking_links_and_no_staff_pages(cast):
    labels = [str(item["label"]) for item in _nav(cast.client)]
    assert "Book" in labels
    assert "My appointments" in labels
    assert "Users" not in labels
    assert "Locations" not in labels


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_managers_and_admins_see_user_administration(cast, role):
    assert "Users" in [str(item["label"]) for item in _nav(getattr(cast, role))]


def test_the_most_specific_link_is_the_active_one(cast):
    active = [str(item["label"]) for item in _nav(cast.client, "/book/appointments/") if item["active"]]
    assert active == ["My appointments"]


def test_every_menu_link_opens_for_its_role(cast, web):
    for role in ["admin", "manager", "receptionist", "mechanic", "client"]:
        user = getattr(cast, role)
        client = web(user)
        for item in _nav(user):
            assert client.get(item["url"], follow=True).status_code == 200, (role, item["url"])


def test_the_menu_is_built_only_when_a_template_draws_it(cast, monkeypatch):
    """Every template rendered with a request runs the context processors, also htmx fragments and small
    partials that draw no menu: those must not pay for it."""
    from autoagenda.site import registry

    calls = []
    entries = registry.nav_entries
    monkeypatch.setattr(registry, "nav_entries", lambda: calls.append(1) or entries())
    request = RequestFactory().get("/")
    request.user = cast.manager
    context = navigation(request)
    assert calls == []
    assert [entry["label"] for entry in context["nav_menu"]]
    assert [item["url"] for item in context["nav_items"]]
    assert calls == [1]
