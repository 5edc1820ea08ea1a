"""Every write on people: sign-up, profile, passwords, staff, professional applications.

Views, the API and commands call these; none of them touches `User` directly.
Failures raise `ApplicationError` and leave the database as it was.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts import permissions
from autoagenda.accounts.models import (
    LOCATION_ROLES,
    STAFF_ROLES,
    ApplicationStatus,
    ProfessionalApplication,
    Role,
    StaffMembership,
    User,
)
from autoagenda.accounts.tokens import sessions_revoke_for_user
from autoagenda.core import phones
from autoagenda.core.errors import ApplicationError

if TYPE_CHECKING:
    from autoagenda.locations.models import Location

logger = logging.getLogger(__name__)
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def _deny(message: str) -> ApplicationError:
    return ApplicationError("permission_denied", message)


def _normalize_email(email: str) -> str:
    """Emails are stored lowercased, so uniqueness and login ignore case."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError.invalid("email", str(_("Enter a valid email address."))) from exc
    return email


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    taken = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ApplicationError.invalid("email", str(_("An account with this email already exists.")))


def _check_password(password: str, user: User, *, field: str = "password") -> None:
    """Django's validators: length (12 by default), common passwords, similarity to the person's data."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("invalid", str(_("Choose a stronger password.")), errors={field: exc.messages}) from exc


def _check_language(language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise ApplicationError.invalid("language", str(_("Unknown language.")))


def _clean_text(field: str, value: str) -> str:
    """Trimmed, and within the column's length (SQLite would store more; PostgreSQL would fail)."""
    value = value.strip()
    limit = getattr(User._meta.get_field(field), "max_length", None)
    if limit is not None and len(value) > limit:
        raise ApplicationError.invalid(
            field, str(_("Ensure this value has at most %(limit)d characters.") % {"limit": limit})
        )
    return value


def _clean_phone(value: str, *, region: str | None = None) -> str:
    """E.164 (`+56912345678`), so SMS and WhatsApp can use it as stored; "" means no phone."""
    value = _clean_text("phone", value)
    try:
        return phones.to_e164(value, region=region)
    except phones.InvalidPhone as exc:
        raise ApplicationError.invalid(
            "phone", str(_("Enter a phone number with its area code, e.g. +56 9 1234 5678."))
        ) from exc


def _home_region(user: User) -> str | None:
    """The country of the first location the person works at: how they write local numbers."""
    if user.pk is None:
        return None
    country: str | None = (
        StaffMembership.objects.filter(user=user).order_by("pk").values_list("location__country", flat=True).first()
    )
    return country or None


def _region_of(locations: Iterable[object]) -> str | None:
    """The country of the first location given as an object (forms and the API pass Location instances)."""
    return next((str(c) for loc in locations if (c := getattr(loc, "country", None))), None)


