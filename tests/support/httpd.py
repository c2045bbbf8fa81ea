"""A real HTTP server on 127.0.0.1 for tests: a route table, recorded requests, clean shutdown.

Use the `http_server` fixture (import it into a test module or tests/conftest.py):

    def test_x(http_server):
        http_server.route("/feed.xml", body=b"<rss/>", headers={"ETag": '"v1"'})
        http_server.route("/slow", handler=dribble(b"x" * 100, every=0.2))
        url = http_server.url("/feed.xml")
        ...
        assert http_server.requests_to("/feed.xml")[0].headers["if-none-match"] == '"v1"'

Handlers run in the server's threads; a slow handler should wait with `exchange.sleep()`, which
returns False once the server is closing, so no thread outlives the test.
"""

from __future__ import annotations

import contextlib
import io
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

__all__ = [
    "Exchange",
    "LoopbackServer",
    "RecordedRequest",
    "Route",
    "dribble",
    "http_server",
    "redirect",
    "reset_after",
    "short_body",
]

Handler = Callable[["Exchange"], None]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server saw it; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass(slots=True)
class Route:
    """What the server answers on one path: a fixed response, or a handler for anything else."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None


class Exchange:
    """One request being answered, as handlers see it."""

    def __init__(self, request: _RequestHandler, server: LoopbackServer) -> None:
        self._request = request
        self.server = server
        self.method = request.command
        self.path = request.path
        self.headers = {k.lower(): v for k, v in request.headers.items()}

    def send(
        self, status: int = 200, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> None:
        """A complete response; Content-Length is added unless the headers set their own."""
        given = dict(headers or {})
        names = {k.lower() for k in given}
        head = [f"HTTP/1.1 {status} {_reason(status)}"]
        head += [f"{k}: {v}" for k, v in given.items()]
        if "content-length" not in names and "transfer-encoding" not in names:
            head.append(f"Content-Length: {len(body)}")
        self.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if self.method != "HEAD":
            self.write(body)

    def write(self, data: bytes) -> None:
        """Raw bytes on the socket: for responses no well-behaved server would send."""
        self._request.wfile.write(data)
        self._request.wfile.flush()

    def sleep(self, seconds: float) -> bool:
        """Wait; False when the server is closing and the handler should return."""
        return not self.server.stopping.wait(seconds)

    def close_connection(self) -> None:
        """Close after this response instead of keeping the connection alive."""
        self._request.close_connection = True

    def abort(self) -> None:
        """Reset the connection (RST, not FIN), as a crashing server or a middlebox does."""
        request = self._request
        sock = request.connection
        # The socket really closes only once its file objects are gone; stand-ins keep the
        # request handler's own final flush harmless.
        request.wfile.close()
        request.rfile.close()
        request.wfile = io.BytesIO()
        request.rfile = io.BytesIO()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection()
        sock.close()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle and delayed ACKs add
    # 40 ms to every response on loopback.
    disable_nagle_algorithm = True
    timeout = 10  # an idle keep-alive connection cannot hold a thread past this
    server: _Server

    def _dispatch(self) -> None:
        owner = self.server.owner
        owner._record(self)
        route = owner._route_for(self.path)
        exchange = Exchange(self, owner)
        try:
            if route is None:
                exchange.send(404, b"not found", {"Content-Type": "text/plain"})
            elif route.handler is not None:
                route.handler(exchange)
            else:
                exchange.send(route.status, route.body, route.headers)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            # The client gave up (a deadline, a size cap): that is what many tests provoke.
            self.close_connection = True

    do_GET = do_HEAD = do_POST = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins handler threads: none outlive a test
    block_on_close = True

    def __init__(self, owner: LoopbackServer) -> None:
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        self.owner.errors.append(sys.exc_info()[1])


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with a changeable route table."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.errors: list[BaseException | None] = []
        self._routes: dict[str, Route] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._httpd = _Server(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._started = False
        self._scheme = "http"

    def wrap_tls(self, context: ssl.SSLContext) -> None:
        """Serve HTTPS with `context` (call before start); the handshake runs per connection."""
        self._httpd.socket = context.wrap_socket(
            self._httpd.socket, server_side=True, do_handshake_on_connect=False
        )
        self._scheme = "https"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        handler: Handler | None = None,
    ) -> None:
        """Answer `path` (with its query string, or any query if none is given) from now on."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self._routes[path] = Route(status, data, dict(headers or {}), handler)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path or urlsplit(r.path).path == path]

    def _record(self, request: _RequestHandler) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            self._requests.append(RecordedRequest(request.command, request.path, headers))

    def _route_for(self, path: str) -> Route | None:
        with self._lock:
            return self._routes.get(path) or self._routes.get(urlsplit(path).path)

    def start(self) -> LoopbackServer:
        if not self._started:
            self._thread.start()
            self._started = True
        return self

    def close(self) -> None:
        """Stop serving, wake slow handlers and idle connections, and join every thread."""
        self.stopping.set()
        if self._started:
            self._httpd.shutdown()
        with self._httpd.connections_lock:
            open_connections = list(self._httpd.connections)
        for sock in open_connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        if self._started:
            self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    """A started loopback server, closed (threads joined) after the test."""
    with LoopbackServer() as server:
        yield server


# --- handlers for the usual misbehaviours --------------------------------------------------


def redirect(location: str, status: int = 302) -> Handler:
    def handle(exchange: Exchange) -> None:
        exchange.send(status, b"", {"Location": location})

    return handle


def dribble(body: bytes, *, every: float, headers_too: bool = False) -> Handler:
    """Send `body` one byte at a time, `every` seconds apart (optionally the headers as well)."""

    def handle(exchange: Exchange) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        exchange.close_connection()
        if headers_too:
            data = head + body
        else:
            exchange.write(head)
            data = body
        for i in range(len(data)):
            if not exchange.sleep(every):
                return
            exchange.write(data[i : i + 1])

    return handle


def short_body(body: bytes, *, declared: int) -> Handler:
    """Announce `declared` bytes, send `body`, then close: a Content-Length longer than the body."""

    def handle(exchange: Exchange) -> None:
        exchange.write(f"HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n".encode() + body)
        exchange.close_connection()

    return handle


def reset_after(body: bytes, *, declared: int) -> Handler:
    """Send part of a body, then reset the connection."""

    def handle(exchange: Exchange) -> None:
        exchange.write(f"HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n".encode() + body)
        exchange.abort()

    return handle
