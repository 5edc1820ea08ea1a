"""JWT for the API: short access tokens, rotating refresh tokens, one family per login.

Every token carries `sid`, the id of its LoginSession (one sign-in). Rotation
claims the old refresh token by inserting its blacklist row; the unique
constraint on that row decides a race, so 20 simultaneous refreshes of one
token give exactly one new pair. Presenting a refresh token that was already
rotated is a reuse: the whole login is revoked (its access tokens included,
because authentication checks the session on every request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from autoagenda.accounts.models import LoginSession, User

SESSION_CLAIM = "sid"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


class TokenRejected(Exception):
    """The refresh token may not be used (expired, revoked, rotated, malformed)."""


def _issue(session: LoginSession) -> TokenPair:
    refresh = RefreshToken()
    refresh[api_settings.USER_ID_CLAIM] = session.user_id
    refresh[SESSION_CLAIM] = str(session.pk)
    OutstandingToken.objects.create(
        user_id=session.user_id,
        jti=refresh[api_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def token_pair_for_login(user: User) -> TokenPair:
    """A new login: a new session and its first pair."""
    with transaction.atomic():
        session = LoginSession.objects.create(user=user)
        return _issue(session)


def _decode_refresh(raw: str) -> dict[str, Any]:
    try:
        payload = RefreshToken.token_backend.decode(raw, verify=True)
    except TokenError as exc:
        raise TokenRejected(str(exc)) from exc
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh" or SESSION_CLAIM not in payload:
        raise TokenRejected("not a refresh token")
    return dict(payload)


def session_revoke(session_id: Any, *, reason: str) -> None:
    """Revoke one login: its refresh tokens stop working and so do its access tokens."""
    LoginSession.objects.filter(pk=session_id, revoked_at=None).update(revoked_at=timezone.now(), revoked_reason=reason)


def sessions_revoke_for_user(user: User, *, reason: str) -> None:
    """Logout everywhere: password change, deactivation."""
    LoginSession.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now(), revoked_reason=reason)


def token_refresh(raw: str) -> TokenPair:
    """Rotate a refresh token; exactly one caller wins a race, a reuse revokes the login."""
    payload = _decode_refresh(raw)
    jti = payload[api_settings.JTI_CLAIM]
    session_id = payload[SESSION_CLAIM]
    reused = False
    with transaction.atomic():
        session = LoginSession.objects.select_related("user").filter(pk=session_id).first()
        outstanding = OutstandingToken.objects.filter(jti=jti).first()
        if session is None or outstanding is None or session.revoked_at or not session.user.is_active:
            raise TokenRejected("session revoked")
        try:
            with transaction.atomic():
                BlacklistedToken.objects.create(token=outstanding)
        except IntegrityError:
            reused = True
        else:
            pair = _issue(session)
    if reused:
        _handle_reuse(outstanding, session_id)
        raise TokenRejected("token already rotated")
    return pair


def _handle_reuse(outstanding: OutstandingToken, session_id: Any) -> None:
    leeway = timedelta(seconds=settings.JWT_REFRESH_REUSE_LEEWAY_SECONDS)
    rotated = BlacklistedToken.objects.filter(token=outstanding).values_list("blacklisted_at", flat=True).first()
    if rotated is None or timezone.now() - rotated >= leeway:
        session_revoke(session_id, reason="refresh_reuse")


def token_logout(raw: str) -> None:
    """End the login the refresh token belongs to."""
    payload = _decode_refresh(raw)
    session_revoke(payload[SESSION_CLAIM], reason="logout")


class LoginJWTAuthentication(JWTAuthentication):
    """Bearer JWT whose login (session) must still be live; one query per request."""

    def get_user(self, validated_token: Token) -> User:
        session_id = validated_token.get(SESSION_CLAIM)
        if not session_id:
            raise InvalidToken(_("Token has no login session."))
        session = (
            LoginSession.objects.select_related("user")
            .filter(pk=session_id, revoked_at=None, user__is_active=True)
            .first()
        )
        if session is None or session.user_id != validated_token.get(api_settings.USER_ID_CLAIM):
            raise InvalidToken(_("Token is invalid or expired"))
        return session.user
