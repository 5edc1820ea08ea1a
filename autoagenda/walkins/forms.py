"""Forms of the staff pages: issuing a ticket, transferring one, and the manager's queue and desk editors.

The querysets (a location's queues, services) come from the view, already
scoped to the location; a choice from elsewhere is then simply invalid.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from autoagenda.catalog.models import Service
from autoagenda.walkins.models import Desk, Queue

_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,24}$")
_PLATE = re.compile(r"^[A-Z0-9]{2,10}$")
_PREFIX = re.compile(r"^[A-Z]$")


def _one_line(value: Any) -> str:
    """Names show on tickets, desks and the public screen: one line, single spaces."""
    return " ".join(str(value or "").split())


class _QueueLabel:
    """Queues read as on the reception buttons: `A · Recepción`."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.prefix} · {obj.name}"


class QueueChoiceField(_QueueLabel, forms.ModelChoiceField):
    pass


class QueuesField(_QueueLabel, forms.ModelMultipleChoiceField):
    pass


class _QueueChoiceForm(forms.Form):
    """A form whose `queue` is one of `queues`, the view's, already scoped to the location."""

    def __init__(self, *args: Any, queues: QuerySet[Queue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = queues  # type: ignore[attr-defined]


class IssueForm(_QueueChoiceForm):
    """The receptionist's form: which queue (the big button pressed) and, optionally, who."""

    queue = QueueChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.none(),
        error_messages={
            "required": _("Choose the queue for the ticket."),
            "invalid_choice": _("That queue does not take tickets here; choose one of the buttons."),
        },
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. Ana Pizarro")}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "placeholder": "+56 9 1234 5678"}),
    )
    plate = forms.CharField(
        label=_("Plate"),
        max_length=12,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("e.g. KJTR21"), "class": "wk-plate-input"}
        ),
    )
    autoprint = forms.BooleanField(label=_("Print the ticket right away"), required=False)

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data.get("name"))

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number with digits only (spaces, dashes and + are fine)."))
        return phone

    def clean_plate(self) -> str:
        plate = re.sub(r"[\s.·-]", "", str(self.cleaned_data.get("plate") or "")).upper()
        if plate and not _PLATE.match(plate):
            raise forms.ValidationError(_("Enter the plate with letters and digits only, e.g. KJTR21."))
        return plate


class TransferForm(_QueueChoiceForm):
    queue = QueueChoiceField(
        label=_("Transfer to"),
        queryset=Queue.objects.none(),
        error_messages={
            "required": _("Choose the queue to transfer the ticket to."),
            "invalid_choice": _("Choose another queue of this location."),
        },
    )


class QueueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    # The declared field is lifted off the class by Django's form metaclass, so it does not hide
    # BaseForm.prefix (the HTML name prefix); the name matches the service's `prefix` error key.
    prefix = forms.CharField(  # type: ignore[assignment]
        label=_("Letter"),
        max_length=1,
        help_text=_("One letter, A to Z: tickets of this queue are numbered A-001, A-002…"),
        widget=forms.TextInput(attrs={"class": "wk-prefix-input", "autocomplete": "off"}),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services it serves"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A booked client who checks in for one of these services gets a priority ticket here."),
    )
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=999,
        initial=0,
        help_text=_("Lower numbers come first on the reception screen and the public display."),
    )
    is_active = forms.BooleanField(label=_("Takes tickets"), required=False, initial=True)

    def __init__(self, *args: Any, services: QuerySet[Service], queue: Queue | None = None, **kwargs: Any) -> None:
        if queue is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": queue.name,
                "prefix": queue.prefix,
                "services": list(queue.services.all()),
                "position": queue.position,
                "is_active": queue.is_active,
            }
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data.get("name"))

    def clean_prefix(self) -> str:
        prefix = str(self.cleaned_data.get("prefix") or "").strip().upper()
        if not _PREFIX.match(prefix):
            raise forms.ValidationError(_("Use one letter from A to Z."))
        return prefix


class DeskForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("As the public screen shows it, e.g. Mesón 1."))
    queues = QueuesField(
        label=_("Queues it serves"),
        queryset=Queue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to serve every queue of the location."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, queues: QuerySet[Queue], desk: Desk | None = None, **kwargs: Any) -> None:
        if desk is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": desk.name, "queues": list(desk.queues.all()), "is_active": desk.is_active}
        super().__init__(*args, **kwargs)
        self.fields["queues"].queryset = queues  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data.get("name"))


def first_error(form: forms.BaseForm) -> str:
    """The one message a refused desk action shows."""
    for errors in form.errors.values():
        return str(errors[0])
    return str(_("Check the form."))