def _save_new_user(user: User, password: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up took the email between the check and the insert
        raise ApplicationError.invalid("email", str(_("An account with this email already exists."))) from exc
    return user


# --- Clients: sign-up and profile ------------------------------------------------


@dataclass(frozen=True)
class SignUp:
    """What a sign-up answers: the submitted data as an account would hold it, never whether one was made.

    No `id`: a new account's id and "there was one already" would tell the two cases apart.
    """

    email: str
    first_name: str
    last_name: str
    phone: str
    language: str
    role: str = Role.CLIENT
    id: None = None
    locations: tuple[int, ...] = ()
    marketing_opt_in: bool = False


# A sign-up emails the address at most this often, so that repeating one cannot flood someone's mailbox.
SIGN_UP_EMAIL_INTERVAL_SECONDS = 15 * 60


def client_register(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    language: str | None = None,
) -> SignUp:
    """A new client account, ready to log in, and a welcome email to it — or, when the address already has
    an account, nothing new: its owner is emailed instead (someone tried to sign up with it).

    Both answer the same and do the same work (the password hashed, one lookup, one email after commit),
    so signing up cannot be used to find out who has an account.
    """
    email = _normalize_email(email)
    user = User(
        email=email,
        first_name=_clean_text("first_name", first_name),
        last_name=_clean_text("last_name", last_name),
        phone=_clean_phone(phone),
        role=Role.CLIENT,
        language=language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE,
    )
    _check_password(password, user)
    user.set_password(password)  # before knowing whether it is kept: the slow step costs the same either way
    with transaction.atomic():
        owner = User.objects.filter(email__iexact=email).first()
        if owner is None:
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # a concurrent sign-up took the address between the lookup and the insert
                owner = User.objects.get(email__iexact=email)
        recipient, created = (user, True) if owner is None else (owner, False)
        transaction.on_commit(partial(_email_sign_up, recipient.pk, created=created))
    return SignUp(
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        phone=user.phone,
        language=user.language,
    )


def _email_sign_up(user_id: int, *, created: bool) -> None:
    """After commit, in the account's language: a welcome to a new account, or a note to the owner of the
    address that someone tried to sign up with it, with a link to choose a new password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or is_placeholder_email(user.email):
        return
    if not cache.add(f"accounts:sign-up-email:{user.pk}", True, timeout=SIGN_UP_EMAIL_INTERVAL_SECONDS):
        return
    site_url = settings.SITE_URL.rstrip("/")
    context = {
        "user": user,
        "login_url": site_url + reverse("accounts:login"),
        "reset_url": site_url
        + reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        ),
    }
    template = "accounts/email/sign_up_welcome" if created else "accounts/email/sign_up_existing"
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except Exception:  # the sign-up is committed; a mail server being down must not turn it into an error page
        logger.exception("Could not email the sign-up notice to user %s", user_id)


def profile_update(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    marketing_opt_in: bool | None = None,
    notify_email: bool | None = None,
    notify_sms: bool | None = None,
    notify_whatsapp: bool | None = None,
) -> User:
    """The person's own contact data and preferences; fields left as None keep their value.

    SMS and WhatsApp need a phone: asking for them without one is refused, and removing the phone turns them off.
    """
    changes: dict[str, object] = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None:
            changes[field] = _clean_text(field, value)
    if phone is not None:
        changes["phone"] = _clean_phone(phone, region=_home_region(user))
    if language is not None:
        _check_language(language)
        changes["language"] = language
    for field, flag in (
        ("marketing_opt_in", marketing_opt_in),
        ("notify_email", notify_email),
        ("notify_sms", notify_sms),
        ("notify_whatsapp", notify_whatsapp),
    ):
        if flag is not None:
            changes[field] = bool(flag)
    has_phone = bool(changes.get("phone", user.phone))
    for field in ("notify_sms", "notify_whatsapp"):
        if changes.get(field) and not has_phone:
            raise ApplicationError.invalid(field, str(_("Add your phone number to get messages on it.")))
        if not has_phone and getattr(user, field):
            changes[field] = False
    changes = {name: value for name, value in changes.items() if getattr(user, name) != value}
    if not changes:
        return user
    with transaction.atomic():
        for name, new_value in changes.items():
            setattr(user, name, new_value)
        user.save(update_fields=list(changes))
    return user


def password_change(*, user: User, old: str, new: str) -> User:
    """A new password; every API login of the user ends (a stolen token stops working)."""
    if not user.check_password(old):
        raise ApplicationError.invalid("old_password", str(_("Your current password is not correct.")))
    _check_password(new, user, field="new_password")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        sessions_revoke_for_user(user, reason="password_change")
    return user


def password_reset_apply(*, user: User, new: str) -> User:
    """Password set from an emailed reset link; API logins end as with a change.

    Proving control of the mailbox also lifts a login lockout on the account, so
    the person is not kept out by failures that were probably their own.
    """
    _check_password(new, user, field="new_password")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        sessions_revoke_for_user(user, reason="password_reset")
        axes_reset(username=user.email)
    return user


# --- Staff ----------------------------------------------------------------------


def _location_ids(locations: Iterable[Location | int]) -> set[int]:
    return {loc if isinstance(loc, int) else loc.pk for loc in locations}


def _check_role_and_locations(*, actor: User, role: str, location_ids: set[int]) -> None:
    if role not in STAFF_ROLES:
        raise ApplicationError.invalid("role", str(_("Choose a staff role.")))
    if role not in permissions.roles_assignable_by(actor):
        raise _deny(str(_("Your role may not give this role to anyone.")))
    if role in LOCATION_ROLES and not location_ids:
        raise ApplicationError.invalid("locations", str(_("Choose at least one location.")))
    if role in LOCATION_ROLES and not permissions.can_assign_locations(actor, location_ids):
        raise _deny(str(_("You may only assign locations you manage.")))


def _set_memberships(user: User, role: str, location_ids: set[int]) -> None:
    """Memberships mirror the user's role; admins and clients have none."""
    if role not in LOCATION_ROLES:
        StaffMembership.objects.filter(user=user).delete()
        return
    StaffMembership.objects.filter(user=user).exclude(location_id__in=location_ids).delete()
    StaffMembership.objects.filter(user=user).exclude(role=role).update(role=role)
    existing = set(StaffMembership.objects.filter(user=user).values_list("location_id", flat=True))
    StaffMembership.objects.bulk_create(
        StaffMembership(user=user, location_id=loc, role=role) for loc in sorted(location_ids - existing)
    )
    _availability_changed()  # update() and bulk_create() send no signals


def staff_create(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    locations: Iterable[Location | int],
    password: str,
    phone: str = "",
) -> User:
    """A staff account. Admins create any role; managers mechanics and receptionists at their own locations."""
    if not permissions.can_list_users(actor):
        raise _deny(str(_("Your role may not create staff accounts.")))
    locations = list(locations)
    location_ids = _location_ids(locations)
    _check_role_and_locations(actor=actor, role=role, location_ids=location_ids)
    email = _normalize_email(email)
    locations = list(locations)
    user = User(
        email=email,
        first_name=_clean_text("first_name", first_name),
        last_name=_clean_text("last_name", last_name),
        phone=_clean_phone(phone, region=_region_of(locations)),
        role=role,
    )
    _check_password(password, user)
    with transaction.atomic():
        _check_email_free(email)
        _save_new_user(user, password)
        _set_memberships(user, role, location_ids if role in LOCATION_ROLES else set())
    return user


def staff_update(
    *,
    actor: User,
    user: User,
    role: str | None = None,
    locations: Iterable[Location | int] | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Edit a person as their admin or manager; fields left as None keep their value.

    Locations given replace the memberships; a role change carries the memberships along.
    """
    if not permissions.can_manage_user(actor, user):
        raise _deny(str(_("You may not edit this person.")))
    new_role = role if role is not None else user.role
    if new_role != user.role and user.pk == actor.pk:
        raise ApplicationError.invalid("role", str(_("You cannot change your own role.")))
    if locations is not None:
        locations = list(locations)
        location_ids = _location_ids(locations)
    else:
        location_ids = set(user.memberships.values_list("location_id", flat=True))
    if new_role != user.role or locations is not None:
        if new_role == Role.CLIENT and permissions.is_admin(actor):
            location_ids = set()
        else:
            _check_role_and_locations(actor=actor, role=new_role, location_ids=location_ids)
    if is_active is False and user.pk == actor.pk:
        raise ApplicationError.invalid("is_active", str(_("You cannot deactivate your own account.")))

    changes: dict[str, object] = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None:
            changes[field] = _clean_text(field, value)
    if phone is not None:
        given = list(locations) if locations is not None else []
        changes["phone"] = _clean_phone(phone, region=_region_of(given) or _home_region(user))
        if not changes["phone"]:
            changes.update(notify_sms=False, notify_whatsapp=False)
    if new_role != user.role:
        changes["role"] = new_role
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = is_active
    with transaction.atomic():
        for name, new_value in changes.items():
            setattr(user, name, new_value)
        if changes:
            user.save(update_fields=list(changes))
        if "role" in changes or locations is not None:
            _set_memberships(user, new_role, location_ids if new_role in LOCATION_ROLES else set())
        if changes.get("is_active") is False:
            sessions_revoke_for_user(user, reason="deactivated")
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    """The person can no longer log in, and their API logins stop at once; their history stays."""
    if not permissions.can_manage_user(actor, user):
        raise _deny(str(_("You may not deactivate this person.")))
    if user.pk == actor.pk:
        raise ApplicationError("invalid", str(_("You cannot deactivate your own account.")))
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        sessions_revoke_for_user(user, reason="deactivated")
    return user


# --- Professional applications ------------------------------------------------------


def professional_application_submit(*, user: User, location: Location, message: str = "") -> ProfessionalApplication:
    """A client asks to work as a professional at a location; one open request at a time."""
    if user.role != Role.CLIENT:
        raise _deny(str(_("Only clients can apply to work as a professional.")))
    if not permissions.locations_visible_to(user).filter(pk=location.pk).exists():
        raise ApplicationError.invalid("location", str(_("Choose an open location.")))
    conflict = ApplicationError("conflict", str(_("You already have an application waiting for a decision.")))
    with transaction.atomic():
        if ProfessionalApplication.objects.filter(user=user, status=ApplicationStatus.PENDING).exists():
            raise conflict
        try:
            with transaction.atomic():
                return ProfessionalApplication.objects.create(user=user, location=location, message=message.strip())
        except IntegrityError as exc:  # the partial unique constraint decides a race
            raise conflict from exc


def professional_application_decide(
    *, actor: User, application: ProfessionalApplication, approve: bool, note: str = ""
) -> ProfessionalApplication:
    """An admin approves (the client becomes a mechanic at that location) or rejects; the applicant gets an email."""
    if not permissions.is_admin(actor):
        raise _deny(str(_("Only an administrator decides applications.")))
    with transaction.atomic():
        locked = (
            ProfessionalApplication.objects.select_for_update()
            .select_related("user", "location")
            .get(pk=application.pk)
        )
        if locked.status != ApplicationStatus.PENDING:
            raise ApplicationError("invalid_transition", str(_("This application has already been decided.")))
        applicant = locked.user
        if approve and applicant.role != Role.CLIENT:
            raise ApplicationError("conflict", str(_("The applicant is no longer a client.")))
        locked.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            applicant.role = Role.MECHANIC
            applicant.save(update_fields=["role"])
            StaffMembership.objects.filter(user=applicant).delete()
            StaffMembership.objects.create(user=applicant, location=locked.location, role=Role.MECHANIC)
        transaction.on_commit(lambda: _email_application_decision(locked.pk))
    return locked


def _email_application_decision(application_id: int) -> None:
    """Runs after commit: re-read the decision and tell the applicant in their language."""
    application = ProfessionalApplication.objects.select_related("user", "location").get(pk=application_id)
    applicant = application.user
    context = {
        "application": application,
        "user": applicant,
        "approved": application.status == ApplicationStatus.APPROVED,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    with translation.override(applicant.language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/application_decided_subject.txt", context)
        body = render_to_string("accounts/email/application_decided_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [applicant.email])
    except Exception:  # the decision is committed; a mail server being down must not turn it into an error page
        logger.exception("Could not email the decision on professional application %s", application_id)


# --- desk-created clients (scheduling web, helper "webstaff") --------------------------
# The front desk books for people who phone or walk in and may never log in:
# their account has no usable password (they can set one with "forgot
# password" once it carries a real email). The email is unique and required
# by the model, so a client without one gets a placeholder under the reserved
# `.invalid` domain that no mail is ever sent to.

DESK_EMAIL_DOMAIN = "clients.invalid"


def is_placeholder_email(email: str) -> bool:
    return email.lower().endswith(f"@{DESK_EMAIL_DOMAIN}")


def client_create_at_desk(
    *,
    actor: User,
    first_name: str,
    last_name: str = "",
    phone: str = "",
    email: str = "",
    region: str | None = None,
) -> User:
    """A client account created by staff for a phone or walk-in booking: a name and a phone or an email.

    `region` is the desk's location's country, for numbers typed the local way.
    """
    permissions.require(permissions.is_staff_member(actor))
    first_name = _clean_text("first_name", first_name or "")
    last_name = _clean_text("last_name", last_name or "")
    errors: dict[str, list[str]] = {}
    try:
        phone = _clean_phone(phone or "", region=region or _home_region(actor))
    except ApplicationError as exc:
        errors.update(exc.errors)
        phone = ""
    if not first_name:
        errors["first_name"] = [str(_("This field is required."))]
    email = (email or "").strip()
    if not email and not phone and "phone" not in errors:
        errors["phone"] = [str(_("Give a phone number or an email, so the workshop can reach the client."))]
    if errors:
        raise ApplicationError("invalid", str(_("The client was not created.")), errors=errors)
    email = _normalize_email(email) if email else f"desk-{uuid.uuid4().hex}@{DESK_EMAIL_DOMAIN}"
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        role=Role.CLIENT,
        language=settings.LANGUAGE_CODE,
    )
    user.set_unusable_password()
    with transaction.atomic():
        _check_email_free(email)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # a concurrent sign-up took the email between the check and the insert
            raise ApplicationError.invalid("email", str(_("An account with this email already exists."))) from exc
    return user


def _availability_changed() -> None:
    """Cached availability answers are out once this transaction commits (scheduling/freshness.py)."""
    from autoagenda.scheduling import freshness  # scheduling builds on this app

    freshness.config_changed()
