"""The HTTP protocol the server runs: uvicorn's httptools protocol with two limits added.

uvicorn 0.54 has no header timeout. Its only timer is keep-alive, armed after a response and
cancelled by the first byte of the next request (data_received), so a client that connects and
sends half a request, or nothing, holds a socket forever (slowloris).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

log = logging.getLogger("uvicorn.error")
WORKER_PROTOCOL = "server.protocol:HeaderTimeoutProtocol"  # for uvicorn's http= in workers


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """Closes a connection whose request headers are not complete within the header timeout,
    and answers a WebSocket upgrade 503 beyond limit_concurrency as uvicorn does other requests.

    The clock runs from the connection's start, and from the first byte of each next request on
    a kept-alive connection, until the end of the headers; the app's own time is not counted.
    """

    header_timeout: ClassVar[float | None] = None  # seconds; None: from TRIFECTA_HEADER_TIMEOUT

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        timeout = self.header_timeout
        self._header_seconds = _timeout_from_env() if timeout is None else timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()  # a next request on a kept-alive connection

    def on_headers_complete(self) -> None:
        self._cancel_header_timer()  # also before a WebSocket upgrade takes the transport over
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def handle_websocket_upgrade(self) -> None:
        # uvicorn checks limit_concurrency in on_headers_complete after it has returned for an
        # upgrade, so WebSockets (the phones: most of our connections) would pass it unchecked.
        if self._over_limit():
            log.warning("Exceeded concurrency limit.")
            self._send_503()
        else:
            super().handle_websocket_upgrade()

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self._header_seconds, self._headers_late)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()  # no 408: a slowloris client does not read it anyway

    def _over_limit(self) -> bool:
        """uvicorn's own test for plain requests (this connection is among `connections`)."""
        limit = self.limit_concurrency
        return limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit)

    def _send_503(self) -> None:
        body = b"Service Unavailable"
        head = [STATUS_LINE[503]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def with_header_timeout(seconds: float) -> type[HeaderTimeoutProtocol]:
    """The protocol with this timeout, for one process. Worker processes get their Config
    pickled, and a class pickles by name, so they use WORKER_PROTOCOL (which reads the env)."""

    class Timed(HeaderTimeoutProtocol):
        header_timeout = seconds

    return Timed


@functools.cache
def _timeout_from_env() -> float:
    """A worker's settings arrive as TRIFECTA_* variables, set by cli._run before the spawn."""
    from .cli import settings_from_env  # not at the top: cli imports this module

    return settings_from_env(os.environ).header_timeout
