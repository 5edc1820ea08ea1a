"""WebSocket routes.

The public display takes any Origin and no login (a TV in the waiting room is
just a browser pointed at a URL). The desk panel uses the session cookie, so it
sits behind the same Origin check Django applies to forms (ALLOWED_HOSTS):
another site cannot open it with a staff member's cookie. Any other path, or an
id that is not one, is refused by the last route (never a 500).
"""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import URLPattern, path, re_path

from autoagenda.core.consumers import NoSuchRouteConsumer
from autoagenda.notifications.consumers import InboxConsumer
from autoagenda.walkins.consumers import DeskConsumer, DisplayConsumer
from autoagenda.workorders.consumers import BoardConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/locations/<id:location_id>/display/", DisplayConsumer.as_asgi()),
    path(
        "ws/locations/<id:location_id>/desk/",
        AllowedHostsOriginValidator(AuthMiddlewareStack(DeskConsumer.as_asgi())),
    ),
    path(
        "ws/locations/<id:location_id>/work-orders/",
        AllowedHostsOriginValidator(AuthMiddlewareStack(BoardConsumer.as_asgi())),
    ),
    path("ws/notifications/", AllowedHostsOriginValidator(AuthMiddlewareStack(InboxConsumer.as_asgi()))),
    re_path(r"", NoSuchRouteConsumer.as_asgi()),
]
