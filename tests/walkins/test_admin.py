"""The back office lists and shows every walk-in model (a superuser's safety net, not the daily tool)."""

from __future__ import annotations

import pytest

from autoagenda.accounts.models import User
from autoagenda.walkins import services
from tests.walkins.factories import DeskFactory, QueueFactory


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.com", "correct-horse-battery-9")


@pytest.fixture
def ticket(cast):
    queue = QueueFactory(location=cast.location, prefix="A")
    desk = DeskFactory(location=cast.location)
    services.ticket_issue(actor=cast.receptionist, queue=queue, name="Ana")
    return services.ticket_call_next(actor=cast.mechanic, desk=desk)


@pytest.mark.parametrize("model", ["queue", "desk", "ticket", "ticketcounter"])
def test_the_lists_and_the_change_pages_render(web, superuser, ticket, model):
    client = web(superuser)
    listing = client.get(f"/backoffice/walkins/{model}/")
    assert listing.status_code == 200
    obj = {"queue": ticket.queue, "desk": ticket.desk, "ticket": ticket}.get(model)
    if obj is not None:
        assert client.get(f"/backoffice/walkins/{model}/{obj.pk}/change/").status_code == 200


def test_tickets_are_not_added_by_hand(web, superuser):
    assert web(superuser).get("/backoffice/walkins/ticket/add/").status_code == 403
