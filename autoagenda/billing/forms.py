"""Forms of the invoice pages: only shape; the services hold the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from autoagenda.billing.models import PaymentMethod, PaymentStatus
from autoagenda.billing.services.payments import REASON_MAX, REFERENCE_MAX
from autoagenda.core.forms import BoundedDateField


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_value=Decimal("999999999999"), max_digits=14, decimal_places=2
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    paid_on = BoundedDateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=REFERENCE_MAX, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *PaymentStatus.choices], required=False)
    date_from = BoundedDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
