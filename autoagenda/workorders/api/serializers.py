"""Serializers of the work-order API: input ones only validate shape and bounds (the services decide the rules),
output ones render money as the currency's string and timestamps in the location's zone."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autoagenda.accounts.permissions import locations_known_to
from autoagenda.catalog.api import MoneyField
from autoagenda.core.api import ScopedPrimaryKeyRelatedField
from autoagenda.core.api_fields import AwareDateTimeField, BoundedDateField, IdField
from autoagenda.core.timeutils import isoformat_in
from autoagenda.customers.permissions import vehicles_visible_to
from autoagenda.customers.services import MAX_MILEAGE
from autoagenda.inventory.api import format_quantity
from autoagenda.inventory.permissions import products_visible_to
from autoagenda.scheduling.models import Appointment
from autoagenda.scheduling.permissions import scope_appointments
from autoagenda.walkins.permissions import desks_visible_to, tickets_visible_to
from autoagenda.workorders import selectors
from autoagenda.workorders.models import (
    Comment,
    CommentVisibility,
    EstimateVersion,
    LaborLine,
    LineDecision,
    PartLine,
    StatusChange,
    TimeEntry,
    WorkOrder,
    WorkOrderStatus,
)
from autoagenda.workorders.services.base import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    HISTORY_COMMENT_MAX,
    LINE_DESCRIPTION_MAX,
    NOTES_MAX,
    SIGNER_MAX,
)


def appointments_visible_to(user: Any) -> Any:
    return scope_appointments(Appointment.objects.select_related("location", "service", "client", "vehicle"), user)


def _zone_of(instance: Any) -> Any:
    for path in ("location", "work_order.location"):
        target = instance
        for part in path.split("."):
            target = getattr(target, part, None)
        if target is not None:
            return target.zone
    return None


@extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
class LocalMomentField(serializers.Field):
    """A stored UTC moment rendered in its work order's location's zone (RFC 3339); read only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return (super().get_attribute(instance), _zone_of(instance))

    def to_representation(self, value: Any) -> str | None:
        moment, zone = value
        return isoformat_in(moment, zone) if moment is not None else None


# --- Output -------------------------------------------------------------------------------------------------------


