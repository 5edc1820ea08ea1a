"""Who may open every accounts page and call every accounts endpoint.

Decisions recorded here (and in the api.py docstring):
- `staff/` list and detail are for staff of every role, scoped to the colleagues they see;
  clients get 403 (they are not shown the staff directory).
- A staff member who is not visible to the caller (another location's, or an admin seen by a
  manager) is 404; visible but not manageable (a receptionist editing a mechanic, a manager
  editing themselves) is 403.
- Professional applications concern the applicant (a client) and admins; other staff get 403,
  another client's application is 404. Only admins approve or reject.
- Anonymous: the API answers 401 `not_authenticated`; web pages redirect to the login page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from autoagenda.accounts.models import ApplicationStatus, ProfessionalApplication
from tests.accounts.factories import PASSWORD, ProfessionalApplicationFactory

WHO = [
    "anonymous",
    "admin",
    "manager",
    "receptionist",
    "mechanic",
    "client",
    "outsider",
    "other_manager",
    "other_receptionist",
    "other_mechanic",
]
STAFF = {"admin", "manager", "receptionist", "mechanic", "other_manager", "other_receptionist", "other_mechanic"}
STRONG = "tornillo-llave-inglesa-42"


def _expect(table: dict[str, int], default: int | None = None) -> list[tuple[str, int]]:
    return [(who, table.get(who, default)) for who in WHO]  # type: ignore[misc]


def _assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.fixture
def application(cast) -> ProfessionalApplication:
    return ProfessionalApplicationFactory(user=cast.client, location=cast.location)


# --- Web ------------------------------------------------------------------------------

LOGGED_IN_OK = {who: 200 for who in WHO if who != "anonymous"}
LIST_USERS = {w: 403 for w in WHO if w != "anonymous"} | {"admin": 200, "manager": 200, "other_manager": 200}
# Target: cast.mechanic (works at cast.location only).
EDIT_MECHANIC = {
    "admin": 200,
    "manager": 200,
    "receptionist": 403,
    "mechanic": 403,
    "client": 404,
    "outsider": 404,
    "other_manager": 404,
    "other_receptionist": 404,
    "other_mechanic": 404,
}
APPLY = {"client": 200, "outsider": 200, **dict.fromkeys(STAFF, 403)}
ADMIN_ONLY = {w: 403 for w in WHO if w != "anonymous"} | {"admin": 200}


def _web_get(cast, web, who, url):
    return web(cast.by_name(who)).get(url)


@pytest.mark.parametrize(
    ("page", "who", "expected"),
    [
        *[("accounts:profile", w, s) for w, s in _expect(LOGGED_IN_OK)],
        *[("accounts:password_change", w, s) for w, s in _expect(LOGGED_IN_OK)],
        *[("accounts:user_list", w, s) for w, s in _expect(LIST_USERS)],
        *[("accounts:user_create", w, s) for w, s in _expect(LIST_USERS)],
        *[("accounts:apply", w, s) for w, s in _expect(APPLY)],
        *[("accounts:application_list", w, s) for w, s in _expect(ADMIN_ONLY)],
    ],
)
def test_web_pages_answer_each_role(cast, web, page, who, expected):
    response = _web_get(cast, web, who, reverse(page))
    if who == "anonymous":
        _assert_login_redirect(response)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), _expect(EDIT_MECHANIC))
def test_web_user_edit_answers_each_role(cast, web, who, expected):
    response = _web_get(cast, web, who, reverse("accounts:user_edit", args=[cast.mechanic.pk]))
    if who == "anonymous":
        _assert_login_redirect(response)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), _expect({**EDIT_MECHANIC, "admin": 302, "manager": 302}))
def test_web_user_deactivate_answers_each_role(cast, web, who, expected):
    response = web(cast.by_name(who)).post(reverse("accounts:user_deactivate", args=[cast.mechanic.pk]))
    cast.mechanic.refresh_from_db()
    if who == "anonymous":
        _assert_login_redirect(response)
    else:
        assert response.status_code == expected
    assert cast.mechanic.is_active is (expected != 302)


@pytest.mark.parametrize(
    ("who", "expected"),
    _expect({"admin": 302, "client": 403, "outsider": 404, **dict.fromkeys(STAFF - {"admin"}, 403)}),
)
def test_web_application_decide_answers_each_role(cast, web, application, who, expected):
    url = reverse("accounts:application_decide", args=[application.pk])
    response = web(cast.by_name(who)).post(url, {"decision": "approve", "note": ""})
    application.refresh_from_db()
    if who == "anonymous":
        _assert_login_redirect(response)
    else:
        assert response.status_code == expected
    assert (application.status == ApplicationStatus.APPROVED) is (who == "admin")


@pytest.mark.parametrize("who", WHO)
def test_login_sign_up_and_reset_pages_are_for_everyone(cast, web, who):
    client = web(cast.by_name(who))
    anonymous = who == "anonymous"
    login = client.get(reverse("accounts:login"))
    signup = client.get(reverse("accounts:signup"))
    reset = client.get(reverse("accounts:password_reset"))
    assert login.status_code == (200 if anonymous else 302)
    assert signup.status_code == (200 if anonymous else 302)
    assert reset.status_code == 200


@pytest.mark.parametrize("who", WHO)
def test_logout_is_post_only_for_everyone(cast, web, who):
    client = web(cast.by_name(who))
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- API ------------------------------------------------------------------------------


def _api_status(cast, api, who, method, url, data=None):
    client = api(cast.by_name(who))
    response = getattr(client, method)(url, data, format="json")
    if who == "anonymous" and response.status_code == 401:
        assert response.json()["code"] == "not_authenticated"
    return response


@pytest.mark.parametrize("who", WHO)
def test_api_register_is_open_to_everyone(cast, api, who):
    body = {"email": f"new.{who}@example.com", "password": STRONG, "first_name": "N", "last_name": "U"}
    response = _api_status(cast, api, who, "post", "/api/v1/auth/register/", body)
    assert response.status_code == 201


@pytest.mark.parametrize(("who", "expected"), _expect({"anonymous": 401}, default=200))
def test_api_me_answers_each_role(cast, api, who, expected):
    assert _api_status(cast, api, who, "get", "/api/v1/me/").status_code == expected
    assert _api_status(cast, api, who, "patch", "/api/v1/me/", {"phone": "+56955554444"}).status_code == expected


@pytest.mark.parametrize(("who", "expected"), _expect({"anonymous": 401}, default=204))
def test_api_password_change_answers_each_role(cast, api, who, expected):
    body = {"old_password": PASSWORD, "new_password": STRONG}
    assert _api_status(cast, api, who, "post", "/api/v1/auth/password/", body).status_code == expected


STAFF_LIST = {"anonymous": 401, "client": 403, "outsider": 403}


@pytest.mark.parametrize(("who", "expected"), _expect(STAFF_LIST, default=200))
def test_api_staff_list_answers_each_role(cast, api, who, expected):
    assert _api_status(cast, api, who, "get", "/api/v1/staff/").status_code == expected


@pytest.mark.parametrize(("who", "expected"), _expect({"anonymous": 401, "admin": 201, "manager": 201}, default=403))
def test_api_staff_create_answers_each_role(cast, api, who, expected):
    body = {
        "email": "nuevo.mecanico@example.com",
        "first_name": "Nuevo",
        "last_name": "Mecánico",
        "role": "mechanic",
        "locations": [cast.location.pk],
        "password": STRONG,
    }
    response = _api_status(cast, api, who, "post", "/api/v1/staff/", body)
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["code"] == "permission_denied"


STAFF_DETAIL = {
    "anonymous": 401,
    "admin": 200,
    "manager": 200,
    "receptionist": 200,
    "mechanic": 200,
    "client": 403,
    "outsider": 403,
    "other_manager": 404,
    "other_receptionist": 404,
    "other_mechanic": 404,
}
STAFF_MANAGE = {**STAFF_DETAIL, "receptionist": 403, "mechanic": 403}


@pytest.mark.parametrize(("who", "expected"), _expect(STAFF_DETAIL))
def test_api_staff_detail_answers_each_role(cast, api, who, expected):
    response = _api_status(cast, api, who, "get", f"/api/v1/staff/{cast.mechanic.pk}/")
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), _expect(STAFF_MANAGE))
def test_api_staff_update_answers_each_role(cast, api, who, expected):
    response = _api_status(cast, api, who, "patch", f"/api/v1/staff/{cast.mechanic.pk}/", {"first_name": "Nuevo"})
    assert response.status_code == expected
    cast.mechanic.refresh_from_db()
    assert (cast.mechanic.first_name == "Nuevo") is (expected == 200)


@pytest.mark.parametrize(("who", "expected"), _expect({**STAFF_MANAGE, "admin": 204, "manager": 204}))
def test_api_staff_deactivate_answers_each_role(cast, api, who, expected):
    response = _api_status(cast, api, who, "post", f"/api/v1/staff/{cast.mechanic.pk}/deactivate/")
    assert response.status_code == expected
    cast.mechanic.refresh_from_db()
    assert cast.mechanic.is_active is (expected != 204)


APPLICATIONS_LIST = {"anonymous": 401, "admin": 200, "client": 200, "outsider": 200}
APPLICATIONS_CREATE = {"anonymous": 401, "client": 201, "outsider": 201}
APPLICATION_DETAIL = {"anonymous": 401, "admin": 200, "client": 200, "outsider": 404}
APPLICATION_DECIDE = {"anonymous": 401, "admin": 200, "client": 403, "outsider": 404}


@pytest.mark.parametrize(("who", "expected"), _expect(APPLICATIONS_LIST, default=403))
def test_api_application_list_answers_each_role(cast, api, application, who, expected):
    response = _api_status(cast, api, who, "get", "/api/v1/professional-applications/")
    assert response.status_code == expected
    if expected == 200:
        visible = {row["id"] for row in response.json()["results"]}
        assert visible == ({application.pk} if who in ("admin", "client") else set())


@pytest.mark.parametrize(("who", "expected"), _expect(APPLICATIONS_CREATE, default=403))
def test_api_application_create_answers_each_role(cast, api, who, expected):
    body = {"location": cast.location.pk, "message": "Quiero trabajar"}
    response = _api_status(cast, api, who, "post", "/api/v1/professional-applications/", body)
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), _expect(APPLICATION_DETAIL, default=403))
def test_api_application_detail_answers_each_role(cast, api, application, who, expected):
    response = _api_status(cast, api, who, "get", f"/api/v1/professional-applications/{application.pk}/")
    assert response.status_code == expected


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize(("who", "expected"), _expect(APPLICATION_DECIDE, default=403))
def test_api_application_decisions_answer_each_role(cast, api, application, decision, who, expected):
    url = f"/api/v1/professional-applications/{application.pk}/{decision}/"
    response = _api_status(cast, api, who, "post", url, {"note": ""})
    assert response.status_code == expected
    application.refresh_from_db()
    assert (application.status != ApplicationStatus.PENDING) is (expected == 200)
