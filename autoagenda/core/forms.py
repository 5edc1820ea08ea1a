"""Helpers shared by the HTML forms of every app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from autoagenda.core import bounds
from autoagenda.core.errors import ApplicationError


def add_application_error(
    form: forms.BaseForm, exc: ApplicationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: field errors on their fields, the rest on top.

    `aliases` maps a service's field name to the form's (`password` -> `password1`).
    """
    if not exc.errors:
        form.add_error(None, exc.message)
        return
    for field, messages in exc.errors.items():
        name = (aliases or {}).get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


# --- Fields within core.bounds (the HTML side of core/api_fields.py) ---------------------------


class BoundedDateField(forms.DateField):
    """A date from 2000-01-01 to 2100-12-31; the browser's date picker is told so too."""

    default_validators = [bounds.validate_date]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput):
            attrs.update(min=bounds.EARLIEST_DATE.isoformat(), max=bounds.LATEST_DATE.isoformat())
        return attrs


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time within 2000–2100, checked before anything converts it between zones."""

    default_validators = [bounds.validate_moment]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateTimeInput):
            attrs.update(min=f"{bounds.EARLIEST_DATE.isoformat()}T00:00", max=f"{bounds.LATEST_DATE.isoformat()}T23:59")
        return attrs


class IdField(forms.IntegerField):
    """An object's id in a query string or a form: a positive 64-bit integer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", bounds.ID_MAX)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # never rendered as a number input (ids travel in hidden fields and query strings)
