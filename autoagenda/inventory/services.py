"""Every write on products and stock.

Stock changes only here, and always the same way (`_move`): in one transaction, lock the (product, location)
`StockLevel` row (`select_for_update`; created first if missing), check the new quantity against zero and the
reservations, write the ledger line and the new level, and tell the apps above when the reorder level was
crossed. A move that would take stock below zero, or below what is reserved, is refused with 409
`insufficient_stock` naming the product, and nothing is written. Work orders call `stock_reserve`,
`stock_release`, `stock_use` and `stock_return` with a quantity and their id, and a completion `stock_use_many`
(the same rules for all its parts at once, in three statements).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Field, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.catalog.services import tax_rate_errors
from autoagenda.core import money
from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import events
from autoagenda.inventory.models import (
    MAX_QUANTITY,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    UNIT_DECIMALS,
    MoveKind,
    Product,
    ProductPrice,
    StockLevel,
    StockMove,
    Unit,
)
from autoagenda.inventory.permissions import (
    can_create_products,
    can_manage_product,
    can_offer_products_at,
    can_write_stock,
)
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_managed_by

PRODUCT_FIELDS = ("sku", "name", "description", "unit", "price", "cost_price", "tax_rate", "reorder_level", "is_active")


# --- Values ---------------------------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def quantity_errors(value: Any, unit: str, *, allow_negative: bool = False, allow_zero: bool = False) -> list[str]:
    """What is wrong with a quantity in `unit`: not a number, zero or negative where not allowed, too many decimals."""
    quantity = _decimal(value)
    if quantity is None:
        return [_("Enter a number.")]
    if quantity == 0 and not allow_zero:
        return [_("The quantity cannot be zero.")]
    if quantity < 0 and not allow_negative:
        return [_("The quantity must be positive.")]
    places = UNIT_DECIMALS.get(unit, 3)
    if quantity != quantity.quantize(Decimal(1).scaleb(-places)):
        if places == 0:
            return [_("Counted in whole units: no decimals.")]
        return [_("Use at most %(places)s decimal places.") % {"places": places}]
    if abs(quantity) >= MAX_QUANTITY:
        return [_("The quantity is too large.")]
    return []


def _amount_errors(value: Any, currency: str) -> list[str]:
    amount = _decimal(value)
    if amount is None or amount < 0:
        return [_("Enter an amount of zero or more.")]
    if money.quantize(amount, currency) != amount:
        return [
            _("Use at most %(places)s decimal places for %(currency)s.")
            % {"places": money.decimals(currency), "currency": currency}
        ]
    if amount >= Decimal("1e10"):
        return [_("The amount is too large.")]
    return []


def _checked_quantity(value: Any, product: Product, **allow: bool) -> Decimal:
    errors = quantity_errors(value, product.unit, **allow)
    if errors:
        raise ApplicationError("invalid", errors[0], errors={"quantity": errors})
    return Decimal(str(value).strip())


def product_field_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not values.get("sku"):
        errors["sku"] = [_("This field is required.")]
    elif len(values["sku"]) > 40 or any(c.isspace() for c in values["sku"]):
        errors["sku"] = [_("Use at most 40 characters, without spaces.")]
    if not values.get("name"):
        errors["name"] = [_("This field is required.")]
    elif len(values["name"]) > 120:
        errors["name"] = [_("Use at most 120 characters.")]
    if values.get("unit") not in Unit.values:
        errors["unit"] = [_("Choose unit, litre or metre.")]
    for field in ("price", "cost_price"):
        problems = _amount_errors(values.get(field), values["currency"])
        if problems:
            errors[field] = problems
    if tax_rate_errors(values.get("tax_rate")):
        errors["tax_rate"] = tax_rate_errors(values.get("tax_rate"))
    if "unit" not in errors:
        problems = quantity_errors(values.get("reorder_level"), values["unit"], allow_zero=True)
        if problems:
            errors["reorder_level"] = problems
    return errors


def _normalized(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown product fields: {sorted(unknown)}")
    out = dict(fields)
    if isinstance(out.get("sku"), str):
        out["sku"] = out["sku"].strip().upper()
    for key in ("name", "description"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    for key in ("price", "cost_price", "tax_rate", "reorder_level"):
        if key in out and not isinstance(out[key], Decimal):
            converted = _decimal(out[key])
            out[key] = converted if converted is not None else out[key]
    return out


# --- Products -------------------------------------------------------------------------------------------------------


def _save_product(*, actor: Any, product: Product, values: dict[str, Any], locations: list[Location]) -> Product:
    require(can_offer_products_at(actor, {loc.pk for loc in locations}))
    ordered = sorted(locations, key=lambda loc: loc.pk)
    values["currency"] = ordered[0].currency if ordered else money.currency()
    errors = product_field_errors(values)
    if not locations:
        errors["locations"] = [_("Choose at least one location.")]
    clash = Product.objects.filter(sku=values.get("sku")).exclude(pk=product.pk)
    if "sku" not in errors and clash.exists():
        errors["sku"] = [_("Another product has this SKU.")]
    if errors:
        raise ApplicationError("invalid", _("The product was not saved."), errors=errors)
    for field, value in values.items():
        setattr(product, field, value)
    with transaction.atomic():
        product.save()
        product.locations.set(locations)
    return product


def product_create(*, actor: Any, locations: Iterable[Location] | None = None, **fields: Any) -> Product:
    """Admins and managers. Without `locations`: where the caller manages (admins: every active location)."""
    require(can_create_products(actor))
    chosen = list(locations) if locations is not None else _default_locations(actor)
    defaults: dict[str, Any] = {
        "description": "",
        "unit": Unit.UNIT,
        "cost_price": Decimal(0),
        "reorder_level": Decimal(0),
        "is_active": True,
    }
    values = {**defaults, **_normalized(fields)}
    if "tax_rate" not in values:
        first = min(chosen, key=lambda loc: loc.pk, default=None)
        values["tax_rate"] = first.standard_tax_rate if first is not None else Decimal(0)
    return _save_product(actor=actor, product=Product(), values=values, locations=chosen)


def _default_locations(actor: Any) -> list[Location]:
    return list(locations_managed_by(actor).filter(is_active=True).order_by("id"))


def product_update(
    *, actor: Any, product: Product, locations: Iterable[Location] | None = None, **changes: Any
) -> Product:
    require(can_manage_product(actor, product))
    values = {**{f: getattr(product, f) for f in PRODUCT_FIELDS}, **_normalized(changes)}
    chosen = list(locations) if locations is not None else list(product.locations.all())
    return _save_product(actor=actor, product=product, values=values, locations=chosen)


def product_price_set(*, actor: Any, product: Product, location: Location, price: Any, tax_rate: Any = None) -> None:
    """The product's price at `location` in that location's currency, and the tax rate charged there (None: the
    product's). A price of None goes back to the product's own price and rate."""
    require(can_manage_product(actor, product))
    if not product.locations.filter(pk=location.pk).exists():
        raise ApplicationError.invalid("location", _("The product is not carried at this location."))
    with transaction.atomic():
        if price is None:
            ProductPrice.objects.filter(product=product, location=location).delete()
            return
        errors = {"price": _amount_errors(price, location.currency)}
        if tax_rate is not None:
            errors["tax_rate"] = tax_rate_errors(tax_rate)
        errors = {field: problems for field, problems in errors.items() if problems}
        if errors:
            raise ApplicationError("invalid", _("The price was not saved."), errors=errors)
        rate = None if tax_rate is None else Decimal(str(tax_rate).strip())
        ProductPrice.objects.update_or_create(
            product=product, location=location, defaults={"price": Decimal(str(price).strip()), "tax_rate": rate}
        )


# --- Stock: the one way it changes ------------------------------------------------------------------------------


def _locked_level(product: Product, location: Location) -> StockLevel:
    """The (product, location) row, locked until the transaction ends; created at zero the first time.

    `ignore_conflicts` makes two first moves racing on PostgreSQL both find the one row instead of one failing.
    """
    StockLevel.objects.bulk_create([StockLevel(product=product, location=location)], ignore_conflicts=True)
    return StockLevel.objects.select_for_update().get(product=product, location=location)


def _insufficient(product: Product, location: Location, available: Decimal) -> ApplicationError:
    message = _("Not enough stock of %(product)s at %(location)s: %(available)s available.") % {
        "product": f"{product.sku} {product.name}",
        "location": location.name,
        "available": available.normalize() if available else 0,
    }
    return ApplicationError("insufficient_stock", message, errors={"quantity": [message]})


def _check_carried(product: Product, location: Location) -> None:
    if not product.locations.filter(pk=location.pk).exists():
        raise ApplicationError.invalid("location", _("This product is not carried at that location."))


def _move(
    *,
    product: Product,
    location: Location,
    kind: str,
    quantity: Decimal,
    release: Decimal = Decimal(0),
    actor: Any = None,
    **details: Any,
) -> StockMove:
    """Write one ledger line and the level with it; `release` also frees that much reserved stock (a use)."""
    with transaction.atomic():
        level = _locked_level(product, location)
        before = level.quantity
        after = before + quantity
        reserved = level.reserved - release
        if release > level.reserved:
            raise _insufficient(product, location, level.reserved)
        if after < reserved:  # below zero, or into what other work orders hold
            raise _insufficient(product, location, level.quantity - level.reserved)
        level.quantity, level.reserved = after, reserved
        level.save(update_fields=["quantity", "reserved", "updated_at"])
        move = StockMove.objects.create(
            product=product,
            location=location,
            kind=kind,
            quantity=quantity,
            balance_after=after,
            actor=actor if getattr(actor, "pk", None) else None,
            **details,
        )
        if before > product.reorder_level >= after:
            _announce_crossing(product, location, move, before)
    return move


def _announce_crossing(product: Product, location: Location, move: StockMove, before: Decimal) -> None:
    """The move took the product at the location from above its reorder level to at or below it."""
    events.stock_level_crossed.send(
        events.StockLevelCrossed(
            product=product,
            location=location,
            move=move,
            before=before,
            after=move.balance_after,
            reorder_level=product.reorder_level,
        )
    )


def stock_receive(
    *,
    actor: Any,
    product: Product,
    location: Location,
    quantity: Any,
    supplier: str = "",
    unit_cost: Any = None,
    note: str = "",
) -> StockMove:
    """Goods in from a supplier, at a unit cost in the location's currency."""
    require(can_write_stock(actor, location))
    _check_carried(product, location)
    q = _checked_quantity(quantity, product)
    if unit_cost is not None:
        problems = _amount_errors(unit_cost, location.currency)
        if problems:
            raise ApplicationError("invalid", problems[0], errors={"unit_cost": problems})
        unit_cost = Decimal(str(unit_cost).strip())
    return _move(
        product=product,
        location=location,
        kind=MoveKind.RECEIPT,
        quantity=q,
        actor=actor,
        supplier=(supplier or "").strip()[:120],
        unit_cost=unit_cost,
        note=(note or "").strip()[:200],
    )


def stock_adjust(*, actor: Any, product: Product, location: Location, quantity: Any, note: str = "") -> StockMove:
    """A count correction (+ found, − broken or lost), with its reason."""
    require(can_write_stock(actor, location))
    _check_carried(product, location)
    q = _checked_quantity(quantity, product, allow_negative=True)
    return _move(
        product=product,
        location=location,
        kind=MoveKind.ADJUSTMENT,
        quantity=q,
        actor=actor,
        note=(note or "").strip()[:200],
    )


def stock_transfer(
    *, actor: Any, product: Product, source: Location, destination: Location, quantity: Any, note: str = ""
) -> tuple[StockMove, StockMove]:
    """Two moves sharing one transfer id: −q at the source, +q at the destination, or neither."""
    require(can_write_stock(actor, source) and can_write_stock(actor, destination))
    if source.pk == destination.pk:
        raise ApplicationError.invalid("destination", _("Choose another location to transfer to."))
    _check_carried(product, source)
    _check_carried(product, destination)
    q = _checked_quantity(quantity, product)
    transfer_id = uuid.uuid4()
    note = (note or "").strip()[:200]
    with transaction.atomic():
        # Lock the two rows in one order (by location id) so two opposite transfers cannot deadlock.
        for location in sorted((source, destination), key=lambda loc: loc.pk):
            _locked_level(product, location)
        out = _move(
            product=product, location=source, kind=MoveKind.TRANSFER, quantity=-q, actor=actor,
            transfer_id=transfer_id, note=note,
        )  # fmt: skip
        into = _move(
            product=product, location=destination, kind=MoveKind.TRANSFER, quantity=q, actor=actor,
            transfer_id=transfer_id, note=note,
        )  # fmt: skip
    return out, into


# --- Stock for work orders (the work-order integration calls these; it has authorized already) -----------------


def stock_reserve(*, product: Product, location: Location, quantity: Any, work_order_id: int) -> StockLevel:
    """Hold stock for a work order's part line: available drops, on hand does not. 409 when not available."""
    _check_carried(product, location)
    q = _checked_quantity(quantity, product)
    with transaction.atomic():
        level = _locked_level(product, location)
        if level.available < q:
            raise _insufficient(product, location, level.available)
        level.reserved += q
        level.save(update_fields=["reserved", "updated_at"])
    return level


def stock_release(*, product: Product, location: Location, quantity: Any, work_order_id: int) -> StockLevel:
    """Give back a reservation (the part line was removed or the work order cancelled)."""
    q = _checked_quantity(quantity, product)
    with transaction.atomic():
        level = _locked_level(product, location)
        if level.reserved < q:
            raise ApplicationError.invalid("quantity", _("That much is not reserved."))
        level.reserved -= q
        level.save(update_fields=["reserved", "updated_at"])
    return level


def stock_use(
    *,
    product: Product,
    location: Location,
    quantity: Any,
    work_order_id: int,
    reserved: bool | Decimal = True,
    actor: Any = None,
) -> StockMove:
    """Parts taken out for a work order. `reserved` is how much of them was held for it and is released with the
    use (True: all of them; False: none); the rest must be available, or 409 `insufficient_stock`."""
    _check_carried(product, location)
    q = _checked_quantity(quantity, product)
    release = q if reserved is True else Decimal(0) if reserved is False else min(Decimal(reserved), q)
    return _move(
        product=product,
        location=location,
        kind=MoveKind.USE,
        quantity=-q,
        release=release,
        actor=actor,
        work_order_id=work_order_id,
    )


@dataclass(frozen=True)
class PartUse:
    """One part line of a completing work order: `quantity` taken out (zero: none, the line is not fitted) and
    `release` of the reservation held for it given back."""

    product: Product
    quantity: Decimal
    release: Decimal = Decimal(0)


def stock_use_many(
    *, location: Location, uses: Sequence[PartUse], work_order_id: int, actor: Any = None
) -> list[StockMove]:
    """A work order's parts at once: for each, in the given order, what `stock_use` does (or `stock_release`, for
    a part with nothing taken out), with the same refusals — 409 `insufficient_stock` naming the first product
    short, and nothing written — in three statements however many parts there are.

    The levels are locked with one `SELECT … ORDER BY id FOR UPDATE` (rows taken in id order, so two completions
    sharing products never wait for each other in a cycle), written back with one UPDATE and the ledger lines
    with one INSERT. Every completion at a location needs the same few levels, held until its transaction ends:
    the caller runs this as late in its transaction as it can."""
    if not uses:
        return []
    carried = Product.locations.through.objects.filter(product_id=OuterRef("product_id"), location_id=location.pk)
    # Inside the caller's transaction no savepoint of its own (two more statements while the levels are locked):
    # every refusal comes before the first write, so it leaves that transaction as it was.
    with nullcontext() if transaction.get_connection().in_atomic_block else transaction.atomic():
        levels = {
            level.product_id: level
            for level in StockLevel.objects.select_for_update()
            .filter(location=location, product_id__in={use.product.pk for use in uses})
            .annotate(carried=Exists(carried))
            .order_by("id")
        }
        who = actor if getattr(actor, "pk", None) else None
        moves: list[StockMove] = []
        crossings: list[tuple[int, Product, Decimal]] = []
        changed: dict[int, StockLevel] = {}
        for use in uses:
            level = levels.get(use.product.pk)
            if not use.quantity:
                if use.release > 0:
                    changed[use.product.pk] = _released(use, level)
                continue
            before = _used(use, location, level)
            assert level is not None
            changed[use.product.pk] = level
            moves.append(
                StockMove(
                    product=use.product,
                    location=location,
                    kind=MoveKind.USE,
                    quantity=-use.quantity,
                    balance_after=level.quantity,
                    actor=who,
                    work_order_id=work_order_id,
                )
            )
            if before > use.product.reorder_level >= level.quantity:
                crossings.append((len(moves) - 1, use.product, before))
        _write_levels(list(changed.values()))
        StockMove.objects.bulk_create(moves)
        for index, product, before in crossings:
            _announce_crossing(product, location, moves[index], before)
    return moves


def _write_levels(levels: list[StockLevel]) -> None:
    """Write back the levels `stock_use_many` locked and changed, in one UPDATE (a CASE per column).

    It is the statement `bulk_update` writes, without its expressions: building those cost several times what
    the statement costs to run, on the path every completion takes."""
    if not levels:
        return
    now = timezone.now()
    ops = connection.ops
    quote = ops.quote_name
    meta = StockLevel._meta
    column = {name: _column(name) for name in ("id", "quantity", "reserved", "updated_at")}
    case = f"CASE {column['id']} " + " ".join(["WHEN %s THEN CAST(%s AS NUMERIC)"] * len(levels)) + " END"
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column['quantity']} = {case}, {column['reserved']} = {case}, "  # noqa: S608 - names from the model
        f"{column['updated_at']} = %s WHERE {column['id']} IN ({', '.join(['%s'] * len(levels))})"
    )
    params: list[Any] = []
    for name in ("quantity", "reserved"):
        for level in levels:
            params += [level.pk, ops.adapt_decimalfield_value(getattr(level, name), QUANTITY_DIGITS, QUANTITY_PLACES)]
    params.append(ops.adapt_datetimefield_value(now))
    params += [level.pk for level in levels]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    for level in levels:
        level.updated_at = now


