"""The users back office and professional applications, in the browser."""

import pytest
from django.urls import reverse

from autoagenda.accounts.models import ApplicationStatus, LoginSession, ProfessionalApplication, Role, User
from autoagenda.accounts.tokens import token_pair_for_login
from tests.accounts.factories import ClientLocationFactory, ProfessionalApplicationFactory, StaffFactory, UserFactory
from tests.notifications.factories import rendered_email

STRONG = "tornillo-llave-inglesa-42"
USERS = reverse("accounts:user_list")


def _emails(response) -> set[str]:
    return {row["user"].email for row in response.context["rows"]}


# --- User list ----------------------------------------------------------------------


def test_a_manager_sees_colleagues_and_their_locations_clients_but_no_other_location_staff(cast, web):
    ClientLocationFactory(client=cast.client, location=cast.location)
    ClientLocationFactory(client=cast.outsider, location=cast.other_location)
    emails = _emails(web(cast.manager).get(USERS))
    assert {"manager@example.com", "recep@example.com", "mechanic@example.com", "client@example.com"} <= emails
    assert emails.isdisjoint(
        {
            "other.manager@example.com",
            "other.recep@example.com",
            "other.mechanic@example.com",
            "admin@example.com",
            "outsider@example.com",  # a client only the other location serves
        }
    )


def test_an_admin_sees_everyone(cast, web):
    assert len(_emails(web(cast.admin).get(USERS))) == User.objects.count()


def test_the_user_list_filters_by_role(cast, web):
    assert _emails(web(cast.admin).get(USERS, {"role": "mechanic"})) == {
        "mechanic@example.com",
        "other.mechanic@example.com",
    }


def test_the_user_list_filters_by_location(cast, web):
    emails = _emails(web(cast.admin).get(USERS, {"location": cast.other_location.pk}))
    assert emails == {"other.manager@example.com", "other.recep@example.com", "other.mechanic@example.com"}


def test_the_user_list_searches_name_email_and_phone(cast, web):
    UserFactory(first_name="Josefina", last_name="Araya", email="jose@example.com", phone="+56998765432")
    client = web(cast.admin)
    assert _emails(client.get(USERS, {"q": "josefina araya"})) == {"jose@example.com"}
    assert _emails(client.get(USERS, {"q": "JOSE@"})) == {"jose@example.com"}
    assert _emails(client.get(USERS, {"q": "98765"})) == {"jose@example.com"}
    assert _emails(client.get(USERS, {"q": "josefina nadie"})) == set()


def test_a_manager_cannot_filter_their_way_into_another_location(cast, web):
    response = web(cast.manager).get(USERS, {"location": cast.other_location.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["location"]
    assert "other.mechanic@example.com" not in _emails(response)


def test_the_user_list_offers_edit_only_for_people_the_actor_manages(cast, web):
    response = web(cast.manager).get(USERS)
    manageable = {row["user"].email for row in response.context["rows"] if row["can_manage"]}
    assert manageable == {"recep@example.com", "mechanic@example.com"}
    html = response.content.decode()
    assert reverse("accounts:user_edit", args=[cast.mechanic.pk]) in html
    assert reverse("accounts:user_edit", args=[cast.client.pk]) not in html


def test_the_user_list_is_paginated_and_keeps_the_filters(cast, web):
    StaffFactory.create_batch(30, role=Role.MECHANIC, location=cast.location)
    client = web(cast.admin)
    first = client.get(USERS, {"role": "mechanic"})
    assert len(first.context["rows"]) == 25
    assert "role=mechanic&amp;page=2" in first.content.decode()
    second = client.get(USERS, {"role": "mechanic", "page": 2})
    assert len(second.context["rows"]) == 32 - 25


@pytest.mark.parametrize("who", ["admin", "manager"])
def test_the_user_list_query_count_does_not_grow_with_the_page(cast, web, who, django_assert_max_num_queries):
    StaffFactory.create_batch(20, role=Role.MECHANIC, location=cast.location)
    StaffFactory.create_batch(5, role=Role.RECEPTIONIST, location=[cast.location, cast.other_location])
    client = web(cast.by_name(who))
    with django_assert_max_num_queries(9):
        response = client.get(USERS)
    assert len(response.context["rows"]) == 25


# --- Create, edit, deactivate ------------------------------------------------------


def _staff_form(cast, **changes):
    return {
        "first_name": "Pedro",
        "last_name": "Soto",
        "email": "pedro@example.com",
        "phone": "+56922223333",
        "role": "mechanic",
        "locations": [cast.location.pk],
        "password1": STRONG,
        "password2": STRONG,
        **changes,
    }


def test_a_manager_creates_a_mechanic_at_their_location(cast, web):
    response = web(cast.manager).post(reverse("accounts:user_create"), _staff_form(cast))
    assert response.status_code == 302
    user = User.objects.get(email="pedro@example.com")
    assert user.role == Role.MECHANIC
    assert list(user.memberships.values_list("location_id", flat=True)) == [cast.location.pk]


def test_the_create_form_offers_a_manager_only_their_roles_and_locations(cast, web):
    form = web(cast.manager).get(reverse("accounts:user_create")).context["form"]
    assert {value for value, _label in form.fields["role"].choices} == {"mechanic", "receptionist"}
    assert list(form.fields["locations"].queryset) == [cast.location]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param(lambda cast: {"role": "admin"}, "role", id="role-above-a-manager"),
        pytest.param(lambda cast: {"locations": [cast.other_location.pk]}, "locations", id="unmanaged-location"),
        pytest.param(lambda cast: {"locations": []}, "locations", id="no-location"),
        pytest.param(lambda cast: {"email": "MECHANIC@example.com"}, "email", id="taken-email"),
        pytest.param(lambda cast: {"password1": "abc", "password2": "abc"}, "password1", id="weak-password"),
    ],
)
def test_staff_creation_refuses_bad_input(cast, web, changes, field):
    response = web(cast.manager).post(reverse("accounts:user_create"), _staff_form(cast, **changes(cast)))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not User.objects.filter(email="pedro@example.com").exists()


