"""HTML pages of the notifications app: the inbox (and the bell's panel), the outbox for managers and admins,
the calendar-feed page, and the private feed itself (`/calendar/<token>.ics`, no login: the token is the key)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from autoagenda.accounts.models import User
from autoagenda.core.errors import ApplicationError
from autoagenda.notifications import ics, permissions, selectors, services
from autoagenda.notifications.api import feed_url
from autoagenda.notifications.forms import OutboxFilterForm
from autoagenda.notifications.models import CalendarFeed

PAGE_SIZE = 25
BELL_SIZE = 6


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("notifications:inbox"))


def _after_change(request: HttpRequest, item_template: str | None = None, **context: object) -> HttpResponse:
    """htmx: the changed row (or nothing, when deleted) plus the bell's new count out of band; else back."""
    if not request.htmx:  # type: ignore[attr-defined]
        return _back(request)
    context["inbox_unread"] = selectors.unread_count(_me(request))
    return render(request, item_template or "notifications/_changed.html", context)


# --- Inbox ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    items = selectors.inbox_for(_me(request), unread=only_unread)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "only_unread": only_unread, "can_see_outbox": permissions.can_see_outbox(_me(request))}
    return render(request, "notifications/inbox.html", context)


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's drop-down: the latest few, loaded when it opens."""
    items = list(selectors.inbox_for(_me(request))[:BELL_SIZE])
    return render(request, "notifications/_bell_panel.html", {"items": items})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    item = services.inapp_mark_read(notification=permissions.get_inapp_for_user(_me(request), pk))
    return _after_change(request, "notifications/_item_changed.html", item=item)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.inapp_mark_all_read(user=_me(request))
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("All notifications are marked as read."))
        return _back(request)
    return _after_change(request)  # the bell's count out of band; its list refreshes from the socket


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.inapp_delete(notification=permissions.get_inapp_for_user(_me(request), pk))
    return _after_change(request)


# --- Outbox ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    actor = _me(request)
    permissions.require(permissions.can_see_outbox(actor))
    form = OutboxFilterForm(request.GET or None, actor=actor)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.outbox_for(actor, location=filters.get("location"), status=filters.get("status") or None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    status = 200 if form.is_valid() or not request.GET else 400
    return render(request, "notifications/outbox.html", {"form": form, "page_obj": page}, status=status)


@login_required
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = permissions.get_delivery_for_user(_me(request), pk)
    try:
        services.delivery_retry(delivery=delivery)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The message is queued again."))
    return redirect(request.POST.get("next") or reverse("notifications:outbox"))


@login_required
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    """A test message to oneself on every channel one accepts: to check the providers' settings."""
    actor = _me(request)
    permissions.require(permissions.can_send_test_message(actor))
    result = services.notification_enqueue(
        event_key=f"test:{actor.pk}:{uuid.uuid4().hex}",
        recipient=actor,
        template="test_message",
        context={"url": reverse("notifications:inbox"), "requested_by": actor.get_full_name() or actor.email},
    )
    labels = ", ".join(result.channels) or _("none (check your profile's channels)")
    messages.success(request, _("A test message is on its way to you: %(channels)s.") % {"channels": labels})
    return redirect(reverse("notifications:outbox"))


# --- Calendar feed ------------------------------------------------------------------------------------------


@login_required
def calendar_feed_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.calendar_feed_rotate(user=_me(request))
        messages.success(request, _("You have a new calendar address. The old one no longer works."))
        return redirect(reverse("notifications:calendar_feed"))
    feed = services.calendar_feed_for(user=_me(request))
    url = feed_url(request, feed)
    context = {"url": url, "webcal": url.replace("https://", "webcal://").replace("http://", "webcal://")}
    return render(request, "notifications/calendar_feed.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendars subscribe to. An unknown or rotated token is 404, like any page that does not exist."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    user = feed.user
    body = ics.feed_calendar(
        selectors.feed_appointments(user), name=f"AutoAgenda — {user.get_full_name() or user.email}"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="autoagenda.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
