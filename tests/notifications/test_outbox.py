"""The outbox for staff: API.md's fields exactly, per location and status, scoped to what the caller manages;
a failed row can be retried (anything else is 409 invalid_transition)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from autoagenda.notifications.models import Delivery
from tests.notifications.factories import DeliveryFactory

FIELDS = {"id", "channel", "recipient", "template", "status", "attempts", "send_after", "sent_at", "last_error"}
SCL = ZoneInfo("America/Santiago")


@pytest.fixture
def rows(cast):
    return {
        "here_sent": DeliveryFactory(
            location=cast.location, status="sent", sent_at=datetime(2026, 12, 1, 9, 0, tzinfo=SCL), attempts=1
        ),
        "here_failed": DeliveryFactory(location=cast.location, status="failed", last_error="HTTP 400: bad", attempts=1),
        "there": DeliveryFactory(location=cast.other_location),
        "account": DeliveryFactory(location=None, template="password_changed"),
    }


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_a_row_has_the_contract_fields_in_its_locations_time(cast, api, rows):
    body = api(cast.manager).get(f"/api/v1/notifications/outbox/?location={cast.location.pk}&status=sent").json()
    [row] = body["results"]
    assert set(row) == FIELDS
    sent = rows["here_sent"]
    assert row == {
        "id": sent.pk,
        "channel": "email",
        "recipient": sent.address,
        "template": "test_message",
        "status": "sent",
        "attempts": 1,
        "send_after": sent.send_after.astimezone(SCL).isoformat(),
        "sent_at": "2026-12-01T09:00:00-03:00",
        "last_error": "",
    }


def test_a_manager_sees_only_their_locations_rows(cast, api, rows):
    assert _ids(api(cast.manager).get("/api/v1/notifications/outbox/")) == {
        rows["here_sent"].pk,
        rows["here_failed"].pk,
    }
    assert _ids(api(cast.other_manager).get("/api/v1/notifications/outbox/")) == {rows["there"].pk}


def test_an_admin_sees_every_row_including_account_level_ones(cast, api, rows):
    assert _ids(api(cast.admin).get("/api/v1/notifications/outbox/")) == {row.pk for row in rows.values()}


def test_filters_by_status(cast, api, rows):
    response = api(cast.admin).get("/api/v1/notifications/outbox/?status=failed")
    assert _ids(response) == {rows["here_failed"].pk}


def test_an_unknown_status_is_a_400(cast, api):
    response = api(cast.admin).get("/api/v1/notifications/outbox/?status=lost")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_retry_puts_a_failed_row_back_in_the_queue(cast, api, rows):
    failed = rows["here_failed"]
    response = api(cast.manager).post(f"/api/v1/notifications/outbox/{failed.pk}/retry/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"]) == ("queued", 0)
    failed.refresh_from_db()
    assert failed.status == "queued"


@pytest.mark.parametrize("status", ["queued", "sent", "cancelled"])
def test_retrying_anything_but_a_failed_row_is_an_invalid_transition(cast, api, status):
    delivery = DeliveryFactory(location=cast.location)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, sent_at=datetime(2026, 12, 1, tzinfo=SCL) if status == "sent" else None
    )
    response = api(cast.manager).post(f"/api/v1/notifications/outbox/{delivery.pk}/retry/")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    delivery.refresh_from_db()
    assert delivery.status == status


def test_the_list_costs_the_same_queries_for_1_or_30_rows(cast, api, django_assert_max_num_queries):
    client = api(cast.manager)
    DeliveryFactory(location=cast.location)
    with django_assert_max_num_queries(5):
        client.get("/api/v1/notifications/outbox/")
    DeliveryFactory.create_batch(29, location=cast.location)
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/notifications/outbox/").json()["results"]) == 30


# --- The page ---------------------------------------------------------------------------------------------


def test_the_page_lists_rows_with_a_retry_button_for_failed_ones(cast, web, rows):
    page = web(cast.manager).get("/notifications/outbox/").content.decode()
    assert rows["here_failed"].address in page
    assert "HTTP 400: bad" in page
    assert page.count("Send again") == 1
    assert rows["there"].address not in page


def test_the_page_filters_by_location_and_status(cast, web, rows):
    page = web(cast.admin).get(f"/notifications/outbox/?location={cast.other_location.pk}").content.decode()
    assert rows["there"].address in page
    assert rows["here_failed"].address not in page


def test_a_manager_cannot_filter_on_another_location(cast, web, rows):
    response = web(cast.manager).get(f"/notifications/outbox/?location={cast.other_location.pk}")
    assert response.status_code == 400
    assert rows["there"].address not in response.content.decode()


def test_the_page_reads_a_fixed_number_of_queries(cast, web, django_assert_max_num_queries):
    client = web(cast.admin)
    DeliveryFactory(location=cast.location)
    with django_assert_max_num_queries(12):
        client.get("/notifications/outbox/")
    DeliveryFactory.create_batch(20, location=cast.other_location)
    with django_assert_max_num_queries(12):
        client.get("/notifications/outbox/")


def test_retry_from_the_page_goes_back_to_the_filtered_list(cast, web, rows):
    failed = rows["here_failed"]
    response = web(cast.manager).post(
        f"/notifications/outbox/{failed.pk}/retry/", {"next": "/notifications/outbox/?status=failed"}
    )
    assert (response.status_code, response["Location"]) == (302, "/notifications/outbox/?status=failed")
    failed.refresh_from_db()
    assert failed.status == "queued"


def test_a_test_message_goes_to_the_staff_member_on_their_channels(cast, web):
    cast.manager.phone = "+56987654321"
    cast.manager.notify_sms = True
    cast.manager.language = "en"
    cast.manager.save()
    response = web(cast.manager).post("/notifications/outbox/test/", follow=True)
    assert "A test message is on its way to you: inapp, email, sms." in response.content.decode()
    assert sorted(Delivery.objects.filter(recipient=cast.manager).values_list("channel", flat=True)) == ["email", "sms"]
    assert cast.manager.inapp_notifications.get().title == "Test message"
