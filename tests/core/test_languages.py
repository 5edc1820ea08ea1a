"""Spanish by default, English on request, and the switch remembers the choice."""

from django.test import Client


def test_a_visitor_without_preferences_gets_spanish_pages(db):
    response = Client().get("/accounts/login/")
    assert response["Content-Language"] == "es"
    assert "Iniciar sesión" in response.content.decode()


def test_a_browser_asking_for_english_gets_english_pages(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/")
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_the_language_switch_sets_a_cookie_that_wins_over_the_browser(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/accounts/login/"
    assert "Log in" in browser.get("/accounts/login/").content.decode()


def test_api_errors_follow_the_requested_language(db):
    spanish = Client().get("/api/v1/me/")
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me/")
    assert spanish.json()["code"] == english.json()["code"] == "not_authenticated"
    assert spanish.json()["detail"] != english.json()["detail"]