def _column(name: str) -> str:
    field = StockLevel._meta.get_field(name)
    assert isinstance(field, Field)
    return connection.ops.quote_name(str(field.column))


def _used(use: PartUse, location: Location, level: StockLevel | None) -> Decimal:
    """`stock_use`'s checks and arithmetic on a level locked by `stock_use_many` (None: no row, nothing on hand);
    the level is changed in memory. Returns the quantity on hand before."""
    if level is None or not getattr(level, "carried", True):
        _check_carried(use.product, location)
    q = _checked_quantity(use.quantity, use.product)
    release = min(use.release, q)
    if level is None:
        raise _insufficient(use.product, location, Decimal(0))
    if release > level.reserved:
        raise _insufficient(use.product, location, level.reserved)
    before, after, reserved = level.quantity, level.quantity - q, level.reserved - release
    if after < reserved:
        raise _insufficient(use.product, location, level.quantity - level.reserved)
    level.quantity, level.reserved = after, reserved
    return before


def _released(use: PartUse, level: StockLevel | None) -> StockLevel:
    """`stock_release`'s check and arithmetic on a level locked by `stock_use_many`, changed in memory."""
    q = _checked_quantity(use.release, use.product)
    if level is None or level.reserved < q:
        raise ApplicationError.invalid("quantity", _("That much is not reserved."))
    level.reserved -= q
    return level


