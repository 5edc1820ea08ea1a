"""Clients: signing up, their profile and password, and the accounts the desk creates for them.

Failures raise `ApplicationError` and leave the database as it was.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from functools import partial

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import (
    Role,
    User,
)
from autoagenda.accounts.permissions import (
    is_staff_member,
    require,
)
from autoagenda.accounts.services.base import (
    LANGUAGE_CODES,
    _check_email_free,
    _check_language,
    _check_password,
    _clean_phone,
    _clean_text,
    _home_region,
    _normalize_email,
)
from autoagenda.accounts.tokens import sessions_revoke_for_user
from autoagenda.core.errors import ApplicationError

logger = logging.getLogger(__name__)


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
    require(is_staff_member(actor))
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
