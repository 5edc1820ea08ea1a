"""BEHIND_TLS_PROXY: which peers' X-Forwarded-For / X-Forwarded-Proto are believed, and what they say."""

from __future__ import annotations

import pytest
from django.test import Client

from autoagenda.core import proxies
from autoagenda.core.proxies import TrustedProxies, parse_trusted_proxies


@pytest.mark.parametrize("value", ["", " ", "0", "false", "No", "off"])
def test_no_proxy_is_trusted_unless_one_is_named(value):
    assert parse_trusted_proxies(value) == ()


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_the_old_boolean_means_the_proxies_the_server_trusted_by_default(value):
    assert parse_trusted_proxies(value) == ("127.0.0.1/32", "::1/128")
    assert parse_trusted_proxies(value, when_true="*") == ("*",)
    assert parse_trusted_proxies(value, when_true="10.1.2.3") == ("10.1.2.3/32",)


def test_addresses_and_networks_are_read_as_networks():
    assert parse_trusted_proxies(" 10.0.0.0/8, [::1], 192.168.1.7 , 172.16.5.0/16") == (
        "10.0.0.0/8",
        "::1/128",
        "192.168.1.7/32",
        "172.16.0.0/16",
    )


def test_a_star_trusts_any_peer():
    assert parse_trusted_proxies("10.0.0.1, *") == ("*",)


def test_a_bad_forwarded_allow_ips_behind_the_old_boolean_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"^BEHIND_TLS_PROXY=1 \(the addresses in FORWARDED_ALLOW_IPS\): 'proxy'"):
        parse_trusted_proxies("1", when_true="10.0.0.1,proxy")


@pytest.mark.parametrize("value", ["nginx", "10.0.0.300", "10.0.0.0/33"])
def test_a_name_that_is_not_an_address_is_refused_with_a_clear_message(value):
    with pytest.raises(ValueError, match=r"^BEHIND_TLS_PROXY: .* is not an IP address or network"):
        parse_trusted_proxies(value)


LOCAL = TrustedProxies(["127.0.0.1/32", "::1/128"])
CHAIN = TrustedProxies(["10.0.0.0/8"])


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded_for", "client"),
    [
        pytest.param(LOCAL, "203.0.113.5", "198.51.100.1", None, id="peer-not-a-proxy"),
        pytest.param(TrustedProxies([]), "127.0.0.1", "198.51.100.1", None, id="no-proxy-named"),
        pytest.param(LOCAL, "127.0.0.1", "198.51.100.1", "198.51.100.1", id="one-hop"),
        pytest.param(LOCAL, "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1", id="client-prefix-ignored"),
        pytest.param(CHAIN, "10.0.0.2", "198.51.100.1, 10.9.9.9", "198.51.100.1", id="two-trusted-hops"),
        pytest.param(CHAIN, "10.0.0.2", "198.51.100.1:5123", "198.51.100.1", id="ipv4-with-port"),
        pytest.param(LOCAL, "::1", "[2001:db8::7]:443", "2001:db8::7", id="ipv6-with-port"),
        pytest.param(LOCAL, "::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1", id="ipv4-mapped-peer"),
        pytest.param(CHAIN, "10.0.0.2", "", "10.0.0.2", id="no-header"),
        pytest.param(CHAIN, "10.0.0.2", "unknown", "10.0.0.2", id="not-an-address"),
        pytest.param(CHAIN, "10.0.0.2", "198.51.100.1, garbage, 10.0.0.9", "10.0.0.9", id="walk-stops-at-garbage"),
        pytest.param(CHAIN, "10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8", id="all-hops-trusted"),
        pytest.param(TrustedProxies(["*"]), "192.0.2.1", "6.6.6.6, 198.51.100.1", "198.51.100.1", id="star-one-hop"),
    ],
)
def test_the_client_is_the_first_address_from_the_right_that_is_not_a_trusted_proxy(
    trusted, peer, forwarded_for, client
):
    assert trusted.client(peer, forwarded_for) == client


@pytest.fixture
def https_only(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)


def test_x_forwarded_proto_from_the_named_proxy_marks_the_request_secure(db, https_only):
    response = Client().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200  # no redirect to https: it already is


def test_x_forwarded_proto_from_anyone_else_is_ignored(db, https_only):
    response = Client().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_forwarded_headers_from_an_unnamed_local_proxy_are_reported_once(db, settings, caplog, monkeypatch):
    settings.TRUSTED_PROXIES = ()
    monkeypatch.setattr(proxies, "_warned", False)

    for n in range(3):
        Client().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    warnings = [r.getMessage() for r in caplog.records if r.name == "autoagenda.core.proxies"]
    assert warnings == ["X-Forwarded-For from 10.0.0.2 ignored: if that is your proxy, name it in BEHIND_TLS_PROXY"]
