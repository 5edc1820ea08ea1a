"""`manage.py createsuperuser` gives an admin who can use the whole API."""

from django.core.management import call_command
from rest_framework.test import APIClient

from autoagenda.accounts.models import Role, User


def test_createsuperuser_makes_an_admin_who_can_log_in_to_the_api_and_manage_everything(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-owner-passphrase-77")
    call_command("createsuperuser", "--noinput", "--email", "Owner@Example.com")

    owner = User.objects.get(email="owner@example.com")
    assert (owner.role, owner.is_superuser, owner.is_staff) == (Role.ADMIN, True, True)

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    tokens = api.post("/api/v1/auth/token/", {"email": "owner@example.com", "password": "a-long-owner-passphrase-77"})
    assert tokens.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    assert api.get("/api/v1/me/").json()["role"] == "admin"
    created = api.post(
        "/api/v1/locations/",
        {"name": "Taller Ñuñoa", "timezone": "America/Santiago", "country": "CL"},
        format="json",
    )
    assert created.status_code == 201
    staff = api.post(
        "/api/v1/staff/",
        {
            "email": "jefa@example.com",
            "first_name": "Ana",
            "last_name": "Rojas",
            "role": "manager",
            "locations": [created.json()["id"]],
            "password": "another-long-passphrase-5",
        },
        format="json",
    )
    assert staff.status_code == 201
    assert staff.json()["locations"] == [created.json()["id"]]
