"""The `<id:…>` path converter: an object id in a URL (HTTP and WebSocket routes alike).

Django's `<int:…>` takes any run of digits, and a filter on a foreign key with a value beyond 64 bits makes
SQLite's driver raise OverflowError (a 500). An id is a positive 64-bit integer (BigAutoField); anything else
does not match the route, so the answer is the 404 of any unknown URL (and a WebSocket is refused).
"""

from __future__ import annotations

from django.urls.converters import IntConverter

from autoagenda.core.bounds import parse_id


class IdConverter(IntConverter):
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # the resolver tries the next route, then answers 404
        return parsed
