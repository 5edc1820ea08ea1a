"""Phones are stored as E.164 whatever way people type them."""

import pytest

from autoagenda.core import phones


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("9 1234 5678", "CL", "+56912345678"),
        ("+56 9 8765 4321", "CL", "+56987654321"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("+34 612-34-56-78", "CL", "+34612345678"),
        ("(202) 555-0100", "US", "+12025550100"),
    ],
)
def test_a_number_typed_the_local_way_is_stored_in_e164(typed, region, stored):
    assert phones.to_e164(typed, region=region) == stored


def test_no_phone_stays_empty():
    assert phones.to_e164("   ") == ""


@pytest.mark.parametrize("typed", ["123", "abc", "9" * 40, "+56 22 345"])
def test_text_that_cannot_be_a_phone_is_refused(typed):
    with pytest.raises(phones.InvalidPhone):
        phones.to_e164(typed, region="CL")


def test_the_default_region_comes_from_the_settings(settings):
    settings.PHONE_DEFAULT_REGION = "ES"
    assert phones.to_e164("612 34 56 78") == "+34612345678"


def test_is_e164_accepts_only_the_stored_shape():
    assert phones.is_e164("+56912345678")
    assert not phones.is_e164("912345678")
    assert not phones.is_e164("+56 9 1234 5678")