class LaborLineSerializer(serializers.ModelSerializer[LaborLine]):
    rate = MoneyField(read_only=True)
    net = MoneyField(read_only=True)
    tax = MoneyField(read_only=True)
    total = MoneyField(read_only=True)

    class Meta:
        model = LaborLine
        fields = ("id", "key", "description", "hours", "rate", "tax_rate", "net", "tax", "total", "decision")
        read_only_fields = fields


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
class AvailableField(serializers.Field):
    """What other work orders could still take of the line's product at its location (on hand − reserved), in the
    product's unit; null for a free-text line. Read from the `available` the selectors annotate."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, line: PartLine) -> str | None:
        if line.product_id is None:
            return None
        available = getattr(line, "available", None)
        if available is None:
            available = selectors.available_for(line)
        unit = line.product.unit if line.product is not None else ""
        return format_quantity(available, unit)


class PartLineSerializer(serializers.ModelSerializer[PartLine]):
    product = serializers.IntegerField(
        source="product_id", read_only=True, allow_null=True, help_text=_("The inventory product; null: free text.")
    )
    available = AvailableField(help_text=_("On hand minus reserved at the work order's location; null: free text."))
    unit_price = MoneyField(read_only=True)
    net = MoneyField(read_only=True)
    tax = MoneyField(read_only=True)
    total = MoneyField(read_only=True)

    class Meta:
        model = PartLine
        fields = (
            "id", "key", "product", "description", "quantity", "available", "unit_price", "tax_rate", "net", "tax",
            "total", "decision",
        )  # fmt: skip
        read_only_fields = fields


class TotalsSerializer(serializers.Serializer[Any]):
    labor = MoneyField(read_only=True)
    parts = MoneyField(read_only=True)
    subtotal = MoneyField(read_only=True)
    tax = MoneyField(read_only=True)
    total = MoneyField(read_only=True)


class HistorySerializer(serializers.ModelSerializer[StatusChange]):
    changed_at = LocalMomentField()
    changed_by = serializers.IntegerField(source="changed_by_id", read_only=True, allow_null=True)
    from_status = serializers.CharField(read_only=True)  # empty for the creation: not one of the statuses

    class Meta:
        model = StatusChange
        fields = ("from_status", "to_status", "changed_by", "changed_at", "comment")
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_name = serializers.SerializerMethodField()
    created_at = LocalMomentField()

    class Meta:
        model = Comment
        fields = ("id", "author", "author_name", "body", "visibility", "created_at")
        read_only_fields = fields

    def get_author_name(self, comment: Comment) -> str:
        return comment.author.get_full_name() if comment.author is not None else ""


class TimeEntrySerializer(serializers.ModelSerializer[TimeEntry]):
    mechanic = serializers.IntegerField(source="mechanic_id", read_only=True)
    started_at = LocalMomentField()
    stopped_at = LocalMomentField()

    class Meta:
        model = TimeEntry
        fields = ("id", "mechanic", "started_at", "stopped_at", "is_running")
        read_only_fields = fields


class WorkOrderSerializer(serializers.ModelSerializer[WorkOrder]):
    """A work order with its lines and totals; `invoice` is its invoice's id (null until it is completed)."""

    location = serializers.IntegerField(source="location_id", read_only=True)
    client = serializers.IntegerField(source="client_id", read_only=True)
    vehicle = serializers.IntegerField(source="vehicle_id", read_only=True)
    plate = serializers.CharField(source="vehicle.plate", read_only=True)
    appointment = serializers.IntegerField(source="appointment_id", read_only=True, allow_null=True)
    ticket = serializers.IntegerField(source="ticket_id", read_only=True, allow_null=True)
    service = serializers.IntegerField(source="service_id", read_only=True, allow_null=True)
    mechanic = serializers.IntegerField(source="mechanic_id", read_only=True, allow_null=True)
    invoice = serializers.SerializerMethodField()
    promised_by = LocalMomentField()
    created_at = LocalMomentField()
    updated_at = LocalMomentField()
    status_changed_at = LocalMomentField()
    started_at = LocalMomentField()
    completed_at = LocalMomentField()
    delivered_at = LocalMomentField()
    labor = LaborLineSerializer(source="labor_lines", many=True, read_only=True)
    parts = PartLineSerializer(source="part_lines", many=True, read_only=True)
    totals = serializers.SerializerMethodField()
    billed_hours = serializers.SerializerMethodField()
    clocked_hours = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields: tuple[str, ...] = (
            "id", "number", "status", "location", "client", "vehicle", "plate", "appointment", "ticket", "service",
            "mechanic", "description", "mileage_in", "promised_by", "notes", "invoice", "created_at", "updated_at",
            "status_changed_at", "started_at", "completed_at", "delivered_at", "labor", "parts", "totals",
            "billed_hours", "clocked_hours",
        )  # fmt: skip
        read_only_fields = fields

    def get_invoice(self, work_order: WorkOrder) -> int | None:
        """The invoice's id: billing's `Invoice.work_order` is a OneToOne with `related_name="invoice"`, read here
        through the reverse accessor (workorders never imports billing); a missing one raises AttributeError."""
        invoice = getattr(work_order, "invoice", None)
        return invoice.pk if invoice is not None else None

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, work_order: WorkOrder) -> dict[str, Any]:
        return dict(TotalsSerializer(selectors.totals_for(work_order)).data)

    @extend_schema_field({"type": "string", "format": "decimal"})
    def get_billed_hours(self, work_order: WorkOrder) -> str:
        return str(selectors.hours_for(work_order).billed)

    @extend_schema_field({"type": "string", "format": "decimal"})
    def get_clocked_hours(self, work_order: WorkOrder) -> str:
        return str(selectors.hours_for(work_order).clocked)


