"""Transports: deliver a composed EmailMessage as .eml files or over SMTP."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import smtplib
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Protocol

from monitor.errors import NotifyError
from monitor.notify.headers import MAIL_POLICY

SECURITY_MODES = ("starttls", "tls", "none")
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]+")
_SLUG_MAX = 100
# Exactly a timestamp before the slug: "*-b.eml" would also match another message's "a-b".
_STAMP_GLOB = "[0-9]" * 8 + "T" + "[0-9]" * 6 + "Z"


@dataclass(frozen=True, slots=True)
class SendResult:
    """Who got the message; `refused` is permanent for that recipient only."""

    accepted: tuple[str, ...]
    refused: dict[str, str]  # recipient -> "550 5.1.1 no such user"
    # recipient -> "450 4.2.1 mailbox busy": a temporary refusal while others were accepted;
    # that recipient may be retried later.
    deferred: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    """Anything that can deliver a composed alert email."""

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult: ...


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it goes on the wire: CRLF line ends, headers folded by RFC 5322 rules."""
    return message.as_bytes(policy=MAIL_POLICY)


class FileTransport:
    """Writes each message to `<outbox_dir>/<timestamp>-<message-id>.eml`, atomically.

    The name derives from the Message-ID, so a resend after a crash replaces the first copy.
    """

    def __init__(self, outbox_dir: Path) -> None:
        self.outbox_dir = Path(outbox_dir)

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
        data = message_bytes(message)
        slug = _message_slug(message, data)
        target = self.outbox_dir / f"{_timestamp(message)}-{slug}.eml"
        tmp = self.outbox_dir / f".{slug}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
        try:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
            with open(tmp, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            # A resend composed at another time carries another Date: drop the older copy.
            for older in self.outbox_dir.glob(f"{_STAMP_GLOB}-{slug}.eml"):
                if older != target:
                    older.unlink(missing_ok=True)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise NotifyError(f"notify: cannot write {target}: {exc.strerror or exc}") from exc
        return SendResult(accepted=tuple(recipients), refused={})


class SmtpTransport:
    """Sends over SMTP with STARTTLS, implicit TLS or none; AUTH when a username is set."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        username: str | None,
        password: str | None,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        if security not in SECURITY_MODES:
            raise ValueError(f"notify: security must be one of {', '.join(SECURITY_MODES)}")
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self._password = password
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname
        self.server = f"smtp {host}:{port}"

    def __repr__(self) -> str:
        # Never the password: this object may end up in a log line or a traceback.
        return f"SmtpTransport({self.server}, security={self.security}, user={self.username})"

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
        if not recipients:
            raise ValueError("notify: no recipients")
        envelope = {_addr_spec(r): r for r in recipients}
        sender = _addr_spec(str(message.get("Sender") or message.get("From") or ""))
        data = message_bytes(message)
        try:
            client = self._connect()
        except (smtplib.SMTPException, OSError) as exc:
            raise self._error(exc) from exc
        try:
            self._secure_and_login(client)
            refused = client.sendmail(sender, list(envelope), data)
        except (smtplib.SMTPException, OSError) as exc:
            client.close()
            raise self._error(exc) from exc
        _quit_quietly(client)
        return _result(envelope, refused)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=self._context(),
            )
        return smtplib.SMTP(
            self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
        )

    def _secure_and_login(self, client: smtplib.SMTP) -> None:
        client.ehlo()
        if self.security == "starttls":
            if not client.has_extn("starttls"):
                # Sending in clear text instead would leak the password and the alerts.
                raise NotifyError(f"notify: {self.server} does not offer STARTTLS", temporary=False)
            client.starttls(context=self._context())
            client.ehlo()
        if self.username:
            client.login(self.username, self._password or "")

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _error(self, exc: BaseException) -> NotifyError:
        if isinstance(exc, NotifyError):
            return exc
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            # Permanent: retrying a wrong password every minute gets the account locked.
            return NotifyError(
                f"notify: {self.server} refused the login of {self.username}: "
                f"{_reply(exc.smtp_code, exc.smtp_error)}",
                temporary=False,
            )
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            refusals = {r: _reply(*reply) for r, reply in exc.recipients.items()}
            listed = "; ".join(f"{r}: {text}" for r, text in refusals.items())
            temporary = any(code < 500 for code, _ in exc.recipients.values())
            return NotifyError(
                f"notify: {self.server} refused every recipient: {listed}", temporary=temporary
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return NotifyError(f"notify: {self.server} does not support {exc}", temporary=False)
        if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
            exc.__context__, TimeoutError
        ):
            # smtplib reports a read timeout as a disconnect; the cause is what an operator needs.
            exc = exc.__context__
        elif isinstance(exc, smtplib.SMTPServerDisconnected):
            return NotifyError(f"notify: {self.server} closed the connection: {exc}")
        if isinstance(exc, smtplib.SMTPResponseException):
            return NotifyError(
                f"notify: {self.server} answered {_reply(exc.smtp_code, exc.smtp_error)}",
                temporary=exc.smtp_code < 500,
            )
        if isinstance(exc, ssl.SSLCertVerificationError):
            # A certificate that does not verify will not start verifying on its own.
            return NotifyError(
                f"notify: {self.server} TLS certificate rejected: {exc.verify_message}",
                temporary=False,
            )
        if isinstance(exc, ssl.SSLError):
            return NotifyError(f"notify: {self.server} TLS failed: {exc.reason or exc}")
        if isinstance(exc, ConnectionRefusedError):
            return NotifyError(f"notify: {self.server} refused connection")
        if isinstance(exc, TimeoutError):
            return NotifyError(f"notify: {self.server} timed out after {self.timeout:g}s")
        if isinstance(exc, OSError):
            return NotifyError(f"notify: {self.server} unreachable: {exc.strerror or exc}")
        return NotifyError(f"notify: {self.server} failed: {exc}")


def _result(envelope: dict[str, str], refused: dict[str, tuple[int, bytes]]) -> SendResult:
    permanent: dict[str, str] = {}
    deferred: dict[str, str] = {}
    for addr, (code, text) in refused.items():
        original = envelope.get(addr, addr)
        (deferred if code < 500 else permanent)[original] = _reply(code, text)
    accepted = tuple(r for a, r in envelope.items() if a not in refused)
    return SendResult(accepted=accepted, refused=permanent, deferred=deferred)


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _quit_quietly(client: smtplib.SMTP) -> None:
    # The message is accepted once DATA got its 250: a failing QUIT must not turn that into an
    # error, or the caller would send it again.
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _addr_spec(value: str) -> str:
    _, addr = parseaddr(value)
    if not addr or "@" not in addr:
        # Permanent: the same address will be just as wrong on the next attempt.
        raise NotifyError(f"notify: not an email address: {value!r}", temporary=False)
    return addr


def _message_slug(message: EmailMessage, data: bytes) -> str:
    message_id = str(message.get("Message-ID") or "").strip().strip("<>")
    if not message_id:
        message_id = "sha256-" + hashlib.sha256(data).hexdigest()[:32]
    slug = _SLUG_UNSAFE.sub("_", message_id).strip("._")
    if len(slug) > _SLUG_MAX or slug != message_id:
        # Distinct ids must not collapse onto one file name once cleaned or cut.
        tag = hashlib.sha256(message_id.encode()).hexdigest()[:8]
        slug = f"{slug[: _SLUG_MAX - 9]}-{tag}"
    return slug


def _timestamp(message: EmailMessage) -> str:
    try:
        moment = parsedate_to_datetime(str(message.get("Date") or ""))
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        moment = datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
