"""Comments, clocks and assignment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.accounts.models import Role
from autoagenda.core.errors import ApplicationError
from autoagenda.workorders import selectors, services
from autoagenda.workorders.models import Comment, TimeEntry, WorkOrder, WorkOrderStatus
from tests.accounts.factories import StaffFactory


def test_comments_are_internal_or_for_the_client_and_the_client_reads_only_theirs(cast, work_order) -> None:
    services.comment_add(actor=cast.mechanic, work_order=work_order, body="Pastillas gastadas")
    services.comment_add(actor=cast.mechanic, work_order=work_order, body="Listo a las 17:00", visibility="client")
    assert [c.body for c in selectors.comments_for(cast.manager, work_order)] == [
        "Pastillas gastadas",
        "Listo a las 17:00",
    ]
    assert [c.body for c in selectors.comments_for(cast.client, work_order)] == ["Listo a las 17:00"]


@pytest.mark.parametrize(("body", "visibility", "field"), [("", "internal", "body"), ("x", "public", "visibility")])
def test_a_bad_comment_is_400(cast, work_order, body, visibility, field) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.comment_add(actor=cast.mechanic, work_order=work_order, body=body, visibility=visibility)
    assert field in refused.value.errors
    assert not Comment.objects.exists()


def test_a_client_may_not_comment(cast, work_order) -> None:
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=cast.client, work_order=work_order, body="hola")


def test_the_clock_runs_once_per_mechanic_and_sums_clocked_against_billed_hours(cast, work_order, clock) -> None:
    with pytest.raises(ApplicationError) as not_started:
        services.time_entry_start(actor=cast.mechanic, work_order=work_order)
    assert not_started.value.code == "invalid_transition"
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=WorkOrderStatus.IN_PROGRESS)
    services.time_entry_start(actor=cast.mechanic, work_order=work_order)
    with pytest.raises(ApplicationError) as twice:
        services.time_entry_start(actor=cast.mechanic, work_order=work_order)
    assert twice.value.status == 409
    clock.shift(timedelta(minutes=90))
    services.time_entry_stop(actor=cast.mechanic, work_order=work_order)
    with pytest.raises(ApplicationError):
        services.time_entry_stop(actor=cast.mechanic, work_order=work_order)
    services.time_entry_start(actor=cast.mechanic, work_order=work_order)
    clock.shift(timedelta(minutes=15))
    services.labor_line_add(actor=cast.mechanic, work_order=work_order, description="x", hours="2", rate="1")
    hours = selectors.hours_for(selectors.work_order_detail(cast.manager, work_order.pk))
    assert (hours.billed, hours.clocked) == (Decimal("2.00"), Decimal("1.75"))  # the running clock counts to now
    assert TimeEntry.objects.filter(stopped_at__isnull=True).count() == 1


def test_a_mechanic_runs_only_their_own_clock(cast, work_order, clock) -> None:
    helper = StaffFactory(role=Role.MECHANIC, location=cast.location)
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=WorkOrderStatus.IN_PROGRESS)
    with pytest.raises(ApplicationError) as refused:
        services.time_entry_start(actor=cast.mechanic, work_order=work_order, mechanic=helper)
    assert list(refused.value.errors) == ["mechanic"]
    entry = services.time_entry_start(actor=cast.manager, work_order=work_order, mechanic=helper)
    assert entry.mechanic == helper


def test_assigning_a_mechanic_of_another_location_is_400(cast, work_order) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.work_order_assign(actor=cast.manager, work_order=work_order, mechanic=cast.other_mechanic)
    assert list(refused.value.errors) == ["mechanic"]
    assert WorkOrder.objects.get(pk=work_order.pk).mechanic == cast.mechanic


def test_reassigning_moves_the_job_off_the_old_mechanic_s_board(cast, work_order) -> None:
    other = StaffFactory(role=Role.MECHANIC, location=cast.location)
    services.work_order_assign(actor=cast.manager, work_order=work_order, mechanic=other)
    assert selectors.mechanic_board(cast.mechanic) == []
    assert [w.pk for w in selectors.mechanic_board(other)] == [work_order.pk]


def test_a_mechanic_may_not_assign(cast, work_order) -> None:
    with pytest.raises(PermissionDenied):
        services.work_order_assign(actor=cast.mechanic, work_order=work_order, mechanic=None)


def test_a_mechanic_sees_only_the_work_orders_assigned_to_them(cast, work_order) -> None:
    from autoagenda.workorders.permissions import work_orders_visible_to

    assert list(work_orders_visible_to(cast.mechanic)) == [work_order]
    services.work_order_assign(actor=cast.manager, work_order=work_order, mechanic=None)
    assert list(work_orders_visible_to(cast.mechanic)) == []
    assert list(work_orders_visible_to(cast.other_manager)) == []
    assert list(work_orders_visible_to(cast.client)) == [work_order]
    assert list(work_orders_visible_to(cast.outsider)) == []


def test_the_job_board_groups_by_status_in_a_constant_number_of_queries(
    cast, vehicle, clock, django_assert_num_queries
) -> None:
    from tests.workorders.factories import WorkOrderFactory

    for status in (WorkOrderStatus.DRAFT, WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.IN_PROGRESS):
        WorkOrderFactory(location=cast.location, vehicle=vehicle, status=status, mechanic=cast.mechanic)
    WorkOrderFactory(location=cast.location, vehicle=vehicle, status=WorkOrderStatus.DELIVERED)
    WorkOrderFactory(location=cast.other_location, vehicle=vehicle, status=WorkOrderStatus.DRAFT)
    manager = type(cast.manager).objects.get(pk=cast.manager.pk)
    with django_assert_num_queries(2):  # the cards (memberships as a subquery), the running clocks
        columns = selectors.job_board(manager, cast.location)
    assert {c.status: len(c.cards) for c in columns} == {
        "draft": 1,
        "estimate_sent": 0,
        "approved": 0,
        "in_progress": 2,
        "completed": 0,
    }
    for _ in range(10):
        WorkOrderFactory(location=cast.location, vehicle=vehicle, status=WorkOrderStatus.APPROVED)
    with django_assert_num_queries(2):
        selectors.job_board(manager, cast.location)
