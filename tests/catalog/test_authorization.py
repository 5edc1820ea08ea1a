"""Who may do what in the catalog: every role of the cast × own location / other location / anonymous."""

import pytest

from tests.catalog.factories import ServiceFactory
from tests.matrix import ROLES, expect


@pytest.fixture
def service(cast):
    return ServiceFactory(name="Alineación", locations=[cast.location], mechanics=[cast.mechanic])


def new_service_body(cast):
    return {
        "name": "Nuevo",
        "duration_minutes": 30,
        "price": "10000",
        "locations": [cast.location.pk],
        "mechanics": [],
        "requires_mechanic": False,
        "buffer_minutes": 0,
    }


# --- API ---------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), expect(dict.fromkeys(ROLES, 200)))
def test_api_list_services(cast, api, service, who, status):
    assert api(cast.by_name(who)).get("/api/v1/services/").status_code == status


SERVICE_READ = {
    "admin": 200,
    "manager": 200,
    "receptionist": 200,
    "mechanic": 200,
    "client": 200,
    "outsider": 200,
    "other_manager": 404,
    "other_receptionist": 404,
    "other_mechanic": 404,
    "anonymous": 200,
}


@pytest.mark.parametrize(("who", "status"), expect(SERVICE_READ))
def test_api_read_a_service(cast, api, service, who, status):
    assert api(cast.by_name(who)).get(f"/api/v1/services/{service.pk}/").status_code == status


SERVICE_CREATE = {
    "admin": 201,
    "manager": 201,
    "receptionist": 403,
    "mechanic": 403,
    "client": 403,
    "outsider": 403,
    "other_manager": 403,
    "other_receptionist": 403,
    "other_mechanic": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize(("who", "status"), expect(SERVICE_CREATE))
def test_api_create_a_service_at_the_location(cast, api, who, status):
    response = api(cast.by_name(who)).post("/api/v1/services/", new_service_body(cast), format="json")
    assert response.status_code == status
    if status == 401:
        assert response.json()["code"] == "not_authenticated"


SERVICE_UPDATE = {
    "admin": 200,
    "manager": 200,
    "receptionist": 403,
    "mechanic": 403,
    "client": 403,
    "outsider": 403,
    "other_manager": 404,
    "other_receptionist": 404,
    "other_mechanic": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize(("who", "status"), expect(SERVICE_UPDATE))
def test_api_update_a_service(cast, api, service, who, status):
    response = api(cast.by_name(who)).patch(f"/api/v1/services/{service.pk}/", {"name": "Cambiado"}, format="json")
    assert response.status_code == status
    service.refresh_from_db()
    assert (service.name == "Cambiado") == (status == 200)


# --- Web ---------------------------------------------------------------------


def assert_web(response, status):
    if status == 302:
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == status


WEB_LIST = {**dict.fromkeys(ROLES, 200), "anonymous": 302}


@pytest.mark.parametrize(("who", "status"), expect(WEB_LIST))
def test_web_service_list(cast, web, service, who, status):
    assert_web(web(cast.by_name(who)).get("/services/"), status)


WEB_CREATE = {
    "admin": 200,
    "manager": 200,
    "receptionist": 403,
    "mechanic": 403,
    "client": 403,
    "outsider": 403,
    "other_manager": 200,  # at their own location
    "other_receptionist": 403,
    "other_mechanic": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize(("who", "status"), expect(WEB_CREATE))
def test_web_service_create(cast, web, who, status):
    assert_web(web(cast.by_name(who)).get("/services/new/"), status)


def test_web_a_manager_cannot_post_a_service_at_another_location(cast, web):
    body = {**new_service_body(cast), "locations": [str(cast.location.pk)], "tax_rate": "0"}
    response = web(cast.other_manager).post("/services/new/", body)
    assert response.status_code == 400
    assert "locations" in response.context["form"].errors


WEB_EDIT = {
    "admin": 200,
    "manager": 200,
    "receptionist": 403,
    "mechanic": 403,
    "client": 403,
    "outsider": 403,
    "other_manager": 404,
    "other_receptionist": 404,
    "other_mechanic": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("who", "status"), expect(WEB_EDIT))
def test_web_service_edit(cast, web, service, who, status):
    assert_web(web(cast.by_name(who)).get(f"/services/{service.pk}/"), status)


@pytest.mark.parametrize(("who", "status"), expect(WEB_EDIT))
def test_web_service_edit_post(cast, web, service, who, status):
    response = web(cast.by_name(who)).post(f"/services/{service.pk}/", {"name": "Cambiado"})
    # A permitted but incomplete form is 400; everyone else is stopped before the form.
    assert_web(response, 400 if status == 200 else status)
    service.refresh_from_db()
    assert service.name == "Alineación"
