"""Helpers shared by the HTML forms of every app."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

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
