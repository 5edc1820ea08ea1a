"""What the API answers to OPTIONS.

Its own module: DRF's APIView reads DEFAULT_METADATA_CLASS while `rest_framework.views` is being imported, so the
class must not live in a module that imports `rest_framework.views` itself (core/api.py does).
"""

from __future__ import annotations

from typing import Any

from rest_framework.metadata import BaseMetadata


class Metadata(BaseMetadata):
    """OPTIONS answers what the view is and which media types it speaks; the schema describes its fields.

    DRF's SimpleMetadata builds the view's serializer and, for PUT, fetches the object: a view without a
    `serializer_class`, or an id that cannot exist, turned a harmless OPTIONS into a 500; and it describes the
    output serializer as if it were the input. /api/schema/ is the one description of every operation.
    """

    def determine_metadata(self, request: Any, view: Any) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
