"""Walk-ins text the person who becomes third in line ("you are next but two") when their ticket has a phone;
the applicant hears the decision on their professional application through the outbox."""

from __future__ import annotations

import pytest

from autoagenda.accounts import services as accounts
from autoagenda.notifications.models import Delivery, InAppNotification
from autoagenda.notifications.rendering import render
from autoagenda.walkins import services as walkins
from tests.accounts.factories import ProfessionalApplicationFactory
from tests.walkins.factories import DeskFactory, QueueFactory


@pytest.fixture
def line(cast):
    queue = QueueFactory(location=cast.location, prefix="A", name="Mecánica")
    desk = DeskFactory(location=cast.location)

    def issue(name, phone=""):
        return walkins.ticket_issue(actor=cast.receptionist, queue=queue, name=name, phone=phone)

    return queue, desk, issue


def texts():
    return list(Delivery.objects.filter(template="walkin_next_but_two").order_by("id"))


def test_the_person_who_becomes_third_gets_one_sms(cast, line):
    _queue, desk, issue = line
    issue("Ana")
    issue("Beto")
    issue("Carla")
    dora = issue("Dora", phone="9 1234 5678")  # as the desk types it: stored in E.164 with the location's country
    assert texts() == []
    walkins.ticket_call_next(actor=cast.mechanic, desk=desk)  # Ana goes; Dora is now third
    [sms] = texts()
    assert (sms.channel, sms.address, sms.event_key) == ("sms", "+56912345678", f"ticket:{dora.pk}:next_but_two")
    assert render(Delivery.objects.select_related("location").get(pk=sms.pk)).text == (
        "Taller Providencia: número A-004, quedan dos personas antes que tú. Por favor, mantente cerca del mesón."
    )
    issue("Eva")
    walkins.ticket_call_next(actor=cast.mechanic, desk=desk)  # Dora is second now: no second message for her
    assert len(texts()) == 1


def test_a_cancelled_waiting_ticket_moves_the_line_too(cast, line):
    _queue, _desk, issue = line
    first = issue("Ana")
    issue("Beto")
    issue("Carla")
    issue("Dora", phone="+56987654321")
    walkins.ticket_cancel(actor=cast.receptionist, ticket=first)
    assert [t.address for t in texts()] == ["+56987654321"]


def test_no_phone_or_a_wrong_one_sends_nothing_and_the_queue_goes_on(cast, line):
    _queue, desk, issue = line
    for name in ("Ana", "Beto", "Carla"):
        issue(name)
    issue("Dora", phone="12")
    assert walkins.ticket_call_next(actor=cast.mechanic, desk=desk) is not None
    assert texts() == []


def test_the_applicant_gets_the_decision_by_email_and_in_the_app(cast):
    cast.client.language = "en"
    cast.client.save()
    application = ProfessionalApplicationFactory(user=cast.client, location=cast.location)
    accounts.professional_application_decide(actor=cast.admin, application=application, approve=False, note="Sin cupos")
    [email] = Delivery.objects.filter(template="application_decided")
    assert (email.channel, email.address, email.language) == ("email", cast.client.email, "en")
    message = render(Delivery.objects.select_related("location").get(pk=email.pk))
    assert message.subject == "About your application to work with us"
    assert "Sin cupos" in message.html
    [item] = InAppNotification.objects.filter(user=cast.client)
    assert item.title == "About your application to work with us"