def test_an_admin_creates_a_manager_for_two_locations(cast, web):
    data = _staff_form(cast, role="manager", locations=[cast.location.pk, cast.other_location.pk])
    response = web(cast.admin).post(reverse("accounts:user_create"), data)
    assert response.status_code == 302
    user = User.objects.get(email="pedro@example.com")
    assert set(user.memberships.values_list("location_id", "role")) == {
        (cast.location.pk, Role.MANAGER),
        (cast.other_location.pk, Role.MANAGER),
    }


def test_the_edit_page_shows_locations_as_checkboxes(cast, web):
    response = web(cast.admin).get(reverse("accounts:user_edit", args=[cast.mechanic.pk]))
    html = response.content.decode()
    assert 'type="checkbox" name="locations"' in html
    assert response.context["form"].initial["locations"] == [cast.location.pk]


def _edit_form(user, **changes):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "role": user.role,
        "locations": list(user.memberships.values_list("location_id", flat=True)),
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_moves_a_mechanic_and_makes_them_a_receptionist(cast, web):
    url = reverse("accounts:user_edit", args=[cast.mechanic.pk])
    data = _edit_form(cast.mechanic, role="receptionist", locations=[cast.other_location.pk], first_name="Nuevo")
    response = web(cast.admin).post(url, data)
    assert response.status_code == 302
    cast.mechanic.refresh_from_db()
    assert (cast.mechanic.role, cast.mechanic.first_name) == (Role.RECEPTIONIST, "Nuevo")
    assert list(cast.mechanic.memberships.values_list("location_id", "role")) == [
        (cast.other_location.pk, Role.RECEPTIONIST)
    ]


def test_an_admin_turns_a_client_into_staff_from_the_edit_page(cast, web):
    url = reverse("accounts:user_edit", args=[cast.client.pk])
    response = web(cast.admin).post(url, _edit_form(cast.client, role="mechanic", locations=[cast.location.pk]))
    assert response.status_code == 302
    cast.client.refresh_from_db()
    assert cast.client.role == Role.MECHANIC


def test_unticking_active_on_the_edit_page_deactivates_and_ends_api_logins(cast, web):
    token_pair_for_login(cast.mechanic)
    url = reverse("accounts:user_edit", args=[cast.mechanic.pk])
    response = web(cast.manager).post(url, _edit_form(cast.mechanic, is_active=None))
    assert response.status_code == 302
    cast.mechanic.refresh_from_db()
    assert not cast.mechanic.is_active
    assert not LoginSession.objects.filter(user=cast.mechanic, revoked_at=None).exists()


def test_a_manager_cannot_move_their_mechanic_to_another_location(cast, web):
    url = reverse("accounts:user_edit", args=[cast.mechanic.pk])
    response = web(cast.manager).post(url, _edit_form(cast.mechanic, locations=[cast.other_location.pk]))
    assert response.status_code == 400
    assert response.context["form"].errors["locations"]
    assert list(cast.mechanic.memberships.values_list("location_id", flat=True)) == [cast.location.pk]


def test_an_admin_cannot_demote_themselves(cast, web):
    url = reverse("accounts:user_edit", args=[cast.admin.pk])
    response = web(cast.admin).post(url, _edit_form(cast.admin, role="manager", locations=[cast.location.pk]))
    assert response.status_code == 400
    assert response.context["form"].errors["role"]
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.ADMIN


