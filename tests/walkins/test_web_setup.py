"""The manager's pages of the walk-in queue: list, create and edit queues and desks."""

from __future__ import annotations

import pytest

from autoagenda.walkins.models import Desk, Queue
from tests.catalog.factories import ServiceFactory
from tests.walkins.conftest import html_of, matrix
from tests.walkins.factories import DeskFactory, QueueFactory

MANAGERS = matrix(anonymous=302, admin=200, manager=200)


@pytest.fixture
def setup(cast):
    oil = ServiceFactory(name="Cambio de aceite", locations=[cast.location])
    queue = QueueFactory(location=cast.location, name="Recepción de vehículos", prefix="A", services=[oil])
    desk = DeskFactory(location=cast.location, name="Mesón 1", queues=[queue])
    return oil, queue, desk


@pytest.mark.parametrize(("who", "status"), MANAGERS)
@pytest.mark.parametrize("page", ["setup", "queue-new", "desk-new", "queue-edit", "desk-edit"])
def test_the_setup_pages_open_for_admins_and_the_locations_managers(cast, web, setup, who, status, page):
    _oil, queue, desk = setup
    path = {
        "setup": f"/queue/{cast.location.pk}/setup/",
        "queue-new": f"/queue/{cast.location.pk}/queues/new/",
        "desk-new": f"/queue/{cast.location.pk}/desks/new/",
        "queue-edit": f"/queue/queues/{queue.pk}/edit/",
        "desk-edit": f"/queue/desks/{desk.pk}/edit/",
    }[page]
    assert web(cast.by_name(who)).get(path).status_code == status


@pytest.mark.parametrize(("who", "status"), MANAGERS)
def test_only_admins_and_the_locations_managers_create_and_edit(cast, web, setup, who, status):
    _oil, queue, desk = setup
    client = web(cast.by_name(who))
    responses = [
        client.post(f"/queue/{cast.location.pk}/queues/new/", {"name": "Caja", "prefix": "C", "position": 2}),
        client.post(f"/queue/{cast.location.pk}/desks/new/", {"name": "Caja", "is_active": "on"}),
        client.post(f"/queue/queues/{queue.pk}/edit/", {"name": "Vehículos", "prefix": "A", "position": 0}),
        client.post(f"/queue/desks/{desk.pk}/edit/", {"name": "Mesón Uno", "is_active": "on"}),
    ]
    expected = 302 if status == 200 else status
    assert [r.status_code for r in responses] == [expected] * 4
    allowed = status == 200
    assert Queue.objects.filter(prefix="C").exists() == allowed
    assert Desk.objects.filter(name="Caja").exists() == allowed
    queue.refresh_from_db()
    desk.refresh_from_db()
    assert (queue.name == "Vehículos") == allowed
    assert (desk.name == "Mesón Uno") == allowed


def test_the_setup_page_lists_queues_desks_and_the_public_screen_address(cast, web, setup):
    _oil, _queue, desk = setup
    desk.agent = cast.mechanic
    desk.save()
    QueueFactory(location=cast.other_location, name="Ajena", prefix="B")
    html = html_of(web(cast.manager).get(f"/queue/{cast.location.pk}/setup/"))
    assert "Recepción de vehículos" in html
    assert "Cambio de aceite" in html
    assert "Mesón 1" in html
    assert cast.mechanic.get_full_name() in html
    assert "Ajena" not in html
    assert f"http://testserver/queue/locations/{cast.location.pk}/display/" in html


def test_a_manager_creates_a_queue_with_its_letter_services_and_order(cast, web, setup):
    oil, _queue, _desk = setup
    response = web(cast.manager).post(
        f"/queue/{cast.location.pk}/queues/new/",
        {"name": "  Repuestos ", "prefix": "r", "services": [oil.pk], "position": 3, "is_active": "on"},
    )
    assert response["Location"] == f"/queue/{cast.location.pk}/setup/"
    queue = Queue.objects.get(prefix="R")
    assert (queue.name, queue.position, queue.is_active, list(queue.services.all())) == ("Repuestos", 3, True, [oil])


