"""Each person chooses their channels (email on by default; SMS and WhatsApp need a phone); phones are E.164."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from autoagenda.accounts import services
from autoagenda.accounts.models import Role, User
from autoagenda.core.errors import ApplicationError
from tests.accounts.factories import StaffFactory, UserFactory

STRONG = "a-very-long-passphrase-2026"


def test_a_new_account_gets_email_and_nothing_else(db):
    services.client_register(email="ana@example.com", password=STRONG, first_name="Ana", last_name="Soto")
    user = User.objects.get(email="ana@example.com")
    assert (user.notify_email, user.notify_sms, user.notify_whatsapp, user.marketing_opt_in) == (
        True,
        False,
        False,
        False,
    )


def test_registration_stores_the_phone_in_e164(db):
    user = services.client_register(
        email="ana@example.com", password=STRONG, first_name="Ana", last_name="Soto", phone="9 8765 4321"
    )
    assert user.phone == "+56987654321"


def test_registration_refuses_a_phone_that_cannot_be_one(db):
    with pytest.raises(ApplicationError) as caught:
        services.client_register(
            email="ana@example.com", password=STRONG, first_name="Ana", last_name="Soto", phone="12345"
        )
    assert "phone" in caught.value.errors


def test_staff_phones_are_read_in_their_location_country(cast):
    staff = services.staff_create(
        actor=cast.admin,
        email="pepa@example.com",
        first_name="Pepa",
        last_name="Ruiz",
        role=Role.MECHANIC,
        locations=[cast.other_location],
        password=STRONG,
        phone="612 34 56 78",
    )
    assert staff.phone == "+34612345678"


def test_the_profile_reads_a_local_number_in_the_country_of_the_persons_location(cast):
    services.profile_update(user=cast.other_mechanic, phone="612 34 56 78")
    assert cast.other_mechanic.phone == "+34612345678"


def test_a_desk_created_client_gets_the_desks_country(cast):
    client = services.client_create_at_desk(actor=cast.receptionist, first_name="Juan", phone="612345678", region="ES")
    assert client.phone == "+34612345678"


def test_a_desk_created_client_with_a_bad_phone_is_refused_on_the_phone_field(cast):
    with pytest.raises(ApplicationError) as caught:
        services.client_create_at_desk(actor=cast.receptionist, first_name="Juan", phone="12")
    assert list(caught.value.errors) == ["phone"]


def test_sms_and_whatsapp_need_a_phone(db):
    user = UserFactory(phone="")
    for field in ("notify_sms", "notify_whatsapp"):
        with pytest.raises(ApplicationError) as caught:
            services.profile_update(user=user, **{field: True})
        assert list(caught.value.errors) == [field]
    user.refresh_from_db()
    assert (user.notify_sms, user.notify_whatsapp) == (False, False)


def test_removing_the_phone_turns_sms_and_whatsapp_off(db):
    user = UserFactory(phone="+56987654321", notify_sms=True, notify_whatsapp=True)
    services.profile_update(user=user, phone="")
    user.refresh_from_db()
    assert (user.phone, user.notify_sms, user.notify_whatsapp) == ("", False, False)


def test_me_shows_and_patches_the_preferences_with_the_contract_names(cast, api):
    client = api(cast.client)
    response = client.patch(
        "/api/v1/me/",
        {
            "notify_email": False,
            "notify_sms": True,
            "notify_whatsapp": True,
            "marketing_opt_in": True,
            "language": "en",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = client.get("/api/v1/me/").json()
    assert {k: body[k] for k in ("notify_email", "notify_sms", "notify_whatsapp", "marketing_opt_in", "language")} == {
        "notify_email": False,
        "notify_sms": True,
        "notify_whatsapp": True,
        "marketing_opt_in": True,
        "language": "en",
    }


def test_me_refuses_sms_without_a_phone_with_the_error_body(cast, api):
    cast.client.phone = ""
    cast.client.save()
    response = api(cast.client).patch("/api/v1/me/", {"notify_sms": True}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "notify_sms" in response.json()["errors"]


def test_the_profile_page_saves_the_channels(cast, web):
    client = web(cast.client)
    page = client.get("/accounts/profile/")
    assert b'name="notify_sms"' in page.content
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Ana",
            "last_name": "Soto",
            "phone": "9 8765 4321",
            "language": "en",
            "notify_email": "on",
            "notify_whatsapp": "on",
        },
    )
    assert response.status_code == 302
    cast.client.refresh_from_db()
    assert (cast.client.phone, cast.client.notify_email, cast.client.notify_sms, cast.client.notify_whatsapp) == (
        "+56987654321",
        True,
        False,
        True,
    )


def test_the_data_migration_rewrites_readable_phones_and_keeps_the_rest(cast):
    chilean = UserFactory(phone="9 8765 4321")
    spaniard = StaffFactory(role=Role.MECHANIC, location=cast.other_location, phone="612 34 56 78")
    unreadable = UserFactory(phone="call the office")
    migration = importlib.import_module("autoagenda.accounts.migrations.0005_phones_to_e164")

    migration.forwards(apps, None)

    for user in (chilean, spaniard, unreadable):
        user.refresh_from_db()
    assert (chilean.phone, spaniard.phone, unreadable.phone) == ("+56987654321", "+34612345678", "call the office")
