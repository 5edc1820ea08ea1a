"""Login, lockout, sign-up, logout, password reset and change, profile — in the browser."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from autoagenda.accounts.models import LoginSession, Role, User
from autoagenda.accounts.tokens import token_pair_for_login
from tests.accounts.factories import PASSWORD

STRONG = "tornillo-llave-inglesa-42"
LOGIN = reverse("accounts:login")


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


# --- Login ------------------------------------------------------------------------


def test_the_login_page_is_a_finished_auth_card(client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="auth card"' in html
    assert 'type="email"' in html
    assert reverse("accounts:password_reset") in html
    assert reverse("accounts:signup") in html


def test_a_client_logs_in_with_their_email_in_any_case(cast, client):
    response = _login(client, "CLIENT@Example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == cast.client.pk


def test_logging_in_rotates_the_session_key(cast, client):
    session = client.session
    session["marker"] = "kept"
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    _login(client, "client@example.com")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.session["marker"] == "kept"
    assert int(client.session["_auth_user_id"]) == cast.client.pk


def test_a_wrong_password_shows_a_clear_error_and_logs_nobody_in(cast, client):
    response = _login(client, "client@example.com", "not-the-password")
    assert response.status_code == 200
    assert "The email or the password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_log_in(cast, client):
    cast.client.is_active = False
    cast.client.save()
    _login(client, "client@example.com")
    assert "_auth_user_id" not in client.session


def test_login_follows_a_safe_next_url(cast, client):
    response = client.post(f"{LOGIN}?next=/accounts/profile/", {"username": "client@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/profile/"


def test_login_ignores_a_next_url_on_another_site(cast, client):
    response = client.post(
        f"{LOGIN}?next=https://evil.example/", {"username": "client@example.com", "password": PASSWORD}
    )
    assert response["Location"] == reverse("home")


def test_nine_failures_still_allow_a_login(cast, client):
    for _ in range(9):
        _login(client, "client@example.com", "wrong-password")
    response = _login(client, "client@example.com")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_ten_failures_lock_the_account_out_even_with_the_right_password(cast, client):
    for _ in range(10):
        _login(client, "client@example.com", "wrong-password")
    response = _login(client, "client@example.com")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_changing_the_case_of_the_email_does_not_escape_the_lockout(cast, client):
    for attempt in range(10):
        email = "client@example.com" if attempt % 2 else "Client@EXAMPLE.com"
        _login(client, email, "wrong-password")
    response = _login(client, "CLIENT@example.com")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_account(cast, client):
    for _ in range(10):
        _login(client, "client@example.com", "wrong-password")
    response = _login(client, "outsider@example.com")
    assert response.status_code == 302


# --- Logout and sign-up ------------------------------------------------------------


def test_logout_ends_the_session(cast, web):
    client = web(cast.client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_sign_up_creates_a_client_and_sends_them_to_log_in(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {
            "first_name": "Ana",
            "last_name": "Pérez",
            "email": "Ana@Example.com",
            "phone": "+56911112222",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    user = User.objects.get(email="ana@example.com")
    assert user.role == Role.CLIENT
    assert "_auth_user_id" not in client.session  # as for a taken address (test_sign_up_privacy.py)
    assert _login(client, "ana@example.com", STRONG)["Location"] == reverse("home")


def test_sign_up_remembers_the_language_the_visitor_used(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(
        reverse("accounts:signup"),
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "password1": STRONG, "password2": STRONG},
    )
    assert User.objects.get(email="ann@example.com").language == "en"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"password1": "short", "password2": "short"}, "password1", id="short-password"),
        pytest.param({"password1": "password1234", "password2": "password1234"}, "password1", id="common-password"),
        pytest.param({"password2": "something-else-99"}, "password2", id="mismatch"),
        pytest.param({"email": "nope"}, "email", id="malformed-email"),
    ],
)
def test_sign_up_refuses_bad_input_with_a_field_error(cast, client, changes, field):
    data = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana@example.com",
        "password1": STRONG,
        "password2": STRONG,
        **changes,
    }
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'class="field__error"' in response.content.decode()
    assert not User.objects.filter(email="ana@example.com").exists()
    assert "_auth_user_id" not in client.session


# --- Password reset ------------------------------------------------------------------


def test_password_reset_emails_a_link_that_sets_a_new_password(cast, client, mailoutbox):
    token_pair_for_login(cast.client)
    response = client.post(reverse("accounts:password_reset"), {"email": "Client@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["client@example.com"]
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    step = client.get(link)
    assert step.status_code == 302  # Django hides the token behind a session redirect
    form_page = client.get(step["Location"])
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    done = client.post(step["Location"], {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")

    cast.client.refresh_from_db()
    assert cast.client.check_password(STRONG)
    assert not LoginSession.objects.filter(user=cast.client, revoked_at=None).exists()
    assert client.get(link).context["validlink"] is False  # the link works once
    assert client.get(reverse("accounts:password_reset_complete")).status_code == 200


def test_a_password_reset_lifts_a_login_lockout(cast, client, mailoutbox):
    for _ in range(10):
        _login(client, "client@example.com", "wrong-password")
    assert _login(client, "client@example.com").status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": "client@example.com"})
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    response = _login(client, "client@example.com", STRONG)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == cast.client.pk


def test_password_reset_refuses_a_weak_new_password(cast, client, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "client@example.com"})
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors
    cast.client.refresh_from_db()
    assert cast.client.check_password(PASSWORD)


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(db, client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


# --- Password change and profile --------------------------------------------------------


def test_password_change_keeps_the_web_session_and_ends_api_logins(cast, web):
    client = web(cast.client)
    token_pair_for_login(cast.client)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Your password was changed" in response.content.decode()
    cast.client.refresh_from_db()
    assert cast.client.check_password(STRONG)
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in here
    assert not LoginSession.objects.filter(user=cast.client, revoked_at=None).exists()


def test_password_change_logs_out_other_browsers(cast, web):
    other_browser = web(cast.client)
    web(cast.client).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert other_browser.get(reverse("accounts:profile")).status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(
            {"old_password": "wrong-one-123", "new_password1": STRONG, "new_password2": STRONG}, "old_password"
        ),
        pytest.param({"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}, "new_password1"),
        pytest.param({"old_password": PASSWORD, "new_password1": STRONG, "new_password2": "x"}, "new_password2"),
    ],
)
def test_password_change_refuses_bad_input(cast, web, data, field):
    response = web(cast.client).post(reverse("accounts:password_change"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    cast.client.refresh_from_db()
    assert cast.client.check_password(PASSWORD)


def test_the_profile_saves_contact_data_and_switches_the_language(cast, web):
    client = web(cast.client)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Carla",
            "last_name": "Rojas",
            "phone": "+56977778888",
            "language": "en",
            "marketing_opt_in": "on",
        },
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    cast.client.refresh_from_db()
    assert (cast.client.first_name, cast.client.phone, cast.client.language) == ("Carla", "+56977778888", "en")
    assert cast.client.marketing_opt_in is True
    page = client.get(reverse("accounts:profile"))
    assert '<html lang="en">' in page.content.decode()
    assert "Your profile was saved." in page.content.decode()


def test_the_profile_refuses_a_missing_first_name(cast, web):
    response = web(cast.client).post(
        reverse("accounts:profile"), {"first_name": "", "last_name": "X", "language": "es"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["first_name"]


def test_the_profile_lists_a_staff_members_locations(cast, web):
    response = web(cast.mechanic).get(reverse("accounts:profile"))
    assert cast.location.name in response.content.decode()


def test_a_deactivated_users_browser_session_ends(cast, web):
    client = web(cast.mechanic)
    cast.mechanic.is_active = False
    cast.mechanic.save()
    assert client.get(reverse("accounts:profile")).status_code == 302