class WorkOrderDetailSerializer(WorkOrderSerializer):
    """One work order: also its history and the comments the caller may read."""

    history = HistorySerializer(source="status_changes", many=True, read_only=True)
    comments = CommentSerializer(many=True, read_only=True)

    class Meta(WorkOrderSerializer.Meta):
        fields = (*WorkOrderSerializer.Meta.fields, "history", "comments")
        read_only_fields = fields


class EstimateSerializer(serializers.ModelSerializer[EstimateVersion]):
    """A frozen version; `lines[].decision` is the client's answer (null before)."""

    work_order = serializers.IntegerField(source="work_order_id", read_only=True)
    lines = serializers.SerializerMethodField()
    subtotal = MoneyField(read_only=True)
    tax = MoneyField(read_only=True)
    total = MoneyField(read_only=True)
    sent_at = LocalMomentField()
    expires_at = LocalMomentField()
    superseded_at = LocalMomentField()
    decided_at = LocalMomentField()

    class Meta:
        model = EstimateVersion
        fields: tuple[str, ...] = (
            "id", "work_order", "number", "lines", "subtotal", "tax", "total", "currency", "sent_at", "expires_at",
            "superseded_at", "decided_at", "signer_name",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_lines(self, estimate: EstimateVersion) -> list[dict[str, Any]]:
        return selectors.estimate_lines(estimate)


class EstimateSentSerializer(EstimateSerializer):
    url = serializers.CharField(read_only=True, help_text=_("The client's link (path), also sent to them."))

    class Meta(EstimateSerializer.Meta):
        fields = (*EstimateSerializer.Meta.fields, "url")
        read_only_fields = fields


class PublicEstimateSerializer(EstimateSerializer):
    """What the link shows the client: the version and whose car it is for."""

    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    location_name = serializers.CharField(source="work_order.location.name", read_only=True)
    plate = serializers.CharField(source="work_order.vehicle.plate", read_only=True)

    class Meta(EstimateSerializer.Meta):
        fields = (*EstimateSerializer.Meta.fields, "work_order_number", "location_name", "plate")
        read_only_fields = fields


# --- Input --------------------------------------------------------------------------------------------------------


class WorkOrderFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=WorkOrderStatus.choices, required=False)
    mechanic = IdField(required=False)
    location = IdField(required=False)
    from_ = BoundedDateField(required=False, help_text=_("First creation date (local), inclusive."))
    to = BoundedDateField(required=False, help_text=_("Last creation date (local), inclusive."))
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("from") and attrs.get("to") and attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [_("The end date must not be before the start date.")]})
        return attrs


def _mechanic_field(**kwargs: Any) -> IdField:
    return IdField(help_text=_("A staff member's user id (a mechanic of the location)."), **kwargs)


class WorkOrderCreateSerializer(serializers.Serializer[Any]):
    location = ScopedPrimaryKeyRelatedField(scope=locations_known_to)
    vehicle = ScopedPrimaryKeyRelatedField(scope=vehicles_visible_to)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True)
    appointment = ScopedPrimaryKeyRelatedField(scope=appointments_visible_to, required=False, allow_null=True)
    mechanic = _mechanic_field(required=False, allow_null=True)
    promised_by = AwareDateTimeField(required=False, allow_null=True)
    mileage_in = serializers.IntegerField(min_value=0, max_value=MAX_MILEAGE, required=False, allow_null=True)
    notes = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True)


