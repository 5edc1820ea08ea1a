"""Desks: where staff sit to call and serve."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Location
from autoagenda.walkins.models import (
    Desk,
    Queue,
)
from autoagenda.walkins.permissions import can_manage_queues, can_operate_desks
from autoagenda.walkins.services.base import (
    DESK_NAME_MAX,
    _clean_name,
    _publish_after_commit,
    _raise_if_errors,
    _save_unique,
    _user,
)


def _clean_desk_name(name: Any, location: Location, errors: dict[str, list[str]], *, exclude: int | None = None) -> str:
    cleaned = _clean_name(name, DESK_NAME_MAX, errors)
    if "name" not in errors and Desk.objects.filter(location=location, name=cleaned).exclude(pk=exclude or 0).exists():
        errors["name"] = [_("Another desk at this location has this name.")]
    return cleaned


def _check_queues(queues: Iterable[Queue], location: Location, errors: dict[str, list[str]]) -> list[Queue]:
    chosen = list(queues)
    if any(q.location_id != location.pk for q in chosen):
        errors["queues"] = [_("Choose queues of this location.")]
    return chosen


def desk_create(*, actor: Any, location: Location, name: str, queues: Iterable[Queue] = ()) -> Desk:
    """A desk serves the queues given, or every queue of its location when none are."""
    require(can_manage_queues(actor, location))
    errors: dict[str, list[str]] = {}
    name = _clean_desk_name(name, location, errors)
    chosen = _check_queues(queues, location, errors)
    _raise_if_errors(errors, _("The desk was not saved."))
    with transaction.atomic():
        desk = Desk(location=location, name=name)
        _save_unique(desk, "name", _("Another desk at this location has this name."))
        desk.queues.set(chosen)
    return desk


def desk_update(
    *,
    actor: Any,
    desk: Desk,
    name: str | None = None,
    queues: Iterable[Queue] | None = None,
    is_active: bool | None = None,
) -> Desk:
    require(can_manage_queues(actor, desk.location))
    errors: dict[str, list[str]] = {}
    if name is not None:
        desk.name = _clean_desk_name(name, desk.location, errors, exclude=desk.pk)
    chosen = _check_queues(queues, desk.location, errors) if queues is not None else None
    _raise_if_errors(errors, _("The desk was not saved."))
    with transaction.atomic():
        if is_active is not None:
            desk.is_active = is_active
            if not is_active:
                desk.agent = None
                desk.opened_at = None
        _save_unique(desk, "name", _("Another desk at this location has this name."))
        if chosen is not None:
            desk.queues.set(chosen)
        _publish_after_commit(desk.location_id)
    return desk


def desk_open(*, actor: Any, desk: Desk) -> Desk:
    """The actor sits at the desk (leaving any other desk: one desk per person); a colleague there is replaced."""
    require(can_operate_desks(actor, desk.location))
    user = _user(actor)
    if user is None:  # can_operate_desks admits only active users
        raise ApplicationError("permission_denied", _("Sign in to sit at a desk."))
    with transaction.atomic():
        current = Desk.objects.select_for_update().get(pk=desk.pk)
        if not current.is_active:
            raise ApplicationError("invalid_transition", _("This desk is closed for good; ask a manager."))
        if current.agent_id != user.pk:
            left = list(Desk.objects.select_for_update().filter(agent=user).exclude(pk=desk.pk))
            Desk.objects.filter(pk__in=[d.pk for d in left]).update(agent=None, opened_at=None)
            current.agent = user
            current.opened_at = timezone.now()
            try:
                with transaction.atomic():
                    current.save(update_fields=["agent", "opened_at"])
            except IntegrityError as exc:  # the same person sat down at another desk at this very moment
                raise ApplicationError("conflict", _("You just sat down at another desk. Please try again.")) from exc
            for location_id in {d.location_id for d in left} - {current.location_id}:
                _publish_after_commit(location_id)
            _publish_after_commit(current.location_id)
    desk.agent, desk.opened_at = current.agent, current.opened_at
    return desk


def desk_close(*, actor: Any, desk: Desk) -> Desk:
    """Nobody sits at the desk any more (the agent, or a colleague closing it for them)."""
    require(can_operate_desks(actor, desk.location))
    with transaction.atomic():
        current = Desk.objects.select_for_update().get(pk=desk.pk)
        if current.agent_id is not None:
            current.agent = None
            current.opened_at = None
            current.save(update_fields=["agent", "opened_at"])
            _publish_after_commit(current.location_id)
    desk.agent, desk.opened_at = None, None
    return desk
