"""No input makes a work-order endpoint answer 500: junk bodies and query strings get 400/404/409 with the body."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workorders.factories import LaborLineFactory

JUNK: list[Any] = [
    {},
    [],
    "texto",
    None,
    {"status": ["in_progress"]},
    {"hours": "1e999", "rate": "NaN", "description": "x" * 5000},
    {"quantity": "-0", "unit_price": "Infinity", "description": "\u0000"},
    {"mechanic": 2**70, "desk": -1, "ticket": "1; drop", "vehicle": True, "location": 1.5},
    {"decisions": {"labor-1": "approved", "x" * 300: "declined"}, "signer_name": ["a"]},
    {"decisions": "all", "action": "lap", "visibility": "public", "body": {"a": 1}},
    {"promised_by": "9999-12-31T23:59:59Z", "mileage_in": 10**12, "from": "2026-02-30"},
]
QUERIES = [
    "status=?",
    "mechanic=abc",
    "location=99999999999999999999",
    "from=0001-01-01",
    "to=x",
    "search=" + "x" * 500,
]


@pytest.fixture
def paths(cast, work_order) -> list[str]:
    line = LaborLineFactory(work_order=work_order)
    base = f"/api/v1/work-orders/{work_order.pk}/"
    tails = ["", "assign/", "status/", "labor/", "parts/", "comments/", "time-entries/", "estimates/", "pickup-call/"]
    return [
        "/api/v1/work-orders/",
        "/api/v1/work-orders/from-ticket/",
        *[base + tail for tail in tails],
        f"{base}labor/{line.pk}/",
        "/api/v1/estimates/abc/",
        "/api/v1/estimates/abc/decision/",
        "/api/v1/estimates/abc:def:ghi/approve/",
        "/api/v1/estimates/%C3%B1/decline/",
    ]


@pytest.mark.parametrize("who", ["admin", "mechanic", "client"])
def test_junk_never_makes_a_500(cast, api, paths, who) -> None:
    client = api(getattr(cast, who))
    for path in paths:
        for body in JUNK:
            for method in ("post", "patch"):
                response = getattr(client, method)(path, body, format="json")
                assert response.status_code < 500, (method, path, body, response.content)
                if response.status_code >= 400:
                    assert "code" in response.json()
        for query in QUERIES:
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, (path, query, response.content)
