"""The API's JSON parser: DRF's, with a limit on nesting.

Python's json module recurses once per level of nesting: a body of a thousand `[` raises RecursionError (not
ValueError, so DRF's parser lets it through as a 500), and anything a little shallower is accepted and then walked
by every serializer and the error flattener. No request of this API nests deeper than a few levels, so more than
`MAX_DEPTH` is refused as malformed JSON (400 `parse_error`), before any authentication or view code sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def depth_exceeds(data: Any, limit: int) -> bool:
    """Whether `data` nests lists and objects deeper than `limit` (iterative: no recursion of our own)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    max_depth = MAX_DEPTH

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(self._too_deep()) from None
        if depth_exceeds(data, self.max_depth):
            raise ParseError(self._too_deep())
        return data

    def _too_deep(self) -> str:
        return _("JSON parse error - nested deeper than %(limit)s levels.") % {"limit": self.max_depth}
