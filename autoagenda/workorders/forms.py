"""The forms of the work-order pages: they only parse; the services validate and decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from autoagenda.core.forms import BoundedDateTimeField, IdField
from autoagenda.workorders.models import CommentVisibility

MILEAGE_MAX = 9_999_999  # km


def local_datetime(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A naive datetime-local value read in the location's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


class _DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class IntakeForm(forms.Form):
    """What every creation asks: the complaint, the mileage and when the car is promised."""

    description = forms.CharField(label=_("Complaint"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    mileage_in = forms.IntegerField(
        label=_("Mileage at intake (km)"), required=False, min_value=0, max_value=MILEAGE_MAX
    )
    promised_by = BoundedDateTimeField(
        label=_("Promised by"), required=False, widget=_DateTimeLocal(), input_formats=["%Y-%m-%dT%H:%M"]
    )


class DirectForm(IntakeForm):
    """A work order at the desk for an existing client (id from the search) or a new one."""

    client = IdField(required=False, widget=forms.HiddenInput)
    vehicle = IdField(label=_("Vehicle"), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    plate = forms.CharField(label=_("Plate"), max_length=20, required=False)
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=60, required=False)
    mechanic = IdField(label=_("Mechanic"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("client") and not data.get("first_name"):
            self.add_error("first_name", _("Find a client, or give the new client's first name."))
        if data.get("client") and not data.get("vehicle") and not data.get("plate"):
            self.add_error("vehicle", _("Choose one of the client's vehicles or give a new plate."))
        if not data.get("client") and not data.get("plate"):
            self.add_error("plate", _("Give the new vehicle's plate."))
        return data


class TicketForm(IntakeForm):
    """From the walk-in at the desk: the ticket's name, phone and plate are offered."""

    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    plate = forms.CharField(label=_("Plate"), max_length=20, required=False)
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=60, required=False)


class AppointmentForm(forms.Form):
    description = forms.CharField(max_length=2000, required=False)


class StatusForm(forms.Form):
    status = forms.CharField(max_length=20)
    comment = forms.CharField(max_length=500, required=False)


class AssignForm(forms.Form):
    mechanic = IdField(required=False)


class LaborForm(forms.Form):
    description = forms.CharField(label=_("Labor"), max_length=300)
    hours = forms.DecimalField(label=_("Hours"), max_digits=7, decimal_places=2)
    rate = forms.DecimalField(label=_("Rate per hour"), max_digits=12, decimal_places=2)
    tax_rate = forms.DecimalField(label=_("Tax %"), max_digits=5, decimal_places=2, required=False)


class PartForm(forms.Form):
    """A product picked from the list (`product`: its name, price and tax fill the line), or free text."""

    product = IdField(required=False)
    description = forms.CharField(label=_("Part"), max_length=300, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=10, decimal_places=3)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=12, decimal_places=2, required=False)
    tax_rate = forms.DecimalField(label=_("Tax %"), max_digits=5, decimal_places=2, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    visibility = forms.ChoiceField(
        label=_("Who reads it"), choices=CommentVisibility.choices, initial=CommentVisibility.INTERNAL
    )


class ClockForm(forms.Form):
    action = forms.ChoiceField(choices=[("start", "start"), ("stop", "stop")])


class PickupForm(forms.Form):
    desk = IdField()


def first_error(form: forms.BaseForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return str(_("Check the form."))