def test_a_queue_can_be_created_paused(cast, web, setup):
    web(cast.manager).post(f"/queue/{cast.location.pk}/queues/new/", {"name": "Caja", "prefix": "C", "position": 0})
    assert Queue.objects.get(prefix="C").is_active is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Otra", "prefix": "A"}, "Another queue at this location already uses this letter."),
        ({"name": "Otra", "prefix": "1"}, "Use one letter from A to Z."),
        ({"name": "Otra", "prefix": "Ñ"}, "Use one letter from A to Z."),
        ({"name": "", "prefix": "B"}, "This field is required."),
        ({"name": "Otra", "prefix": "B", "position": "-1"}, "greater than or equal to 0"),
    ],
)
def test_a_bad_queue_is_refused_on_its_field_and_nothing_is_saved(cast, web, setup, data, message):
    response = web(cast.manager).post(f"/queue/{cast.location.pk}/queues/new/", {"position": 0, **data})
    assert response.status_code == 400
    html = html_of(response)
    assert message in html
    assert "field--error" in html
    assert Queue.objects.count() == 1


def test_a_service_of_another_location_cannot_be_attached(cast, web, setup):
    foreign = ServiceFactory(name="Ajeno", locations=[cast.other_location])
    response = web(cast.manager).post(
        f"/queue/{cast.location.pk}/queues/new/",
        {"name": "Caja", "prefix": "C", "position": 0, "services": [foreign.pk]},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in html_of(response)
    assert not Queue.objects.filter(prefix="C").exists()


def test_editing_a_queue_changes_its_name_letter_services_and_pauses_it(cast, web, setup):
    oil, queue, _desk = setup
    response = web(cast.manager).post(
        f"/queue/queues/{queue.pk}/edit/", {"name": "Vehículos", "prefix": "V", "position": 5}
    )
    assert response.status_code == 302
    queue.refresh_from_db()
    assert (queue.name, queue.prefix, queue.position, queue.is_active) == ("Vehículos", "V", 5, False)
    assert list(queue.services.all()) == []
    html = html_of(web(cast.manager).get(f"/queue/queues/{queue.pk}/edit/"))
    assert 'value="Vehículos"' in html
    assert oil.name in html


def test_a_manager_creates_a_desk_for_some_queues(cast, web, setup):
    _oil, queue, _desk = setup
    response = web(cast.manager).post(
        f"/queue/{cast.location.pk}/desks/new/", {"name": "Mesón 2", "queues": [queue.pk], "is_active": "on"}
    )
    assert response.status_code == 302
    desk = Desk.objects.get(name="Mesón 2")
    assert (list(desk.queues.all()), desk.is_active, desk.location) == ([queue], True, cast.location)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Mesón 1"}, "Another desk at this location has this name."),
        ({"name": ""}, "This field is required."),
        ({"name": "Caja", "queues": ["foreign"]}, "Select a valid choice"),
    ],
)
def test_a_bad_desk_is_refused_on_its_field_and_nothing_is_saved(cast, web, setup, data, message):
    if data.get("queues") == ["foreign"]:
        data["queues"] = [QueueFactory(location=cast.other_location, prefix="B").pk]
    response = web(cast.manager).post(f"/queue/{cast.location.pk}/desks/new/", {"is_active": "on", **data})
    assert response.status_code == 400
    assert message in html_of(response)
    assert Desk.objects.count() == 1


def test_editing_a_desk_to_serve_every_queue_and_taking_it_out_of_use_frees_it(cast, web, setup):
    _oil, _queue, desk = setup
    desk.agent = cast.mechanic
    desk.save()
    response = web(cast.manager).post(f"/queue/desks/{desk.pk}/edit/", {"name": "Mesón 1"})
    assert response.status_code == 302
    desk.refresh_from_db()
    assert (desk.is_active, desk.agent, list(desk.queues.all())) == (False, None, [])


def test_a_managers_tab_is_missing_for_the_front_desk(cast, web, setup):
    assert "Queues and desks" in html_of(web(cast.manager).get(f"/queue/{cast.location.pk}/reception/"))
    assert "Queues and desks" not in html_of(web(cast.receptionist).get(f"/queue/{cast.location.pk}/reception/"))
