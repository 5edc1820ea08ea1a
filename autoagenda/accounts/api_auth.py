"""JWT endpoints: sign in, rotate, sign out.

Sign-in goes through `django.contrib.auth.authenticate`, so django-axes (first
in AUTHENTICATION_BACKENDS) counts failures per (account, IP) and refuses a
locked-out account; the answer is then 429 `throttled` with Retry-After. The
DRF request (not the bare HttpRequest) is given to axes on purpose: axes marks
the request object it receives, and AxesMiddleware would otherwise replace our
JSON answer with its HTML lockout page.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from autoagenda.accounts.models import User
from autoagenda.accounts.tokens import TokenPair, TokenRejected, token_logout, token_pair_for_login, token_refresh
from autoagenda.core.api import error_responses

# --- Serializers ----------------------------------------------------------


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class RefreshTokenSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="For `Authorization: Bearer <access>`; lives a few minutes (at most 10).")
    refresh = serializers.CharField(help_text="Single-use: trade it at auth/token/refresh/ for a new pair.")


def _pair_response(pair: TokenPair) -> Response:
    return Response(TokenPairSerializer({"access": pair.access, "refresh": pair.refresh}).data)


# --- Errors ---------------------------------------------------------------


class LoginLockedOut(exceptions.Throttled):
    """429 `throttled` without DRF's generic "Expected available in N seconds" suffix."""

    def __init__(self, wait: float | None) -> None:
        minutes = max(1, round((wait or 0) / 60))
        detail = _(
            "Too many failed sign-in attempts for this account from your network; it is locked for %(minutes)s minutes."
        ) % {"minutes": minutes}
        exceptions.APIException.__init__(self, detail)
        self.wait = wait


def _token_not_valid(exc: TokenRejected) -> InvalidToken:
    return InvalidToken(str(exc.detail))


# --- Views ----------------------------------------------------------------


class _TokenView(APIView):
    """No access token needed (a stale one in the header is ignored); throttled per IP."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth"

    def get_authenticate_header(self, request: Request) -> str:
        # Keeps 401 a 401 (DRF turns it into 403 for views without authenticators).
        return f'{jwt_settings.AUTH_HEADER_TYPES[0]} realm="api"'


def _authenticate(request: Request, *, email: str, password: str) -> User:
    credentials = {settings.AXES_USERNAME_FORM_FIELD: email}
    locked = settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials)
    # Always through authenticate(): axes counts this attempt too (and, while
    # locked, restarts the cool-off), and ModelBackend takes the same time
    # whether the account exists or not.
    user = authenticate(request=request, username=email, password=password)
    if locked:
        cool_off = get_cool_off(request)
        raise LoginLockedOut(cool_off.total_seconds() if cool_off else None)
    if user is None:
        raise exceptions.AuthenticationFailed(_("No active account found with the given email and password."))
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        # What axes does on a web login's user_logged_in signal; an API login sends no such signal.
        AxesProxyHandler.reset_attempts(username=email, ip_address=getattr(request, "axes_ip_address", None))
    return user


class TokenObtainView(_TokenView):
    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Sign in: trade email and password for an access and a refresh token",
        request=TokenObtainSerializer,
        responses={200: TokenPairSerializer, **error_responses(400, 401, 429)},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].lower()
        user = _authenticate(request, email=email, password=serializer.validated_data["password"])
        return _pair_response(token_pair_for_login(user))


class TokenRefreshView(_TokenView):
    @extend_schema(
        operation_id="auth_token_refresh",
        summary="Rotate: trade a refresh token for a new pair (the old refresh token stops working)",
        description=(
            "Each refresh token works once. Using one that was already used ends its whole login "
            "(every access and refresh token issued from that sign-in) with 401 `token_not_valid`."
        ),
        request=RefreshTokenSerializer,
        responses={200: TokenPairSerializer, **error_responses(400, 401, 429)},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = token_refresh(serializer.validated_data["refresh"])
        except TokenRejected as exc:
            raise _token_not_valid(exc) from exc
        return _pair_response(pair)


class LogoutView(_TokenView):
    @extend_schema(
        operation_id="auth_logout",
        summary="Sign out: end the login of this refresh token (its access tokens stop working too)",
        request=RefreshTokenSerializer,
        responses={204: OpenApiResponse(description="Signed out."), **error_responses(400, 401, 429)},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token_logout(serializer.validated_data["refresh"])
        except TokenRejected as exc:
            raise _token_not_valid(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Schema ---------------------------------------------------------------


class LoginJWTAuthenticationScheme(OpenApiAuthenticationExtension):
    """Lets Swagger UI's "Authorize" send `Authorization: Bearer <access>`."""

    target_class = "autoagenda.accounts.tokens.LoginJWTAuthentication"
    name = "jwtAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION", token_prefix=jwt_settings.AUTH_HEADER_TYPES[0], bearer_format="JWT"
        )
        definition["description"] = "The `access` token from POST /api/v1/auth/token/ (or its refresh)."
        return definition
