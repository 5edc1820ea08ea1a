"""Work orders: a job on a client's vehicle at a location, its lines, comments, history, clock and estimates.

A work order's number (`OT-2026-00042`) comes from a `WorkOrderCounter` row for (location, year) locked with
`select_for_update` (on SQLite the IMMEDIATE transaction serialises writers); the unique constraint on
(location, year, sequence) is the backstop, so numbers are gap-free per location and year.

Lines (labor and parts) are net amounts with a tax rate per line (API.md: prices are net). A part line holds a
description, a quantity and a unit price, and may name an inventory product (then it reserves stock and completion
uses it: services/parts.py). An estimate freezes the lines into a numbered `EstimateVersion`; the client decides each
line (`EstimateLineDecision`); the line keeps the latest decision (`decision`) so declined work stays visible.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autoagenda.core.models import TimeStampedModel
from autoagenda.workorders.totals import line_net, line_tax

NUMBER_PREFIX = "OT"


class WorkOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ESTIMATE_SENT = "estimate_sent", _("Estimate sent")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# API.md, "Work orders, stock, invoices": every other move is 409 `invalid_transition`.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    WorkOrderStatus.DRAFT: frozenset(
        {WorkOrderStatus.ESTIMATE_SENT, WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.CANCELLED}
    ),
    WorkOrderStatus.ESTIMATE_SENT: frozenset({WorkOrderStatus.APPROVED, WorkOrderStatus.CANCELLED}),
    WorkOrderStatus.APPROVED: frozenset({WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.CANCELLED}),
    WorkOrderStatus.IN_PROGRESS: frozenset({WorkOrderStatus.COMPLETED}),
    WorkOrderStatus.COMPLETED: frozenset({WorkOrderStatus.DELIVERED}),
    WorkOrderStatus.DELIVERED: frozenset(),
    WorkOrderStatus.CANCELLED: frozenset(),
}

# Open work: what the job board and the mechanic board show.
OPEN_STATUSES = (
    WorkOrderStatus.DRAFT,
    WorkOrderStatus.ESTIMATE_SENT,
    WorkOrderStatus.APPROVED,
    WorkOrderStatus.IN_PROGRESS,
    WorkOrderStatus.COMPLETED,
)
CLOSED_STATUSES = (WorkOrderStatus.DELIVERED, WorkOrderStatus.CANCELLED)
# Lines may be edited until the job is finished.
EDITABLE_STATUSES = (
    WorkOrderStatus.DRAFT,
    WorkOrderStatus.ESTIMATE_SENT,
    WorkOrderStatus.APPROVED,
    WorkOrderStatus.IN_PROGRESS,
)


class WorkOrderCounter(models.Model):
    """The last number issued for one (location, year): the row every creation locks."""

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "year"], name="workorders_workordercounter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.year}: {self.last_number}"


class WorkOrder(TimeStampedModel):
    """A job on a client's vehicle at a location: `OT-2026-00042`, numbered per location and year."""

    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="work_orders")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=20)
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_orders")
    vehicle = models.ForeignKey("customers.Vehicle", on_delete=models.PROTECT, related_name="work_orders")
    appointment = models.ForeignKey(
        "scheduling.Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="work_orders"
    )
    ticket = models.ForeignKey(
        "walkins.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="work_orders"
    )
    service = models.ForeignKey(
        "catalog.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="work_orders"
    )
    description = models.TextField(_("complaint"), max_length=2000)
    mileage_in = models.PositiveIntegerField(_("mileage at intake (km)"), null=True, blank=True)
    promised_by = models.DateTimeField(_("promised by"), null=True, blank=True)
    mechanic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_work_orders",
        verbose_name=_("mechanic"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=WorkOrderStatus.choices, default=WorkOrderStatus.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ("-created_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "year", "sequence"], name="workorders_workorder_unique_number"),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False),
                name="workorders_workorder_one_per_appointment",
            ),
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ticket__isnull=False), name="workorders_workorder_one_per_ticket"
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="workorders_workorder_sequence_positive"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in WorkOrderStatus]), name="workorders_workorder_status"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["location", "status"], name="workorders_wo_loc_status"),
            models.Index(fields=["mechanic", "status"], name="workorders_wo_mechanic"),
            models.Index(fields=["client", "created_at"], name="workorders_wo_client"),
            models.Index(fields=["number"], name="workorders_wo_number"),
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def format_number(year: int, sequence: int) -> str:
        """`OT-2026-00042`: five digits, more past 99,999."""
        return f"{NUMBER_PREFIX}-{year}-{sequence:05d}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class LineDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class LineKind(models.TextChoices):
    LABOR = "labor", _("Labor")
    PART = "part", _("Part")