def stock_return(
    *, product: Product, location: Location, quantity: Any, work_order_id: int | None, actor: Any = None, note: str = ""
) -> StockMove:
    """Parts back on the shelf from a work order (or, through the API, an unspecified return)."""
    _check_carried(product, location)
    q = _checked_quantity(quantity, product)
    return _move(
        product=product,
        location=location,
        kind=MoveKind.RETURN,
        quantity=q,
        actor=actor,
        work_order_id=work_order_id,
        note=(note or "").strip()[:200],
    )


# --- Entry points of the API and the pages ------------------------------------------------------------------------


def product_update_with_prices(
    *, actor: Any, product: Product, prices: Iterable[dict[str, Any]] = (), **changes: Any
) -> Product:
    """A product's fields and its prices per location, all or nothing."""
    with transaction.atomic():
        if changes:
            product = product_update(actor=actor, product=product, **changes)
        else:
            require(can_manage_product(actor, product))
        for row in prices:
            product_price_set(
                actor=actor,
                product=product,
                location=row["location"],
                price=row.get("price"),
                tax_rate=row.get("tax_rate"),
            )
    return product


def stock_move_from_api(
    *,
    actor: Any,
    product: Product,
    location: Location,
    quantity: Any,
    reason: str,
    supplier: str = "",
    unit_cost: Any = None,
    note: str = "",
    work_order: int | None = None,
) -> StockMove:
    """`POST …/stock-moves/`: a receipt (+), an adjustment (±) or a return (+); uses are the work orders'."""
    if reason == MoveKind.RECEIPT:
        return stock_receive(
            actor=actor, product=product, location=location, quantity=quantity, supplier=supplier,
            unit_cost=unit_cost, note=note,
        )  # fmt: skip
    if reason == MoveKind.ADJUSTMENT:
        return stock_adjust(actor=actor, product=product, location=location, quantity=quantity, note=note)
    if reason == MoveKind.RETURN:
        require(can_write_stock(actor, location))
        return stock_return(
            product=product, location=location, quantity=quantity, work_order_id=work_order, actor=actor, note=note
        )
    raise ApplicationError.invalid("reason", _("Choose receipt, adjustment or return."))
