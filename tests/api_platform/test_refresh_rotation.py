"""A refresh token works once; using it again ends its whole login, and only that login."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from autoagenda.accounts.models import LoginSession
from autoagenda.accounts.tokens import sessions_revoke_for_user
from tests.api_platform.conftest import LOGOUT_URL, refresh, sign_in, whoami

pytestmark = [pytest.mark.urls("tests.api_platform.urls"), pytest.mark.django_db]


def assert_not_valid(response):
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_rotation_gives_a_new_pair_and_the_old_refresh_token_stops_working(cast):
    first = sign_in(cast.client.email)
    second = refresh(first["refresh"]).json()
    third = refresh(second["refresh"])
    assert third.status_code == 200
    assert len({first["refresh"], second["refresh"], third.json()["refresh"]}) == 3
    assert LoginSession.objects.filter(user=cast.client).count() == 1


def test_reusing_a_rotated_refresh_token_revokes_every_token_of_that_login(cast):
    stolen = sign_in(cast.client.email)
    newest = refresh(stolen["refresh"]).json()
    other_login = sign_in(cast.client.email)

    assert_not_valid(refresh(stolen["refresh"]))

    assert_not_valid(whoami(newest["access"]))
    assert_not_valid(refresh(newest["refresh"]))
    assert_not_valid(APIClient().post(LOGOUT_URL, {"refresh": newest["refresh"]}, format="json"))
    revoked = LoginSession.objects.exclude(revoked_at=None).get()
    assert revoked.revoked_reason == "refresh_reuse"

    assert whoami(other_login["access"]).status_code == 200
    assert refresh(other_login["refresh"]).status_code == 200


def test_signing_out_with_a_rotated_refresh_token_is_a_reuse_too(cast):
    old = sign_in(cast.client.email)
    newest = refresh(old["refresh"]).json()
    assert_not_valid(APIClient().post(LOGOUT_URL, {"refresh": old["refresh"]}, format="json"))
    assert_not_valid(whoami(newest["access"]))


@override_settings(JWT_REFRESH_REUSE_LEEWAY_SECONDS=30)
def test_within_the_configured_leeway_a_second_use_is_refused_without_ending_the_login(cast):
    old = sign_in(cast.client.email)
    newest = refresh(old["refresh"]).json()
    assert_not_valid(refresh(old["refresh"]))
    assert whoami(newest["access"]).status_code == 200
    assert refresh(newest["refresh"]).status_code == 200


def test_the_default_policy_treats_every_second_use_as_a_reuse(settings):
    assert settings.JWT_REFRESH_REUSE_LEEWAY_SECONDS == 0


def test_a_password_change_style_revocation_ends_every_login_of_the_user(cast):
    logins = [sign_in(cast.client.email) for _ in range(2)]
    unrelated = sign_in(cast.manager.email)
    sessions_revoke_for_user(cast.client, reason="password_change")
    for pair in logins:
        assert_not_valid(whoami(pair["access"]))
        assert_not_valid(refresh(pair["refresh"]))
    assert whoami(unrelated["access"]).status_code == 200


def test_authenticating_a_request_costs_one_query(cast, django_assert_num_queries):
    pair = sign_in(cast.client.email)
    with django_assert_num_queries(1):
        assert whoami(pair["access"]).status_code == 200
