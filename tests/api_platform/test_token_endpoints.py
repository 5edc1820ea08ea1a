"""Sign in, rotate and sign out through /api/v1/auth/ (API.md, Auth and people)."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from autoagenda.accounts.models import LoginSession
from tests.accounts.factories import PASSWORD, UserFactory
from tests.api_platform.conftest import LOGOUT_URL, REFRESH_URL, TOKEN_URL, refresh, sign_in, whoami

pytestmark = [pytest.mark.urls("tests.api_platform.urls"), pytest.mark.django_db]

ROLES = ["admin", "manager", "receptionist", "mechanic", "client", "outsider", "other_manager", "other_mechanic"]


@pytest.mark.parametrize("who", ROLES)
def test_every_role_signs_in_refreshes_and_signs_out(cast, who):
    user = cast.by_name(who)
    pair = sign_in(user.email)
    assert set(pair) == {"access", "refresh"}
    assert whoami(pair["access"]).json() == {"id": user.pk, "email": user.email}

    rotated = refresh(pair["refresh"])
    assert rotated.status_code == 200
    new_pair = rotated.json()
    assert set(new_pair) == {"access", "refresh"}
    assert new_pair["refresh"] != pair["refresh"]
    assert whoami(new_pair["access"]).json()["id"] == user.pk

    logout = APIClient().post(LOGOUT_URL, {"refresh": new_pair["refresh"]}, format="json")
    assert logout.status_code == 204
    assert logout.content == b""


def test_anonymous_needs_no_token_for_the_auth_endpoints_and_a_stale_bearer_is_ignored(cast):
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")
    response = stale.post(TOKEN_URL, {"email": cast.client.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert stale.post(REFRESH_URL, {"refresh": response.json()["refresh"]}, format="json").status_code == 200


def test_the_email_is_matched_without_regard_to_case_or_surrounding_spaces(cast):
    pair = sign_in("  Client@Example.COM ")
    assert whoami(pair["access"]).json()["email"] == "client@example.com"


@pytest.mark.parametrize(
    ("email", "password"),
    [("client@example.com", "wrong-password-123"), ("nobody@example.com", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_bad_credentials_answer_401_authentication_failed(cast, email, password):
    response = APIClient().post(TOKEN_URL, {"email": email, "password": password}, format="json")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert "errors" not in body
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not LoginSession.objects.exists()


def test_an_inactive_user_cannot_sign_in():
    user = UserFactory(email="gone@example.com", is_active=False)
    response = APIClient().post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_missing_fields_are_a_validation_error(db):
    response = APIClient().post(TOKEN_URL, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"email", "password"}


def test_the_access_token_lives_at_most_ten_minutes_and_carries_its_login(cast):
    pair = sign_in(cast.client.email)
    claims = jwt.decode(pair["access"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 10 * 60
    assert claims["token_type"] == "access"
    assert claims["user_id"] == cast.client.pk
    assert claims["sid"] == str(LoginSession.objects.get(user=cast.client).pk)


def test_an_expired_access_token_answers_token_not_valid(cast):
    pair = sign_in(cast.client.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = whoami(pair["access"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_an_expired_refresh_token_answers_token_not_valid(cast):
    pair = sign_in(cast.client.email)
    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        response = refresh(pair["refresh"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""], ids=["garbage", "three dots", "empty"])
def test_a_malformed_refresh_token_is_refused(db, token):
    response = refresh(token)
    if token == "":
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["refresh"]
    else:
        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"


def test_an_access_token_is_not_a_refresh_token(cast):
    pair = sign_in(cast.client.email)
    response = refresh(pair["access"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_refresh_token_is_not_a_bearer_token(cast):
    pair = sign_in(cast.client.email)
    response = whoami(pair["refresh"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_deactivating_a_user_stops_their_tokens(cast):
    pair = sign_in(cast.client.email)
    cast.client.is_active = False
    cast.client.save(update_fields=["is_active"])
    assert whoami(pair["access"]).json()["code"] == "token_not_valid"
    assert refresh(pair["refresh"]).json()["code"] == "token_not_valid"


def test_logout_ends_that_login_only(cast):
    phone = sign_in(cast.client.email)
    laptop = sign_in(cast.client.email)

    assert APIClient().post(LOGOUT_URL, {"refresh": phone["refresh"]}, format="json").status_code == 204

    for response in (whoami(phone["access"]), refresh(phone["refresh"])):
        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"
    again = APIClient().post(LOGOUT_URL, {"refresh": phone["refresh"]}, format="json")
    assert again.status_code == 401
    assert again.json()["code"] == "token_not_valid"

    assert whoami(laptop["access"]).status_code == 200
    assert refresh(laptop["refresh"]).status_code == 200


def test_logout_with_a_bad_token_answers_token_not_valid(db):
    response = APIClient().post(LOGOUT_URL, {"refresh": "garbage"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_logout_needs_the_refresh_token(db):
    response = APIClient().post(LOGOUT_URL, {}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["refresh"]
    assert len(response.json()["errors"]["refresh"]) == 1


@pytest.mark.parametrize("url", [TOKEN_URL, REFRESH_URL, LOGOUT_URL])
def test_the_auth_endpoints_are_throttled_per_ip_with_the_auth_scope(db, throttle_rate, url):
    throttle_rate("auth", "3/min")
    client = APIClient()
    statuses = [client.post(url, {}, format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    response = client.post(url, {}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    other_ip = APIClient(REMOTE_ADDR="10.9.8.7").post(url, {}, format="json")
    assert other_ip.status_code == 400


def test_the_token_endpoints_accept_only_post(db):
    for url in (TOKEN_URL, REFRESH_URL, LOGOUT_URL):
        response = APIClient().get(url)
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
