"""What the people services share: clean and check names, emails, passwords and languages."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import StaffMembership, User
from autoagenda.core import phones
from autoagenda.core.errors import ApplicationError

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