class WorkOrderFromTicketSerializer(serializers.Serializer[Any]):
    ticket = ScopedPrimaryKeyRelatedField(scope=tickets_visible_to)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    client = IdField(required=False, allow_null=True, help_text=_("Default: the ticket's client, or a new one."))
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True)
    make = serializers.CharField(max_length=60, required=False, allow_blank=True)
    model = serializers.CharField(max_length=60, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    mechanic = _mechanic_field(required=False, allow_null=True)
    promised_by = AwareDateTimeField(required=False, allow_null=True)
    mileage_in = serializers.IntegerField(min_value=0, max_value=MAX_MILEAGE, required=False, allow_null=True)
    notes = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True)


class WorkOrderUpdateSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False)
    notes = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True)
    promised_by = AwareDateTimeField(required=False, allow_null=True)
    mileage_in = serializers.IntegerField(min_value=0, max_value=MAX_MILEAGE, required=False, allow_null=True)


class AssignSerializer(serializers.Serializer[Any]):
    mechanic = _mechanic_field(allow_null=True)


class StatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=WorkOrderStatus.choices)
    comment = serializers.CharField(max_length=HISTORY_COMMENT_MAX, required=False, allow_blank=True)


def _amount(**kwargs: Any) -> serializers.DecimalField:
    """Accepts negatives on purpose, so the service answers them with its own message (400 either way)."""
    return serializers.DecimalField(max_digits=14, decimal_places=4, **kwargs)


class LaborInputSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(max_length=LINE_DESCRIPTION_MAX)
    hours = _amount()
    rate = _amount()
    tax_rate = _amount(required=False, allow_null=True, help_text=_("Percent, 0–100; default the service's."))


class LaborUpdateSerializer(LaborInputSerializer):
    description = serializers.CharField(max_length=LINE_DESCRIPTION_MAX, required=False)
    hours = _amount(required=False)
    rate = _amount(required=False)


class PartInputSerializer(serializers.Serializer[Any]):
    """A product (`product, quantity`: its name, price at the location and tax rate fill the line, and the quantity
    is reserved) or free text (`description, quantity, unit_price`: no stock)."""

    product = ScopedPrimaryKeyRelatedField(
        scope=products_visible_to,
        required=False,
        allow_null=True,
        help_text=_("A product carried at the work order's location; its stock is reserved for the line."),
    )
    description = serializers.CharField(
        max_length=LINE_DESCRIPTION_MAX, required=False, help_text=_("Required without a product; default its name.")
    )
    quantity = _amount(help_text=_("Above zero, with no more decimals than the product's unit allows."))
    unit_price = _amount(
        required=False, help_text=_("Net; required without a product; default its price at the location.")
    )
    tax_rate = _amount(
        required=False, allow_null=True, help_text=_("Percent, 0–100; default the product's (else the service's).")
    )


class PartUpdateSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(max_length=LINE_DESCRIPTION_MAX, required=False)
    quantity = _amount(required=False)
    unit_price = _amount(required=False)
    tax_rate = _amount(required=False, allow_null=True)


class CommentInputSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=COMMENT_MAX)
    visibility = serializers.ChoiceField(choices=CommentVisibility.choices, default=CommentVisibility.INTERNAL)


class TimeEntryInputSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=[("start", _("Start")), ("stop", _("Stop"))])
    mechanic = _mechanic_field(required=False, allow_null=True)


class EstimateSendSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=HISTORY_COMMENT_MAX, required=False, allow_blank=True)


class PickupCallSerializer(serializers.Serializer[Any]):
    desk = ScopedPrimaryKeyRelatedField(scope=desks_visible_to)


class DecisionSerializer(serializers.Serializer[Any]):
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=[LineDecision.APPROVED, LineDecision.DECLINED]),
        help_text=_('Every line of the estimate by its key: {"labor-3": "approved", "part-7": "declined"}.'),
    )
    signer_name = serializers.CharField(max_length=SIGNER_MAX, required=False, allow_blank=True)


class SignerSerializer(serializers.Serializer[Any]):
    signer_name = serializers.CharField(max_length=SIGNER_MAX, required=False, allow_blank=True)
