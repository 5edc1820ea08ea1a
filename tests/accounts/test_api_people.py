"""The JSON API for people (API.md, "Auth and people"): register, /me, password, staff, applications."""

import pytest
from rest_framework.test import APIClient

from autoagenda.accounts.models import ApplicationStatus, LoginSession, Role, User
from tests.accounts.factories import PASSWORD, ProfessionalApplicationFactory, StaffFactory
from tests.notifications.factories import rendered_email

STRONG = "tornillo-llave-inglesa-42"
ME_FIELDS = {"id", "email", "first_name", "last_name", "phone", "role", "locations"}


def _register(client: APIClient, **changes):
    body = {
        "email": "ana@example.com",
        "password": STRONG,
        "first_name": "Ana",
        "last_name": "Pérez",
        "phone": "+56911112222",
        **changes,
    }
    return client.post("/api/v1/auth/register/", body, format="json")


# --- Register ------------------------------------------------------------------------


def test_register_answers_201_with_the_me_fields(db):
    response = _register(APIClient(), email="Ana@Example.COM")
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= ME_FIELDS
    assert body["id"] is None  # the same answer as for a taken address: no id (test_sign_up_privacy.py)
    assert body["email"] == "ana@example.com"
    assert body["role"] == "client"
    assert body["locations"] == []
    assert "password" not in body
    assert User.objects.get(email="ana@example.com").check_password(STRONG)


def test_register_then_me_shows_the_same_fields(db, api):
    created = _register(APIClient()).json()
    me = api(User.objects.get(email=created["email"])).get("/api/v1/me/").json()
    assert {k: me[k] for k in ME_FIELDS - {"id"}} == {k: created[k] for k in ME_FIELDS - {"id"}}


@pytest.mark.parametrize("email", ["client@example.com", "CLIENT@EXAMPLE.COM", "Client@Example.com"])
def test_register_with_a_taken_email_in_any_case_creates_nothing(cast, email):
    response = _register(APIClient(), email=email)
    assert response.status_code == 201
    assert User.objects.filter(email__iexact=email).get() == cast.client


