"""Vehicle pages: "My vehicles" for clients, a searchable list for staff, hidden outside automotive."""

import pytest

from autoagenda.customers.models import Vehicle
from autoagenda.locations.models import Location, Sector
from tests.accounts.factories import ClientLocationFactory
from tests.customers.factories import VehicleFactory


@pytest.fixture(autouse=True)
def _both_clients_served_here(cast):
    """The client and the outsider are both clients of cast.location, so its front desk sees them;
    which staff see which clients is tests/customers/test_authorization.py's and test_client_scope.py's."""
    ClientLocationFactory(client=cast.client, location=cast.location)
    ClientLocationFactory(client=cast.outsider, location=cast.location)


def form_data(**overrides):
    data = {
        "plate": "hh-jj 12",
        "make": "Toyota",
        "model": "Corolla",
        "year": "2015",
        "mileage": "90000",
        "vin": "",
        "color": "Rojo",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_a_client_sees_my_vehicles(cast, web):
    VehicleFactory(owner=cast.client, plate="MINE01", make="Kia")
    VehicleFactory(owner=cast.outsider, plate="THEIR1")
    response = web(cast.client).get("/vehicles/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "MINE01" in html
    assert "THEIR1" not in html
    assert "/vehicles/new/" in html


def test_staff_search_clients_vehicles_by_plate_or_owner(cast, web):
    VehicleFactory(owner=cast.client, plate="MINE01")
    VehicleFactory(owner=cast.outsider, plate="THEIR1")
    client = web(cast.receptionist)
    html = client.get("/vehicles/?q=mine-01").content.decode()
    assert "MINE01" in html
    assert "THEIR1" not in html
    html = client.get("/vehicles/?q=outsider@example").content.decode()
    assert "THEIR1" in html
    assert "MINE01" not in html


def test_a_mechanic_reads_the_list_without_edit_links(cast, web):
    vehicle = VehicleFactory(owner=cast.client)
    html = web(cast.mechanic).get("/vehicles/").content.decode()
    assert vehicle.plate in html
    assert f"/vehicles/{vehicle.pk}/" not in html
    assert "/vehicles/new/" not in html


def test_the_staff_list_answers_in_a_bounded_number_of_queries(cast, web, django_assert_max_num_queries):
    for n in range(30):
        VehicleFactory(plate=f"PP{n:04d}")
    client = web(cast.admin)
    with django_assert_max_num_queries(10):
        response = client.get("/vehicles/")
    assert response.content.decode().count('class="plate"') == 30


def test_a_client_adds_a_vehicle_from_the_form(cast, web):
    response = web(cast.client).post("/vehicles/new/", form_data(vin="1HGCM82633A004352"))
    assert response.status_code == 302
    vehicle = Vehicle.objects.get()
    assert (vehicle.owner, vehicle.plate, vehicle.vin_manufacturer) == (cast.client, "HHJJ12", "Honda")


def test_the_client_form_has_no_owner_field(cast, web):
    html = web(cast.client).get("/vehicles/new/").content.decode()
    assert 'name="owner_email"' not in html
    assert 'name="plate"' in html


def test_the_front_desk_names_the_owner_by_email(cast, web):
    client = web(cast.receptionist)
    assert 'name="owner_email"' in client.get("/vehicles/new/").content.decode()
    response = client.post("/vehicles/new/", form_data(owner_email="CLIENT@example.com"))
    assert response.status_code == 302
    assert Vehicle.objects.get().owner == cast.client


def test_the_owner_field_is_prefilled_from_the_query(cast, web):
    html = web(cast.receptionist).get(f"/vehicles/new/?owner={cast.client.pk}").content.decode()
    assert 'value="client@example.com"' in html


def test_the_owner_must_be_a_client(cast, web):
    response = web(cast.receptionist).post("/vehicles/new/", form_data(owner_email=cast.mechanic.email))
    assert response.status_code == 400
    assert "owner_email" in response.context["form"].errors
    assert not Vehicle.objects.exists()


def test_a_bad_vin_is_shown_on_its_field(cast, web):
    response = web(cast.client).post("/vehicles/new/", form_data(vin="1HGCM82643A004352"))
    assert response.status_code == 400
    assert "vin" in response.context["form"].errors
    assert not Vehicle.objects.exists()


def test_a_duplicate_plate_is_shown_on_its_field(cast, web):
    VehicleFactory(owner=cast.client, plate="HHJJ12")
    response = web(cast.client).post("/vehicles/new/", form_data())
    assert response.status_code == 400
    assert "plate" in response.context["form"].errors


def test_the_edit_form_saves_changes(cast, web):
    vehicle = VehicleFactory(owner=cast.client, plate="AAAA11", mileage=10)
    client = web(cast.client)
    assert 'value="AAAA11"' in client.get(f"/vehicles/{vehicle.pk}/").content.decode()
    response = client.post(f"/vehicles/{vehicle.pk}/", form_data(plate="AAAA11", mileage="20"))
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.mileage, vehicle.make) == (20, "Toyota")


def test_delete_asks_first_then_deletes_on_post(cast, web):
    vehicle = VehicleFactory(owner=cast.client)
    client = web(cast.client)
    page = client.get(f"/vehicles/{vehicle.pk}/delete/")
    assert page.status_code == 200
    assert vehicle.plate in page.content.decode()
    assert Vehicle.objects.filter(pk=vehicle.pk).exists()
    response = client.post(f"/vehicles/{vehicle.pk}/delete/")
    assert response.status_code == 302
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


@pytest.mark.parametrize(
    "url", ["/vehicles/", "/vehicles/new/", "/vehicles/{pk}/", "/vehicles/{pk}/delete/", "/vehicles/decode-vin/"]
)
def test_the_pages_are_not_found_when_no_active_location_is_automotive(cast, web, url):
    vehicle = VehicleFactory(owner=cast.client)
    Location.objects.update(sector=Sector.GENERAL)
    response = web(cast.client).get(url.format(pk=vehicle.pk))
    assert response.status_code == 404


def test_an_inactive_automotive_location_does_not_count(cast, web):
    Location.objects.update(sector=Sector.GENERAL)
    Location.objects.filter(pk=cast.location.pk).update(sector=Sector.AUTOMOTIVE, is_active=False)
    assert web(cast.client).get("/vehicles/").status_code == 404
    Location.objects.filter(pk=cast.location.pk).update(is_active=True)
    assert web(cast.client).get("/vehicles/").status_code == 200
