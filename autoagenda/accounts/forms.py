"""HTML forms for people. They validate shape; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import LOCATION_ROLES, STAFF_ROLES, Role, User
from autoagenda.accounts.permissions import (
    application_locations,
    assignable_locations,
    people_locations,
    roles_assignable_by,
)


def _text(label: Any, *, required: bool = True, max_length: int = 150, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=attrs or None)
    )


def _phone() -> forms.CharField:
    return forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


def _new_password(label: Any, *, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class EmailAuthenticationForm(AuthenticationForm):
    """Login by email. The address is lowercased before authenticating, so the lockout
    counts failures per account whatever the capitalisation typed."""

    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email or the password is not correct."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class SignupForm(forms.Form):
    first_name = _text(_("First name"), autocomplete="given-name")
    last_name = _text(_("Last name"), autocomplete="family-name")
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = _phone()
    password1 = _new_password(_("Password"), help_text=password_validators_help_text_html())
    password2 = _new_password(_("Password again"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class ProfileForm(forms.Form):
    first_name = _text(_("First name"), autocomplete="given-name")
    last_name = _text(_("Last name"), autocomplete="family-name")
    phone = _phone()
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    notify_email = forms.BooleanField(label=_("Send me messages by email"), required=False)
    notify_sms = forms.BooleanField(label=_("Send me messages by SMS"), required=False)
    notify_whatsapp = forms.BooleanField(label=_("Send me messages by WhatsApp"), required=False)
    marketing_opt_in = forms.BooleanField(label=_("Send me promotions and offers"), required=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = _new_password(_("New password"), help_text=password_validators_help_text_html())
    new_password2 = _new_password(_("New password again"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("The two passwords do not match."))
        return data


def _role_choices(actor: User, *, include_current: str | None = None) -> list[tuple[str, Any]]:
    allowed = set(roles_assignable_by(actor))
    if include_current:
        allowed.add(include_current)
    return [(value, label) for value, label in Role.choices if value in allowed]


def _assignable_locations(actor: User) -> Any:
    return assignable_locations(actor).order_by("name")


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, email or phone")}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    location: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Location"), required=False, queryset=None, empty_label=_("All locations")
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = people_locations(actor).order_by("name")  # type: ignore[attr-defined]


class StaffForm(forms.Form):
    """Create (with email and password) or edit (with active flag) a staff member."""

    first_name = _text(_("First name"))
    last_name = _text(_("Last name"))
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = _phone()
    role = forms.ChoiceField(label=_("Role"))
    locations: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Managers, receptionists and mechanics work at the locations ticked here."),
    )
    password1 = _new_password(_("Initial password"), help_text=password_validators_help_text_html())
    password2 = _new_password(_("Initial password again"))
    is_active = forms.BooleanField(label=_("Active (may log in)"), required=False)

    def __init__(self, *args: Any, actor: User, target: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["locations"].queryset = _assignable_locations(actor)  # type: ignore[attr-defined]
        if target is None:
            self.fields["role"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in _role_choices(actor) if value in STAFF_ROLES
            ]
            del self.fields["is_active"]
            self.fields["role"].initial = Role.MECHANIC
        else:
            self.fields["role"].choices = _role_choices(actor, include_current=target.role)  # type: ignore[attr-defined]
            for name in ("email", "password1", "password2"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        if data.get("role") in LOCATION_ROLES and "locations" in data and not data["locations"]:
            self.add_error("locations", _("Choose at least one location."))
        return data


class ApplicationForm(forms.Form):
    location: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Location"), queryset=None)
    message = forms.CharField(
        label=_("Tell us about your experience"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = application_locations().order_by("name")  # type: ignore[attr-defined]


class ApplicationDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note to the applicant"), required=False, max_length=500)
