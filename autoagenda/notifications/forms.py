"""Filters of the outbox page; they check shapes, the permissions module decides what is visible."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from autoagenda.core.forms import BoundedDateTimeField
from autoagenda.locations.models import Location
from autoagenda.notifications import permissions
from autoagenda.notifications.models import DeliveryStatus


class OutboxFilterForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("Location"), required=False, queryset=Location.objects.none(), empty_label=_("All locations")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *DeliveryStatus.choices]
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = permissions.outbox_locations_for(actor).order_by("name")  # type: ignore[attr-defined]


class LinkRescheduleForm(forms.Form):
    """The new start chosen on a reschedule link's page (one of the offered slots; the service re-checks it)."""

    start = BoundedDateTimeField(label=_("New time"))
