"""The job board's cards, rendered in Python: a board holds hundreds of them and the template engine spent
about 0.6 ms on each (tags, `{% url %}` and translations per card and per button), most of a 300-card page's
time. This writes the same HTML that `_board.html`'s card loop wrote, with every value escaped (format_html),
the URLs reversed once per page and the fixed strings translated once per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from autoagenda.workorders.templatetags.workorders_tags import person

PLACEHOLDER = 999999999


def e(value: Any) -> str:
    """Django's escape (the same five characters, the same entities) without its SafeString wrapping."""
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class CardPage:
    """What every card of one render shares: the URL patterns, the CSRF field, the strings."""

    location_id: int
    zone: ZoneInfo
    tv: bool
    csrf_token: str
    detail_url: str
    move_url: str
    csrf_field: str
    late: str
    running: str
    unassigned: str
    age_title: str
    ready: str
    cancel_title: str

    @classmethod
    def build(cls, *, location_id: int, zone: ZoneInfo, tv: bool, csrf_token: str) -> CardPage:
        # Not inside the f-strings: makemessages (xgettext) does not see a gettext call in one.
        late_title, late, running = _("Past the promised time"), _("Late"), _("Clock running")
        return cls(
            location_id=location_id,
            zone=zone,
            tv=tv,
            csrf_token=csrf_token,
            detail_url=reverse("workorders:detail", args=[PLACEHOLDER]),
            move_url=reverse("workorders:board_move", args=[location_id, PLACEHOLDER]),
            csrf_field=f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf_token)}">',
            late=f'<span class="wo-late" title="{e(late_title)}">{e(late)}</span>',
            running=(
                f'<span class="wo-running" title="{e(running)}">'
                '<span class="wo-clockdot" aria-hidden="true"></span></span>'
            ),
            unassigned=e(_("unassigned")),
            age_title=e(_("Age")),
            ready=e(_("Ready")),
            cancel_title=e(_("Move to “%(label)s”") % {"label": WorkOrderStatus.CANCELLED.label}),
        )

    def detail(self, pk: int) -> str:
        return self.detail_url.replace(str(PLACEHOLDER), str(pk))

    def move(self, pk: int) -> str:
        return self.move_url.replace(str(PLACEHOLDER), str(pk))


def _age(age: dict[str, int]) -> str:
    n = age["n"]
    if age["unit"] == "d":
        return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}
    if age["unit"] == "h":
        return _("%(n)s h") % {"n": n}
    return _("%(n)s min") % {"n": n}


def _promised(when: datetime | None, zone: ZoneInfo) -> str:
    if when is None:
        return ""
    return _("due %(when)s") % {"when": date_format(timezone.localtime(when, zone), "D H:i")}


def _person(user: Any) -> str:
    return e(person(user))


def _moves(card: WorkOrder, page: CardPage, moves: list[tuple[str, str]]) -> str:
    """One form per card, one CSRF field, one button per allowed move (`name="status"`, the move as its value): a
    browser without JavaScript posts the button it was pressed with; with JavaScript live.js posts the same with
    htmx (adding the board's mechanic filter) and swaps the board in, the ✕ (cancel) after the board's
    `data-confirm-cancel` question. No htmx attributes per card: a board holds hundreds."""
    url = e(page.move(card.pk))
    buttons = []
    for status, label in moves:
        if status == "cancelled":
            buttons.append(f'<button name="status" value="cancelled" title="{page.cancel_title}">✕</button>')
        else:
            text = page.ready if status == "completed" else e(label)
            buttons.append(f'<button name="status" value="{e(status)}">{text}</button>')  # "→" from the CSS
    return f'<form class="wo-card__moves" method="post" action="{url}">{page.csrf_field}{"".join(buttons)}</form>'


def render_card(card: WorkOrder, page: CardPage) -> SafeString:
    """One `<li class="wo-card">`; every value escaped (`e`, which is what autoescaping does). Kept terse: a board
    holds hundreds of cards and every byte of each is sent and read on every refresh."""
    moves: list[tuple[str, str]] = card.moves  # type: ignore[attr-defined]
    late: bool = card.late  # type: ignore[attr-defined]
    active = bool(moves) and not page.tv
    number = e(card.number)
    drag = ' draggable="true"' if active else ""  # live.js reads the moves off the card's buttons
    mechanic = _person(card.mechanic) if card.mechanic else f"<em>{page.unassigned}</em>"
    vehicle = card.vehicle
    html = (
        f'<li class="wo-card{" wo-card--late" if late else ""}" data-card="{number}" data-status="{e(card.status)}"'
        f'{drag}><div class="wo-card__top"><a class="wo-card__number" href="{e(page.detail(card.pk))}">{number}</a>'
        f"{page.late if late else ''}{page.running if card.running else ''}</div>"  # type: ignore[attr-defined]
        f'<p><span class="plate">{e(vehicle.plate)}</span> {e(vehicle.make)} {e(vehicle.model)}</p>'
        f'<p class="wo-card__client">{_person(card.client)}</p>'
        f'<p class="wo-card__meta"><span>{mechanic}</span> <span>{e(_promised(card.promised_by, page.zone))}</span>'
        f' <span title="{page.age_title}">{e(_age(card.age))}</span></p>'  # type: ignore[attr-defined]
        f"{_moves(card, page, moves) if active else ''}</li>\n"
    )
    return mark_safe(html)  # noqa: S308 (every value above is escaped)
