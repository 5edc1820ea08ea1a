"""The accounts services: the rules hold whatever calls them (web, API, commands)."""

import pytest
from django.db import transaction

from autoagenda.accounts import services
from autoagenda.accounts.models import ApplicationStatus, LoginSession, Role, StaffMembership, User
from autoagenda.accounts.tokens import token_pair_for_login
from autoagenda.core.errors import ApplicationError
from autoagenda.notifications.models import Delivery
from tests.accounts.factories import PASSWORD, ProfessionalApplicationFactory, StaffFactory, UserFactory
from tests.locations.factories import LocationFactory
from tests.notifications.factories import rendered_email

STRONG = "tornillo-llave-inglesa-42"


def _live_sessions(user: User) -> int:
    return LoginSession.objects.filter(user=user, revoked_at=None).count()


# --- client_register --------------------------------------------------------


def test_it_registers_a_client_with_a_lowercased_email(db):
    signed_up = services.client_register(
        email="  Ana.Perez@Example.COM ", password=STRONG, first_name="Ana", last_name="Pérez", phone="+56911112222"
    )
    assert signed_up.email == "ana.perez@example.com"
    user = User.objects.get(email="ana.perez@example.com")
    assert user.role == Role.CLIENT
    assert user.check_password(STRONG)
    assert not user.memberships.exists()


def test_an_email_already_taken_in_another_case_creates_nothing(db):
    owner = UserFactory(email="ana@example.com")
    signed_up = services.client_register(email="ANA@example.com", password=STRONG, first_name="A", last_name="B")
    assert signed_up.email == "ana@example.com"
    assert User.objects.filter(email__iexact="ana@example.com").get() == owner


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("short-9Xa", id="shorter-than-12"),
        pytest.param("password1234", id="common"),
        pytest.param("123456789012345", id="numeric"),
        pytest.param("ana.perez.example", id="like-the-email"),
    ],
)
def test_it_refuses_a_weak_password(db, password):
    with pytest.raises(ApplicationError) as caught:
        services.client_register(email="ana.perez@example.com", password=password, first_name="Ana", last_name="P")
    assert caught.value.errors["password"]
    assert not User.objects.filter(email="ana.perez@example.com").exists()


def test_it_refuses_a_malformed_email(db):
    with pytest.raises(ApplicationError) as caught:
        services.client_register(email="not-an-email", password=STRONG, first_name="A", last_name="B")
    assert "email" in caught.value.errors


# --- profile and passwords --------------------------------------------------


def test_profile_update_changes_only_the_fields_given(db):
    user = UserFactory(first_name="Ana", phone="+56900000000", language="es")
    services.profile_update(user=user, phone=" +56911111111 ", language="en", marketing_opt_in=True)
    user.refresh_from_db()
    assert (user.first_name, user.phone, user.language, user.marketing_opt_in) == ("Ana", "+56911111111", "en", True)


def test_profile_update_refuses_an_unknown_language(db):
    user = UserFactory()
    with pytest.raises(ApplicationError) as caught:
        services.profile_update(user=user, language="xx")
    assert "language" in caught.value.errors


def test_profile_update_refuses_a_phone_longer_than_the_column(db):
    user = UserFactory()
    with pytest.raises(ApplicationError) as caught:
        services.profile_update(user=user, phone="9" * 40)
    assert "phone" in caught.value.errors


def test_password_change_needs_the_current_password(db):
    user = UserFactory()
    with pytest.raises(ApplicationError) as caught:
        services.password_change(user=user, old="wrong-password-123", new=STRONG)
    assert "old_password" in caught.value.errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_refuses_a_weak_new_password(db):
    user = UserFactory()
    with pytest.raises(ApplicationError) as caught:
        services.password_change(user=user, old=PASSWORD, new="abc")
    assert caught.value.errors["new_password"]


def test_password_change_ends_every_api_login_of_the_user(db):
    user, other = UserFactory(), UserFactory()
    token_pair_for_login(user)
    token_pair_for_login(user)
    token_pair_for_login(other)
    services.password_change(user=user, old=PASSWORD, new=STRONG)
    assert _live_sessions(user) == 0
    assert _live_sessions(other) == 1
    assert set(LoginSession.objects.filter(user=user).values_list("revoked_reason", flat=True)) == {"password_change"}


