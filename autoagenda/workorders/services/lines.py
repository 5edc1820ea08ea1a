"""Labor and part lines. An edit while an estimate waits for the client supersedes it: its link stops working,
and the next `estimate_send` freezes a new version.

A part line names a product of the inventory (its stock is reserved for the line: services/parts.py) or is free
text with a description, a quantity and a net unit price (no stock)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.catalog.selectors import service_price_at
from autoagenda.core.errors import ApplicationError
from autoagenda.inventory.models import Product
from autoagenda.workorders.models import (
    EDITABLE_STATUSES,
    EstimateVersion,
    LaborLine,
    PartLine,
    WorkOrder,
)
from autoagenda.workorders.permissions import can_work_on
from autoagenda.workorders.services import parts
from autoagenda.workorders.services.base import (
    LINE_DESCRIPTION_MAX,
    MAX_AMOUNT,
    MAX_HOURS,
    MAX_QUANTITY,
    changed,
    clean_decimal,
    clean_tax_rate,
    clean_text,
    closed_error,
    lock,
    raise_if_errors,
    user_or_none,
)

Line = LaborLine | PartLine


def default_tax_rate(work_order: WorkOrder) -> Decimal:
    """The tax rate of the work order's service at its location (its own rate there, else the service's), else
    the location's standard rate."""
    if work_order.service_id and work_order.service:
        price = service_price_at(work_order.service, work_order.location)
        return price.tax_rate if price is not None else work_order.service.tax_rate
    return work_order.location.standard_tax_rate


def _editable(work_order: WorkOrder) -> WorkOrder:
    current = lock(work_order)
    if current.status not in EDITABLE_STATUSES:
        raise closed_error(current)
    return current


def supersede_pending_estimate(work_order: WorkOrder) -> int:
    """The lines changed: a sent estimate the client has not decided yet dies (its link answers "superseded")."""
    return EstimateVersion.objects.filter(
        work_order=work_order, superseded_at__isnull=True, decided_at__isnull=True
    ).update(superseded_at=timezone.now())