@pytest.mark.parametrize("password", ["short-9Xa", "password1234", "12345678901234", "ana.perez@example"])
def test_register_refuses_a_weak_password(db, password):
    response = _register(APIClient(), password=password, email="ana.perez@example.com")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["password"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"phone": "9" * 40}, "phone"),
        ({"password": None}, "password"),
    ],
)
def test_register_refuses_malformed_fields(db, body, field):
    response = _register(APIClient(), **body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_register_answers_parse_error_on_malformed_json(db):
    response = APIClient().post("/api/v1/auth/register/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_register_is_throttled_at_30_an_hour_per_ip(db):
    client = APIClient()
    for _ in range(30):
        assert _register(client, email="bad").status_code == 400
    response = _register(client)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert not User.objects.filter(email="ana@example.com").exists()
    other_ip = APIClient(REMOTE_ADDR="10.0.0.2")
    assert _register(other_ip).status_code == 201


# --- Me -----------------------------------------------------------------------------


def test_me_lists_a_staff_members_locations(cast, api):
    body = api(cast.mechanic).get("/api/v1/me/").json()
    assert body["role"] == "mechanic"
    assert body["locations"] == [cast.location.pk]
    assert body["email"] == "mechanic@example.com"


def test_me_patch_changes_the_allowed_fields_only(cast, api):
    response = api(cast.client).patch(
        "/api/v1/me/",
        {"first_name": "Carla", "phone": "+56977778888", "language": "en", "marketing_opt_in": True, "role": "admin"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["first_name"], body["phone"], body["language"], body["marketing_opt_in"]) == (
        "Carla",
        "+56977778888",
        "en",
        True,
    )
    cast.client.refresh_from_db()
    assert cast.client.role == Role.CLIENT


def test_me_patch_refuses_an_unknown_language(cast, api):
    response = api(cast.client).patch("/api/v1/me/", {"language": "xx"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["language"]


def test_me_needs_a_token(db):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- Password ------------------------------------------------------------------------


def test_password_change_answers_204_and_revokes_every_api_login(cast, api):
    client = api(cast.client)
    second_device = api(cast.client)
    response = client.post("/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": STRONG}, format="json")
    assert response.status_code == 204
    cast.client.refresh_from_db()
    assert cast.client.check_password(STRONG)
    assert client.get("/api/v1/me/").status_code == 401
    assert second_device.get("/api/v1/me/").status_code == 401
    assert not LoginSession.objects.filter(user=cast.client, revoked_at=None).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "wrong-password", "new_password": STRONG}, "old_password"),
        ({"old_password": PASSWORD, "new_password": "abc"}, "new_password"),
        ({"old_password": PASSWORD}, "new_password"),
    ],
)
def test_password_change_refuses_bad_input_and_keeps_the_login(cast, api, body, field):
    client = api(cast.client)
    response = client.post("/api/v1/auth/password/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field]
    assert client.get("/api/v1/me/").status_code == 200


# --- Staff ---------------------------------------------------------------------------


def _staff_body(cast, **changes):
    return {
        "email": "pedro@example.com",
        "first_name": "Pedro",
        "last_name": "Soto",
        "role": "mechanic",
        "locations": [cast.location.pk],
        "password": STRONG,
        **changes,
    }


def test_a_manager_creates_a_mechanic_and_gets_the_me_shape_plus_is_active(cast, api):
    response = api(cast.manager).post("/api/v1/staff/", _staff_body(cast, phone="+56922223333"), format="json")
    assert response.status_code == 201
    body = response.json()
    assert ME_FIELDS | {"is_active"} <= set(body)
    assert (body["role"], body["locations"], body["is_active"], body["phone"]) == (
        "mechanic",
        [cast.location.pk],
        True,
        "+56922223333",
    )
    assert User.objects.get(pk=body["id"]).memberships.get().role == Role.MECHANIC


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_manager_creating_a_manager_or_admin_is_403(cast, api, role):
    response = api(cast.manager).post("/api/v1/staff/", _staff_body(cast, role=role), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not User.objects.filter(email="pedro@example.com").exists()


def test_a_manager_creating_staff_at_another_location_is_403(cast, api):
    body = _staff_body(cast, locations=[cast.other_location.pk])
    response = api(cast.manager).post("/api/v1/staff/", body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_admin_creates_an_admin_and_a_multi_location_manager(cast, api):
    client = api(cast.admin)
    admin = client.post("/api/v1/staff/", _staff_body(cast, role="admin", locations=[]), format="json")
    assert admin.status_code == 201
    assert admin.json()["locations"] == []
    both = [cast.location.pk, cast.other_location.pk]
    manager = client.post(
        "/api/v1/staff/", _staff_body(cast, email="m@example.com", role="manager", locations=both), format="json"
    )
    assert manager.status_code == 201
    assert manager.json()["locations"] == sorted(both)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "client"}, "role"),
        ({"role": "wizard"}, "role"),
        ({"locations": []}, "locations"),
        ({"locations": [999999]}, "locations"),
        ({"locations": ["x"]}, "locations"),
        ({"email": "MECHANIC@example.com"}, "email"),
        ({"password": "abc"}, "password"),
        ({"first_name": "x" * 200}, "first_name"),
    ],
)
def test_staff_creation_refuses_bad_input_with_400(cast, api, changes, field):
    response = api(cast.admin).post("/api/v1/staff/", _staff_body(cast, **changes), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


def test_the_staff_list_is_scoped_to_the_callers_locations(cast, api):
    ids = {row["id"] for row in api(cast.manager).get("/api/v1/staff/").json()["results"]}
    assert ids == {cast.manager.pk, cast.receptionist.pk, cast.mechanic.pk}
    everyone = api(cast.admin).get("/api/v1/staff/").json()
    assert everyone["count"] == 7
    assert cast.client.pk not in {row["id"] for row in everyone["results"]}


def test_the_staff_list_filters_by_role_and_location(cast, api):
    client = api(cast.admin)
    mechanics = client.get("/api/v1/staff/", {"role": "mechanic"}).json()["results"]
    assert {row["id"] for row in mechanics} == {cast.mechanic.pk, cast.other_mechanic.pk}
    at_other = client.get("/api/v1/staff/", {"location": cast.other_location.pk}).json()["results"]
    assert {row["id"] for row in at_other} == {
        cast.other_manager.pk,
        cast.other_receptionist.pk,
        cast.other_mechanic.pk,
    }
    both = client.get("/api/v1/staff/", {"location": cast.location.pk, "role": "receptionist"}).json()["results"]
    assert [row["id"] for row in both] == [cast.receptionist.pk]


@pytest.mark.parametrize("params", [{"role": "client"}, {"location": "abc"}, {"location": 0}])
def test_the_staff_list_refuses_bad_filters(cast, api, params):
    response = api(cast.admin).get("/api/v1/staff/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_staff_list_is_paginated_with_bounded_queries(cast, api, django_assert_max_num_queries):
    StaffFactory.create_batch(30, role=Role.MECHANIC, location=cast.location)
    StaffFactory.create_batch(10, role=Role.RECEPTIONIST, location=[cast.location, cast.other_location])
    client = api(cast.manager)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/staff/", {"page_size": 100})
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 + 30 + 10
    assert len(body["results"]) == 43
    page = client.get("/api/v1/staff/").json()
    assert len(page["results"]) == 43  # the default page (50) holds them all
    small = client.get("/api/v1/staff/", {"page_size": 10}).json()
    assert len(small["results"]) == 10
    assert small["next"]


def test_staff_of_another_location_is_404_for_a_manager(cast, api):
    client = api(cast.other_manager)
    assert client.get(f"/api/v1/staff/{cast.mechanic.pk}/").status_code == 404
    response = client.patch(f"/api/v1/staff/{cast.mechanic.pk}/", {"first_name": "X"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_admin_is_not_visible_to_a_manager_and_clients_are_not_staff(cast, api):
    assert api(cast.manager).get(f"/api/v1/staff/{cast.admin.pk}/").status_code == 404
    assert api(cast.admin).get(f"/api/v1/staff/{cast.client.pk}/").status_code == 404
    assert api(cast.admin).get("/api/v1/staff/99999999/").status_code == 404


def test_a_manager_updates_their_mechanics_names_and_role(cast, api):
    response = api(cast.manager).patch(
        f"/api/v1/staff/{cast.mechanic.pk}/", {"first_name": "Nuevo", "role": "receptionist"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["first_name"], response.json()["role"]) == ("Nuevo", "receptionist")
    assert cast.mechanic.memberships.get().role == Role.RECEPTIONIST


def test_a_manager_may_not_edit_themselves_through_the_staff_api(cast, api):
    response = api(cast.manager).patch(f"/api/v1/staff/{cast.manager.pk}/", {"first_name": "Yo"}, format="json")
    assert response.status_code == 403


def test_a_manager_moving_staff_to_another_location_is_403(cast, api):
    url = f"/api/v1/staff/{cast.mechanic.pk}/"
    response = api(cast.manager).patch(url, {"locations": [cast.other_location.pk]}, format="json")
    assert response.status_code == 403
    assert list(cast.mechanic.memberships.values_list("location_id", flat=True)) == [cast.location.pk]


def test_an_admin_moves_staff_and_reactivates_them(cast, api):
    cast.mechanic.is_active = False
    cast.mechanic.save()
    url = f"/api/v1/staff/{cast.mechanic.pk}/"
    response = api(cast.admin).patch(url, {"locations": [cast.other_location.pk], "is_active": True}, format="json")
    assert response.status_code == 200
    assert (response.json()["locations"], response.json()["is_active"]) == ([cast.other_location.pk], True)


def test_deactivation_stops_an_existing_bearer_token(cast, api):
    mechanic = api(cast.mechanic)
    assert mechanic.get("/api/v1/me/").status_code == 200
    response = api(cast.manager).post(f"/api/v1/staff/{cast.mechanic.pk}/deactivate/")
    assert response.status_code == 204
    after = mechanic.get("/api/v1/me/")
    assert after.status_code == 401
    cast.mechanic.refresh_from_db()
    assert not cast.mechanic.is_active


def test_an_admin_cannot_deactivate_themselves_through_the_api(cast, api):
    client = api(cast.admin)
    response = client.post(f"/api/v1/staff/{cast.admin.pk}/deactivate/")
    assert response.status_code == 400
    assert client.get("/api/v1/me/").status_code == 200


# --- Professional applications -------------------------------------------------------------


def test_a_client_applies_and_reads_their_application(cast, api):
    client = api(cast.client)
    response = client.post(
        "/api/v1/professional-applications/", {"location": cast.location.pk, "message": "Diez años"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["location"], body["user"], body["message"]) == (
        "pending",
        cast.location.pk,
        cast.client.pk,
        "Diez años",
    )
    assert client.get(f"/api/v1/professional-applications/{body['id']}/").json()["id"] == body["id"]
    assert client.get("/api/v1/professional-applications/").json()["count"] == 1


def test_a_second_pending_application_is_409_conflict(cast, api):
    ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    response = api(cast.client).post(
        "/api/v1/professional-applications/", {"location": cast.other_location.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


@pytest.mark.parametrize("location", [None, 999999, "abc"])
def test_an_application_needs_a_real_open_location(cast, api, location):
    response = api(cast.client).post("/api/v1/professional-applications/", {"location": location}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["location"]


def test_the_admin_lists_and_filters_applications(cast, api):
    ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    ProfessionalApplicationFactory(user=cast.outsider, location=cast.location, status=ApplicationStatus.REJECTED)
    client = api(cast.admin)
    assert client.get("/api/v1/professional-applications/").json()["count"] == 2
    pending = client.get("/api/v1/professional-applications/", {"status": "pending"}).json()["results"]
    assert [row["user"] for row in pending] == [cast.client.pk]


def test_approval_makes_the_client_a_mechanic_with_the_location(
    cast, api, mailoutbox, django_capture_on_commit_callbacks
):
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.other_location)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast.admin).post(
            f"/api/v1/professional-applications/{application.pk}/approve/", {"note": "Bienvenido"}, format="json"
        )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decision_note"]) == ("approved", "Bienvenido")
    me = api(cast.client).get("/api/v1/me/").json()
    assert (me["role"], me["locations"]) == ("mechanic", [cast.other_location.pk])
    assert "Bienvenido" in rendered_email(recipient=cast.client, template="application_decided").text


def test_rejection_answers_200_and_a_second_decision_409(cast, api):
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    client = api(cast.admin)
    response = client.post(f"/api/v1/professional-applications/{application.pk}/reject/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    again = client.post(f"/api/v1/professional-applications/{application.pk}/approve/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


def test_the_application_list_query_count_is_bounded(cast, api, django_assert_max_num_queries):
    for _ in range(15):
        ProfessionalApplicationFactory(location=cast.location, status=ApplicationStatus.REJECTED, decided_by=cast.admin)
    client = api(cast.admin)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/professional-applications/")
    assert response.json()["count"] == 15


def test_the_schema_describes_the_people_endpoints(db, client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].endswith("json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(response.content)["paths"]
    for path in [
        "/api/v1/auth/register/",
        "/api/v1/auth/password/",
        "/api/v1/me/",
        "/api/v1/staff/",
        "/api/v1/staff/{id}/",
        "/api/v1/staff/{id}/deactivate/",
        "/api/v1/professional-applications/",
        "/api/v1/professional-applications/{id}/",
        "/api/v1/professional-applications/{id}/approve/",
        "/api/v1/professional-applications/{id}/reject/",
    ]:
        assert path in paths
