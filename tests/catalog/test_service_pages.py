"""The catalog pages: a table with prices in the currency, checkbox forms that call the services."""

import re
from decimal import Decimal

from autoagenda.catalog.models import Service
from tests.catalog.factories import ServiceFactory


def form_data(cast, **overrides):
    data = {
        "name": "Cambio de pastillas",
        "description": "",
        "duration_minutes": "90",
        "buffer_minutes": "10",
        "price": "45000",
        "tax_rate": "19",
        "requires_mechanic": "on",
        "locations": [str(cast.location.pk)],
        "mechanics": [str(cast.mechanic.pk)],
        "repeat_months": "",
        "repeat_km": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_the_list_shows_the_price_with_the_currency(cast, web):
    ServiceFactory(name="Alineación", price=Decimal("25000"), locations=[cast.location])
    response = web(cast.receptionist).get("/services/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alineación" in html
    assert re.search(r"25[.,\xa0]?000 CLP", html)


def test_the_list_filters_by_location(cast, web):
    ServiceFactory(name="Alineación", locations=[cast.location])
    ServiceFactory(name="Frenos Madrid", locations=[cast.other_location])
    html = web(cast.admin).get(f"/services/?location={cast.other_location.pk}").content.decode()
    assert "Frenos Madrid" in html
    assert "Alineación" not in html


def test_the_list_offers_edit_only_where_the_user_may_edit(cast, web):
    mine = ServiceFactory(name="Mío", locations=[cast.location])
    shared = ServiceFactory(name="Compartido", locations=[cast.location, cast.other_location])
    html = web(cast.manager).get("/services/").content.decode()
    assert f"/services/{mine.pk}/" in html
    assert f"/services/{shared.pk}/" not in html


def test_clients_browse_the_active_catalog_without_edit_links(cast, web):
    on_sale = ServiceFactory(name="Diagnóstico", locations=[cast.location])
    ServiceFactory(name="Retirado", locations=[cast.location], is_active=False)
    html = web(cast.client).get("/services/").content.decode()
    assert "Diagnóstico" in html
    assert "Retirado" not in html
    assert f"/services/{on_sale.pk}/" not in html
    assert "/services/new/" not in html


def test_the_list_answers_in_a_bounded_number_of_queries(cast, web, django_assert_max_num_queries):
    for n in range(20):
        ServiceFactory(name=f"S{n:02d}", locations=[cast.location], mechanics=[cast.mechanic])
    client = web(cast.manager)
    with django_assert_max_num_queries(12):
        response = client.get("/services/")
    assert response.content.decode().count("/services/") >= 20


def test_the_create_form_offers_checkboxes_for_the_managers_locations_and_mechanics(cast, web):
    html = web(cast.manager).get("/services/new/").content.decode()
    assert 'type="checkbox" name="locations"' in html
    assert 'type="checkbox" name="mechanics"' in html
    assert cast.location.name in html
    assert cast.other_location.name not in html
    assert cast.mechanic.get_full_name() in html
    assert cast.other_mechanic.get_full_name() not in html


def test_a_manager_creates_a_service_from_the_form(cast, web):
    response = web(cast.manager).post("/services/new/", form_data(cast))
    assert response.status_code == 302
    assert response.url == "/services/"
    service = Service.objects.get()
    assert (service.name, service.duration_minutes, service.price) == ("Cambio de pastillas", 90, Decimal("45000"))
    assert list(service.mechanics.all()) == [cast.mechanic]


def test_a_bad_form_answers_400_with_the_errors_and_saves_nothing(cast, web):
    response = web(cast.admin).post("/services/new/", form_data(cast, duration_minutes="2", locations=[]))
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"duration_minutes", "locations"}
    assert not Service.objects.exists()


def test_a_service_error_lands_on_its_field(cast, web):
    # The admin's form lists every mechanic; one from Madrid does not work in Providencia.
    response = web(cast.admin).post("/services/new/", form_data(cast, mechanics=[str(cast.other_mechanic.pk)]))
    assert response.status_code == 400
    assert "mechanics" in response.context["form"].errors
    assert not Service.objects.exists()


def test_the_edit_form_is_filled_and_saves_changes(cast, web):
    service = ServiceFactory(name="Lavado", locations=[cast.location], price=Decimal("9000"))
    client = web(cast.manager)
    page = client.get(f"/services/{service.pk}/")
    assert page.status_code == 200
    assert 'value="Lavado"' in page.content.decode()
    response = client.post(
        f"/services/{service.pk}/", form_data(cast, name="Lavado premium", price="12000", mechanics=[], is_active="")
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.price, service.is_active) == ("Lavado premium", Decimal("12000"), False)
