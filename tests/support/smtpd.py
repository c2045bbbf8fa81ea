"""A real SMTP server on loopback for tests: aiosmtpd with a recording, scriptable handler.

Fixtures: `tls_cert` (a self-signed certificate for 127.0.0.1, made with the openssl CLI),
`smtp_server_factory` (start servers with STARTTLS, implicit TLS, AUTH), `smtp_server` (a plain
one), `hanging_smtp` (accepts, sends a banner, then says nothing) and `refused_port` (nothing
listens there).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message the server accepted, as it arrived."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class RecordingHandler:
    """Records accepted messages; can be told to fail in the ways real servers do."""

    received: list[Received] = field(default_factory=list)
    temp_fail_data: int = 0  # answer the next N DATA commands with `temp_fail_reply`
    temp_fail_reply: str = "451 4.3.0 Temporary local problem, try again later"
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> RCPT reply
    drop_in_data: bool = False  # close the connection instead of answering DATA
    data_attempts: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_attempts += 1
        if self.drop_in_data:
            server.transport.close()
            return "421 4.3.0 closing"
        if self.temp_fail_data > 0:
            self.temp_fail_data -= 1
            return self.temp_fail_reply
        self.received.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=bytes(envelope.original_content or envelope.content),
            )
        )
        return "250 2.0.0 Message accepted for delivery"


@dataclass(frozen=True)
class OneUser:
    """An aiosmtpd authenticator that accepts exactly one login and password."""

    login: str
    password: str

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == self.login and auth_data.password.decode() == self.password
        )
        # handled=False: aiosmtpd then answers 235 or 535 itself.
        return AuthResult(success=ok, handled=False)


@dataclass(frozen=True)
class TlsCert:
    """A self-signed certificate valid for 127.0.0.1 and localhost."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only this certificate."""
        return ssl.create_default_context(cafile=str(self.cert))


@dataclass
class SmtpServer:
    """A running server: where it listens and what it has received."""

    host: str
    port: int
    handler: RecordingHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


class _LoopbackController(Controller):
    """Binds port 0 and learns the real port before aiosmtpd's readiness probe connects."""

    def _trigger_server(self) -> None:
        server = cast(asyncio.Server, self.server)
        self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> TlsCert:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return TlsCert(cert=cert, key=key)


@pytest.fixture
def smtp_server_factory() -> Iterator[Callable[..., SmtpServer]]:
    """start(starttls=cert, implicit_tls=cert, auth=(user, password), **handler_options).

    handler_options are RecordingHandler fields: temp_fail_data=1, refuse={addr: reply}...
    """
    controllers: list[Controller] = []

    def start(
        *,
        starttls: TlsCert | None = None,
        implicit_tls: TlsCert | None = None,
        auth: tuple[str, str] | None = None,
        **handler_options: Any,
    ) -> SmtpServer:
        handler = RecordingHandler(**handler_options)
        kwargs: dict[str, Any] = {}
        if starttls is not None:
            kwargs.update(tls_context=starttls.server_context(), require_starttls=True)
        if implicit_tls is not None:
            kwargs.update(ssl_context=implicit_tls.server_context())
        if auth is not None:
            kwargs.update(
                authenticator=OneUser(*auth),
                auth_required=True,
                auth_require_tls=starttls is not None or implicit_tls is not None,
            )
        controller = _LoopbackController(handler, hostname=HOST, port=0, **kwargs)
        with warnings.catch_warnings():
            # aiosmtpd warns when AUTH is allowed without TLS: some tests want exactly that.
            warnings.simplefilter("ignore")
            controller.start()
        controllers.append(controller)
        return SmtpServer(host=HOST, port=controller.port, handler=handler)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(smtp_server_factory: Callable[..., SmtpServer]) -> SmtpServer:
    """A plain SMTP server: no TLS, no AUTH."""
    return smtp_server_factory()


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port where nothing listens: bound but not listening, so it stays free."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


@pytest.fixture
def hanging_smtp() -> Iterator[int]:
    """A server that sends its banner and then never answers; yields its port."""
    listener = socket.create_server((HOST, 0))
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.sendall(b"220 hang.test ESMTP\r\n")
            held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        for conn in held:
            conn.close()
