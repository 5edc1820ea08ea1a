"""The mechanic's board: today's jobs by promise time first, then the overdue ones still open and the ones
promised later, compact, so that nothing assigned is lost (each location's own date)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from autoagenda.workorders import selectors, selectors_boards
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory
from tests.workorders.conftest import NOW
from tests.workorders.factories import WorkOrderFactory


def _job(cast, plate: str, **fields) -> WorkOrder:
    created = fields.pop("created", None)
    wo = WorkOrderFactory(
        location=cast.location,
        vehicle=VehicleFactory(owner=cast.client, plate=plate),
        mechanic=cast.mechanic,
        **fields,
    )
    if created is not None:
        WorkOrder.objects.filter(pk=wo.pk).update(created_at=created)
    return wo


def _week(cast) -> dict[str, WorkOrder]:
    booked = AppointmentFactory(
        location=cast.location, client=cast.client, mechanic=cast.mechanic, start=NOW + timedelta(hours=2)
    )
    return {
        "running_since_last_week": _job(
            cast,
            "RUN1",
            status=WorkOrderStatus.IN_PROGRESS,
            promised_by=NOW - timedelta(days=6),
            created=NOW - timedelta(days=7),
        ),
        "today_15": _job(cast, "T15", promised_by=NOW + timedelta(hours=5), created=NOW - timedelta(days=2)),
        "today_11": _job(cast, "T11", status=WorkOrderStatus.APPROVED, promised_by=NOW + timedelta(hours=1)),
        "booked_today_12": _job(cast, "APT", appointment=booked, created=NOW - timedelta(days=3)),
        "taken_in_today": _job(cast, "NEW"),
        "overdue_yesterday": _job(cast, "OLD1", promised_by=NOW - timedelta(days=1), created=NOW - timedelta(days=2)),
        "no_promise_last_week": _job(cast, "OLD2", created=NOW - timedelta(days=5)),
        "tomorrow": _job(cast, "TMRW", status=WorkOrderStatus.ESTIMATE_SENT, promised_by=NOW + timedelta(days=1)),
        "done": _job(cast, "DONE", status=WorkOrderStatus.COMPLETED, promised_by=NOW - timedelta(hours=1)),
    }


def test_today_is_in_progress_promised_booked_or_taken_in_today_by_promise_time_then_earlier_then_later(
    cast, clock
) -> None:
    jobs = _week(cast)
    names = {wo.pk: name for name, wo in jobs.items()}
    day = selectors_boards.mechanic_day(selectors.mechanic_board(cast.mechanic), NOW)
    assert [names[wo.pk] for wo in day.today] == [
        "running_since_last_week",
        "today_11",
        "booked_today_12",  # its appointment's start stands in for the promise
        "today_15",
        "taken_in_today",  # no promise and no appointment: last
    ]
    assert [names[wo.pk] for wo in day.earlier] == ["overdue_yesterday", "no_promise_last_week"]
    assert [names[wo.pk] for wo in day.later] == ["tomorrow"]
    assert len(day.all) == len(jobs) - 1  # every open job once; the completed one is off the board


def test_today_is_the_location_s_date_not_the_server_s(cast, clock) -> None:
    # 10:00 in Santiago is 13:00 UTC; 23:30 Santiago time is already tomorrow in UTC, yet today there.
    late_tonight = NOW.replace(hour=23, minute=30)
    wo = _job(cast, "LATE", promised_by=late_tonight)
    day = selectors_boards.mechanic_day(selectors.mechanic_board(cast.mechanic), NOW)
    assert [c.pk for c in day.today] == [wo.pk]


def test_the_board_shows_today_first_then_the_compact_groups(cast, web, clock) -> None:
    jobs = _week(cast)
    html = web(cast.mechanic).get(reverse("workorders:mechanic")).content.decode()
    today, rest = html.split('data-group="earlier"', 1)
    earlier, later = rest.split('data-group="later"', 1)
    assert f'data-job="{jobs["today_11"].number}"' in today
    assert f'data-job="{jobs["overdue_yesterday"].number}"' in earlier
    assert f'data-job="{jobs["overdue_yesterday"].number}"' not in today
    assert f'data-job="{jobs["tomorrow"].number}"' in later
    assert today.index(jobs["today_11"].number) < today.index(jobs["today_15"].number)
    assert 'data-action="start"' in earlier  # an overdue job starts from its compact row, one tap
    assert jobs["done"].number not in html


def test_the_mechanic_board_s_queries_do_not_grow_with_the_earlier_and_later_jobs(
    cast, web, clock, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web(cast.mechanic)
    url = reverse("workorders:mechanic")
    _job(cast, "ONE", promised_by=NOW + timedelta(hours=1))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        _job(cast, f"E{i}", promised_by=NOW - timedelta(days=i + 1))
        _job(cast, f"L{i}", promised_by=NOW + timedelta(days=i + 1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(("language", "shown"), [("es", "45.000\u00a0km"), ("en", "45,000\u00a0km")])
def test_the_intake_mileage_is_grouped_on_the_work_order_page_and_the_mechanic_s_card(
    cast, clock, language, shown
) -> None:
    from django.test import Client

    wo = _job(cast, "KM1", promised_by=NOW + timedelta(hours=1), mileage_in=45000)
    for user, url in (
        (cast.receptionist, reverse("workorders:detail", args=[wo.pk])),
        (cast.mechanic, reverse("workorders:mechanic")),
    ):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert shown in client.get(url).content.decode(), url
