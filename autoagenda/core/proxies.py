"""Who the client is: the connection's peer, unless that peer is a proxy the deployment named.

The login lockout (django-axes), the API throttles (DRF with `NUM_PROXIES` 0) and the logs all key on
`REMOTE_ADDR`. The servers are started with their own forwarded-header handling off (`uvicorn
--no-proxy-headers`, `gunicorn --forwarded-allow-ips=""`), so `REMOTE_ADDR` is the TCP peer, and this
middleware is the one place that believes `X-Forwarded-For` and `X-Forwarded-Proto`: only from an
address in `BEHIND_TLS_PROXY` (`settings.TRUSTED_PROXIES`). From anyone else those headers are dropped,
so a client talking to the server directly cannot pick the address it is counted under.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable, MutableMapping
from functools import lru_cache
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

logger = logging.getLogger(__name__)

ANY = "*"
LOCAL_PROXY = "127.0.0.1,::1"
_FALSE = {"", "0", "false", "no", "off", "n", "f"}
_TRUE = {"1", "true", "yes", "on", "y", "t", "ok"}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_LOOPBACK = ipaddress.ip_address("127.0.0.1")


def parse_trusted_proxies(value: str, *, when_true: str = LOCAL_PROXY) -> tuple[str, ...]:
    """`BEHIND_TLS_PROXY` as a tuple of networks (or `("*",)`); `()` when no proxy is named.

    `1`/`true` (what the setting used to be, a bool) keeps its old meaning: the proxies the ASGI server trusted
    by default, `FORWARDED_ALLOW_IPS` or else this machine (`when_true`). Raises ValueError on a bad entry.
    """
    text = value.strip().lower()
    source = "BEHIND_TLS_PROXY"
    if text in _FALSE:
        return ()
    if text in _TRUE:
        text = when_true.strip() or LOCAL_PROXY
        source = "BEHIND_TLS_PROXY=1 (the addresses in FORWARDED_ALLOW_IPS)"
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    if ANY in entries:
        return (ANY,)
    networks: list[str] = []
    for entry in entries:
        try:
            networks.append(str(ipaddress.ip_network(entry.strip("[]"), strict=False)))
        except ValueError as exc:
            raise ValueError(
                f"{source}: {entry!r} is not an IP address or network; give the proxy's addresses "
                "(e.g. 127.0.0.1,::1 or 10.0.0.0/8), * for any peer, or 0 for none"
            ) from exc
    return tuple(networks)


def _address(text: str) -> Address | None:
    """An address out of a forwarded entry: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`, `2001:db8::1`."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    def __init__(self, networks: Iterable[str]) -> None:
        names = tuple(networks)
        self.any = ANY in names
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in names if n != ANY)

    def __bool__(self) -> bool:
        return self.any or bool(self.networks)

    def trusts(self, address: Address | None) -> bool:
        if address is None:
            return False
        return self.any or any(address in network for network in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str | None:
        """The client's address when `peer` is a trusted proxy, else None (the peer is the client).

        Each proxy appends the address it received the request from, so the list is read from the right and
        the first address that is not a trusted proxy is the client; what lies to its left was written by the
        client and is not believed. With `*` (any peer is the proxy) only the one hop the peer added counts.
        An entry that is not an address stops the walk: the last trusted hop is the client then.
        """
        hop = _address(peer)
        if not self.trusts(hop):
            return None
        entries = [entry for entry in forwarded_for.split(",") if entry.strip()]
        if self.any:
            entries = entries[-1:]
        for entry in reversed(entries):
            address = _address(entry)
            if address is None:
                break
            hop = address
            if not self.trusts(address):
                break
        return str(hop)


@lru_cache(maxsize=8)
def _trusted(networks: tuple[str, ...]) -> TrustedProxies:
    return TrustedProxies(networks)


_warned = False


def resolve_client(meta: MutableMapping[str, Any]) -> None:
    """Rewrite `REMOTE_ADDR` from a trusted proxy's `X-Forwarded-For`; drop forwarded headers from anyone else."""
    global _warned  # one warning per process
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))
    peer = str(meta.get("REMOTE_ADDR") or "")
    client = trusted.client(peer, str(meta.get("HTTP_X_FORWARDED_FOR") or ""))
    if client is not None:
        meta["REMOTE_ADDR"] = client
        return
    if not _warned and not trusted and meta.get("HTTP_X_FORWARDED_FOR") and (_address(peer) or _LOOPBACK).is_private:
        # Most likely a proxy nobody named: every client then shares its address (throttles, lockouts).
        _warned = True
        logger.warning("X-Forwarded-For from %s ignored: if that is your proxy, name it in BEHIND_TLS_PROXY", peer)
    meta.pop("HTTP_X_FORWARDED_FOR", None)
    meta.pop("HTTP_X_FORWARDED_PROTO", None)


@sync_and_async_middleware
def trusted_proxy_middleware(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """First in MIDDLEWARE: the HTTPS redirect, the lockout and the throttles all see the resolved client."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            resolve_client(request.META)
            response: HttpResponseBase = await get_response(request)
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        resolve_client(request.META)
        response: HttpResponseBase = get_response(request)
        return response

    return middleware
