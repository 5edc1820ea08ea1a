"""WebSocket routes; the walk-in display adds its consumer here."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
