"""Products, the append-only stock ledger and the current quantity per (product, location).

The ledger (`StockMove`) is the truth: stock at a location is the sum of its moves. `StockLevel` is that sum kept
in one row, changed in the same transaction as every move (services.py), so reads need no sum and the database's
check constraints refuse negative stock whatever the code does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from autoagenda.core.models import TimeStampedModel

QUANTITY_DIGITS = 14
QUANTITY_PLACES = 3
MAX_QUANTITY = Decimal("1e10")  # fits max_digits=14 with 3 places


class Unit(models.TextChoices):
    UNIT = "unit", _("unit")
    LITRE = "litre", _("litre")
    METRE = "metre", _("metre")


# How many decimals a quantity may have in each unit: a filter is counted whole, oil by the millilitre.
UNIT_DECIMALS: dict[str, int] = {Unit.UNIT: 0, Unit.LITRE: 3, Unit.METRE: 3}


class Product(TimeStampedModel):
    """A part or consumable sold and stocked by some locations (`locations`)."""

    sku = models.CharField(_("SKU"), max_length=40, help_text=_("Unique; stored in capitals without spaces around."))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.UNIT)
    price = models.DecimalField(_("net sale price"), max_digits=12, decimal_places=2)
    cost_price = models.DecimalField(_("cost price"), max_digits=12, decimal_places=2, default=Decimal(0))
    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("Of the prices: its first location's; others get a price each.")
    )
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2, default=Decimal(0))
    reorder_level = models.DecimalField(
        _("reorder level"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=Decimal(0)
    )
    locations = models.ManyToManyField("locations.Location", related_name="products", verbose_name=_("locations"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ("name", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["sku"], name="inventory_product_unique_sku"),
            models.CheckConstraint(condition=Q(price__gte=0), name="inventory_product_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_price__gte=0), name="inventory_product_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="inventory_product_tax_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(reorder_level__gte=0), name="inventory_product_reorder_level_not_negative"
            ),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="inventory_product_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"

    @property
    def decimals(self) -> int:
        return UNIT_DECIMALS.get(self.unit, 0)


class ProductPrice(models.Model):
    """The product's net sale price at one location, in that location's currency (a catalogue in two currencies)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="product_prices")
    price = models.DecimalField(_("net sale price"), max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Charged at this location (another country's rate); empty takes the product's."),
    )

    class Meta:
        verbose_name = _("product price at a location")
        verbose_name_plural = _("product prices at locations")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["product", "location"], name="inventory_productprice_unique_location"),
            models.CheckConstraint(condition=Q(price__gte=0), name="inventory_productprice_price_not_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate__isnull=True) | Q(tax_rate__gte=0, tax_rate__lte=100),
                name="inventory_productprice_tax_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.location_id}: {self.price}"


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    ADJUSTMENT = "adjustment", _("adjustment")
    USE = "use", _("use on a work order")
    RETURN = "return", _("return")
    TRANSFER = "transfer", _("transfer")


class StockMove(models.Model):
    """One line of the ledger: append-only (no service updates or deletes one; the admin is read-only).

    `quantity` is signed (+ in, − out). A transfer is two moves sharing `transfer_id`, −q at the source and +q at
    the destination. `work_order_id` names the work order of a use or a return: an opaque integer, since inventory sits
    below workorders and knows nothing of them (CONTRIBUTING.md, "Layers"). `balance_after` is the location's
    on-hand quantity right after this move.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="moves")
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="stock_moves")
    kind = models.CharField(_("kind"), max_length=12, choices=MoveKind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    balance_after = models.DecimalField(_("on hand after"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    supplier = models.CharField(_("supplier"), max_length=120, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    work_order_id = models.PositiveBigIntegerField(_("work order"), null=True, blank=True)
    transfer_id = models.UUIDField(_("transfer"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ("-created_at", "-id")
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(quantity=0), name="inventory_stockmove_quantity_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="inventory_stockmove_balance_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=MoveKind.values), name="inventory_stockmove_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind__in=[MoveKind.RECEIPT, MoveKind.RETURN]) | Q(quantity__gt=0),
                name="inventory_stockmove_in_kinds_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MoveKind.USE) | Q(quantity__lt=0), name="inventory_stockmove_use_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind=MoveKind.TRANSFER) | Q(transfer_id__isnull=False),
                name="inventory_stockmove_transfer_has_id",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0), name="inventory_stockmove_cost_not_negative"
            ),
            models.UniqueConstraint(
                fields=["transfer_id", "location"],
                condition=Q(transfer_id__isnull=False),
                name="inventory_stockmove_transfer_once_per_location",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["product", "location", "-created_at"], name="inventory_move_ledger"),
            models.Index(fields=["work_order_id"], name="inventory_move_work_order"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} {self.product_id}@{self.location_id}"


class StockLevel(models.Model):
    """The ledger's sum for one (product, location), and what is reserved of it.

    `reserved` is held for work orders' part lines: it lowers what is *available* (quantity − reserved) to others
    but not the quantity on hand. Invariants (constraints): 0 <= reserved <= quantity, so nothing can be reserved
    that is not on the shelf, and an adjustment or use that would eat into reserved stock is refused.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="levels")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="stock_levels")
    quantity = models.DecimalField(
        _("on hand"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=Decimal(0)
    )
    reserved = models.DecimalField(
        _("reserved"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=Decimal(0)
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["product", "location"], name="inventory_stocklevel_unique_location"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="inventory_stocklevel_quantity_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="inventory_stocklevel_reserved_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("quantity")), name="inventory_stocklevel_reserved_within_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.location_id}: {self.quantity} ({self.reserved} reserved)"

    @property
    def available(self) -> Decimal:
        return self.quantity - self.reserved
