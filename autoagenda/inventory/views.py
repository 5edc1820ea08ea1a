"""Inventory pages: thin — authorize through permissions, validate with a form, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autoagenda.accounts.permissions import require
from autoagenda.core import bounds
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error
from autoagenda.inventory import selectors, services
from autoagenda.inventory.forms import AdjustForm, ProductForm, ReceiveForm, TransferForm
from autoagenda.inventory.permissions import (
    can_create_products,
    can_manage_product,
    can_use_inventory,
    can_write_stock_anywhere,
    get_product_for_user,
    get_stock_location_for_user,
    stock_locations_for,
)
from autoagenda.locations.models import Location


def _location_id(request: HttpRequest) -> int | None:
    return bounds.parse_id(request.GET.get("location") or "")


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    require(can_use_inventory(request.user))
    location_id = _location_id(request)
    locations, rows = selectors.product_table(request.user, location_id=location_id)
    context = {
        "locations": locations,
        "all_locations": stock_locations_for(request.user).order_by("name", "id"),
        "rows": rows,
        "selected_location": location_id,
        "can_create": can_create_products(request.user),
        "can_move": can_write_stock_anywhere(request.user),
    }
    return render(request, "inventory/product_list.html", context)


def _product_form_page(request: HttpRequest, product: Any) -> HttpResponse:
    form = ProductForm(request.POST or None, user=request.user, product=product)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if product is None:
                    product = services.product_create(actor=request.user, **form.cleaned_data)
                else:
                    services.product_update(actor=request.user, product=product, **form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
                return redirect("inventory:list")
        status = 400
    return render(request, "inventory/product_form.html", {"form": form, "product": product}, status=status)


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    require(can_use_inventory(request.user) and can_create_products(request.user))
    return _product_form_page(request, None)


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _product_form_page(request, get_product_for_user(request.user, pk, manage=True))


@login_required
def product_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_product_for_user(request.user, pk)
    location_id = _location_id(request)
    ids: Any = stock_locations_for(request.user).values("id")
    if location_id is not None:
        ids = [get_stock_location_for_user(request.user, location_id).pk]
    page = Paginator(selectors.ledger(product, location_ids=ids), 50).get_page(request.GET.get("page"))
    context = {
        "product": product,
        "page": page,
        "locations": stock_locations_for(request.user).filter(products=product).order_by("name", "id"),
        "selected_location": location_id,
        "can_move": can_write_stock_anywhere(request.user),
        "can_edit": can_manage_product(request.user, product),
    }
    return render(request, "inventory/ledger.html", context)


FORMS: dict[str, Any] = {"receive": ReceiveForm, "adjust": AdjustForm, "transfer": TransferForm}
TITLES = {
    "receive": gettext_lazy("Receive stock"),
    "adjust": gettext_lazy("Adjust stock"),
    "transfer": gettext_lazy("Transfer stock"),
}


def _record(kind: str, user: Any, product: Any, data: dict[str, Any]) -> None:
    if kind == "receive":
        services.stock_receive(actor=user, product=product, **data)
    elif kind == "adjust":
        services.stock_adjust(actor=user, product=product, **data)
    else:
        services.stock_transfer(
            actor=user, product=product, source=data["location"], destination=data["destination"],
            quantity=data["quantity"], note=data["note"],
        )  # fmt: skip


@login_required
def stock_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    product = get_product_for_user(request.user, pk)
    require(can_write_stock_anywhere(request.user))
    form = FORMS[kind](request.POST or None, user=request.user, product=product)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _record(kind, request.user, product, form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
                status = exc.status  # 409 when there is not enough stock
            else:
                messages.success(request, _("Stock of “%(name)s” recorded.") % {"name": product.name})
                return redirect("inventory:ledger", pk=product.pk)
    context = {"form": form, "product": product, "kind": kind, "title": TITLES[kind]}
    return render(request, "inventory/stock_form.html", context, status=status)


@login_required
def low_stock(request: HttpRequest) -> HttpResponse:
    require(can_use_inventory(request.user))
    locations = list(stock_locations_for(request.user).order_by("name", "id"))
    location_id = _location_id(request)
    chosen: Location | None
    if location_id is not None:
        chosen = get_stock_location_for_user(request.user, location_id)
    else:
        chosen = locations[0] if locations else None
    rows = list(selectors.low_stock_at(chosen)) if chosen is not None else []
    context = {"locations": locations, "location": chosen, "rows": rows}
    return render(request, "inventory/low_stock.html", context)