def _labor_values(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "description" in values:
        out["description"] = clean_text(
            values["description"], LINE_DESCRIPTION_MAX, "description", errors, required=True
        )
    if "hours" in values:
        out["hours"] = clean_decimal(values["hours"], "hours", errors, places=2, maximum=MAX_HOURS)
    if "rate" in values:
        out["rate"] = clean_decimal(values["rate"], "rate", errors, places=2, maximum=MAX_AMOUNT)
    if values.get("tax_rate") is not None:
        out["tax_rate"] = clean_tax_rate(values["tax_rate"], errors)
    return out


def _part_values(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "description" in values:
        out["description"] = clean_text(
            values["description"], LINE_DESCRIPTION_MAX, "description", errors, required=True
        )
    if "quantity" in values:
        out["quantity"] = clean_decimal(
            values["quantity"], "quantity", errors, places=3, maximum=MAX_QUANTITY, positive=True
        )
    if "unit_price" in values:
        out["unit_price"] = clean_decimal(values["unit_price"], "unit_price", errors, places=2, maximum=MAX_AMOUNT)
    if values.get("tax_rate") is not None:
        out["tax_rate"] = clean_tax_rate(values["tax_rate"], errors)
    return out


def labor_line_add(
    *,
    actor: Any,
    work_order: WorkOrder,
    description: str,
    hours: Decimal | str,
    rate: Decimal | str,
    tax_rate: Decimal | str | None = None,
) -> LaborLine:
    """A labor line; hours and rate zero or more (negative is 400), tax rate 0–100 (default: the service's)."""
    require(can_work_on(actor, work_order))
    errors: dict[str, list[str]] = {}
    values = _labor_values({"description": description, "hours": hours, "rate": rate, "tax_rate": tax_rate}, errors)
    raise_if_errors(errors, _("The labor line was not added."))
    with transaction.atomic():
        current = _editable(work_order)
        values.setdefault("tax_rate", default_tax_rate(current))
        line = LaborLine.objects.create(work_order=current, created_by=user_or_none(actor), **values)
        supersede_pending_estimate(current)
        changed(current, "lines")
    return line


def part_line_add(
    *,
    actor: Any,
    work_order: WorkOrder,
    quantity: Decimal | str,
    product: Product | None = None,
    description: str | None = None,
    unit_price: Decimal | str | None = None,
    tax_rate: Decimal | str | None = None,
) -> PartLine:
    """A part line. With a `product`: its name, its price at the work order's location and its tax rate (each may
    be given instead), a quantity in its unit, and that quantity reserved at the location in the same transaction
    (409 `insufficient_stock` when not available). Without: free text, `description` and `unit_price` required,
    no stock. Quantity above zero, unit price zero or more, tax rate 0–100."""
    require(can_work_on(actor, work_order))
    errors: dict[str, list[str]] = {}
    given = {"description": description, "unit_price": unit_price, "tax_rate": tax_rate}
    values = _part_values({k: v for k, v in given.items() if v is not None or product is None}, errors)
    if product is not None:
        price = parts.product_price(product, work_order.location, errors)
        values["quantity"] = parts.product_quantity(product, quantity, errors)
        values.setdefault("description", product.name[:LINE_DESCRIPTION_MAX])
        values.setdefault("unit_price", price.amount if price is not None else Decimal(0))
        values.setdefault("tax_rate", price.tax_rate if price is not None else product.tax_rate)
    else:
        values.update(_part_values({"quantity": quantity}, errors))
    raise_if_errors(errors, _("The part line was not added."))
    with transaction.atomic():
        current = _editable(work_order)
        values.setdefault("tax_rate", default_tax_rate(current))
        line = PartLine.objects.create(work_order=current, product=product, created_by=user_or_none(actor), **values)
        parts.reserve(line, current.location, line.quantity)
        supersede_pending_estimate(current)
        changed(current, "lines")
    return line


def line_update(*, actor: Any, line: Line, **changes: Any) -> Line:
    """Change a line's fields (labor: description, hours, rate, tax_rate; part: description, quantity,
    unit_price, tax_rate)."""
    allowed = {
        "description",
        "tax_rate",
        *(("hours", "rate") if isinstance(line, LaborLine) else ("quantity", "unit_price")),
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown line fields: {sorted(unknown)}")
    require(can_work_on(actor, line.work_order))
    errors: dict[str, list[str]] = {}
    product = line.product if isinstance(line, PartLine) else None
    if product is not None and "quantity" in changes:
        quantity = parts.product_quantity(product, changes.pop("quantity"), errors)
        values = {**_part_values(changes, errors), "quantity": quantity}
    else:
        values = _labor_values(changes, errors) if isinstance(line, LaborLine) else _part_values(changes, errors)
    raise_if_errors(errors, _("The line was not saved."))
    with transaction.atomic():
        current = _editable(line.work_order)
        fresh = type(line).objects.filter(pk=line.pk).first()  # as it is now, under the work order's lock
        if fresh is None:
            raise ApplicationError("not_found", _("This line was deleted."))
        held = fresh if isinstance(fresh, PartLine) and "quantity" in values else None
        if held is not None and values["quantity"] < held.reserved:  # first: reserved never exceeds the quantity
            parts.release(held, current.location, held.reserved - values["quantity"])
        type(line).objects.filter(pk=line.pk).update(**values)
        if held is not None:
            parts.reserve(held, current.location, values["quantity"] - held.reserved)
            values["reserved"] = held.reserved
        for field, value in values.items():
            setattr(line, field, value)
        supersede_pending_estimate(current)
        changed(current, "lines")
    return line


def line_delete(*, actor: Any, line: Line) -> None:
    """Delete a line; a product line gives its reservation back."""
    require(can_work_on(actor, line.work_order))
    with transaction.atomic():
        current = _editable(line.work_order)
        fresh = type(line).objects.filter(pk=line.pk).select_related(*(("product",) if line.kind == "part" else ()))
        found = fresh.first()
        if isinstance(found, PartLine):
            parts.release(found, current.location)
        fresh.delete()
        supersede_pending_estimate(current)
        changed(current, "lines")
