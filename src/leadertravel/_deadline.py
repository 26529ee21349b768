"""An overall deadline per HTTP request: its sockets are shut down when time is up.

urllib's ``timeout`` bounds each socket operation, not a request: a server dripping one
byte every few seconds would hold a load (and its cache lock) forever. A `Deadline`
records every socket the request's connections open (through `watched_handlers`) and
shuts them down when it expires, in whatever phase the request is — connecting, sending,
reading headers or the body; the read then fails and `leadertravel._http` reports the
expired deadline.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

__all__ = ["Deadline", "watched_handlers"]


class Deadline:
    """Shuts down a request's sockets when its time is up, in whatever phase it is.

    The timer starts at once; `cancel` it when the request is done.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)

    def attach(self, sock: socket.socket) -> None:
        """Watch ``sock``; shut it down at once if the deadline has already passed."""
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            self._shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    def cancel(self) -> None:
        """Stop the timer (the request is over)."""
        self._timer.cancel()


def _watched(base: Callable[..., http.client.HTTPConnection], deadline: Deadline) -> Any:
    """Return a connection factory for urllib whose sockets the deadline can shut down."""

    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        conn = base(host, **kwargs)
        create = conn._create_connection  # type: ignore[attr-defined]

        def connect(*args: Any, **kw: Any) -> socket.socket:
            sock: socket.socket = create(*args, **kw)
            deadline.attach(sock)
            return sock

        conn._create_connection = connect  # type: ignore[attr-defined]
        return conn

    return make


class _Watching:
    """Mixin for urllib's handlers: connections whose sockets the deadline can shut down."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_watched(http_class, self.deadline), req, **kwargs)  # type: ignore[misc]


class _HTTPHandler(_Watching, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_Watching, urllib.request.HTTPSHandler):
    pass


def watched_handlers(deadline: Deadline) -> list[urllib.request.BaseHandler]:
    """Return urllib's http and https handlers, their sockets shut down by ``deadline``."""
    return [_HTTPHandler(deadline), _HTTPSHandler(deadline)]
