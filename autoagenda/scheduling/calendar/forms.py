"""Forms of the staff calendar: filters, status actions, reassigning, moving, and booking at the desk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import User
from autoagenda.catalog.models import Service
from autoagenda.core import bounds
from autoagenda.core.forms import BoundedDateField
from autoagenda.customers.models import Vehicle
from autoagenda.scheduling.calendar.selectors import STATUS_ACTIONS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_MAX = 500
NOTES_MAX = 2000


def parse_start(value: str) -> datetime | None:
    """A slot's start as the pages post it: ISO 8601 with the location's offset, within 2000–2100 (else None)."""
    try:
        start = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return start if bounds.moment_in_bounds(start) else None


def person_label(user: User) -> str:
    return user.get_full_name() or user.email


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class CalendarFilterForm(forms.Form):
    """The day and week views' query string; anything unreadable falls back to the defaults."""

    date = BoundedDateField(label=_("Date"), required=False, widget=DATE_WIDGET)
    mechanic = forms.ChoiceField(label=_("Mechanic"), required=False)
    cancelled = forms.BooleanField(label=_("Show cancelled"), required=False)

    def __init__(self, data: Any, *, mechanics: list[tuple[str, str]]) -> None:
        # No ids: htmx re-applies the `style` attribute of elements whose id survives a swap, and
        # any inline style (Playwright's screenshots leave `style=""` on inputs) breaks the CSP.
        super().__init__(data, auto_id=False)
        _set_choices(self, "mechanic", [("", _("All mechanics")), *mechanics])


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, s) for s in STATUS_ACTIONS])
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, max_length=NOTE_MAX)


class ReassignForm(forms.Form):
    mechanic = forms.ChoiceField(label=_("Mechanic"))

    def __init__(self, data: Any = None, *, mechanics: list[User], current: int | None = None) -> None:
        super().__init__(data, initial={"mechanic": current})
        _set_choices(self, "mechanic", [(str(m.pk), person_label(m)) for m in mechanics])


class MoveForm(forms.Form):
    """Reschedule: a date to look at, an optional mechanic, and the chosen slot's start."""

    date = BoundedDateField(label=_("Date"), widget=DATE_WIDGET)
    mechanic = forms.ChoiceField(label=_("Mechanic"), required=False)
    start = forms.CharField(label=_("Time"), required=False)

    def __init__(self, data: Any = None, *, mechanics: list[User], initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        _set_choices(
            self,
            "mechanic",
            [
                ("", _("Keep or any free mechanic")),
                *((str(m.pk), person_label(m)) for m in mechanics),
            ],
        )

    def clean_start(self) -> datetime | None:
        raw = self.cleaned_data.get("start") or ""
        if not raw:
            return None
        start = parse_start(raw)
        if start is None:
            raise forms.ValidationError(_("Choose one of the free times."))
        return start


class DeskClientForm(forms.Form):
    """A client created on the spot: a name and a phone or an email (the service checks the rule)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("Email"), required=False, help_text=_("Optional."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)


class DeskBookingForm(forms.Form):
    """Book for a client at the desk: service, date, a free time, maybe a mechanic and a vehicle.

    The choices come from lists the view already read, so rendering and
    validating cost no further queries.
    """

    service = forms.ChoiceField(label=_("Service"))
    date = BoundedDateField(label=_("Date"), widget=DATE_WIDGET)
    mechanic = forms.ChoiceField(label=_("Mechanic"), required=False)
    start = forms.CharField(label=_("Time"), error_messages={"required": _("Choose one of the free times.")})
    vehicle = forms.ChoiceField(label=_("Vehicle"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        data: Any = None,
        *,
        services: list[Service],
        mechanics: list[User],
        vehicles: list[Vehicle],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.services = {str(s.pk): s for s in services}
        self.mechanics = {str(m.pk): m for m in mechanics}
        self.vehicles = {str(v.pk): v for v in vehicles}
        _set_choices(self, "service", [(key, s.name) for key, s in self.services.items()])
        _set_choices(
            self,
            "mechanic",
            [
                ("", _("Any free mechanic")),
                *((key, person_label(m)) for key, m in self.mechanics.items()),
            ],
        )
        _set_choices(self, "vehicle", [("", _("No vehicle")), *((key, str(v)) for key, v in self.vehicles.items())])

    def clean_service(self) -> Service:
        return self.services[self.cleaned_data["service"]]

    def clean_mechanic(self) -> User | None:
        return self.mechanics.get(self.cleaned_data.get("mechanic") or "")

    def clean_vehicle(self) -> Vehicle | None:
        return self.vehicles.get(self.cleaned_data.get("vehicle") or "")

    def clean_start(self) -> datetime:
        start = parse_start(self.cleaned_data.get("start") or "")
        if start is None:
            raise forms.ValidationError(_("Choose one of the free times."))
        return start
