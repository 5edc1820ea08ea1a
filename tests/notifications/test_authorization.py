"""The authorization matrix of every notifications page and endpoint: each role × own/other location × anonymous."""

from __future__ import annotations

import pytest

from tests.matrix import ROLES, expect
from tests.notifications.factories import DeliveryFactory, InAppNotificationFactory

SIGNED_IN = dict.fromkeys([r for r in ROLES if r != "anonymous"], 200)

# --- Inbox: everyone signed in has their own; another person's item is 404 ------------------------------


@pytest.mark.parametrize(("who", "expected"), expect(SIGNED_IN | {"anonymous": 401}))
def test_api_inbox_list(cast, api, who, expected):
    assert api(cast.by_name(who)).get("/api/v1/notifications/").status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    expect(dict.fromkeys(ROLES, 404) | {"client": 200, "anonymous": 401}),
)
@pytest.mark.parametrize(("method", "suffix", "ok"), [("get", "", 200), ("post", "read/", 200), ("delete", "", 204)])
def test_api_inbox_item_is_only_its_owners(cast, api, who, expected, method, suffix, ok):
    item = InAppNotificationFactory(user=cast.client)
    response = getattr(api(cast.by_name(who)), method)(f"/api/v1/notifications/{item.pk}/{suffix}")
    assert response.status_code == (ok if expected == 200 else expected)


@pytest.mark.parametrize(("who", "expected"), expect(SIGNED_IN | {"anonymous": 401}))
def test_api_read_all(cast, api, who, expected):
    assert api(cast.by_name(who)).post("/api/v1/notifications/read-all/").status_code == expected


# --- Outbox: managers (their locations) and admins ---------------------------------------------------------

OUTBOX = {
    "admin": 200,
    "manager": 200,
    "receptionist": 403,
    "mechanic": 403,
    "client": 403,
    "outsider": 403,
    "other_manager": 200,
    "other_receptionist": 403,
    "other_mechanic": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize(("who", "expected"), expect(OUTBOX))
def test_api_outbox_list(cast, api, who, expected):
    assert api(cast.by_name(who)).get("/api/v1/notifications/outbox/").status_code == expected


@pytest.mark.parametrize(("who", "expected"), expect(OUTBOX | {"other_manager": 404}))
def test_api_outbox_filtered_by_a_location(cast, api, who, expected):
    url = f"/api/v1/notifications/outbox/?location={cast.location.pk}"
    assert api(cast.by_name(who)).get(url).status_code == expected


@pytest.mark.parametrize(("who", "expected"), expect(OUTBOX | {"other_manager": 404}))
def test_api_outbox_retry(cast, api, who, expected):
    delivery = DeliveryFactory(location=cast.location, status="failed", last_error="HTTP 500")
    response = api(cast.by_name(who)).post(f"/api/v1/notifications/outbox/{delivery.pk}/retry/")
    assert response.status_code == expected


# --- Calendar feed address ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), expect(SIGNED_IN | {"anonymous": 401}))
@pytest.mark.parametrize(("method", "path"), [("get", ""), ("post", "rotate/")])
def test_api_calendar_feed(cast, api, who, expected, method, path):
    assert getattr(api(cast.by_name(who)), method)(f"/api/v1/me/calendar-feed/{path}").status_code == expected


# --- Pages ----------------------------------------------------------------------------------------------------

EVERYONE = SIGNED_IN | {"anonymous": 302}


@pytest.mark.parametrize(("who", "expected"), expect(EVERYONE))
@pytest.mark.parametrize("path", ["/notifications/", "/notifications/bell/", "/notifications/calendar-feed/"])
def test_personal_pages(cast, web, who, expected, path):
    response = web(cast.by_name(who)).get(path)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "expected"), expect(EVERYONE | {"client": 302}))
@pytest.mark.parametrize(("action", "status_ok"), [("read", 302), ("delete", 302)])
def test_inbox_actions_on_another_persons_item_are_404(cast, web, who, expected, action, status_ok):
    item = InAppNotificationFactory(user=cast.client)
    response = web(cast.by_name(who)).post(f"/notifications/{item.pk}/{action}/")
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif who == "client":
        assert response.status_code == status_ok
    else:
        assert response.status_code == 404


OUTBOX_PAGE = OUTBOX | {"anonymous": 302}


@pytest.mark.parametrize(("who", "expected"), expect(OUTBOX_PAGE))
def test_outbox_page(cast, web, who, expected):
    assert web(cast.by_name(who)).get("/notifications/outbox/").status_code == expected


@pytest.mark.parametrize(("who", "expected"), expect(OUTBOX_PAGE | {"admin": 302, "manager": 302,
                                                                    "other_manager": 404}))  # fmt: skip
def test_outbox_page_retry(cast, web, who, expected):
    delivery = DeliveryFactory(location=cast.location, status="failed", last_error="HTTP 500")
    response = web(cast.by_name(who)).post(f"/notifications/outbox/{delivery.pk}/retry/")
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), expect(OUTBOX_PAGE | {"admin": 302, "manager": 302,
                                                                    "other_manager": 302}))  # fmt: skip
def test_outbox_page_test_message(cast, web, who, expected):
    assert web(cast.by_name(who)).post("/notifications/outbox/test/").status_code == expected
