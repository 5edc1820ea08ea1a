"""Django's HTTP handler for ASGI: one thread hop per request, into one long-lived thread.

Django builds the ASGI middleware chain in async mode: the view caller is async, so the first sync-only
middleware from the inside (ours and most third-party ones are) puts an `async_to_sync` back to the event loop
there, and the sync view then goes back to a thread with `sync_to_async`. Every request crossed between the event
loop and the sync thread four times (measured with py-spy: a third of the server's samples were those hand-offs,
threads waiting on each other), and with several clients the crossings queue behind each other's. Here the chain
is built in sync mode, as under WSGI, and the whole of it runs in one `sync_to_async(thread_sensitive=True)`:
the same middleware, view and order, one hop. Async views would still work (Django runs them with async_to_sync
inside the chain); the product has none. WebSockets go through Channels, untouched.

Django also wraps each request in a `ThreadSensitiveContext`, which starts a new thread for that request's sync
code and joins it at the end (py-spy: thread start and join took a seventh of the busy samples), so 8 clients
meant 8 threads of one process taking the GIL from each other and from the event loop: throughput fell as
clients were added. Without it, thread-sensitive code runs in asgiref's one shared thread, as it did before
Django 5: the requests' sync parts run one after the other in one warm thread (the process's CPU work is
serial under the GIL anyway), and waiting requests cost nothing but their place in the queue.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest


class OneHopASGIHandler(ASGIHandler):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> Any:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
