"""Lines (non-negative amounts, taxes per line), the estimate link (freeze, sign, expire, supersede) and the
client's decision per line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.core.errors import ApplicationError
from autoagenda.workorders import selectors, services
from autoagenda.workorders.models import (
    EstimateLineDecision,
    EstimateVersion,
    LaborLine,
    LineDecision,
    PartLine,
    StatusChange,
    WorkOrder,
    WorkOrderStatus,
)


@pytest.fixture
def lines(cast, work_order):
    labor = services.labor_line_add(
        actor=cast.mechanic,
        work_order=work_order,
        description="Cambio de pastillas",
        hours="1.5",
        rate="30000",
        tax_rate="19",
    )
    part = services.part_line_add(
        actor=cast.mechanic,
        work_order=work_order,
        description="Pastillas",
        quantity="2",
        unit_price="12500.5",
        tax_rate="19",
    )
    return labor, part


def test_totals_are_net_plus_tax_per_line_in_the_currency(cast, work_order, lines) -> None:
    totals = selectors.totals_for(WorkOrder.objects.get(pk=work_order.pk))
    # CLP: whole pesos. Labor 45000 + 8550 tax; parts 25001 + 4750 tax (4750.19 rounded).
    assert (totals.labor, totals.parts, totals.subtotal, totals.tax, totals.total) == (
        Decimal(45000),
        Decimal(25001),
        Decimal(70001),
        Decimal(13300),
        Decimal(83301),
    )


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        ("labor", {"hours": "-1"}, "hours"),
        ("labor", {"rate": "-0.01"}, "rate"),
        ("labor", {"hours": "abc"}, "hours"),
        ("labor", {"hours": "NaN"}, "hours"),
        ("labor", {"hours": "1.234"}, "hours"),
        ("labor", {"tax_rate": "101"}, "tax_rate"),
        ("labor", {"description": " "}, "description"),
        ("part", {"quantity": "0"}, "quantity"),
        ("part", {"quantity": "-2"}, "quantity"),
        ("part", {"unit_price": "-5"}, "unit_price"),
        ("part", {"tax_rate": "-1"}, "tax_rate"),
    ],
)
def test_negative_or_malformed_amounts_are_400_and_nothing_is_added(cast, work_order, kind, values, field) -> None:
    if kind == "labor":
        base = {"description": "Mano de obra", "hours": "1", "rate": "100"}
        call = services.labor_line_add
    else:
        base = {"description": "Filtro", "quantity": "1", "unit_price": "100"}
        call = services.part_line_add
    with pytest.raises(ApplicationError) as refused:
        call(actor=cast.manager, work_order=work_order, **{**base, **values})
    assert refused.value.code == "invalid"
    assert field in refused.value.errors
    assert not LaborLine.objects.exists()
    assert not PartLine.objects.exists()


def test_the_tax_rate_defaults_to_the_service_s(cast, work_order) -> None:
    from tests.catalog.factories import ServiceFactory

    work_order.service = ServiceFactory(tax_rate=Decimal("19"))
    work_order.save()
    line = services.labor_line_add(actor=cast.manager, work_order=work_order, description="x", hours="1", rate="1")
    assert line.tax_rate == Decimal("19")


def test_a_mechanic_not_assigned_may_not_add_lines(cast, work_order) -> None:
    work_order.mechanic = None
    work_order.save()
    with pytest.raises(PermissionDenied):
        services.labor_line_add(actor=cast.mechanic, work_order=work_order, description="x", hours="1", rate="1")


@pytest.mark.parametrize("status", [WorkOrderStatus.COMPLETED, WorkOrderStatus.DELIVERED, WorkOrderStatus.CANCELLED])
def test_lines_of_a_finished_work_order_are_frozen(cast, work_order, status) -> None:
    WorkOrder.objects.filter(pk=work_order.pk).update(status=status)
    with pytest.raises(ApplicationError) as refused:
        services.labor_line_add(actor=cast.manager, work_order=work_order, description="x", hours="1", rate="1")
    assert refused.value.code == "invalid_transition"


# --- Estimates ----------------------------------------------------------------------------------------------------


def test_sending_freezes_a_numbered_version_and_moves_the_draft(cast, work_order, lines) -> None:
    estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    assert (estimate.number, estimate.total, estimate.currency) == (1, Decimal(83301), "CLP")
    assert [line["key"] for line in estimate.lines] == [lines[0].key, lines[1].key]
    assert estimate.lines[1] == {
        "key": lines[1].key,
        "kind": "part",
        "description": "Pastillas",
        "quantity": "2.000",
        "unit_price": "12501",
        "tax_rate": "19.00",
        "net": "25001",
        "tax": "4750",
        "total": "29751",
    }
    assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrderStatus.ESTIMATE_SENT
    assert services.estimate_for_token(token) == estimate
    assert services.estimate_url(token) == f"/work-orders/estimate/{token}/"


def test_an_estimate_needs_lines(cast, work_order) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.estimate_send(actor=cast.receptionist, work_order=work_order)
    assert list(refused.value.errors) == ["lines"]
    assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrderStatus.DRAFT


def test_a_tampered_link_changes_nothing(cast, work_order, lines) -> None:
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "nonsense", "", token + "x"):
        with pytest.raises(ApplicationError) as refused:
            services.estimate_decide_all(token=bad, decision="approved")
        assert (refused.value.code, refused.value.status) == ("link_invalid", 400)
    assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrderStatus.ESTIMATE_SENT
    assert not EstimateLineDecision.objects.exists()


def test_an_expired_link_changes_nothing(cast, work_order, lines, clock) -> None:
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    clock.shift(services.ESTIMATE_LINK_MAX_AGE + timedelta(seconds=1))
    with pytest.raises(ApplicationError) as refused:
        services.estimate_decide_all(token=token, decision="approved")
    assert refused.value.code == "link_expired"
    assert not EstimateLineDecision.objects.exists()


def test_an_edit_after_sending_supersedes_the_link_and_the_next_send_is_version_two(cast, work_order, lines) -> None:
    first, old_token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    services.line_update(actor=cast.mechanic, line=lines[0], hours="2")
    with pytest.raises(ApplicationError) as refused:
        services.estimate_for_token(old_token)
    assert refused.value.code == "link_superseded"
    second, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    assert second.number == 2
    assert second.total != first.total
    assert services.estimate_for_token(token) == second
    with pytest.raises(ApplicationError):
        services.estimate_decide_all(token=old_token, decision="approved")
    assert not EstimateLineDecision.objects.exists()


def test_resending_without_edits_also_retires_the_old_link(cast, work_order, lines) -> None:
    _first, old_token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    services.estimate_send(actor=cast.receptionist, work_order=work_order)
    with pytest.raises(ApplicationError) as refused:
        services.estimate_for_token(old_token)
    assert refused.value.code == "link_superseded"
    assert EstimateVersion.objects.filter(work_order=work_order, superseded_at__isnull=True).count() == 1


def test_the_client_approves_one_line_and_declines_another(cast, work_order, lines, clock) -> None:
    labor, part = lines
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    estimate = services.estimate_decide(
        token=token,
        decisions={labor.key: "approved", part.key: "declined"},
        signer_name="Ana Pérez",
        ip="203.0.113.9",
        user_agent="Mozilla/5.0",
    )
    assert (estimate.signer_name, estimate.ip, estimate.user_agent) == ("Ana Pérez", "203.0.113.9", "Mozilla/5.0")
    assert estimate.decided_at is not None
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.APPROVED
    assert LaborLine.objects.get(pk=labor.pk).decision == LineDecision.APPROVED
    assert PartLine.objects.get(pk=part.pk).decision == LineDecision.DECLINED  # kept, visible, for follow-up
    decision = EstimateLineDecision.objects.get(line_kind="part", line_id=part.pk)
    assert (decision.estimate, decision.decision, decision.ip) == (estimate, "declined", "203.0.113.9")
    change = StatusChange.objects.filter(work_order=work_order).last()
    assert (change.to_status, change.changed_by, change.comment) == ("approved", None, "Approved by Ana Pérez")
    assert [line["decision"] for line in selectors.estimate_lines(estimate)] == ["approved", "declined"]


def test_deciding_twice_is_409(cast, work_order, lines) -> None:
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    services.estimate_decide_all(token=token, decision="declined")
    assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrderStatus.ESTIMATE_SENT  # all declined: stays
    with pytest.raises(ApplicationError) as refused:
        services.estimate_decide_all(token=token, decision="approved")
    assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)


@pytest.mark.parametrize(
    "decisions",
    [
        {},  # nothing decided
        {"labor-999999": "approved"},  # not a line of this estimate
        {"LABOR": "approved"},
    ],
)
def test_every_line_must_be_decided_with_approved_or_declined(cast, work_order, lines, decisions) -> None:
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    with pytest.raises(ApplicationError) as refused:
        services.estimate_decide(token=token, decisions=decisions)
    assert "decisions" in refused.value.errors
    bad = {lines[0].key: "maybe", lines[1].key: "approved"}
    with pytest.raises(ApplicationError):
        services.estimate_decide(token=token, decisions=bad)
    assert not EstimateLineDecision.objects.exists()


def test_a_cancelled_work_order_s_link_is_dead(cast, work_order, lines) -> None:
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    services.work_order_transition(actor=cast.manager, work_order=work_order, status=WorkOrderStatus.CANCELLED)
    with pytest.raises(ApplicationError) as refused:
        services.estimate_decide_all(token=token, decision="approved")
    assert refused.value.status == 409