def test_password_reset_apply_sets_the_password_and_ends_api_logins(db):
    user = UserFactory()
    token_pair_for_login(user)
    services.password_reset_apply(user=user, new=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert _live_sessions(user) == 0


# --- staff_create -------------------------------------------------------------


def test_an_admin_creates_a_manager_with_memberships_at_each_location(cast):
    user = services.staff_create(
        actor=cast.admin,
        email="Nueva.Gerente@example.com",
        first_name="Nueva",
        last_name="Gerente",
        role=Role.MANAGER,
        locations=[cast.location, cast.other_location],
        password=STRONG,
    )
    assert user.email == "nueva.gerente@example.com"
    memberships = StaffMembership.objects.filter(user=user)
    assert {m.location_id for m in memberships} == {cast.location.pk, cast.other_location.pk}
    assert {m.role for m in memberships} == {Role.MANAGER}


def test_an_admin_creates_an_admin_without_memberships(cast):
    user = services.staff_create(
        actor=cast.admin,
        email="jefa@example.com",
        first_name="Jefa",
        last_name="Dueña",
        role=Role.ADMIN,
        locations=[cast.location],
        password=STRONG,
    )
    assert user.role == Role.ADMIN
    assert not user.memberships.exists()


def test_a_manager_creates_a_mechanic_at_a_location_they_manage(cast):
    user = services.staff_create(
        actor=cast.manager,
        email="mecanico2@example.com",
        first_name="Pedro",
        last_name="Soto",
        role=Role.MECHANIC,
        locations=[cast.location.pk],
        password=STRONG,
        phone="+56922223333",
    )
    assert user.role == Role.MECHANIC
    assert list(user.memberships.values_list("location_id", "role")) == [(cast.location.pk, Role.MECHANIC)]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_a_manager_may_not_create_managers_or_admins(cast, role):
    with pytest.raises(ApplicationError) as caught:
        services.staff_create(
            actor=cast.manager,
            email="x@example.com",
            first_name="X",
            last_name="Y",
            role=role,
            locations=[cast.location],
            password=STRONG,
        )
    assert caught.value.status == 403
    assert not User.objects.filter(email="x@example.com").exists()


def test_a_manager_may_not_create_staff_at_a_location_they_do_not_manage(cast):
    with pytest.raises(ApplicationError) as caught:
        services.staff_create(
            actor=cast.manager,
            email="x@example.com",
            first_name="X",
            last_name="Y",
            role=Role.MECHANIC,
            locations=[cast.location, cast.other_location],
            password=STRONG,
        )
    assert caught.value.status == 403
    assert not User.objects.filter(email="x@example.com").exists()


@pytest.mark.parametrize("who", ["receptionist", "mechanic", "client"])
def test_other_roles_may_not_create_staff(cast, who):
    with pytest.raises(ApplicationError) as caught:
        services.staff_create(
            actor=cast.by_name(who),
            email="x@example.com",
            first_name="X",
            last_name="Y",
            role=Role.MECHANIC,
            locations=[cast.location],
            password=STRONG,
        )
    assert caught.value.code == "permission_denied"


def test_location_staff_need_at_least_one_location(cast):
    with pytest.raises(ApplicationError) as caught:
        services.staff_create(
            actor=cast.admin,
            email="x@example.com",
            first_name="X",
            last_name="Y",
            role=Role.RECEPTIONIST,
            locations=[],
            password=STRONG,
        )
    assert caught.value.status == 400
    assert "locations" in caught.value.errors


def test_staff_create_refuses_the_client_role_and_a_taken_email(cast):
    with pytest.raises(ApplicationError) as role_error:
        services.staff_create(
            actor=cast.admin,
            email="x@example.com",
            first_name="X",
            last_name="Y",
            role=Role.CLIENT,
            locations=[],
            password=STRONG,
        )
    assert "role" in role_error.value.errors
    with pytest.raises(ApplicationError) as email_error:
        services.staff_create(
            actor=cast.admin,
            email="MECHANIC@example.com",
            first_name="X",
            last_name="Y",
            role=Role.MECHANIC,
            locations=[cast.location],
            password=STRONG,
        )
    assert "email" in email_error.value.errors


# --- staff_update and user_deactivate ----------------------------------------------


def test_staff_update_replaces_locations_and_carries_the_role_to_memberships(cast):
    services.staff_update(actor=cast.admin, user=cast.mechanic, role=Role.RECEPTIONIST, locations=[cast.other_location])
    cast.mechanic.refresh_from_db()
    assert cast.mechanic.role == Role.RECEPTIONIST
    assert list(cast.mechanic.memberships.values_list("location_id", "role")) == [
        (cast.other_location.pk, Role.RECEPTIONIST)
    ]


def test_staff_update_keeps_locations_when_only_the_role_changes(cast):
    services.staff_update(actor=cast.manager, user=cast.mechanic, role=Role.RECEPTIONIST, first_name="Nuevo")
    cast.mechanic.refresh_from_db()
    assert cast.mechanic.first_name == "Nuevo"
    assert list(cast.mechanic.memberships.values_list("location_id", "role")) == [(cast.location.pk, Role.RECEPTIONIST)]


def test_turning_staff_into_an_admin_drops_their_memberships(cast):
    services.staff_update(actor=cast.admin, user=cast.manager, role=Role.ADMIN)
    assert not StaffMembership.objects.filter(user=cast.manager).exists()


def test_a_manager_may_not_move_staff_to_a_location_they_do_not_manage(cast):
    with pytest.raises(ApplicationError) as caught:
        services.staff_update(actor=cast.manager, user=cast.mechanic, locations=[cast.other_location])
    assert caught.value.status == 403
    assert list(cast.mechanic.memberships.values_list("location_id", flat=True)) == [cast.location.pk]


def test_a_manager_may_not_promote_staff_to_manager(cast):
    with pytest.raises(ApplicationError) as caught:
        services.staff_update(actor=cast.manager, user=cast.mechanic, role=Role.MANAGER)
    assert caught.value.status == 403
    cast.mechanic.refresh_from_db()
    assert cast.mechanic.role == Role.MECHANIC


def test_a_manager_may_not_edit_staff_of_another_location(cast):
    with pytest.raises(ApplicationError) as caught:
        services.staff_update(actor=cast.manager, user=cast.other_mechanic, first_name="X")
    assert caught.value.status == 403


def test_an_admin_may_not_change_their_own_role_or_deactivate_themselves(cast):
    with pytest.raises(ApplicationError) as role_error:
        services.staff_update(actor=cast.admin, user=cast.admin, role=Role.MANAGER, locations=[cast.location])
    assert "role" in role_error.value.errors
    with pytest.raises(ApplicationError) as active_error:
        services.staff_update(actor=cast.admin, user=cast.admin, is_active=False)
    assert "is_active" in active_error.value.errors
    with pytest.raises(ApplicationError):
        services.user_deactivate(actor=cast.admin, user=cast.admin)
    cast.admin.refresh_from_db()
    assert cast.admin.is_active
    assert cast.admin.role == Role.ADMIN


def test_deactivation_ends_api_logins_and_keeps_the_memberships(cast):
    token_pair_for_login(cast.mechanic)
    services.user_deactivate(actor=cast.manager, user=cast.mechanic)
    cast.mechanic.refresh_from_db()
    assert not cast.mechanic.is_active
    assert _live_sessions(cast.mechanic) == 0
    assert LoginSession.objects.get(user=cast.mechanic).revoked_reason == "deactivated"
    assert cast.mechanic.memberships.exists()


def test_deactivating_through_staff_update_also_ends_api_logins(cast):
    token_pair_for_login(cast.receptionist)
    services.staff_update(actor=cast.admin, user=cast.receptionist, is_active=False)
    assert _live_sessions(cast.receptionist) == 0


def test_a_manager_may_not_deactivate_another_manager(cast):
    with pytest.raises(ApplicationError) as caught:
        services.user_deactivate(actor=cast.manager, user=cast.other_manager)
    assert caught.value.status == 403
    cast.other_manager.refresh_from_db()
    assert cast.other_manager.is_active


# --- professional applications --------------------------------------------


def test_a_client_applies_once_at_a_time(cast):
    first = services.professional_application_submit(user=cast.client, location=cast.location, message="Hola")
    assert first.status == ApplicationStatus.PENDING
    with pytest.raises(ApplicationError) as caught:
        services.professional_application_submit(user=cast.client, location=cast.other_location, message="")
    assert caught.value.code == "conflict"
    assert caught.value.status == 409


def test_a_client_may_apply_again_after_a_decision(cast):
    ProfessionalApplicationFactory(user=cast.client, location=cast.location, status=ApplicationStatus.REJECTED)
    again = services.professional_application_submit(user=cast.client, location=cast.location, message="Otra vez")
    assert again.status == ApplicationStatus.PENDING


def test_staff_may_not_apply(cast):
    with pytest.raises(ApplicationError) as caught:
        services.professional_application_submit(user=cast.mechanic, location=cast.location, message="")
    assert caught.value.status == 403


def test_a_client_may_not_apply_at_a_closed_location(cast):
    closed = LocationFactory(is_active=False)
    with pytest.raises(ApplicationError) as caught:
        services.professional_application_submit(user=cast.client, location=closed, message="")
    assert "location" in caught.value.errors


def test_approval_turns_the_client_into_a_mechanic_and_emails_them(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.other_location)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.professional_application_decide(
            actor=cast.admin, application=application, approve=True, note="Bienvenido"
        )
    assert decided.status == ApplicationStatus.APPROVED
    assert decided.decided_by == cast.admin
    assert decided.decided_at is not None
    cast.client.refresh_from_db()
    assert cast.client.role == Role.MECHANIC
    assert list(cast.client.memberships.values_list("location_id", "role")) == [(cast.other_location.pk, Role.MECHANIC)]
    email = rendered_email(recipient=cast.client, template="application_decided")
    assert "Bienvenido" in email.text
    assert cast.other_location.name in email.text


def test_rejection_keeps_the_client_a_client_and_emails_in_their_language(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.client.language = "en"
    cast.client.save()
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    with django_capture_on_commit_callbacks(execute=True):
        services.professional_application_decide(actor=cast.admin, application=application, approve=False)
    cast.client.refresh_from_db()
    assert cast.client.role == Role.CLIENT
    assert not cast.client.memberships.exists()
    assert "not approved" in rendered_email(recipient=cast.client, template="application_decided").text


def test_the_decision_email_is_queued_in_the_decisions_transaction(cast, mailoutbox):
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)

    def decide_then_fail() -> None:
        with transaction.atomic():
            services.professional_application_decide(actor=cast.admin, application=application, approve=True)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not Delivery.objects.exists()
    services.professional_application_decide(actor=cast.admin, application=application, approve=True)
    assert list(Delivery.objects.values_list("template", "channel")) == [("application_decided", "email")]
    assert mailoutbox == []  # the worker sends it, never the request


def test_an_application_is_decided_only_once(cast):
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    services.professional_application_decide(actor=cast.admin, application=application, approve=False)
    with pytest.raises(ApplicationError) as caught:
        services.professional_application_decide(actor=cast.admin, application=application, approve=True)
    assert caught.value.status == 409
    cast.client.refresh_from_db()
    assert cast.client.role == Role.CLIENT


@pytest.mark.parametrize("who", ["manager", "receptionist", "mechanic", "client"])
def test_only_an_admin_decides(cast, who):
    application = ProfessionalApplicationFactory(user=UserFactory(), location=cast.location)
    with pytest.raises(ApplicationError) as caught:
        services.professional_application_decide(actor=cast.by_name(who), application=application, approve=True)
    assert caught.value.status == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_a_mail_server_failure_does_not_undo_the_decision(cast, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.accounts.test_services.BrokenBackend"
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    with django_capture_on_commit_callbacks(execute=True):
        services.professional_application_decide(actor=cast.admin, application=application, approve=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_manager_may_not_edit_staff_who_also_work_at_another_location(cast):
    extra = StaffFactory(role=Role.MECHANIC, location=[cast.location, cast.other_location])
    with pytest.raises(ApplicationError):
        services.staff_update(actor=cast.manager, user=extra, first_name="X")
    services.staff_update(actor=cast.manager, user=cast.mechanic, first_name="X")
    cast.mechanic.refresh_from_db()
    assert cast.mechanic.first_name == "X"