class Line(models.Model):
    """What labor and part lines share: a net amount, a tax rate (%), the client's decision."""

    description = models.CharField(_("description"), max_length=300)
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    decision = models.CharField(
        _("client's decision"), max_length=10, choices=LineDecision.choices, default=LineDecision.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    kind: ClassVar[str]

    class Meta:
        abstract = True

    @property
    def net(self) -> Decimal:
        raise NotImplementedError

    @property
    def tax(self) -> Decimal:
        return line_tax(self.net, self.tax_rate)

    @property
    def total(self) -> Decimal:
        return self.net + self.tax

    @property
    def key(self) -> str:
        """`labor-3`, `part-7`: how a frozen estimate and a decision name the line."""
        return f"{self.kind}-{self.pk}"


class LaborLine(Line):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="labor_lines")
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    rate = models.DecimalField(_("rate per hour"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    kind = LineKind.LABOR

    class Meta:
        verbose_name = _("labor line")
        verbose_name_plural = _("labor lines")
        ordering = ("work_order", "id")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="workorders_laborline_hours_non_negative"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="workorders_laborline_rate_non_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="workorders_laborline_tax_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=[d.value for d in LineDecision]), name="workorders_laborline_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.hours} h)"

    @property
    def net(self) -> Decimal:
        return line_net(self.hours, self.rate)


class PartLine(Line):
    """A part or material: a product of the inventory, or free text (no stock).

    A product line holds `reserved` of its quantity at the work order's location (inventory's `StockLevel.reserved`
    is the sum of its open lines' `reserved`): the services reserve the whole quantity when the line is added or
    changed and give it back when it is deleted or the work order cancelled; completion turns it into a `use` move.
    `reserved` below `quantity` only happens for a line written outside the services; completion then takes the rest
    from what is available, or refuses.
    """

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="part_lines")
    product = models.ForeignKey(
        "inventory.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",  # inventory knows nothing of work orders
        verbose_name=_("product"),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    reserved = models.DecimalField(_("reserved"), max_digits=10, decimal_places=3, default=Decimal(0))
    unit_price = models.DecimalField(
        _("net unit price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    kind = LineKind.PART

    class Meta:
        verbose_name = _("part line")
        verbose_name_plural = _("part lines")
        ordering = ("work_order", "id")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="workorders_partline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0, reserved__lte=F("quantity")), name="workorders_partline_reserved_range"
            ),
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(reserved=0), name="workorders_partline_reserved_needs_product"
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="workorders_partline_unit_price_non_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="workorders_partline_tax_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=[d.value for d in LineDecision]), name="workorders_partline_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    @property
    def net(self) -> Decimal:
        return line_net(self.quantity, self.unit_price)


class CommentVisibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CLIENT = "client", _("Visible to the client")


class Comment(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=2000)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=CommentVisibility.choices, default=CommentVisibility.INTERNAL
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("work-order comment")
        verbose_name_plural = _("work-order comments")
        ordering = ("created_at", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(visibility__in=[v.value for v in CommentVisibility]),
                name="workorders_comment_visibility",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id}: {self.body[:40]}"

    @property
    def is_internal(self) -> bool:
        return self.visibility == CommentVisibility.INTERNAL


class StatusChange(models.Model):
    """The history of a work order: who moved it, when, from what to what, why (creation has no `from`)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=WorkOrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=WorkOrderStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("work-order status change")
        verbose_name_plural = _("work-order status changes")
        ordering = ("changed_at", "id")

    def __str__(self) -> str:
        return f"{self.work_order_id}: {self.from_status or '—'} → {self.to_status}"


class TimeEntry(models.Model):
    """A mechanic's clock on a job: running while `stopped_at` is empty (one running clock per mechanic and job)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="time_entries")
    mechanic = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    started_at = models.DateTimeField(_("started"))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ("started_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["work_order", "mechanic"],
                condition=Q(stopped_at__isnull=True),
                name="workorders_timeentry_one_running_per_mechanic",
            ),
            models.CheckConstraint(
                condition=Q(stopped_at__isnull=True) | Q(stopped_at__gte=F("started_at")),
                name="workorders_timeentry_stops_after_start",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["mechanic", "stopped_at"], name="workorders_time_mechanic")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.mechanic_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None


class EstimateVersion(models.Model):
    """The lines as they were sent to the client, frozen; an edit after sending supersedes it (its link dies)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="estimates")
    number = models.PositiveSmallIntegerField(_("version"))
    lines = models.JSONField(_("lines"), default=list)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=14, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("link expires"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        ordering = ("work_order", "number")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["work_order", "number"], name="workorders_estimateversion_unique_number"),
            models.UniqueConstraint(
                fields=["work_order"],
                condition=Q(superseded_at__isnull=True),
                name="workorders_estimateversion_one_current",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="workorders_estimateversion_number_positive"),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0, tax__gte=0, total__gte=0),
                name="workorders_estimateversion_amounts_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} v{self.number}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class EstimateLineDecision(models.Model):
    """The client's answer to one line of one estimate version, with who, when and from where."""

    estimate = models.ForeignKey(EstimateVersion, on_delete=models.CASCADE, related_name="decisions")
    line_kind = models.CharField(max_length=8, choices=LineKind.choices)
    line_id = models.PositiveBigIntegerField()
    decision = models.CharField(max_length=10, choices=LineDecision.choices)
    signer_name = models.CharField(max_length=120, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("estimate line decision")
        verbose_name_plural = _("estimate line decisions")
        ordering = ("estimate", "line_kind", "line_id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["estimate", "line_kind", "line_id"], name="workorders_estimatelinedecision_once"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=[LineDecision.APPROVED.value, LineDecision.DECLINED.value]),
                name="workorders_estimatelinedecision_decided",
            ),
            models.CheckConstraint(
                condition=Q(line_kind__in=[k.value for k in LineKind]), name="workorders_estimatelinedecision_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estimate_id} {self.line_kind}-{self.line_id}: {self.decision}"
