"""Every response says which browser features its page may use (Permissions-Policy): only what the product needs."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.test import Client
from rest_framework.test import APIClient

from autoagenda.core.headers import permissions_policy
from config.asgi import application

DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture", "publickey-credentials-get"]


def features(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/", 200, id="page"),
        pytest.param("/accounts/login/", 200, id="login"),
        pytest.param("/no-such-page/", 404, id="not-found"),
        pytest.param("/api/v1/me/", 401, id="api-error"),
        pytest.param("/api/schema/", 200, id="schema"),
        pytest.param("/health/", 200, id="health"),
    ],
)
def test_every_kind_of_response_carries_the_policy(db, path, status):
    response = APIClient().get(path) if path.startswith("/api/") else Client().get(path)

    assert response.status_code == status
    policy = features(response["Permissions-Policy"])
    assert {name: policy[name] for name in DENIED} == dict.fromkeys(DENIED, "()")


def test_a_static_file_served_by_whitenoise_carries_the_policy(db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source tree, as under DEBUG, without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True

    response = Client().get("/static/css/app.css")

    assert response.status_code == 200
    assert response.__class__.__name__ == "WhiteNoiseFileResponse"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_public_screen_keeps_its_chime_and_full_screen(db):
    policy = features(Client().get("/").headers["Permissions-Policy"])

    assert policy["autoplay"] == "(self)"
    assert policy["fullscreen"] == "(self)"


def test_an_https_redirect_carries_the_policy_too(db, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/accounts/login/")

    assert response.status_code == 301
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db(transaction=True)
def test_the_asgi_application_sends_the_policy():
    communicator = HttpCommunicator(application, "GET", "/accounts/login/", headers=[(b"host", b"testserver")])

    response = async_to_sync(communicator.get_response)(timeout=10)

    headers = {name.decode().lower(): value.decode() for name, value in response["headers"]}
    assert response["status"] == 200
    assert "microphone=()" in headers["permissions-policy"]


def test_the_header_lists_each_feature_with_its_allowed_origins():
    policy = {"camera": [], "autoplay": ["self"], "fullscreen": ["self", "https://tv.example.com"]}

    assert permissions_policy(policy) == 'camera=(), autoplay=(self), fullscreen=(self "https://tv.example.com")'
