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
