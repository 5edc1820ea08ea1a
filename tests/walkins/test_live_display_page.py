"""The public display page: no login, the state rendered in, its own TV stylesheet and script, no inline code."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from autoagenda.walkins import selectors, services
from tests.walkins.factories import DeskFactory, QueueFactory

pytestmark = pytest.mark.django_db


def url(location_id: int, **query: str) -> str:
    path = reverse("walkins:display", args=[location_id])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def json_block(html: str, element_id: str) -> object:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


@pytest.fixture
def called(cast):
    reception = QueueFactory(location=cast.location, name="Recepción de vehículos", prefix="A")
    desk = DeskFactory(location=cast.location, name="Mesón 1")
    for _ in range(3):
        services.ticket_issue(actor=cast.receptionist, queue=reception, name="Ana Pizarro", plate="HXTZ55")
    services.ticket_call_next(actor=cast.receptionist, desk=desk)
    services.ticket_call_next(actor=cast.receptionist, desk=desk)
    return reception


def test_anyone_sees_the_screen_of_a_location_with_its_current_state(client, cast, called):
    response = client.get(url(cast.location.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert json_block(html, "tv-state") == json.loads(json.dumps(selectors.display_state(cast.location.pk)))
    assert 'id="tv-now-number">A-002<' in html
    assert "Mesón 1" in html
    assert "A-001" in html  # the previous call
    assert f'data-ws-path="/ws/locations/{cast.location.pk}/display/"' in html
    assert response["Cache-Control"] == "no-store"


def test_the_screen_names_no_one(client, cast, called):
    html = client.get(url(cast.location.pk)).content.decode()
    assert "Ana" not in html
    assert "Pizarro" not in html
    assert "HXTZ55" not in html


def test_the_screen_has_no_inline_script_or_style_for_the_content_security_policy(client, cast, called):
    html = client.get(url(cast.location.pk)).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        assert 'src="' in attributes or 'type="application/json"' in attributes, attributes
        assert 'src="' not in attributes or not body.strip()
    assert " style=" not in html
    assert "<style" not in html
    assert "/static/walkins/display.css" in html
    assert "/static/walkins/display.js" in html


@pytest.mark.parametrize(("lang", "live"), [("en", "Live"), ("es", None)])
def test_the_language_can_be_pinned_in_the_address(client, cast, called, lang, live):
    response = client.get(url(cast.location.pk, lang=lang))
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert response["Content-Language"] == lang
    labels = json_block(html, "tv-i18n")
    assert isinstance(labels, dict)
    assert set(labels) >= {"live", "reconnecting", "offline", "nowServing", "calledAgain", "goTo", "waiting"}
    if live:
        assert labels["live"] == live


def test_an_unknown_language_falls_back_to_the_visitors(client, cast, called):
    html = client.get(url(cast.location.pk, lang="xx")).content.decode()
    assert '<html lang="en">' in html  # the test client asks for English


def test_an_unknown_or_inactive_location_has_no_screen(client, cast):
    assert client.get(url(987654)).status_code == 404
    cast.other_location.is_active = False
    cast.other_location.save()
    assert client.get(url(cast.other_location.pk)).status_code == 404


def test_a_location_with_no_calls_yet_welcomes_people(client, cast):
    QueueFactory(location=cast.location, name="Caja", prefix="C")
    html = client.get(url(cast.location.pk)).content.decode()
    assert "is-idle" in html
    assert "Take a number at reception" in html
    assert 'id="tv-recent-empty">' in html


def test_the_screen_only_answers_get(client, cast):
    assert client.post(url(cast.location.pk)).status_code == 405


def test_the_screen_page_costs_a_bounded_number_of_queries(client, cast, called, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(url(cast.location.pk)).status_code == 200
