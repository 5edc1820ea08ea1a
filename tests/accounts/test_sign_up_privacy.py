"""Signing up does not tell whether an address has an account (issue 8).

The web page and `POST /api/v1/auth/register/` answer the same either way; for a taken address nothing is
created and its owner is emailed instead, in their language, after commit.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from rest_framework.test import APIClient

from autoagenda.accounts import services
from autoagenda.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

STRONG = "tornillo-llave-inglesa-42"
SIGNUP = reverse("accounts:signup")
LOGIN = reverse("accounts:login")


def api_register(email: str, **changes: str):
    body = {"email": email, "password": STRONG, "first_name": "Ana", "last_name": "Pérez", "phone": "", **changes}
    return APIClient().post("/api/v1/auth/register/", body, format="json")


def web_sign_up(client, email: str):
    data = {"first_name": "Ana", "last_name": "Pérez", "email": email, "password1": STRONG, "password2": STRONG}
    return client.post(SIGNUP, data, follow=True)


def page_text(response, email: str) -> str:
    """The page with the address and the per-response CSRF token taken out."""
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", html)  # the masked token, in the forms and the htmx headers


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com", first_name="Olga", language="es")


# --- the answer ---------------------------------------------------------------------------------


def test_the_api_answers_a_taken_address_exactly_like_a_free_one(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        free = api_register("new@example.com")
        taken = api_register("Owner@Example.com")

    assert free.status_code == taken.status_code == 201
    assert free.json() == {**taken.json(), "email": "new@example.com"}
    assert taken.json() == {
        "id": None,
        "email": "owner@example.com",
        "first_name": "Ana",
        "last_name": "Pérez",
        "phone": "",
        "role": "client",
        "locations": [],
        "language": "es",
        "marketing_opt_in": False,
    }


def test_the_web_page_answers_a_taken_address_exactly_like_a_free_one(owner, client):
    free = web_sign_up(client, "new@example.com")
    taken = web_sign_up(client, "owner@example.com")

    assert free.redirect_chain == taken.redirect_chain == [(LOGIN, 302)]
    assert page_text(free, "new@example.com") == page_text(taken, "owner@example.com")
    assert "We have sent a message to owner@example.com" in taken.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_weak_password_is_refused_the_same_way_for_a_taken_address(owner):
    free = api_register("new@example.com", password="password1234")
    taken = api_register("owner@example.com", password="password1234")

    assert free.status_code == taken.status_code == 400
    assert free.json() == taken.json()


def test_the_password_is_hashed_whether_or_not_the_address_is_taken(owner, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]

    for email in ("new@example.com", "owner@example.com"):
        CountingHasher.calls = 0
        services.client_register(email=email, password=STRONG, first_name="Ana", last_name="Pérez")
        assert CountingHasher.calls == 1, email


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


# --- what happens to the account and the mailbox ------------------------------------------------


def test_a_taken_address_changes_nothing_in_the_existing_account(owner):
    before = User.objects.values().get(pk=owner.pk)

    api_register("owner@example.com", first_name="Mallory", phone="+34600000000")

    assert User.objects.count() == 1
    assert User.objects.values().get(pk=owner.pk) == before
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert not owner.check_password(STRONG)


def test_the_owner_of_a_taken_address_is_told_in_their_language(owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/auth/register/",
            {"email": "owner@example.com", "password": STRONG, "first_name": "M", "last_name": "X"},
            format="json",
        )

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["owner@example.com"]
    assert message.subject == "Alguien intentó registrarse con su correo electrónico"
    assert "Hola, Olga:" in message.body
    assert f"{settings.SITE_URL}/accounts/login/" in message.body


def test_a_new_account_gets_a_welcome_in_the_language_it_signed_up_in(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        web_sign_up(client, "new@example.com")  # the test client asks for English

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.com"]
    assert mailoutbox[0].subject == "Your AutoAgenda account is ready"
    assert "/accounts/login/" in mailoutbox[0].body


def test_no_email_leaves_before_the_sign_up_commits(owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.client_register(email="owner@example.com", password=STRONG, first_name="A", last_name="B")
        services.client_register(email="new@example.com", password=STRONG, first_name="A", last_name="B")

    assert len(callbacks) == 2
    assert mailoutbox == []


def test_repeated_sign_ups_email_an_address_once_in_a_while(owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("owner@example.com", "owner@example.com", "new@example.com", "new@example.com"):
            services.client_register(email=email, password=STRONG, first_name="A", last_name="B")

    assert sorted(m.to[0] for m in mailoutbox) == ["new@example.com", "owner@example.com"]


def test_a_deactivated_account_is_not_emailed(owner, mailoutbox, django_capture_on_commit_callbacks):
    owner.is_active = False
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_register("owner@example.com")

    assert response.status_code == 201
    assert mailoutbox == []


def test_a_client_the_desk_created_takes_the_account_over_with_the_emailed_link(
    cast, client, mailoutbox, django_capture_on_commit_callbacks
):
    walk_in = services.client_create_at_desk(actor=cast.receptionist, first_name="Olga", email="olga@example.com")
    assert not walk_in.has_usable_password()

    with django_capture_on_commit_callbacks(execute=True):
        web_sign_up(client, "olga@example.com")

    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
    step = client.get(link)
    assert step.status_code == 302
    done = client.post(step["Location"], {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
    walk_in.refresh_from_db()
    assert walk_in.check_password(STRONG)