def test_deactivation_ends_the_persons_web_session_and_api_logins(cast, web, api):
    mechanic_browser = web(cast.mechanic)
    mechanic_api = api(cast.mechanic)
    response = web(cast.manager).post(reverse("accounts:user_deactivate", args=[cast.mechanic.pk]), follow=True)
    assert response.redirect_chain[-1][0] == USERS
    assert "can no longer log in" in response.content.decode()
    assert mechanic_browser.get(reverse("accounts:profile")).status_code == 302
    assert mechanic_api.get("/api/v1/me/").status_code == 401


def test_an_admin_cannot_deactivate_themselves(cast, web):
    response = web(cast.admin).post(reverse("accounts:user_deactivate", args=[cast.admin.pk]))
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.content.decode()
    cast.admin.refresh_from_db()
    assert cast.admin.is_active


def test_deactivate_refuses_get(cast, web):
    response = web(cast.admin).get(reverse("accounts:user_deactivate", args=[cast.mechanic.pk]))
    assert response.status_code == 405


# --- Professional applications ------------------------------------------------------------


def test_a_client_applies_and_then_sees_the_status(cast, web):
    client = web(cast.client)
    response = client.post(reverse("accounts:apply"), {"location": cast.location.pk, "message": "Diez años"})
    assert response.status_code == 302
    application = ProfessionalApplication.objects.get(user=cast.client)
    assert (application.location, application.message) == (cast.location, "Diez años")
    page = client.get(reverse("accounts:apply"))
    assert page.context["pending"] is True
    assert "Pending" in page.content.decode()
    assert 'name="location"' not in page.content.decode()


def test_a_second_pending_application_is_refused(cast, web):
    ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    response = web(cast.client).post(reverse("accounts:apply"), {"location": cast.other_location.pk, "message": ""})
    assert response.status_code == 400
    assert "already have an application" in response.content.decode()
    assert ProfessionalApplication.objects.filter(user=cast.client).count() == 1


def test_a_client_cannot_apply_at_an_inactive_location(cast, web):
    cast.other_location.is_active = False
    cast.other_location.save()
    response = web(cast.client).post(reverse("accounts:apply"), {"location": cast.other_location.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["location"]


def test_the_admin_sees_pending_and_decided_applications(cast, web):
    pending = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    decided = ProfessionalApplicationFactory(
        user=cast.outsider, location=cast.location, status=ApplicationStatus.REJECTED
    )
    response = web(cast.admin).get(reverse("accounts:application_list"))
    assert response.context["pending"] == [pending]
    assert list(response.context["decided_page"].object_list) == [decided]
    assert reverse("accounts:application_decide", args=[pending.pk]) in response.content.decode()


def test_the_admin_approves_and_the_applicant_becomes_a_mechanic(
    cast, web, mailoutbox, django_capture_on_commit_callbacks
):
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    with django_capture_on_commit_callbacks(execute=True):
        response = web(cast.admin).post(
            reverse("accounts:application_decide", args=[application.pk]), {"decision": "approve", "note": "¡Hola!"}
        )
    assert response.status_code == 302
    cast.client.refresh_from_db()
    assert cast.client.role == Role.MECHANIC
    assert "¡Hola!" in rendered_email(recipient=cast.client, template="application_decided").text


def test_the_admin_rejects_with_a_note(cast, web):
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    url = reverse("accounts:application_decide", args=[application.pk])
    web(cast.admin).post(url, {"decision": "reject", "note": "Sin vacantes"})
    application.refresh_from_db()
    assert (application.status, application.decision_note) == (ApplicationStatus.REJECTED, "Sin vacantes")


def test_deciding_twice_or_without_a_decision_is_refused(cast, web):
    application = ProfessionalApplicationFactory(
        user=cast.client, location=cast.location, status=ApplicationStatus.REJECTED
    )
    url = reverse("accounts:application_decide", args=[application.pk])
    client = web(cast.admin)
    assert client.post(url, {"decision": "approve"}).status_code == 400
    assert client.post(url, {"decision": "maybe"}).status_code == 400
    cast.client.refresh_from_db()
    assert cast.client.role == Role.CLIENT


def test_the_application_list_query_count_is_bounded(cast, web, django_assert_max_num_queries):
    for _ in range(10):
        ProfessionalApplicationFactory(location=cast.location)
        ProfessionalApplicationFactory(location=cast.location, status=ApplicationStatus.APPROVED, decided_by=cast.admin)
    client = web(cast.admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:application_list"))
    assert len(response.context["pending"]) == 10
