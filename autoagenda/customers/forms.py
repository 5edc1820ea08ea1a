from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import users_visible_to
from autoagenda.customers.models import Vehicle
from autoagenda.customers.permissions import can_add_vehicles_for_others
from autoagenda.customers.services import MAX_MILEAGE


class VehicleForm(forms.Form):
    owner_email = forms.EmailField(
        label=_("Owner (client's email)"), help_text=_("The client must already have an account.")
    )
    plate = forms.CharField(
        label=_("Plate"), max_length=40, widget=forms.TextInput(attrs={"autocapitalize": "characters"})
    )
    make = forms.CharField(label=_("Make"), max_length=60)
    model = forms.CharField(label=_("Model"), max_length=60)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    mileage = forms.IntegerField(label=_("Mileage (km)"), required=False, min_value=0, max_value=MAX_MILEAGE)
    color = forms.CharField(label=_("Colour"), required=False, max_length=30)
    vin = forms.CharField(
        label=_("VIN"),
        required=False,
        max_length=40,
        help_text=_("17 characters, on the windscreen or the registration papers. Optional."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, vehicle: Vehicle | None = None, **kwargs: Any) -> None:
        if vehicle is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f: getattr(vehicle, f) for f in ("plate", "make", "model", "year", "mileage", "vin", "color", "notes")
            }
        super().__init__(*args, **kwargs)
        self.user = user
        next_year = timezone.now().year + 1
        self.fields["year"].validators.append(MaxValueValidator(next_year))
        self.fields["year"].widget.attrs["max"] = next_year
        if vehicle is not None or not can_add_vehicles_for_others(user):
            del self.fields["owner_email"]

    def clean_owner_email(self) -> User:
        email = self.cleaned_data["owner_email"]
        owner = users_visible_to(self.user).filter(email__iexact=email, role=Role.CLIENT, is_active=True).first()
        if owner is None:
            raise forms.ValidationError(_("No active client has this email."))
        return owner

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape the vehicle services take."""
        data = dict(self.cleaned_data)
        if "owner_email" in data:
            data["owner"] = data.pop("owner_email")
        return data
