"""The work-order pages in the browser (without JavaScript): the page, its actions, the boards, the client's
side, the estimate link's page. Authorization is in test_views_authorization.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from autoagenda.walkins.models import Ticket, TicketEvent
from autoagenda.workorders import services
from autoagenda.workorders.models import Comment, LineDecision, TimeEntry, WorkOrder, WorkOrderStatus
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory
from tests.workorders.factories import LaborLineFactory, PartLineFactory

HX = {"HTTP_HX_REQUEST": "true"}


def page(web: Any, user: Any, wo: WorkOrder) -> str:
    response = web(user).get(reverse("workorders:detail", args=[wo.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_header_lines_totals_and_timeline(cast, web, work_order):
    LaborLineFactory(work_order=work_order, description="Cambio pastillas", hours=Decimal("1.5"), rate=Decimal(20000))
    PartLineFactory(work_order=work_order, description="Pastillas", quantity=2, unit_price=Decimal(15000))
    html = page(web, cast.receptionist, work_order)
    assert work_order.number in html
    assert "BCDF12" in html
    assert "Cambio pastillas" in html
    assert "Pastillas" in html
    assert 'data-kind="status"' in html  # the creation row of the history
    assert 'data-move="estimate_sent"' in html
    assert 'data-move="in_progress"' in html


def test_status_buttons_follow_the_table_and_refusals_change_nothing(cast, web, work_order):
    client = web(cast.receptionist)
    url = reverse("workorders:status", args=[work_order.pk])
    response = client.post(url, {"status": "completed"})  # draft → completed is not in the table
    assert response.status_code == 409
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.DRAFT
    response = client.post(url, {"status": "in_progress"}, **HX)
    assert response.status_code == 200
    assert 'data-status="in_progress"' in response.content.decode()


def test_lines_comments_and_clock_from_the_page(cast, web, work_order):
    client = web(cast.mechanic)
    pk = work_order.pk
    assert (
        client.post(
            reverse("workorders:labor", args=[pk]), {"description": "Diagnóstico", "hours": "1", "rate": "20000"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("workorders:part", args=[pk]), {"description": "Filtro", "quantity": "1", "unit_price": "9000"}
        ).status_code
        == 302
    )
    bad = client.post(reverse("workorders:labor", args=[pk]), {"description": "x", "hours": "-1", "rate": "1"})
    assert bad.status_code == 400
    assert work_order.labor_lines.count() == 1
    client.post(reverse("workorders:comment", args=[pk]), {"body": "Listo mañana", "visibility": "client"})
    client.post(reverse("workorders:comment", args=[pk]), {"body": "Secreto taller", "visibility": "internal"})
    assert Comment.objects.filter(work_order=work_order).count() == 2
    assert client.post(reverse("workorders:clock", args=[pk]), {"action": "start"}).status_code == 409  # not started
    client.post(reverse("workorders:status", args=[pk]), {"status": "in_progress"})
    client.post(reverse("workorders:clock", args=[pk]), {"action": "start"})
    assert TimeEntry.objects.filter(work_order=work_order, stopped_at__isnull=True).count() == 1


def test_the_client_sees_their_comments_only_and_the_estimate_link(cast, web, work_order):
    LaborLineFactory(work_order=work_order, description="Cambio pastillas")
    services.comment_add(actor=cast.receptionist, work_order=work_order, body="Para usted", visibility="client")
    services.comment_add(actor=cast.receptionist, work_order=work_order, body="Secreto taller")
    services.estimate_send(actor=cast.receptionist, work_order=work_order)
    html = page(web, cast.client, work_order)
    assert "Para usted" in html
    assert "Secreto taller" not in html
    assert "/work-orders/estimate/" in html
    assert "data-move=" not in html
    mine = web(cast.client).get(reverse("workorders:mine")).content.decode()
    assert work_order.number in mine


def test_the_estimate_page_approves_one_line_and_declines_another(cast, web, work_order):
    labor = LaborLineFactory(work_order=work_order, description="Cambio pastillas")
    part = PartLineFactory(work_order=work_order, description="Limpieza inyectores")
    _version, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    anonymous = web(None)
    url = services.estimate_url(token)
    html = anonymous.get(url).content.decode()
    assert "Cambio pastillas" in html
    assert "Limpieza inyectores" in html
    incomplete = anonymous.post(url, {f"line-{labor.key}": "approved"})
    assert incomplete.status_code == 400
    response = anonymous.post(
        url, {f"line-{labor.key}": "approved", f"line-{part.key}": "declined", "signer_name": "Ana Pérez"}
    )
    assert response.status_code == 200
    work_order.refresh_from_db()
    labor.refresh_from_db()
    part.refresh_from_db()
    assert work_order.status == WorkOrderStatus.APPROVED
    assert (labor.decision, part.decision) == (LineDecision.APPROVED, LineDecision.DECLINED)
    again = anonymous.post(url, {f"line-{labor.key}": "declined", f"line-{part.key}": "declined"})
    assert again.status_code == 409
    labor.refresh_from_db()
    assert labor.decision == LineDecision.APPROVED


@pytest.mark.parametrize("mangle", ["tamper", "supersede"])
def test_a_bad_estimate_link_shows_a_clear_page(cast, web, work_order, mangle):
    LaborLineFactory(work_order=work_order)
    _version, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    if mangle == "tamper":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    else:
        services.estimate_send(actor=cast.receptionist, work_order=work_order)
    response = web(None).get(services.estimate_url(token))
    assert response.status_code == 400
    assert b"data-link=" in response.content
    response = web(None).post(services.estimate_url(token), {})
    assert response.status_code == 400
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.ESTIMATE_SENT


def test_the_estimate_page_speaks_the_clients_language(cast, web, work_order):
    cast.client.language = "en"
    cast.client.save(update_fields=["language"])
    LaborLineFactory(work_order=work_order)
    _version, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    html = web(None).get(services.estimate_url(token)).content.decode()
    assert "Send my answer" in html
    cast.client.language = "es"
    cast.client.save(update_fields=["language"])
    html = web(None).get(services.estimate_url(token)).content.decode()
    assert "Enviar mi respuesta" in html


def test_the_job_board_has_a_column_per_open_status_and_moves_cards(cast, web, work_order):
    client = web(cast.receptionist)
    html = client.get(reverse("workorders:board", args=[cast.location.pk])).content.decode()
    for status in ("draft", "estimate_sent", "approved", "in_progress", "completed"):
        assert f'data-column="{status}"' in html
    assert f'data-card="{work_order.number}"' in html
    move = reverse("workorders:board_move", args=[cast.location.pk, work_order.pk])
    refused = client.post(move, {"status": "delivered"}, **HX)
    assert refused.status_code == 200
    assert b"data-error" in refused.content
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.DRAFT
    moved = client.post(move, {"status": "in_progress"}, **HX)
    assert 'data-status="in_progress"' in moved.content.decode()


def test_the_job_board_filters_by_mechanic(cast, web, work_order):
    url = reverse("workorders:board", args=[cast.location.pk])
    html = web(cast.receptionist).get(url, {"mechanic": cast.mechanic.pk}).content.decode()
    assert work_order.number in html
    services.work_order_assign(actor=cast.receptionist, work_order=work_order, mechanic=None)
    html = web(cast.receptionist).get(url, {"mechanic": cast.mechanic.pk}).content.decode()
    assert f'data-card="{work_order.number}"' not in html


def test_the_mechanic_starts_pauses_and_completes_in_one_tap(cast, web, work_order):
    client = web(cast.mechanic)
    html = client.get(reverse("workorders:mechanic")).content.decode()
    assert f'data-job="{work_order.number}"' in html
    action = lambda name: reverse("workorders:mechanic_action", kwargs={"pk": work_order.pk, "action": name})  # noqa: E731
    client.post(action("start"), **HX)
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.IN_PROGRESS
    assert TimeEntry.objects.filter(work_order=work_order, stopped_at__isnull=True).exists()
    client.post(action("pause"), **HX)
    assert not TimeEntry.objects.filter(work_order=work_order, stopped_at__isnull=True).exists()
    client.post(action("labor"), {"description": "Cambio", "hours": "1.5", "rate": "20000"}, **HX)
    client.post(action("part"), {"description": "Pastilla", "quantity": "2", "unit_price": "1000"}, **HX)
    client.post(action("comment"), {"body": "Ya casi", "visibility": "client"}, **HX)
    html = client.post(action("resume"), **HX).content.decode()
    assert "1,50 h" in html or "1.50 h" in html
    client.post(action("complete"), **HX)
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.COMPLETED
    history = client.get(reverse("workorders:mechanic_history"), {"q": "BCDF"}).content.decode()
    assert work_order.number in history
    assert work_order.number not in client.get(reverse("workorders:mechanic_history"), {"q": "ZZZZ"}).content.decode()


def test_a_walk_in_work_order_calls_the_client_back_for_pickup(cast, web, vehicle, clock):
    queue = QueueFactory(location=cast.location)
    desk = DeskFactory(location=cast.location, name="Mesón 2")
    ticket = TicketFactory(
        queue=queue, location=cast.location, status="serving", desk=desk, plate="BCDF12", customer=cast.client
    )
    client = web(cast.receptionist)
    response = client.post(
        reverse("workorders:from_ticket", args=[ticket.pk]), {"description": "Revisión", "plate": "BCDF12"}
    )
    assert response.status_code == 302
    wo = WorkOrder.objects.get(ticket=ticket)
    services.work_order_transition(actor=cast.receptionist, work_order=wo, status="in_progress")
    services.work_order_transition(actor=cast.receptionist, work_order=wo, status="completed")
    Ticket.objects.filter(pk=ticket.pk).update(status="done")  # the desk finished with the person meanwhile
    response = client.post(reverse("workorders:pickup", args=[wo.pk]), {"desk": desk.pk})
    assert response.status_code == 302
    assert TicketEvent.objects.filter(ticket=ticket, action="pickup_called").exists()
    html = page(web, cast.receptionist, wo)
    assert 'data-kind="ticket-pickup_called"' in html
    assert 'data-kind="ticket-ready"' in html
