"""JWT for the API: short access tokens, rotating refresh tokens, one family per login.

Every token carries `sid`, the id of its LoginSession (one sign-in). A refresh
token is single-use: rotating it claims it by inserting its blacklist row, and
the unique constraint on that row decides any race, so 20 simultaneous
refreshes of one token give exactly one new pair. Presenting a refresh token
that was already used is a reuse: the whole login is revoked (its access tokens
included, because authentication checks the session on every request), unless
it comes within `JWT_REFRESH_REUSE_LEEWAY_SECONDS` of the rotation (a client's
benign double submit). Other logins of the same user are not touched.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenBackendError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from autoagenda.accounts.models import LoginSession, User

SESSION_CLAIM = "sid"

MSG_INVALID = _("Token is invalid or expired.")
MSG_ENDED = _("This login has ended; sign in again.")
MSG_REUSED = _("This refresh token was already used; sign in again.")


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


class TokenRejected(Exception):
    """The refresh token may not be used (expired, revoked, rotated, malformed)."""

    def __init__(self, detail: str | Promise = MSG_INVALID) -> None:
        super().__init__(str(detail))
        self.detail = detail


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


def _session_id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class _RefreshClaims:
    jti: str
    session_id: uuid.UUID
    user_id: int


def _decode_refresh(raw: str) -> _RefreshClaims:
    """Signature, expiry and shape only; whether it may still be used is the database's call.

    Not `RefreshToken(raw)`: that refuses a blacklisted token before we can
    tell a reuse (which must revoke the login) from any other invalid token.
    """
    try:
        payload = token_backend.decode(raw, verify=True)  # type: ignore[arg-type]  # the stub says Token; it takes str
    except TokenBackendError as exc:
        raise TokenRejected() from exc
    jti = payload.get(api_settings.JTI_CLAIM)
    session_id = _session_id(payload.get(SESSION_CLAIM))
    user_id = payload.get(api_settings.USER_ID_CLAIM)
    if (
        payload.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type
        or not isinstance(jti, str)
        or not jti
        or session_id is None
        or not isinstance(user_id, int)
    ):
        raise TokenRejected()
    return _RefreshClaims(jti=jti, session_id=session_id, user_id=user_id)


def _live_session(claims: _RefreshClaims) -> LoginSession:
    session = LoginSession.objects.select_related("user").filter(pk=claims.session_id, user_id=claims.user_id).first()
    if session is None or session.revoked_at is not None or not session.user.is_active:
        raise TokenRejected(MSG_ENDED)
    return session


def _outstanding(claims: _RefreshClaims) -> OutstandingToken:
    outstanding = OutstandingToken.objects.filter(jti=claims.jti).first()
    if outstanding is None:
        raise TokenRejected()
    return outstanding


def _claim(outstanding: OutstandingToken) -> bool:
    """Mark the refresh token used; False when someone already did (now or earlier)."""
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:
        return False
    return True


def session_revoke(session_id: Any, *, reason: str) -> None:
    """Revoke one login: its refresh tokens stop working and so do its access tokens."""
    LoginSession.objects.filter(pk=session_id, revoked_at=None).update(revoked_at=timezone.now(), revoked_reason=reason)


def sessions_revoke_for_user(user: User, *, reason: str) -> None:
    """Logout everywhere: password change, deactivation."""
    LoginSession.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now(), revoked_reason=reason)


def _handle_reuse(outstanding: OutstandingToken, session: LoginSession) -> None:
    leeway = timedelta(seconds=settings.JWT_REFRESH_REUSE_LEEWAY_SECONDS)
    used_at = BlacklistedToken.objects.filter(token=outstanding).values_list("blacklisted_at", flat=True).first()
    if used_at is None or timezone.now() - used_at >= leeway:
        session_revoke(session.pk, reason="refresh_reuse")


def token_refresh(raw: str) -> TokenPair:
    """Rotate a refresh token; exactly one caller wins a race, a reuse revokes the login."""
    claims = _decode_refresh(raw)
    with transaction.atomic():
        session = _live_session(claims)
        outstanding = _outstanding(claims)
        pair = _issue(session) if _claim(outstanding) else None
    if pair is None:
        # Outside the transaction above: the revocation must commit although the request fails.
        _handle_reuse(outstanding, session)
        raise TokenRejected(MSG_REUSED)
    return pair


def token_logout(raw: str) -> None:
    """End the login the refresh token belongs to (only with a token that could still refresh)."""
    claims = _decode_refresh(raw)
    session = _live_session(claims)
    outstanding = _outstanding(claims)
    if BlacklistedToken.objects.filter(token=outstanding).exists():
        _handle_reuse(outstanding, session)
        raise TokenRejected(MSG_REUSED)
    session_revoke(session.pk, reason="logout")


def _live_login_sql() -> str:
    """The user of a live login, in one statement written once (quoted for the current database)."""
    quote = connection.ops.quote_name
    user, session = quote(User._meta.db_table), quote(LoginSession._meta.db_table)
    columns = ", ".join(f"u.{quote(str(f.column))}" for f in User._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {user} u INNER JOIN {session} s ON s.{quote('user_id')} = u.{quote('id')} "  # noqa: S608
        f"WHERE s.{quote('id')} = %s AND s.{quote('user_id')} = %s AND s.{quote('revoked_at')} IS NULL "
        f"AND u.{quote('is_active')} = %s"
    )


def live_login_user(session_id: uuid.UUID, user_id: Any) -> User | None:
    """The active user whose login `session_id` is live (not revoked), or None; checked in the database.

    A raw statement with the ORM's converters (`raw()`), not a queryset: the same one query as
    `LoginSession.objects.select_related("user").filter(...)` without building and compiling it on every
    request, which was most of the cheapest authenticated read's server time. Nothing is remembered between
    requests, so a logout, a revocation or a deactivation counts from the very next request.
    """
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    session_key = LoginSession._meta.pk.get_db_prep_value(session_id, connection)
    found = list(User.objects.raw(_live_login_sql(), [session_key, user_id, True]))
    return found[0] if found else None


class LoginJWTAuthentication(JWTAuthentication):
    """Bearer JWT whose login (session) must still be live; one query per request."""

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]  # AuthUser is a TypeVar
        session_id = _session_id(validated_token.get(SESSION_CLAIM))
        if session_id is None:
            raise InvalidToken(str(MSG_INVALID))
        user = live_login_user(session_id, validated_token.get(api_settings.USER_ID_CLAIM))
        if user is None:
            raise InvalidToken(str(MSG_INVALID))
        return user
