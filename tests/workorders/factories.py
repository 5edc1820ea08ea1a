"""Factories of the work orders app: work orders (numbered without the counter) and their lines."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from autoagenda.workorders.models import Comment, LaborLine, PartLine, WorkOrder, WorkOrderStatus
from tests.customers.factories import VehicleFactory
from tests.locations.factories import LocationFactory


class WorkOrderFactory(DjangoModelFactory):
    """A work order built directly (no counter, no history, no event): for setting up a situation."""

    class Meta:
        model = WorkOrder

    location = factory.SubFactory(LocationFactory)
    vehicle = factory.SubFactory(VehicleFactory)
    client = factory.LazyAttribute(lambda o: o.vehicle.owner)
    year = 2026
    sequence = factory.Sequence(lambda n: 90000 + n)
    number = factory.LazyAttribute(lambda o: WorkOrder.format_number(o.year, o.sequence))
    description = "Ruido al frenar"
    status = WorkOrderStatus.DRAFT
    status_changed_at = factory.LazyFunction(timezone.now)


class LaborLineFactory(DjangoModelFactory):
    class Meta:
        model = LaborLine

    work_order = factory.SubFactory(WorkOrderFactory)
    description = "Cambio de pastillas"
    hours = Decimal("1.50")
    rate = Decimal("30000")
    tax_rate = Decimal("19")


class PartLineFactory(DjangoModelFactory):
    class Meta:
        model = PartLine

    work_order = factory.SubFactory(WorkOrderFactory)
    description = "Pastillas de freno"
    quantity = Decimal("1")
    unit_price = Decimal("25000")
    tax_rate = Decimal("19")


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    work_order = factory.SubFactory(WorkOrderFactory)
    body = "Revisado"
