"""Transports against real servers: .eml files on disk and aiosmtpd on loopback."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from monitor.errors import NotifyError
from monitor.notify.compose import (
    ChangeView,
    EmailSettings,
    compose_alert_email,
    new_message_id,
)
from monitor.notify.transports import FileTransport, SendResult, SmtpTransport

if TYPE_CHECKING:
    # Imported for annotations only: tests/conftest.py loads the module as a plugin, with
    # assertion rewriting, which an earlier plain import would prevent.
    from tests.support.smtpd import SmtpServer, TlsCert

NOW = datetime(2025, 10, 8, 15, 0, tzinfo=UTC)
SETTINGS = EmailSettings(sender="News Monitor <alerts@example.org>")
USER, PASSWORD = "alerts@example.org", "s3cret-Pa55word"
CHANGE = ChangeView(
    kind="figure",
    label="Gaza death toll",
    old="more than 66,600",
    new="67,074",
    delta="+474",
    evidence="Officials in Gaza put the overall death toll at 67,074 since the war began.",
    highlight="67,074",
    source_name="Example News",
    url="https://news.example.org/gaza/toll",
    published_at=datetime(2025, 10, 8, 13, 5, tzinfo=UTC),
    previous_evidence="More than 66,600 people had been killed, the ministry said.",
    previous_source="Example Wire",
    previous_url="https://wire.example.org/gaza-talks",
    previous_published_at=datetime(2025, 10, 7, 9, 0, tzinfo=UTC),
    thread_key="death_toll",
)
Factory = Callable[..., "SmtpServer"]


def alert(
    recipients: list[str],
    *,
    key: str = "alert:1",
    message_id: str | None = None,
    now: datetime = NOW,
    **change: Any,
) -> EmailMessage:
    return compose_alert_email(
        watch="gaza-ceasefire",
        watch_label="Gaza ceasefire",
        recipients=recipients,
        changes=[dataclasses.replace(CHANGE, **change)],
        settings=SETTINGS,
        now=now,
        message_id=message_id or new_message_id(key, SETTINGS.domain_for_ids),
    )


def smtp(server: SmtpServer | int, **kwargs: Any) -> SmtpTransport:
    args: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server if isinstance(server, int) else server.port,
        "security": "none",
        "username": None,
        "password": None,
        "timeout": 10.0,
    }
    args.update(kwargs)
    return SmtpTransport(**args)


def parts(raw: bytes) -> list[str]:
    msg = message_from_bytes(raw, policy=policy.default)
    return [p.get_content_type() for p in msg.iter_parts()]


# --- FileTransport ---------------------------------------------------------------------------


def test_file_transport_writes_a_readable_eml(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    result = FileTransport(outbox).send(alert(["desk@example.org"]), ["desk@example.org"])
    assert result == SendResult(accepted=("desk@example.org",), refused={})
    [eml] = list(outbox.iterdir())
    assert eml.name.startswith("20251008T150000Z-alert.")
    assert eml.suffix == ".eml"
    parsed = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert str(parsed["Subject"]).startswith("[gaza-ceasefire] Gaza death toll")
    assert parts(eml.read_bytes()) == ["text/plain", "text/html"]


def test_same_message_id_twice_leaves_one_file(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path)
    transport.send(alert(["desk@example.org"]), ["desk@example.org"])
    # The resend after a crash is composed later, with a later Date, but the same Message-ID.
    later = alert(["desk@example.org"], now=NOW + timedelta(minutes=5), new="67,075")
    transport.send(later, ["desk@example.org"])
    [eml] = list(tmp_path.iterdir())
    assert b"67,075" in eml.read_bytes()
    transport.send(alert(["desk@example.org"], key="alert:2"), ["desk@example.org"])
    assert len(list(tmp_path.iterdir())) == 2


def test_a_message_id_ending_like_another_keeps_both_files(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path)
    transport.send(alert(["d@example.org"], message_id="<a-b@x.test>"), ["d@example.org"])
    transport.send(alert(["d@example.org"], message_id="<b@x.test>"), ["d@example.org"])
    assert sorted(p.name.split("-", 1)[1] for p in tmp_path.iterdir()) == [
        "a-b@x.test.eml",
        "b@x.test.eml",
    ]


def test_file_transport_error_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the outbox should be")
    with pytest.raises(NotifyError, match=r"^notify: cannot write .*not-a-dir") as info:
        FileTransport(blocker).send(alert(["desk@example.org"]), ["desk@example.org"])
    assert info.value.temporary


# --- SmtpTransport: delivery ------------------------------------------------------------------


def test_smtp_delivers_text_and_html(smtp_server: SmtpServer) -> None:
    result = smtp(smtp_server).send(alert(["desk@example.org"]), ["desk@example.org"])
    assert result.accepted == ("desk@example.org",)
    assert result.refused == {}
    [got] = smtp_server.received
    assert got.mail_from == "alerts@example.org"
    assert got.rcpt_tos == ("desk@example.org",)
    assert parts(got.data) == ["text/plain", "text/html"]
    assert got.message()["Message-ID"] == new_message_id("alert:1", SETTINGS.domain_for_ids)


def test_smtp_starttls_with_self_signed_cert(
    smtp_server_factory: Factory, tls_cert: TlsCert
) -> None:
    server = smtp_server_factory(starttls=tls_cert)
    transport = smtp(server, security="starttls", ssl_context=tls_cert.client_context())
    transport.send(alert(["desk@example.org"]), ["desk@example.org"])
    assert len(server.received) == 1


def test_smtp_implicit_tls(smtp_server_factory: Factory, tls_cert: TlsCert) -> None:
    server = smtp_server_factory(implicit_tls=tls_cert)
    transport = smtp(server, security="tls", ssl_context=tls_cert.client_context())
    transport.send(alert(["desk@example.org"]), ["desk@example.org"])
    assert len(server.received) == 1


def test_untrusted_certificate_is_a_permanent_error(
    smtp_server_factory: Factory, tls_cert: TlsCert
) -> None:
    server = smtp_server_factory(starttls=tls_cert)
    # No ssl_context: the system's trust store, which cannot know a certificate made just now.
    transport = smtp(server, security="starttls")
    with pytest.raises(NotifyError, match="TLS certificate rejected") as info:
        transport.send(alert(["desk@example.org"]), ["desk@example.org"])
    assert not info.value.temporary
    assert server.received == []


def test_starttls_required_but_not_offered(smtp_server: SmtpServer) -> None:
    with pytest.raises(NotifyError, match="does not offer STARTTLS") as info:
        smtp(smtp_server, security="starttls").send(alert(["d@example.org"]), ["d@example.org"])
    assert not info.value.temporary
    assert smtp_server.received == []


def test_bad_recipient_address_is_permanent(smtp_server: SmtpServer) -> None:
    with pytest.raises(NotifyError, match="not an email address") as info:
        smtp(smtp_server).send(alert(["desk@example.org"]), ["desk at example"])
    assert not info.value.temporary


# --- SmtpTransport: AUTH ----------------------------------------------------------------------


def test_auth_accepted(smtp_server_factory: Factory, tls_cert: TlsCert) -> None:
    server = smtp_server_factory(starttls=tls_cert, auth=(USER, PASSWORD))
    transport = smtp(
        server,
        security="starttls",
        ssl_context=tls_cert.client_context(),
        username=USER,
        password=PASSWORD,
    )
    transport.send(alert(["desk@example.org"]), ["desk@example.org"])
    assert len(server.received) == 1


def test_auth_refused_is_permanent_and_never_shows_the_password(
    smtp_server_factory: Factory, tls_cert: TlsCert, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = smtp_server_factory(starttls=tls_cert, auth=(USER, PASSWORD))
    wrong = "wrong-Pa55word"
    transport = smtp(
        server,
        security="starttls",
        ssl_context=tls_cert.client_context(),
        username=USER,
        password=wrong,
    )
    with pytest.raises(NotifyError, match=r"^notify: smtp 127\.0\.0\.1:\d+ .*535") as info:
        transport.send(alert(["desk@example.org"]), ["desk@example.org"])
    assert not info.value.temporary
    assert server.received == []
    for shown in (str(info.value), repr(transport), caplog.text):
        assert wrong not in shown


def test_auth_required_but_not_configured_is_permanent(
    smtp_server_factory: Factory, tls_cert: TlsCert
) -> None:
    server = smtp_server_factory(starttls=tls_cert, auth=(USER, PASSWORD))
    transport = smtp(server, security="starttls", ssl_context=tls_cert.client_context())
    with pytest.raises(NotifyError, match="530") as info:
        transport.send(alert(["desk@example.org"]), ["desk@example.org"])
    assert not info.value.temporary


# --- SmtpTransport: refusals and failures -----------------------------------------------------


def test_451_then_250(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory(temp_fail_data=1)
    transport = smtp(server)
    message = alert(["desk@example.org"])
    with pytest.raises(NotifyError, match=r"answered 451 4\.3\.0") as info:
        transport.send(message, ["desk@example.org"])
    assert info.value.temporary
    assert server.received == []
    transport.send(message, ["desk@example.org"])
    assert len(server.received) == 1
    assert server.handler.data_attempts == 2


def test_552_at_data_is_permanent(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory(temp_fail_data=1, temp_fail_reply="552 5.3.4 Message too big")
    with pytest.raises(NotifyError, match="552") as info:
        smtp(server).send(alert(["desk@example.org"]), ["desk@example.org"])
    assert not info.value.temporary


def test_one_recipient_refused_the_other_delivered(smtp_server_factory: Factory) -> None:
    no_such_user = "550 5.1.1 <gone@example.org>: no such user"
    server = smtp_server_factory(refuse={"gone@example.org": no_such_user})
    rcpts = ["desk@example.org", "Gone <gone@example.org>"]
    result = smtp(server).send(alert(rcpts), rcpts)
    assert result.accepted == ("desk@example.org",)
    assert result.refused == {"Gone <gone@example.org>": no_such_user}
    assert result.deferred == {}
    [got] = server.received
    assert got.rcpt_tos == ("desk@example.org",)


def test_three_recipients_one_refused_one_deferred(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory(
        refuse={
            "gone@example.org": "552 5.2.2 mailbox full",
            "busy@example.org": "450 4.2.1 mailbox busy, try later",
        }
    )
    rcpts = ["desk@example.org", "gone@example.org", "busy@example.org"]
    result = smtp(server).send(alert(rcpts), rcpts)
    assert result.accepted == ("desk@example.org",)
    assert result.refused == {"gone@example.org": "552 5.2.2 mailbox full"}
    assert result.deferred == {"busy@example.org": "450 4.2.1 mailbox busy, try later"}


def test_all_recipients_refused_is_permanent(smtp_server_factory: Factory) -> None:
    refuse = dict.fromkeys(("a@example.org", "b@example.org"), "550 5.1.1 no such user")
    server = smtp_server_factory(refuse=refuse)
    with pytest.raises(NotifyError, match=r"refused every recipient: a@example\.org: 550") as info:
        smtp(server).send(alert(list(refuse)), list(refuse))
    assert not info.value.temporary
    assert server.received == []


def test_all_recipients_deferred_is_temporary(smtp_server_factory: Factory) -> None:
    refuse = {"a@example.org": "451 4.3.0 greylisted", "b@example.org": "550 5.1.1 no such user"}
    server = smtp_server_factory(refuse=refuse)
    with pytest.raises(NotifyError, match="refused every recipient") as info:
        smtp(server).send(alert(list(refuse)), list(refuse))
    assert info.value.temporary


def test_server_down_is_temporary(refused_port: int) -> None:
    with pytest.raises(NotifyError) as info:
        smtp(refused_port).send(alert(["desk@example.org"]), ["desk@example.org"])
    assert str(info.value) == f"notify: smtp 127.0.0.1:{refused_port} refused connection"
    assert info.value.temporary


def test_hang_after_banner_times_out_as_temporary(hanging_smtp: int) -> None:
    with pytest.raises(NotifyError, match=r"timed out after 0\.5s") as info:
        smtp(hanging_smtp, timeout=0.5).send(alert(["desk@example.org"]), ["desk@example.org"])
    assert info.value.temporary


def test_drop_mid_data_is_temporary(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory(drop_in_data=True)
    with pytest.raises(NotifyError, match="closed the connection") as info:
        smtp(server).send(alert(["desk@example.org"]), ["desk@example.org"])
    assert info.value.temporary
    assert server.received == []


# --- Hostile content over the wire ------------------------------------------------------------


def test_encoded_newline_title_injects_no_bcc(smtp_server: SmtpServer) -> None:
    injected = "=?UTF-8?Q?Gaza=0ABcc=3A_x=40evil.test?="
    message = alert(["desk@example.org"], label=injected, source_name=injected)
    smtp(smtp_server).send(message, ["desk@example.org"])
    [got] = smtp_server.received
    assert got.rcpt_tos == ("desk@example.org",)
    assert b"\nbcc:" not in got.data.lower()
    assert got.message()["Bcc"] is None
    assert "Gaza Bcc: x@evil.test" in str(got.message()["Subject"])


def test_script_in_article_arrives_escaped(smtp_server: SmtpServer) -> None:
    evidence = "Toll 67,074 <script>alert(1)</script><img src=x onerror=alert(2)>"
    smtp(smtp_server).send(alert(["d@example.org"], evidence=evidence), ["d@example.org"])
    html_part = smtp_server.received[0].message().get_body(("html",))
    assert html_part is not None
    html = cast(EmailMessage, html_part).get_content()
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
