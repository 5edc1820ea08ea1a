import pytest


@pytest.mark.parametrize("who", ["anonymous", "admin", "manager", "receptionist", "mechanic", "client"])
def test_the_home_page_renders_for_every_role(cast, web, who):
    response = web(cast.by_name(who)).get("/")
    assert response.status_code == 200
    assert b"AutoAgenda" in response.content


def test_the_health_endpoint_reports_the_database(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_an_unknown_api_url_answers_the_json_error_body(client, db):
    response = client.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
