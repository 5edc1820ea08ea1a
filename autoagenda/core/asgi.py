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

from typing import IO, Any

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import set_script_prefix


class OneHopASGIHandler(ASGIHandler):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Django's `handle` with its three hops into the sync thread made one (issue 10: a third of the cheapest
        read's server CPU under ASGI was hand-offs): `request_started`, the request, the middleware chain and view,
        and for a response whose body is already bytes `close()` (`request_finished`, as a WSGI server calls it
        once the body is out) run in that one hop; then the body goes out. A streaming response is sent as Django
        sends it and closed afterwards, in a second hop. No task listens for a disconnect: a sync view cannot be
        interrupted anyway, and the server drops what is sent after one."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            await self.send_response(response, send)
            if response.streaming:
                await sync_to_async(response.close, thread_sensitive=True)()
        finally:
            body_file.close()

    def _respond(self, scope: dict[str, Any], body_file: IO[bytes]) -> HttpResponseBase:
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None  # create_request gives one or the other
            response: HttpResponseBase = error_response
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]  # what run_get_response sets
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response

    async def get_response_async(self, request: HttpRequest) -> Any:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
