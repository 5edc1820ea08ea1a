"""The bell's live count: after a commit that changes someone's inbox, their open pages hear about it.

One Channels group per user (`inbox.user.<id>`); the message only says "changed" and each socket re-reads the
count, so messages that cross between processes can never leave a stale number. Best effort: a page that
missed it shows the right count on its next load or reconnect (the consumer sends the count on connect).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

INBOX_CHANGED = "inbox.changed"


def inbox_group(user_id: int) -> str:
    return f"inbox.user.{user_id}"


def publish_inbox_changed(*user_ids: int) -> None:
    """Tell these users' open pages; one trip to the event loop for all of them (a booking alerts several)."""
    layer = get_channel_layer()
    if layer is None or not user_ids:
        return

    async def send_all() -> None:
        for user_id in user_ids:
            try:
                await layer.group_send(inbox_group(user_id), {"type": INBOX_CHANGED})
            except Exception:
                logger.exception("inbox change for user %s was not pushed", user_id)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("inbox changes for users %s were not pushed", list(user_ids))


def inbox_changed_on_commit(*user_ids: int) -> None:
    transaction.on_commit(lambda: publish_inbox_changed(*user_ids))
