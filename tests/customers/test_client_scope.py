"""Client data is visible only where the client is served (issue 8, finding 1).

The cast's client is served by cast.location ("Providencia") only; `madrid` is a client served by
cast.other_location only, with a booked vehicle there. Every reproduction of the finding is here: the other
location's staff read, change and delete nothing of theirs, the vehicle list and the desk search do not show
them, and the desk finds them only by an exact identifier, which then links them.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps

from autoagenda.accounts.models import ClientLinkSource, ClientLocation
from autoagenda.customers import services as customer_services
from autoagenda.customers.models import Vehicle
from autoagenda.scheduling.models import Appointment
from autoagenda.walkins import services as walkin_services
from tests.accounts.factories import ClientLocationFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory
from tests.walkins.factories import QueueFactory

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SANTIAGO)
TUESDAY_NINE = "2026-12-01T09:00:00-03:00"


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def madrid(cast):
    """A client only Madrid serves, with a vehicle booked there."""
    person = UserFactory(email="Lucia.Madrid@example.com", first_name="Lucía", phone="+34 612 34 56 78")
    vehicle = VehicleFactory(owner=person, plate="4455KLM", vin="WVWZZZ1JZXW000001")
    service = ServiceFactory(locations=[cast.other_location])
    appointment = AppointmentFactory(
        location=cast.other_location,
        service=service,
        client=person,
        vehicle=vehicle,
        start=datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Madrid")),
    )
    ClientLocationFactory(client=person, location=cast.other_location)
    person.vehicle, person.appointment = vehicle, appointment
    return person


# --- The reproductions: another location's staff see nothing of a client they do not serve -------------------


@pytest.mark.parametrize("who", ["manager", "receptionist", "mechanic"])
def test_providencia_staff_cannot_read_a_madrid_only_clients_vehicle(cast, api, madrid, who):
    response = api(getattr(cast, who)).get(f"/api/v1/vehicles/{madrid.vehicle.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "4455KLM" not in response.content.decode()


@pytest.mark.parametrize("who", ["manager", "receptionist"])
def test_providencia_staff_cannot_change_a_madrid_only_clients_vehicle(cast, api, madrid, who):
    response = api(getattr(cast, who)).patch(f"/api/v1/vehicles/{madrid.vehicle.pk}/", {"mileage": 1}, format="json")
    assert response.status_code == 404
    madrid.vehicle.refresh_from_db()
    assert madrid.vehicle.mileage != 1


@pytest.mark.parametrize("who", ["manager", "receptionist"])
def test_providencia_staff_cannot_delete_a_madrid_only_clients_vehicle(cast, api, madrid, who):
    response = api(getattr(cast, who)).delete(f"/api/v1/vehicles/{madrid.vehicle.pk}/")
    assert response.status_code == 404
    madrid.appointment.refresh_from_db()
    assert madrid.appointment.vehicle_id == madrid.vehicle.pk  # Madrid's appointment keeps its vehicle


@pytest.mark.parametrize("who", ["manager", "receptionist"])
def test_providencia_staff_cannot_open_a_madrid_only_clients_vehicle_pages(cast, web, madrid, who):
    client = web(getattr(cast, who))
    for url in (f"/vehicles/{madrid.vehicle.pk}/", f"/vehicles/{madrid.vehicle.pk}/delete/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/vehicles/{madrid.vehicle.pk}/delete/", f"/vehicles/{madrid.vehicle.pk}/archive/"):
        assert client.post(url).status_code == 404, url
    assert Vehicle.objects.get(pk=madrid.vehicle.pk).archived_at is None


def test_the_vehicle_list_shows_only_the_plates_of_clients_served_here(cast, api, web, madrid):
    VehicleFactory(owner=cast.client, plate="MINE01")
    ClientLocationFactory(client=cast.client, location=cast.location)
    html = web(cast.receptionist).get("/vehicles/").content.decode()
    assert "MINE01" in html
    assert "4455KLM" not in html
    plates = [v["plate"] for v in api(cast.manager).get("/api/v1/vehicles/").json()["results"]]
    assert plates == ["MINE01"]
    assert api(cast.manager).get(f"/api/v1/vehicles/?owner={madrid.pk}").json()["results"] == []
    madrid_plates = [v["plate"] for v in api(cast.other_manager).get("/api/v1/vehicles/").json()["results"]]
    assert madrid_plates == ["4455KLM"]


def test_an_admin_sees_every_clients_vehicle(cast, api, madrid):
    assert api(cast.admin).get(f"/api/v1/vehicles/{madrid.vehicle.pk}/").status_code == 200


def test_a_client_they_do_not_serve_is_not_found_in_the_user_pages(cast, web, madrid):
    assert web(cast.manager).get(f"/accounts/users/{madrid.pk}/").status_code == 404
    assert "Lucia.Madrid" not in web(cast.manager).get("/accounts/users/").content.decode().lower()


def test_an_owner_id_they_may_not_see_answers_like_one_that_does_not_exist(cast, api, madrid):
    client = api(cast.receptionist)
    body = {"make": "Kia", "model": "Rio", "plate": "NEW001"}
    hidden = client.post("/api/v1/vehicles/", {**body, "owner": madrid.pk}, format="json")
    missing = client.post("/api/v1/vehicles/", {**body, "owner": 987654}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["errors"]["owner"] == [
        m.replace("987654", str(madrid.pk)) for m in missing.json()["errors"]["owner"]
    ]
    assert not Vehicle.objects.filter(plate="NEW001").exists()


def test_a_client_id_they_may_not_see_is_refused_when_booking(cast, api, madrid):
    service = ServiceFactory(locations=[cast.location])
    body = {"location": cast.location.pk, "service": service.pk, "start": TUESDAY_NINE}
    hidden = api(cast.receptionist).post("/api/v1/appointments/", {**body, "client": madrid.pk}, format="json")
    missing = api(cast.receptionist).post("/api/v1/appointments/", {**body, "client": 987654}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["errors"] == missing.json()["errors"] == {"client": ["Unknown client."]}
    assert not Appointment.objects.filter(location=cast.location).exists()


# --- The desk's client search ------------------------------------------------------------------------------


def search(web, cast, query):
    return web(cast.receptionist).get(f"/calendar/{cast.location.pk}/new/clients/", {"q": query})


@pytest.mark.parametrize("query", ["lucía", "madrid", "612 34", "4455", "4455KL", "lucia.madrid@example"])
def test_the_desk_search_does_not_list_other_locations_clients_by_part_of_anything(cast, web, madrid, query):
    response = search(web, cast, query)
    assert response.context["matches"] == []
    assert "Lucía" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "lucia.madrid@example.com",
        "LUCIA.MADRID@EXAMPLE.COM",
        "+34612345678",
        "+34 612-34-56-78",
        "0034612345678",
        "4455 klm",
        "4455-KLM",
    ],
)
def test_the_desk_finds_another_locations_client_by_an_exact_identifier(cast, web, madrid, query):
    response = search(web, cast, query)
    [match] = response.context["matches"]
    assert match.client == madrid
    assert match.elsewhere
    html = response.content.decode()
    assert 'name="action" value="use_client"' in html
    assert "4455KLM" not in html or query.replace(" ", "").replace("-", "").upper() == "4455KLM"
    assert madrid.phone not in html  # contact details stay hidden until the desk serves them
    assert "lucia.madrid@example.com" not in html.lower() or "@" in query


def test_an_archived_plate_no_longer_names_its_owner(cast, web, madrid):
    Vehicle.objects.filter(pk=madrid.vehicle.pk).update(archived_at=NOW)
    assert search(web, cast, "4455KLM").context["matches"] == []


def test_clients_served_here_are_found_by_part_of_their_data(cast, web):
    ana = UserFactory(first_name="Ana", last_name="Huenchumilla", phone="+56 9 8765 4321")
    ClientLocationFactory(client=ana, location=cast.location)
    [match] = search(web, cast, "huenchu").context["matches"]
    assert match.client == ana
    assert not match.elsewhere


def test_booking_for_a_client_found_elsewhere_links_them_to_this_location(cast, web, madrid):
    client = web(cast.receptionist)
    response = client.post(
        f"/calendar/{cast.location.pk}/new/",
        {"action": "use_client", "client": madrid.pk, "identifier": "+34 612 34 56 78", "keep": "date=2026-12-01"},
    )
    assert response.status_code == 302
    assert response.url == f"/calendar/{cast.location.pk}/new/?client={madrid.pk}&date=2026-12-01"
    link = ClientLocation.objects.get(client=madrid, location=cast.location)
    assert link.source == ClientLinkSource.DESK_FOUND
    page = client.get(response.url)
    assert page.status_code == 200
    assert [v.plate for v in page.context["vehicles"]] == ["4455KLM"]


@pytest.mark.parametrize("identifier", ["", "lucía", "+3461234", "lucia.madrid@example.co", "OTHER1"])
def test_a_client_is_never_linked_by_an_id_the_identifier_does_not_name(cast, web, madrid, identifier):
    response = web(cast.receptionist).post(
        f"/calendar/{cast.location.pk}/new/", {"action": "use_client", "client": madrid.pk, "identifier": identifier}
    )
    assert response.status_code == 404
    assert not ClientLocation.objects.filter(client=madrid, location=cast.location).exists()


def test_another_locations_staff_cannot_link_through_this_desk(cast, web, madrid):
    response = web(cast.other_receptionist).post(
        f"/calendar/{cast.location.pk}/new/",
        {"action": "use_client", "client": madrid.pk, "identifier": "+34612345678"},
    )
    assert response.status_code == 404
    assert ClientLocation.objects.filter(client=madrid).count() == 1


# --- Where the links come from -----------------------------------------------------------------------------


def test_a_booking_links_the_client_to_the_location(cast, api):
    service = ServiceFactory(locations=[cast.location])
    body = {"location": cast.location.pk, "service": service.pk, "start": TUESDAY_NINE}
    assert api(cast.outsider).post("/api/v1/appointments/", body, format="json").status_code == 201
    assert ClientLocation.objects.get(client=cast.outsider).location == cast.location
    assert api(cast.receptionist).get(f"/accounts/users/{cast.outsider.pk}/").status_code != 404
    # and the desk may now book for them, see their vehicles, and edit them
    vehicle = VehicleFactory(owner=cast.outsider)
    assert (
        api(cast.receptionist).patch(f"/api/v1/vehicles/{vehicle.pk}/", {"mileage": 5}, format="json").status_code
        == 200
    )


def test_booking_twice_keeps_one_link(cast):
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.DESK_CREATED)
    customer_services.client_link_location(client=cast.client, location=cast.location, source=ClientLinkSource.BOOKING)
    link = ClientLocation.objects.get(client=cast.client)
    assert link.source == ClientLinkSource.DESK_CREATED  # how it started is kept


def test_staff_are_never_linked_as_clients(cast):
    customer_services.client_link_location(
        client=cast.mechanic, location=cast.location, source=ClientLinkSource.BOOKING
    )
    assert not ClientLocation.objects.exists()


def test_a_client_created_at_the_desk_is_served_by_that_location(cast, web):
    response = web(cast.receptionist).post(
        f"/calendar/{cast.location.pk}/new/",
        {"action": "create_client", "new-first_name": "Rosa", "new-phone": "+56 9 1111 2222"},
    )
    assert response.status_code == 302
    link = ClientLocation.objects.get(client__first_name="Rosa")
    assert (link.location, link.source) == (cast.location, ClientLinkSource.DESK_CREATED)
    assert web(cast.other_receptionist).get(f"/accounts/users/{link.client_id}/").status_code == 404


def test_a_walk_in_ticket_naming_a_client_links_them(cast):
    queue = QueueFactory(location=cast.location)
    walkin_services.ticket_issue(actor=cast.receptionist, queue=queue, customer=cast.outsider)
    link = ClientLocation.objects.get(client=cast.outsider)
    assert (link.location, link.source) == (cast.location, ClientLinkSource.WALKIN)


def test_the_migration_links_every_client_to_the_locations_of_their_appointments(cast, madrid):
    ClientLocation.objects.all().delete()
    AppointmentFactory(
        location=cast.location,
        service=ServiceFactory(locations=[cast.location]),
        client=cast.client,
        start=datetime(2026, 12, 1, 9, 0, tzinfo=SANTIAGO),
    )
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.DESK_CREATED)
    migration = importlib.import_module("autoagenda.customers.migrations.0003_backfill_client_locations")
    migration.backfill(django_apps, None)
    migration.backfill(django_apps, None)  # and again: nothing doubles
    assert set(ClientLocation.objects.values_list("client_id", "location_id", "source")) == {
        (cast.client.pk, cast.location.pk, "desk_created"),
        (madrid.pk, cast.other_location.pk, "backfill"),
    }
