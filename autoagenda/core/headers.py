"""Response headers Django has no setting for: `Permissions-Policy`.

The browser features a page may use, from settings.PERMISSIONS_POLICY: none but what the product needs, so
injected or third-party script could not reach the camera, the microphone, the location or payments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware


def permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": [], "autoplay": ["self"]}` -> `camera=(), autoplay=(self)` (origins other than self quoted)."""

    def allowlist(origins: Sequence[str]) -> str:
        return " ".join(origin if origin in {"self", "*"} else f'"{origin}"' for origin in origins)

    return ", ".join(f"{feature}=({allowlist(origins)})" for feature, origins in features.items())


@lru_cache(maxsize=4)
def _header(features: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    return permissions_policy(dict(features))


def _policy() -> str:
    return _header(tuple((name, tuple(origins)) for name, origins in settings.PERMISSIONS_POLICY.items()))


@sync_and_async_middleware
def permissions_policy_middleware(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """Outside WhiteNoise and the HTTPS redirect: pages, API, static files, redirects and errors all carry it."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            response: HttpResponseBase = await get_response(request)
            response.headers.setdefault("Permissions-Policy", _policy())
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = get_response(request)
        response.headers.setdefault("Permissions-Policy", _policy())
        return response

    return middleware
