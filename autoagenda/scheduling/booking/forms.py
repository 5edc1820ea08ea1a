"""Forms of the client's booking pages.

The choices made so far travel in the query string, so a reload or a shared
link shows the same step; `ChoicesForm` reads them and drops what is malformed
(the view then sends the client back to the step that is missing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import User
from autoagenda.core import bounds
from autoagenda.core.forms import BoundedDateField, IdField
from autoagenda.scheduling.services import NOTES_MAX

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ChoicesForm(forms.Form):
    vehicle = IdField(required=False)
    service = IdField(required=False)
    mechanic = IdField(required=False)
    reschedule = IdField(required=False)
    date = BoundedDateField(required=False, input_formats=["%Y-%m-%d"])
    month = forms.CharField(required=False, max_length=7)
    start = forms.CharField(required=False, max_length=40)

    def clean_month(self) -> dt.date | None:
        raw = self.cleaned_data.get("month") or ""
        if not raw:
            return None
        match = _MONTH.match(raw)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Use YYYY-MM."))
        if not bounds.EARLIEST_DATE.year <= int(match.group(1)) <= bounds.LATEST_DATE.year:
            raise forms.ValidationError(bounds.DATE_MESSAGE)
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def clean_start(self) -> dt.datetime | None:
        raw = (self.cleaned_data.get("start") or "").strip()
        if not raw:
            return None
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("Enter a date and time.")) from None
        if value.tzinfo is None or value.utcoffset() is None:
            raise forms.ValidationError(_("Include the UTC offset, e.g. 2026-12-01T09:00:00-03:00."))
        bounds.validate_moment(value)
        return value

    def valid_data(self) -> dict[str, Any]:
        """The well-formed choices only: a tampered or stale parameter counts as not chosen yet."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class MechanicForm(forms.Form):
    """The month page's "any mechanic or this one" select (a GET form)."""

    mechanic = forms.TypedChoiceField(label=_("Mechanic"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, mechanics: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [("", _("Any mechanic"))]
        choices += [(m.pk, m.get_full_name() or m.email) for m in mechanics]
        field = self.fields["mechanic"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices


class ConfirmForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes for the workshop"),
        required=False,
        max_length=NOTES_MAX,
        help_text=_("Optional: anything the workshop should know before you arrive."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
