"""The messages work orders send through the outbox (mechanic on assignment, client on an estimate and when the
car is ready) and the live push to the location's job boards after commit."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from autoagenda.core.errors import ApplicationError
from autoagenda.notifications.models import Delivery, InAppNotification
from autoagenda.workorders import live, services
from autoagenda.workorders.models import WorkOrderStatus
from tests.workorders.factories import LaborLineFactory


def _deliveries(user, template):
    return sorted(Delivery.objects.filter(recipient=user, template=template).values_list("channel", flat=True))


def test_the_assigned_mechanic_is_told_in_app_and_by_their_channels(cast, work_order) -> None:
    assert _deliveries(cast.mechanic, "workorder_assigned") == ["email"]
    item = InAppNotification.objects.get(user=cast.mechanic, kind="workorder_assigned")
    assert work_order.number in item.title
    assert item.url == f"/work-orders/{work_order.pk}/"
    delivery = Delivery.objects.filter(recipient=cast.mechanic, template="workorder_assigned").first()
    assert delivery.context["plate"] == "BCDF12"
    assert delivery.location == cast.location


def test_reassigning_tells_the_new_mechanic_and_unassigning_tells_nobody(cast, work_order, clock) -> None:
    from tests.accounts.factories import StaffFactory

    other = StaffFactory(role="mechanic", location=cast.location)
    services.work_order_assign(actor=cast.manager, work_order=work_order, mechanic=other)
    assert InAppNotification.objects.filter(user=other, kind="workorder_assigned").count() == 1
    before = Delivery.objects.count()
    services.work_order_assign(actor=cast.manager, work_order=work_order, mechanic=None)
    assert Delivery.objects.count() == before


def test_the_client_gets_the_estimate_link(cast, work_order) -> None:
    LaborLineFactory(work_order=work_order)
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    assert _deliveries(cast.client, "workorder_estimate_sent") == ["email"]
    delivery = Delivery.objects.filter(recipient=cast.client, template="workorder_estimate_sent").first()
    assert delivery.context["url"] == f"/work-orders/estimate/{token}/"
    assert delivery.context["total"] == "53550"  # 1.5 h × 30000 + 19 %


def test_the_client_is_told_when_the_car_is_ready(cast, work_order) -> None:
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=WorkOrderStatus.IN_PROGRESS)
    assert not Delivery.objects.filter(recipient=cast.client).exists()
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=WorkOrderStatus.COMPLETED)
    assert _deliveries(cast.client, "workorder_ready") == ["email"]
    assert InAppNotification.objects.filter(user=cast.client, kind="workorder_ready").exists()


def test_a_refused_change_sends_nothing(cast, work_order) -> None:
    before = Delivery.objects.count()
    with pytest.raises(ApplicationError):
        services.estimate_send(actor=cast.receptionist, work_order=work_order)  # no lines
    assert Delivery.objects.count() == before


def test_the_messages_render_in_spanish(cast, work_order) -> None:
    from autoagenda.notifications.rendering import render

    delivery = Delivery.objects.filter(recipient=cast.mechanic, channel="email").first()
    delivery.language = "es"
    rendered = render(delivery)
    assert work_order.number in rendered.subject
    assert "asignada" in rendered.subject.lower()


@pytest.fixture
def board(cast, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.group(cast.location.pk), channel)
    yield lambda: async_to_sync(layer.receive)(channel)
    async_to_sync(layer.flush)()


def test_a_move_is_pushed_to_the_location_s_boards_after_commit(
    cast, work_order, board, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=WorkOrderStatus.IN_PROGRESS)
    assert board() == {
        "type": "workorder.changed",
        "work_order": work_order.pk,
        "status": "in_progress",
        "number": work_order.number,
        "what": "status",
    }


def test_a_refused_move_pushes_nothing(cast, work_order, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(ApplicationError):
        services.work_order_transition(actor=cast.manager, work_order=work_order, status=WorkOrderStatus.DELIVERED)
    assert callbacks == []
