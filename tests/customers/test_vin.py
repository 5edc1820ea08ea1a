"""VINs: 17 characters without I/O/Q, check digit only for North America, decoded offline."""

import pytest

from autoagenda.core.errors import ApplicationError
from autoagenda.customers.vin import decode_vin, normalize_vin, vin_problem


def test_a_valid_north_american_vin_is_decoded():
    info = decode_vin("1HGCM82633A004352")
    assert (info.vin, info.manufacturer, info.country) == ("1HGCM82633A004352", "Honda", "United States")
    assert info.years == [2003]


def test_a_north_american_vin_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ApplicationError) as caught:
        decode_vin("1HGCM82643A004352")  # 9th character changed: 3 -> 4
    assert caught.value.code == "invalid"
    assert list(caught.value.errors) == ["vin"]
    assert "check digit" in caught.value.errors["vin"][0]


def test_a_european_vin_is_accepted_without_a_checksum():
    info = decode_vin("WVWZZZ1JZXW000001")
    assert info.manufacturer == "Volkswagen"
    assert info.country == "Germany"


def test_spaces_dashes_and_lower_case_are_tolerated():
    assert normalize_vin(" 1hgcm8-2633a004352 ") == "1HGCM82633A004352"
    assert decode_vin("1hgcm82633a004352").vin == "1HGCM82633A004352"


@pytest.mark.parametrize(
    ("vin", "words"),
    [
        ("1HGCM82633A00435", "17 characters"),
        ("1HGCM82633A0043521", "17 characters"),
        ("1HGCM8263IA004352", "I, O or Q"),
        ("WVWZZZ1JZXW00000O", "I, O or Q"),
        ("WVWZZZ1JZXW00000Q", "I, O or Q"),
        ("WVWZZZ1JZXW0000_1", "I, O or Q"),
    ],
)
def test_malformed_vins_get_a_clear_message(vin, words):
    problem = vin_problem(normalize_vin(vin))
    assert problem is not None
    assert words in problem


def test_an_unknown_maker_decodes_to_empty_hints():
    info = decode_vin("ZZZZZZZZZZZZZZZZZ")
    assert info.manufacturer == ""
    assert info.vin == "ZZZZZZZZZZZZZZZZZ"


def test_the_decode_endpoint_answers_the_hints(cast, api):
    response = api(cast.client).get("/api/v1/vehicles/decode-vin/?vin=1HGCM82633A004352")
    assert response.status_code == 200
    assert response.json() == {"manufacturer": "Honda", "country": "United States", "years": [2003]}


@pytest.mark.parametrize("vin", ["", "1HGCM82643A004352", "SHORT"])
def test_the_decode_endpoint_refuses_a_bad_vin(cast, api, vin):
    response = api(cast.receptionist).get(f"/api/v1/vehicles/decode-vin/?vin={vin}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["vin"]


def test_the_decode_page_fragment_shows_the_hints(cast, web):
    response = web(cast.client).get("/vehicles/decode-vin/?vin=WVWZZZ1JZXW000001", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Volkswagen" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_the_decode_page_fragment_shows_the_problem(cast, web):
    response = web(cast.client).get("/vehicles/decode-vin/?vin=1HGCM82643A004352")
    assert "check digit" in response.content.decode()
