"""Stock for the part lines that name a product: workorders calls inventory's services explicitly, inside its own
transaction (CONTRIBUTING.md, "Layers": inventory sits below workorders and knows nothing of work orders; the
work order's id is an opaque integer on its ledger).

- adding a line reserves its quantity at the work order's location (`stock_reserve`);
- changing the quantity reserves or releases the difference; deleting the line, or cancelling the work order,
  releases what the line holds (`stock_release`);
- completing turns every product line into a `use` move releasing its reservation (`stock_use_many`, all lines in
  one go).

A refusal (409 `insufficient_stock`, naming the product) rolls the caller's whole transaction back. The lines of a
work order are taken in (product, line) order, so two completions never lock levels in opposite orders.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from autoagenda.catalog.selectors import Price
from autoagenda.inventory import services as stock
from autoagenda.inventory.models import Product
from autoagenda.inventory.selectors import product_price_at
from autoagenda.locations.models import Location
from autoagenda.workorders.models import LineDecision, PartLine, WorkOrder
from autoagenda.workorders.services.base import MAX_QUANTITY

ZERO = Decimal(0)


def product_price(product: Product, location: Location, errors: dict[str, list[str]]) -> Price | None:
    """The product's net price at `location`, or a `product` error: inactive, not carried there, or priced only in
    another currency (of no use there)."""
    if not product.is_active:
        errors.setdefault("product", []).append(_("This product is no longer sold."))
        return None
    if not product.locations.filter(pk=location.pk).exists():
        errors.setdefault("product", []).append(_("This product is not carried at this work order's location."))
        return None
    price = product_price_at(product, location)
    if price is None:
        errors.setdefault("product", []).append(_("This product has no price in this location's currency."))
    return price


def product_quantity(product: Product, value: Any, errors: dict[str, list[str]]) -> Decimal:
    """A quantity above zero with no more decimals than the product's unit allows (whole filters, litres to 3)."""
    problems = stock.quantity_errors(value, product.unit)
    if not problems and Decimal(str(value).strip()) > MAX_QUANTITY:
        problems = [_("Enter at most %(max)s.") % {"max": MAX_QUANTITY}]
    if problems:
        errors.setdefault("quantity", []).extend(problems)
        return ZERO
    return Decimal(str(value).strip())


def reserve(line: PartLine, location: Location, quantity: Decimal) -> None:
    """Hold `quantity` more for the line (409 when not that much is available)."""
    if line.product is None or quantity <= 0:
        return
    stock.stock_reserve(product=line.product, location=location, quantity=quantity, work_order_id=line.work_order_id)
    PartLine.objects.filter(pk=line.pk).update(reserved=line.reserved + quantity)
    line.reserved += quantity


def release(line: PartLine, location: Location, quantity: Decimal | None = None) -> None:
    """Give back `quantity` of what the line holds (all of it by default)."""
    amount = line.reserved if quantity is None else min(quantity, line.reserved)
    if line.product is None or amount <= 0:
        return
    stock.stock_release(product=line.product, location=location, quantity=amount, work_order_id=line.work_order_id)
    PartLine.objects.filter(pk=line.pk).update(reserved=line.reserved - amount)
    line.reserved -= amount


def read_lines(work_order: WorkOrder) -> None:
    """Read the work order's labor and part lines (with their products) once, kept on the instance: completing
    uses the part lines and billing invoices both kinds. Lines already read are not read again."""
    prefetch_related_objects(
        [work_order], "labor_lines", Prefetch("part_lines", queryset=PartLine.objects.select_related("product"))
    )


def _product_lines(work_order: WorkOrder) -> list[PartLine]:
    """The product lines in (product, line) order, from the work order's `part_lines` (read once, with their
    products, and kept on the instance: billing reads the same lines for the invoice)."""
    prefetch_related_objects([work_order], Prefetch("part_lines", queryset=PartLine.objects.select_related("product")))
    return sorted(
        (line for line in work_order.part_lines.all() if line.product_id is not None),
        key=lambda line: (line.product_id, line.pk),
    )


def use_all(work_order: WorkOrder, *, actor: Any) -> None:
    """Completion: a `use` move per product line at the work order's location, its reservation released.

    A line the client declined on the estimate is not fitted (nor billed): it gives its reservation back. The
    lines' own rows are written first; the stock levels, which every completion at the location needs, are
    locked last (`stock_use_many`), so the caller should call this after its own writes."""
    lines = _product_lines(work_order)
    if any(line.reserved > 0 for line in work_order.part_lines.all()):
        PartLine.objects.filter(work_order=work_order, reserved__gt=0).update(reserved=ZERO)
    uses = []
    for line in lines:
        assert line.product is not None
        declined = line.decision == LineDecision.DECLINED
        uses.append(
            stock.PartUse(product=line.product, quantity=ZERO if declined else line.quantity, release=line.reserved)
        )
        line.reserved = ZERO
    stock.stock_use_many(location=work_order.location, uses=uses, work_order_id=work_order.pk, actor=actor)


def release_all(work_order: WorkOrder) -> None:
    """Cancellation: every product line gives back what it holds."""
    for line in _product_lines(work_order):
        release(line, work_order.location)
