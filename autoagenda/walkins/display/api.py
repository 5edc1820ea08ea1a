"""The public display's JSON (API.md, "Walk-in queue"): what a location's screen shows, for anyone."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.core.api import error_responses
from autoagenda.locations.permissions import get_location_for_display
from autoagenda.walkins import selectors


class DisplayCallSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    queue = serializers.IntegerField()
    queue_name = serializers.CharField()
    desk = serializers.CharField(help_text=_("The desk's name."))
    at = serializers.DateTimeField()


class DisplayWaitingSerializer(serializers.Serializer[Any]):
    queue = serializers.IntegerField()
    prefix = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    estimated_wait_minutes = serializers.IntegerField()


class DisplaySerializer(serializers.Serializer[Any]):
    seq = serializers.IntegerField(help_text=_("Grows with every change; a screen ignores older states."))
    current = DisplayCallSerializer(allow_null=True)
    recent = DisplayCallSerializer(many=True, help_text=_("Up to 6 earlier calls, newest first."))
    waiting = DisplayWaitingSerializer(many=True)


class DisplayView(APIView):
    """What a location's public screen shows; anyone may read it (no names of people in it)."""

    permission_classes = (AllowAny,)
    serializer_class = DisplaySerializer

    @extend_schema(
        summary="The public display state of a location (anonymous)",
        description="`current` is today's newest call; `recent` up to 6 earlier calls, newest first; `waiting` "
        "per active queue. The WebSocket `/ws/locations/{id}/display/` sends the same state after every change, "
        'and `{"type": "ticket.called", "number", "desk", "at", "recall"}` on each call.',
        responses={200: DisplaySerializer, **error_responses(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        location = get_location_for_display(pk)
        return Response(selectors.display_state(location.pk))
