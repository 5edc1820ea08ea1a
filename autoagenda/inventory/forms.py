from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from autoagenda.inventory.models import Product, Unit
from autoagenda.inventory.permissions import stock_writable_locations
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_managed_by

QUANTITY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3, "max_value": Decimal("9999999999.999")}


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.UNIT)
    price = forms.DecimalField(label=_("Net sale price"), min_value=0, max_digits=12, decimal_places=2)
    cost_price = forms.DecimalField(label=_("Cost price"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    tax_rate = forms.DecimalField(label=_("Tax rate (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2)
    reorder_level = forms.DecimalField(label=_("Reorder level"), min_value=0, initial=0, **QUANTITY)
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"), queryset=Location.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, product: Product | None = None, **kwargs: Any) -> None:
        if product is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f: getattr(product, f) for f in self.base_fields if f != "locations"},
                "locations": list(product.locations.all()),
            }
        super().__init__(*args, **kwargs)
        field: forms.ModelMultipleChoiceField = self.fields["locations"]  # type: ignore[assignment]
        field.queryset = locations_managed_by(user).order_by("name", "id")


class _StockForm(forms.Form):
    def __init__(self, *args: Any, user: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        where = stock_writable_locations(user).filter(products=product).order_by("name", "id")
        for name in ("location", "destination"):
            if name in self.fields:
                field: forms.ModelChoiceField = self.fields[name]  # type: ignore[assignment]
                field.queryset = where
        choices = list(where[:2])
        if len(choices) == 1 and "location" in self.fields:
            self.fields["location"].initial = choices[0].pk  # the one place this person keeps it


class ReceiveForm(_StockForm):
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.001"), **QUANTITY)
    supplier = forms.CharField(label=_("Supplier"), max_length=120, required=False)
    unit_cost = forms.DecimalField(label=_("Unit cost"), min_value=0, max_digits=12, decimal_places=2, required=False)


class AdjustForm(_StockForm):
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    quantity = forms.DecimalField(
        label=_("Quantity change"),
        min_value=Decimal("-9999999999.999"),
        help_text=_("+ found, − broken or lost."),
        **QUANTITY,
    )
    note = forms.CharField(label=_("Reason"), max_length=200)


class TransferForm(_StockForm):
    location = forms.ModelChoiceField(label=_("From location"), queryset=Location.objects.none())
    destination = forms.ModelChoiceField(label=_("To location"), queryset=Location.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.001"), **QUANTITY)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
