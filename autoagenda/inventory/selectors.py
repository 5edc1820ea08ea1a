"""Reads of products and stock, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from autoagenda.catalog.selectors import Price
from autoagenda.inventory.models import QUANTITY_DIGITS, QUANTITY_PLACES, Product, ProductPrice, StockLevel, StockMove
from autoagenda.inventory.permissions import products_visible_to, stock_locations_for
from autoagenda.locations.models import Location

ZERO = Decimal(0)


def location_has_priced_moves(location: Location) -> bool:
    """The currency lock inventory registers: stock has been received or moved here (at costs in its currency)."""
    return StockMove.objects.filter(location_id=location.pk).exists()


def products_for(user: Any, *, location_id: int | None = None, active_only: bool = False) -> QuerySet[Product]:
    qs = products_visible_to(user)
    if location_id is not None:
        qs = qs.filter(locations__id=location_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.prefetch_related(
        Prefetch("locations", queryset=Location.objects.only("id", "name", "currency").order_by("name", "id")),
        Prefetch("prices", queryset=ProductPrice.objects.select_related("location")),
        "levels",
    ).order_by("name", "id")


def product_price_at(product: Product, location: Location) -> Price | None:
    """The product's net price at `location` in its currency, and its tax rate there (the location's own row
    first; reads `product.prices`: prefetch it for lists)."""
    for row in product.prices.all():
        if row.location_id == location.pk:
            return Price(row.price, location.currency, product.tax_rate if row.tax_rate is None else row.tax_rate)
    if product.currency == location.currency:
        return Price(product.price, location.currency, product.tax_rate)
    return None


@dataclass(frozen=True)
class Cell:
    """One product's stock at one location, in the list's table; None where the product is not carried."""

    location: Location
    quantity: Decimal
    reserved: Decimal
    low: bool
    price: Price | None

    @property
    def available(self) -> Decimal:
        return self.quantity - self.reserved


@dataclass(frozen=True)
class ProductRow:
    product: Product
    cells: list[Cell | None] = field(default_factory=list)


def product_table(user: Any, *, location_id: int | None = None) -> tuple[list[Location], list[ProductRow]]:
    """The product list: one column per location the caller works at, in a fixed number of queries."""
    locations = list(stock_locations_for(user).order_by("name", "id"))
    if location_id is not None:
        locations = [loc for loc in locations if loc.pk == location_id]
    rows = []
    for product in products_for(user, location_id=location_id):
        carried = {loc.pk for loc in product.locations.all()}
        levels = {level.location_id: level for level in product.levels.all()}
        cells: list[Cell | None] = []
        for location in locations:
            if location.pk not in carried:
                cells.append(None)
                continue
            level = levels.get(location.pk)
            quantity = level.quantity if level else ZERO
            cells.append(
                Cell(
                    location=location,
                    quantity=quantity,
                    reserved=level.reserved if level else ZERO,
                    low=quantity <= product.reorder_level,
                    price=product_price_at(product, location),
                )
            )
        rows.append(ProductRow(product, cells))
    return locations, rows


@dataclass(frozen=True)
class ProductChoice:
    """A product offered where a part is picked: what is available at the location and its price there."""

    product: Product
    available: Decimal
    price: Price | None


def product_choices(user: Any, location: Location, *, search: str = "", limit: int = 8) -> list[ProductChoice]:
    """Active products carried at `location` whose SKU or name contains `search`, by name (a fixed number of
    queries: the products, their locations, prices and levels)."""
    rows = products_for(user, location_id=location.pk, active_only=True)
    search = " ".join(search.split())
    if search:
        rows = rows.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    choices = []
    for product in rows[:limit]:
        level = next((row for row in product.levels.all() if row.location_id == location.pk), None)
        available = level.available if level is not None else ZERO
        choices.append(ProductChoice(product, available, product_price_at(product, location)))
    return choices


def stock_at(product: Product, location: Location) -> StockLevel:
    """The level row, or an unsaved zero one when nothing ever moved here."""
    level = StockLevel.objects.filter(product=product, location=location).first()
    return level if level is not None else StockLevel(product=product, location=location)


def ledger(product: Product, *, location_ids: Any = None) -> QuerySet[StockMove]:
    """A product's moves, newest first, at the given locations (a queryset of ids or a list)."""
    qs = StockMove.objects.filter(product=product).select_related("location", "actor")
    if location_ids is not None:
        qs = qs.filter(location_id__in=location_ids)
    return qs.order_by("-created_at", "-id")


def low_stock_at(location: Location) -> QuerySet[Product]:
    """Active products carried at `location` whose on-hand quantity is at or below their reorder level.

    Annotated with `on_hand` (0 where nothing ever moved), lowest first relative to the level.
    """
    quantity_field = DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    on_hand = Subquery(
        StockLevel.objects.filter(product=OuterRef("pk"), location=location).values("quantity")[:1],
        output_field=quantity_field,
    )
    reserved = Subquery(
        StockLevel.objects.filter(product=OuterRef("pk"), location=location).values("reserved")[:1],
        output_field=quantity_field,
    )
    zero = Value(ZERO, output_field=quantity_field)
    return (
        Product.objects.filter(locations=location, is_active=True)
        .annotate(on_hand=Coalesce(on_hand, zero), held=Coalesce(reserved, zero))
        .filter(on_hand__lte=F("reorder_level"))
        .order_by("name", "id")
    )


def low_stock_count(user: Any) -> list[tuple[Location, int]]:
    """For the dashboard: how many products are low at each of the caller's locations."""
    return [(loc, low_stock_at(loc).count()) for loc in stock_locations_for(user).order_by("name", "id")]
