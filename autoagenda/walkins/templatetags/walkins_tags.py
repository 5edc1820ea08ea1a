"""Small formatting helpers for the queue pages."""

from __future__ import annotations

from django import template

register = template.Library()

HUES = 6


@register.filter
def queue_hue(prefix: str) -> int:
    """A stable colour (0–5) per queue letter, so a queue looks the same on every page."""
    return (ord(prefix[0]) - ord("A")) % HUES if prefix else 0
