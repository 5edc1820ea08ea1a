"""partials/setup_form_fields.html, shared by the product, service and queue/desk forms: lists of checkboxes as
fieldsets, wide fields, single checkboxes, help and errors, each form's options."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string


class SetupForm(forms.Form):
    name = forms.CharField(label="Name", help_text="What the desk calls it")
    first_name = forms.CharField(label="First name", required=False)
    active = forms.BooleanField(label="Active", required=False)
    locations = forms.MultipleChoiceField(
        label="Locations", choices=[("1", "Centro")], widget=forms.CheckboxSelectMultiple, help_text="Where"
    )
    mechanics = forms.MultipleChoiceField(label="Mechanics", choices=[], widget=forms.CheckboxSelectMultiple)


def render(**options) -> str:
    return " ".join(render_to_string("partials/setup_form_fields.html", {"form": SetupForm(), **options}).split())


def test_the_named_lists_are_fieldsets_and_the_named_fields_are_wide() -> None:
    html = render(lists="|locations|mechanics|", wide="|name|")
    assert '<fieldset class="field field--wide"> <legend>Locations</legend> <small class="help">Where</small>' in html
    assert '<ul class="checkbox-list" id="id_locations">' in html
    assert '<li class="empty">None available.</li>' in html  # mechanics has no choice
    assert '<div class="field field--wide"> <label for="id_name">Name <span class="req" aria-hidden="true">*' in html
    assert '<div class="field"> <label for="id_first_name">First name</label>' in html  # "name" is not "first_name"
    assert '<div class="field field--check"> <input type="checkbox" name="active"' in html


def test_each_form_s_options() -> None:
    walkins = render(lists="|locations|", help="help muted", list_class="checkbox-list wk-checks", check_wide=True)
    assert '<small class="help muted">What the desk calls it</small>' in walkins
    assert '<ul class="checkbox-list wk-checks" id="id_locations">' in walkins
    assert '<div class="field field--check field--wide">' in walkins
    product = render(lists="|mechanics|locations|", list_note="Prices in the first currency", no_empty=True)
    assert "Where" not in product  # the note replaces the list's own help
    assert '</ul> <small class="help">Prices in the first currency</small>' in product
    assert "None available." not in product


def test_errors_are_shown_under_their_field() -> None:
    form = SetupForm(data={})
    html = " ".join(render_to_string("partials/setup_form_fields.html", {"form": form, "lists": "|locations|"}).split())
    assert '<fieldset class="field field--wide field--error">' in html
    assert html.count('class="field__error" role="alert"') == 3  # name, locations and mechanics are required
