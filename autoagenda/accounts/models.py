from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    RECEPTIONIST = "receptionist", _("Receptionist")
    MECHANIC = "mechanic", _("Mechanic")
    CLIENT = "client", _("Client")


STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST, Role.MECHANIC})
# Roles tied to locations through StaffMembership (admins see every location).
LOCATION_ROLES = (Role.MANAGER, Role.RECEPTIONIST, Role.MECHANIC)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.CLIENT)
        extra.setdefault("is_superuser", False)
        extra["is_staff"] = extra.get("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email. `role` decides what they may do.

    `is_staff` keeps Django's meaning (may open the Django admin back office);
    workshop staff are told apart by `role`.
    """

    email = models.EmailField(_("email"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("E.164, e.g. +56912345678."))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CLIENT)
    language = models.CharField(
        _("language"), max_length=8, choices=[("es", "Español"), ("en", "English")], default="es"
    )
    marketing_opt_in = models.BooleanField(_("accepts promotional messages"), default=False)
    # The channels a person wants their messages on (the notifications outbox reads them); in-app always.
    notify_email = models.BooleanField(_("notify by email"), default=True)
    notify_sms = models.BooleanField(_("notify by SMS"), default=False)
    notify_whatsapp = models.BooleanField(_("notify by WhatsApp"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("last_name", "first_name", "email")
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="accounts_user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_workshop_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT


class StaffMembership(models.Model):
    """A staff member works at a location in a role (their user role)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "location"], name="accounts_staffmembership_one_per_location"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in LOCATION_ROLES]),
                name="accounts_staffmembership_role_is_location_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.location} ({self.role})"


class LoginSession(models.Model):
    """One API login: the family of refresh tokens rotated from one sign-in.

    Every JWT carries the session id (`sid`). Revoking the session (logout,
    password change, deactivation, reuse of a rotated refresh token) stops all
    of its access and refresh tokens at once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("API login")
        verbose_name_plural = _("API logins")
        indexes: ClassVar = [models.Index(fields=["user", "revoked_at"], name="accounts_loginsession_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ProfessionalApplication(models.Model):
    """A client asks to work as a professional (mechanic); an admin decides."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="professional_applications")
    location = models.ForeignKey(
        "locations.Location", on_delete=models.CASCADE, related_name="professional_applications"
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("professional application")
        verbose_name_plural = _("professional applications")
        ordering = ("-created_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="accounts_professionalapplication_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.location} ({self.status})"


class ClientLinkSource(models.TextChoices):
    BOOKING = "booking", _("Booking")
    DESK_CREATED = "desk_created", _("Created at the desk")
    DESK_FOUND = "desk_found", _("Found at the desk by an exact identifier")
    WALKIN = "walkin", _("Walk-in ticket")
    BACKFILL = "backfill", _("Earlier appointments")


class ClientLocation(models.Model):
    """This location serves this client: its staff may see the client's profile, vehicles and history here.

    A person–location relation like `StaffMembership`, so it lives here: the people rules
    (accounts/permissions.py) read it without naming a higher app.

    Written, idempotently and in the same transaction, by whatever serves a client at a location (a booking,
    the desk creating or finding them, a walk-in ticket naming them); `source` keeps how it started.
    """

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="served_at")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="served_clients")
    source = models.CharField(_("source"), max_length=16, choices=ClientLinkSource.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("client served at a location")
        verbose_name_plural = _("clients served at locations")
        ordering = ("location", "client")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["client", "location"], name="accounts_clientlocation_unique"),
            models.CheckConstraint(
                condition=models.Q(source__in=[s.value for s in ClientLinkSource]),
                name="accounts_clientlocation_source",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["location", "client"], name="accounts_clientloc_location")]

    def __str__(self) -> str:
        return f"{self.client_id} @ {self.location_id} ({self.source})"
