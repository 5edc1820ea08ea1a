from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import User
from autoagenda.catalog import selectors
from autoagenda.catalog.models import Service
from autoagenda.locations.models import Location


class MechanicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=1440, initial=60)
    buffer_minutes = forms.IntegerField(
        label=_("Buffer after (minutes)"),
        min_value=0,
        max_value=240,
        initial=0,
        help_text=_("Time the mechanic needs after the job before the next booking."),
    )
    price = forms.DecimalField(label=_("Net price"), min_value=0, max_digits=12, decimal_places=2)
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2, initial=Decimal("19")
    )
    requires_mechanic = forms.BooleanField(label=_("Needs a mechanic"), required=False, initial=True)
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"), queryset=Location.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    mechanics = MechanicChoiceField(
        label=_("Mechanics"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every mechanic of the location."),
    )
    repeat_months = forms.IntegerField(
        label=_("Repeat every (months)"), min_value=1, max_value=120, required=False, help_text=_("For reminders.")
    )
    repeat_km = forms.IntegerField(
        label=_("Repeat every (km)"), min_value=100, max_value=2_000_000, required=False, help_text=_("For reminders.")
    )
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, service: Service | None = None, **kwargs: Any) -> None:
        if service is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    field: getattr(service, field)
                    for field in self.base_fields
                    if field not in ("locations", "mechanics")
                },
                "locations": list(service.locations.all()),
                "mechanics": list(service.mechanics.all()),
            }
        super().__init__(*args, **kwargs)
        locations = selectors.locations_for_services(user)
        self.fields["locations"].queryset = locations  # type: ignore[attr-defined]
        self.fields["mechanics"].queryset = selectors.mechanics_at(locations)  # type: ignore[attr-defined]
        if service is None and not self.is_bound:
            only = list(locations[:2])
            if len(only) == 1:  # one location to choose from: choose it
                self.initial.setdefault("locations", only)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("tax_rate") is None:
            cleaned["tax_rate"] = Decimal("0")
        return cleaned
