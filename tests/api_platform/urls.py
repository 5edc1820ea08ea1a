"""The real URLconf plus a few test-only API views, for error paths no real endpoint has (yet)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from autoagenda.core.errors import ApplicationError
from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as real_urlpatterns


class WhoAmI(APIView):
    def get(self, request: Request) -> Response:
        return Response({"id": request.user.pk, "email": request.user.email})


class Forbidden(APIView):
    def get(self, request: Request) -> Response:
        raise PermissionDenied


class Missing(APIView):
    def get(self, request: Request) -> Response:
        raise Http404("Appointment 12 belongs to another location")


class LineSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)


class OrderSerializer(serializers.Serializer):
    location = serializers.IntegerField()
    lines = LineSerializer(many=True, allow_empty=False)
    mechanics = serializers.ListField(child=serializers.IntegerField(), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["location"] == 13:
            raise serializers.ValidationError("Location 13 is closed on Fridays.")
        return attrs


class Validate(APIView):
    permission_classes = (AllowAny,)

    def post(self, request: Request) -> Response:
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class DjangoInvalid(APIView):
    permission_classes = (AllowAny,)

    def post(self, request: Request) -> Response:
        raise DjangoValidationError({"start": ["Not on the grid."], "__all__": ["Closed that day."]})


class Conflict(APIView):
    permission_classes = (AllowAny,)

    def post(self, request: Request) -> Response:
        code = request.data.get("code", "slot_unavailable")
        raise ApplicationError(code, "That slot was just taken.")


class Throttled(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "h2_test"

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class Crash(APIView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug")


urlpatterns = [
    path("api/_test/whoami/", WhoAmI.as_view()),
    path("api/_test/forbidden/", Forbidden.as_view()),
    path("api/_test/missing/", Missing.as_view()),
    path("api/_test/validate/", Validate.as_view()),
    path("api/_test/django-invalid/", DjangoInvalid.as_view()),
    path("api/_test/conflict/", Conflict.as_view()),
    path("api/_test/throttled/", Throttled.as_view()),
    path("api/_test/crash/", Crash.as_view()),
    *real_urlpatterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
