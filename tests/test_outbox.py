"""The outbox end to end: stored changes, real databases, a real SMTP server on loopback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts import retry_delay
from monitor.config import Config
from monitor.notify.transports import SendResult, SmtpTransport, Transport
from monitor.outbox import (
    SEND_LEASE,
    DeliveryReport,
    change_view,
    deliver_due,
    make_transport,
    route_for,
)
from monitor.store import alerts as alert_store
from monitor.store.db import make_engine, session_factory, transaction, upgrade
from monitor.store.facts import ChangeRecord, Finding, ObservationRecord, record_findings
from monitor.store.models import ChangeSourceRow, ObservationRow

if TYPE_CHECKING:
    # Annotations only: tests/conftest.py loads the module as a plugin, with assertion
    # rewriting, which an earlier plain import would prevent.
    from tests.support.smtpd import Received, SmtpServer

T0 = datetime(2025, 10, 7, 9, 30, tzinfo=UTC)
DESK, EDITOR = "desk@example.org", "editor@example.org"
SMTP_PASSWORD = "s3cret-Pa55word"
HALF = 0.5  # rand() that makes retry_delay exact: no jitter


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


class Ticking(Clock):
    """Time passes between two readings: `step` seconds each."""

    def __init__(self, step: float, start: datetime = T0) -> None:
        super().__init__(start)
        self.step = step

    def __call__(self) -> datetime:
        now = self.now
        self.now += timedelta(seconds=self.step)
        return now


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def sqlite_factory(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def make_config(
    recipients: Sequence[str] = (DESK,), *, email: dict[str, Any] | None = None, **watch: Any
) -> Config:
    return Config.model_validate(
        {
            "email": {"sender": "News Monitor <alerts@example.org>", **(email or {})},
            "watches": [
                {
                    "name": "gaza",
                    "label": "Gaza ceasefire talks",
                    "recipients": list(recipients),
                    **watch,
                }
            ],
        }
    )


def smtp(server: SmtpServer | int) -> SmtpTransport:
    port = server if isinstance(server, int) else server.port
    return SmtpTransport(
        host="127.0.0.1", port=port, security="none", username=None, password=None, timeout=10.0
    )


@dataclass(frozen=True)
class Fig:
    """One figure change as the engine would store it."""

    key: str
    label: str
    old: str
    new: str
    delta: str
    evidence: str
    highlight: str
    source: str = "Example News"
    url: str = "https://news.example.org/gaza/1"


TOLL = Fig(
    key="death_toll",
    label="Gaza death toll",
    old="more than 66,600",
    new="67,074",
    delta="+474",
    evidence="Health officials in Gaza now count 67,074 dead since the war began.",
    highlight="67,074",
)
CAPTIVES = Fig(
    key="captives_held",
    label="Captives held in Gaza",
    old="48",
    new="47",
    delta="-1",
    evidence="Negotiators said 47 captives were still held, about 20 of them thought alive.",
    highlight="47 captives",
    source="Example Wire",
    url="https://wire.example.org/talks",
)


def finding(fig: Fig) -> Finding:
    published = "2025-10-07T08:45:00+00:00"
    observation = ObservationRecord(
        watch="gaza",
        kind="figure",
        key=fig.key,
        label=fig.label,
        evidence=fig.evidence,
        offset=0,
        source_name=fig.source,
        url=fig.url,
        published_at=datetime.fromisoformat(published),
        disposition="changed",
        display=fig.new,
    )
    payload = {
        "kind": "figure",
        "key": fig.key,
        "label": fig.label,
        "old": fig.old,
        "new": fig.new,
        "delta": fig.delta,
        "evidence": fig.evidence,
        "highlight": fig.highlight,
        "source": {
            "name": fig.source,
            "url": fig.url,
            "title": fig.label,
            "published_at": published,
        },
        "previous": {
            "evidence": f"An earlier report gave the figure as {fig.old}.",
            "display": fig.old,
            "source": {
                "name": "Earlier Outlet",
                "url": "https://earlier.example.org/report",
                "title": "Earlier report",
                "published_at": "2025-10-06T18:00:00+00:00",
            },
        },
    }
    change = ChangeRecord(
        kind="figure",
        label=fig.label,
        summary=f"{fig.label}: {fig.old} -> {fig.new} ({fig.delta})",
        old=fig.old,
        new=fig.new,
        old_value=None,
        new_value=None,
        significance=0.5,
        payload=payload,
    )
    return Finding(observation=observation, state={"display": fig.new}, change=change)


def record(
    factory: sessionmaker[Session], config: Config, figs: Sequence[Fig], *, now: datetime
) -> None:
    """One poll cycle's changes, written with their alerts in one transaction (the outbox)."""
    route = route_for(config)
    routes = {w.name: r for w in config.watches if (r := route(w.name, now)) is not None}
    with transaction(factory) as session:
        record_findings(session, None, [finding(f) for f in figs], now=now, routes=routes)


def alerts(factory: sessionmaker[Session], **filters: Any) -> list[alert_store.AlertData]:
    with transaction(factory) as session:
        return alert_store.list_alerts(session, **filters)


def by_recipient(factory: sessionmaker[Session]) -> dict[str, list[alert_store.AlertData]]:
    out: dict[str, list[alert_store.AlertData]] = {}
    for alert in alerts(factory):
        out.setdefault(alert.recipient, []).append(alert)
    return out


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None, f"no text/{subtype} part"
    content = part.get_content()
    assert isinstance(content, str)
    return content


def deliver(
    factory: sessionmaker[Session], config: Config, transport: Transport, clock: Clock
) -> DeliveryReport:
    return deliver_due(factory, config, transport, clock=clock, rand=lambda: HALF)


@dataclass
class Counting:
    """A real transport, counted: how many times did the outbox try the server?"""

    inner: Transport
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
        self.calls.append(tuple(recipients))
        return self.inner.send(message, recipients)


@dataclass
class DiesAfterSending:
    """Sends for real, then the process 'dies' before the outbox can mark anything."""

    inner: Transport
    sent: int = 0

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
        self.inner.send(message, recipients)
        self.sent += 1
        raise KeyboardInterrupt("killed after the server's 250")


# --- delivery --------------------------------------------------------------------------------


def test_one_email_per_recipient_and_watch_with_every_change(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    config = make_config([DESK, EDITOR])
    clock = Clock()
    record(factory, config, [TOLL, CAPTIVES], now=clock())
    report = deliver(factory, config, smtp(smtp_server), clock)

    assert len(report.sent) == 2
    assert not report.errors
    assert sorted(r.rcpt_tos for r in smtp_server.received) == [(DESK,), (EDITOR,)]
    for received in smtp_server.received:
        message = received.message()
        assert message["To"] == received.rcpt_tos[0]
        assert message["Subject"] == (
            "[gaza] Gaza death toll: more than 66,600 -> 67,074 (+474); +1 more"
        )
        for subtype in ("plain", "html"):
            text = body(message, subtype)
            assert "Gaza death toll" in text
            assert "Captives held in Gaza" in text
            assert "Example Wire" in text
            assert "Earlier Outlet" in text

    stored = by_recipient(factory)
    for recipient, rows in stored.items():
        assert [a.status for a in rows] == ["sent", "sent"]
        assert {a.sent_at for a in rows} == {T0}
        assert {a.attempts for a in rows} == {1}
        [message_id] = {a.message_id for a in rows}
        [received] = [r for r in smtp_server.received if r.rcpt_tos == (recipient,)]
        assert received.message()["Message-ID"] == message_id
    assert stored[DESK][0].message_id != stored[EDITOR][0].message_id

    clock.advance(days=1)
    again = deliver(factory, config, smtp(smtp_server), clock)
    assert again == DeliveryReport()
    assert len(smtp_server.received) == 2


def test_changes_of_a_later_cycle_make_a_new_email(
    sqlite_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    config = make_config()
    clock = Clock()
    record(sqlite_factory, config, [TOLL], now=clock())
    deliver(sqlite_factory, config, smtp(smtp_server), clock)
    record(sqlite_factory, config, [CAPTIVES], now=clock.advance(minutes=15))
    deliver(sqlite_factory, config, smtp(smtp_server), clock)
    subjects = [r.message()["Subject"] for r in smtp_server.received]
    assert subjects == [
        "[gaza] Gaza death toll: more than 66,600 -> 67,074 (+474)",
        "[gaza] Captives held in Gaza: 48 -> 47 (-1)",
    ]
    ids = {r.message()["Message-ID"] for r in smtp_server.received}
    assert len(ids) == 2


# --- temporary failures ----------------------------------------------------------------------


def test_451_then_250_retries_after_the_backoff(
    factory: sessionmaker[Session], smtp_server_factory: Callable[..., SmtpServer]
) -> None:
    server = smtp_server_factory(temp_fail_data=1)
    config = make_config()
    clock = Clock()
    record(factory, config, [TOLL, CAPTIVES], now=clock())

    first = deliver(factory, config, smtp(server), clock)
    assert first.retried == 2
    assert not first.sent
    due = T0 + timedelta(seconds=retry_delay(1, rand=HALF))
    rows = alerts(factory)
    assert {a.status for a in rows} == {"pending"}
    assert {a.attempts for a in rows} == {1}
    assert {a.next_attempt_at for a in rows} == {due}
    assert due > clock()
    assert all(a.last_error and "451 4.3.0" in a.last_error for a in rows)
    [message_id] = {a.message_id for a in rows}

    clock.now = due - timedelta(seconds=1)
    assert deliver(factory, config, smtp(server), clock) == DeliveryReport()
    assert server.handler.data_attempts == 1

    clock.now = due
    second = deliver(factory, config, smtp(server), clock)
    assert len(second.sent) == 1
    [received] = server.received
    assert received.message()["Message-ID"] == message_id
    rows = alerts(factory)
    assert {(a.status, a.attempts, a.last_error) for a in rows} == {("sent", 2, None)}


def test_a_refused_recipient_fails_and_the_other_is_delivered(
    sqlite_factory: sessionmaker[Session], smtp_server_factory: Callable[..., SmtpServer]
) -> None:
    gone = "gone@example.org"
    server = smtp_server_factory(refuse={gone: "550 5.1.1 <gone@example.org>: no such user"})
    # The refused recipient comes first: its failure must not stop the next one.
    config = make_config([gone, DESK])
    clock = Clock()
    record(sqlite_factory, config, [TOLL], now=clock())
    report = deliver(sqlite_factory, config, smtp(server), clock)

    assert report.failed == 1
    assert len(report.sent) == 1
    stored = by_recipient(sqlite_factory)
    [refused] = stored[gone]
    assert refused.status == "failed"
    assert refused.last_error is not None
    assert "550 5.1.1 <gone@example.org>: no such user" in refused.last_error
    assert [a.status for a in stored[DESK]] == ["sent"]
    assert [r.rcpt_tos for r in server.received] == [(DESK,)]
    clock.advance(days=2)
    assert deliver(sqlite_factory, config, smtp(server), clock) == DeliveryReport()


def test_server_down_then_up_loses_nothing(
    sqlite_factory: sessionmaker[Session], refused_port: int, smtp_server: SmtpServer
) -> None:
    config = make_config([DESK, EDITOR])
    clock = Clock()
    record(sqlite_factory, config, [TOLL, CAPTIVES], now=clock())
    down = Counting(smtp(refused_port))
    report = deliver(sqlite_factory, config, down, clock)

    # One connection refused is enough to know the server is down for every group.
    assert len(down.calls) == 1
    assert report.retried == 4
    assert not report.sent
    rows = alerts(sqlite_factory)
    assert {a.status for a in rows} == {"pending"}
    assert all(
        a.last_error == f"notify: smtp 127.0.0.1:{refused_port} refused connection" for a in rows
    )
    assert min(a.next_attempt_at for a in rows) > clock()

    clock.advance(hours=1)
    up = deliver(sqlite_factory, config, smtp(smtp_server), clock)
    assert len(up.sent) == 2
    assert sorted(r.rcpt_tos for r in smtp_server.received) == [(DESK,), (EDITOR,)]
    assert {a.status for a in alerts(sqlite_factory)} == {"sent"}


def test_a_transport_bug_is_recorded_and_the_pass_goes_on(
    sqlite_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    @dataclass
    class BrokenForDesk:
        inner: Transport

        def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
            if DESK in recipients:
                raise RuntimeError("a bug in a transport")
            return self.inner.send(message, recipients)

    config = make_config([DESK, EDITOR])
    clock = Clock()
    record(sqlite_factory, config, [TOLL], now=clock())
    report = deliver(sqlite_factory, config, BrokenForDesk(smtp(smtp_server)), clock)
    assert report.retried == 1
    assert len(report.sent) == 1
    stored = by_recipient(sqlite_factory)
    [broken] = stored[DESK]
    assert broken.status == "pending"
    assert broken.last_error == (
        f"notify: sending to {DESK} failed: RuntimeError: a bug in a transport"
    )
    assert [a.status for a in stored[EDITOR]] == ["sent"]


# --- a crash between sending and marking ------------------------------------------------------


def test_crash_after_the_server_took_the_message_resends_once_with_the_same_id(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    config = make_config([DESK, EDITOR])
    clock = Clock()
    record(factory, config, [TOLL, CAPTIVES], now=clock())
    dying = DiesAfterSending(smtp(smtp_server))
    with pytest.raises(KeyboardInterrupt):
        deliver(factory, config, dying, clock)

    assert dying.sent == 1
    [(crashed_for,)] = [r.rcpt_tos for r in smtp_server.received]
    other = EDITOR if crashed_for == DESK else DESK
    stored = by_recipient(factory)
    assert {a.status for a in stored[crashed_for]} == {"sending"}
    [message_id] = {a.message_id for a in stored[crashed_for]}
    assert message_id is not None
    # The group never tried went back to the queue at once, its attempt not counted.
    assert {(a.status, a.attempts, a.next_attempt_at) for a in stored[other]} == {
        ("pending", 0, T0)
    }

    # Within the lease, the crashed group is left alone: its sender may still be alive.
    report = deliver(factory, config, smtp(smtp_server), clock)
    assert len(report.sent) == 1
    assert [r.rcpt_tos for r in smtp_server.received] == [(crashed_for,), (other,)]

    clock.advance(seconds=SEND_LEASE)
    report = deliver(factory, config, smtp(smtp_server), clock)
    assert len(report.sent) == 1
    copies = [r for r in smtp_server.received if r.rcpt_tos == (crashed_for,)]
    assert len(copies) == 2
    assert {c.message()["Message-ID"] for c in copies} == {message_id}
    assert {a.status for a in alerts(factory)} == {"sent"}

    clock.advance(days=1)
    assert deliver(factory, config, smtp(smtp_server), clock) == DeliveryReport()
    assert len(smtp_server.received) == 3


def test_a_sender_that_dies_every_time_stops_at_max_attempts(
    sqlite_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    config = make_config(email={"max_attempts": 2})
    clock = Clock()
    record(sqlite_factory, config, [TOLL], now=clock())
    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            deliver(sqlite_factory, config, DiesAfterSending(smtp(smtp_server)), clock)
        clock.advance(seconds=SEND_LEASE)
    report = deliver(sqlite_factory, config, smtp(smtp_server), clock)
    assert report == DeliveryReport()
    assert len(smtp_server.received) == 2
    [alert] = alerts(sqlite_factory)
    assert alert.status == "failed"
    assert alert.last_error is not None
    assert "stopped during attempt 2 of 2" in alert.last_error


def test_a_slow_sender_never_sends_what_another_took_over(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    config = make_config([DESK, EDITOR])
    record(factory, config, [TOLL], now=T0)
    # The pass claims both groups at T0; each reading of its clock is 100s later, so the first
    # group's renewed lease outlives `late`, when the second group's has run out.
    clock = Ticking(step=100)
    late = Clock(T0 + timedelta(seconds=SEND_LEASE + 50))

    @dataclass
    class Slow:
        """The first send takes so long that the lease of the next group runs out."""

        inner: Transport
        took_over: list[DeliveryReport] = field(default_factory=list)

        def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
            result = self.inner.send(message, recipients)
            if not self.took_over:
                # Meanwhile another sender (the daemon's job, say) claims what is due.
                self.took_over.append(deliver(factory, config, smtp(smtp_server), late))
            return result

    slow = Slow(smtp(smtp_server))
    report = deliver(factory, config, slow, clock)
    [other] = slow.took_over
    assert len(report.sent) == 1
    assert report.skipped == 1
    assert len(other.sent) == 1
    assert sorted(r.rcpt_tos for r in smtp_server.received) == [(DESK,), (EDITOR,)]
    assert {a.status for a in alerts(factory)} == {"sent"}


def test_a_lost_lease_cannot_be_held_or_marked(factory: sessionmaker[Session]) -> None:
    config = make_config()
    record(factory, config, [TOLL], now=T0)
    with transaction(factory) as session:
        [mine] = alert_store.claim_due_alerts(session, now=T0, lease=60)
    later = T0 + timedelta(seconds=61)
    with transaction(factory) as session:
        [theirs] = alert_store.claim_due_alerts(session, now=later, lease=60)
        alert_store.mark_sent(session, [theirs.id], now=later)
    with transaction(factory) as session:
        assert not alert_store.hold_lease(
            session, [mine.id], held_until=mine.next_attempt_at, until=later
        )
        alert_store.mark_retry(
            session, [mine.id], error="late", next_attempt_at=later, held_until=mine.next_attempt_at
        )
    [alert] = alerts(factory)
    assert (alert.status, alert.attempts, alert.last_error) == ("sent", 2, None)


def test_concurrent_claims_on_postgres_skip_what_is_locked(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    upgrade(engine)
    factory = session_factory(engine)
    record(factory, make_config([DESK, EDITOR]), [TOLL], now=T0)
    with factory() as first, first.begin():
        mine = alert_store.claim_due_alerts(first, now=T0, lease=60, limit=1)
        # Not committed yet: the other sender neither waits for these rows nor takes them.
        with transaction(factory) as second:
            theirs = alert_store.claim_due_alerts(second, now=T0, lease=60)
    assert len(mine) == len(theirs) == 1
    assert mine[0].id != theirs[0].id
    engine.dispose()


# --- permanent failures, attempts, re-queueing -----------------------------------------------


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_refused_login_fails_at_once_and_names_the_server_not_the_password(
    sqlite_factory: sessionmaker[Session], smtp_server_factory: Callable[..., SmtpServer]
) -> None:
    server = smtp_server_factory(auth=("alerts@example.org", SMTP_PASSWORD))
    wrong = "not-the-Pa55word"
    config = make_config(
        [DESK, EDITOR],
        email={
            "transport": "smtp",
            "host": "127.0.0.1",
            "port": server.port,
            "security": "none",
            "username": "alerts@example.org",
            "password": wrong,
            "timeout": "10s",
        },
    )
    clock = Clock()
    record(sqlite_factory, config, [TOLL], now=clock())
    transport = Counting(make_transport(config.email))
    report = deliver(sqlite_factory, config, transport, clock)

    # One refused login: the other recipient's email does not log in again with it.
    assert len(transport.calls) == 1
    assert report.failed == 2
    assert not report.retried
    rows = alerts(sqlite_factory)
    assert {a.status for a in rows} == {"failed"}
    for alert in rows:
        assert alert.last_error is not None
        assert f"smtp 127.0.0.1:{server.port}" in alert.last_error
        assert "535" in alert.last_error
        assert wrong not in alert.last_error
    assert not any(wrong in e for e in report.errors)
    assert wrong not in repr(transport.inner)

    clock.advance(days=3)
    assert deliver(sqlite_factory, config, transport, clock) == DeliveryReport()
    assert len(transport.calls) == 1
    assert server.received == []


def test_max_attempts_then_failed_then_requeued(
    factory: sessionmaker[Session], smtp_server_factory: Callable[..., SmtpServer]
) -> None:
    server = smtp_server_factory(temp_fail_data=3)
    config = make_config(email={"max_attempts": 3})
    clock = Clock()
    record(factory, config, [TOLL], now=clock())
    statuses = []
    for _ in range(3):
        deliver(factory, config, smtp(server), clock)
        [alert] = alerts(factory)
        statuses.append((alert.status, alert.attempts))
        clock.advance(days=1)  # past any backoff
    assert statuses == [("pending", 1), ("pending", 2), ("failed", 3)]
    assert deliver(factory, config, smtp(server), clock) == DeliveryReport()
    assert server.handler.data_attempts == 3

    with transaction(factory) as session:
        assert alert_store.requeue_failed(session, now=clock()) == 1
    [alert] = alerts(factory)
    assert (alert.status, alert.attempts, alert.next_attempt_at) == ("pending", 0, clock())
    report = deliver(factory, config, smtp(server), clock)
    assert len(report.sent) == 1
    assert [a.status for a in alerts(factory)] == ["sent"]
    with transaction(factory) as session:
        assert alert_store.requeue_failed(session, now=clock()) == 0


# --- digests ----------------------------------------------------------------------------------


def test_route_for() -> None:
    immediate = route_for(make_config([DESK, EDITOR]))
    route = immediate("gaza", T0)
    assert route is not None
    assert (route.recipients, route.mode, route.due_at) == ((DESK, EDITOR), "immediate", T0)
    assert immediate("no-such-watch", T0) is None
    assert route_for(make_config([]))("gaza", T0) is None

    digest = route_for(make_config(mode="digest", digest_at="08:00", timezone="Europe/London"))
    summer = digest("gaza", T0)  # 10:30 in London (BST): tomorrow 08:00 BST is 07:00 UTC
    assert summer is not None
    assert summer.mode == "digest"
    assert summer.due_at == datetime(2025, 10, 8, 7, 0, tzinfo=UTC)
    winter = digest("gaza", datetime(2025, 12, 1, 6, 0, tzinfo=UTC))  # 06:00 GMT
    assert winter is not None
    assert winter.due_at == datetime(2025, 12, 1, 8, 0, tzinfo=UTC)


def test_digest_goes_out_at_its_hour_in_the_watch_timezone(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    config = make_config(mode="digest", digest_at="08:00", timezone="Europe/London")
    clock = Clock()
    record(factory, config, [TOLL], now=clock())
    record(factory, config, [CAPTIVES], now=clock.advance(hours=5))
    eight_london = datetime(2025, 10, 8, 7, 0, tzinfo=UTC)
    assert {a.next_attempt_at for a in alerts(factory)} == {eight_london}

    clock.now = eight_london - timedelta(seconds=1)
    assert deliver(factory, config, smtp(smtp_server), clock) == DeliveryReport()
    assert smtp_server.received == []

    clock.now = eight_london
    report = deliver(factory, config, smtp(smtp_server), clock)
    [received] = smtp_server.received
    message = received.message()
    # .strip(): CPython folds this subject right after "Subject:", and its parser then keeps
    # the fold's space.
    assert report.sent == [message["Subject"].strip()]
    assert message["Subject"].strip().startswith("[gaza] Digest, 2 changes: ")
    text = body(message, "plain")
    assert text.startswith("Digest for gaza (Gaza ceasefire talks): 2 changes")
    assert "Gaza death toll" in text
    assert "Captives held in Gaza" in text
    assert "BST" in text  # times shown in the watch's zone
    assert {a.status for a in alerts(factory)} == {"sent"}


# --- untrusted text -------------------------------------------------------------------------


def raw_header_names(received: Received) -> list[str]:
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return [m.group(1).lower() for m in re.finditer(r"^([^\s:]+):", head, re.MULTILINE)]


def test_encoded_newline_and_script_stay_inert_end_to_end(
    sqlite_factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    injected = "=?UTF-8?Q?Gaza=0ABcc=3A_x=40evil.test?="
    fig = Fig(
        key="death_toll",
        label=f"{injected} death toll",
        old="66,600",
        new="67,074",
        delta="+474",
        evidence="Officials said 67,074 had died. <script>alert(1)</script> The count goes on.",
        highlight="67,074",
        source=injected,
    )
    config = make_config()
    clock = Clock()
    record(sqlite_factory, config, [fig], now=clock())
    report = deliver(sqlite_factory, config, smtp(smtp_server), clock)
    assert len(report.sent) == 1

    [received] = smtp_server.received
    assert received.rcpt_tos == (DESK,)
    names = raw_header_names(received)
    assert "bcc" not in names
    assert sorted(names) == sorted(
        [
            "subject",
            "from",
            "to",
            "date",
            "message-id",
            "in-reply-to",
            "references",
            "auto-submitted",
            "x-news-monitor-watch",
            "mime-version",
            "content-type",
        ]
    )
    message = received.message()
    assert "Bcc" not in message
    assert message["Subject"] == "[gaza] Gaza Bcc: x@evil.test death toll: 66,600 -> 67,074 (+474)"
    html = body(message, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in body(message, "plain")


def test_change_view_reads_numbers_and_missing_sections() -> None:
    change = alert_store.ChangeData(
        id=1,
        watch="gaza",
        kind="shift",
        key="us:ceasefire",
        label="United States on the ceasefire",
        summary="",
        payload={"old": 66600, "new": 67074, "delta": 474, "previous": None, "source": "x"},
        created_at=T0,
        extra_sources=(("Other Outlet", "https://other.example.org/a"),),
    )
    view = change_view(change)
    assert (view.kind, view.old, view.new, view.delta) == ("position", "66600", "67074", "474")
    assert (view.source_name, view.url, view.previous_source) == ("", "", None)
    assert view.thread_key == "us:ceasefire"
    assert view.extra_sources == (("Other Outlet", "https://other.example.org/a"),)


# --- the file transport ----------------------------------------------------------------------


def test_file_transport_writes_each_email_once(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    config = make_config([DESK, EDITOR], email={"transport": "file", "outbox_dir": str(outbox)})
    clock = Clock()
    record(sqlite_factory, config, [TOLL, CAPTIVES], now=clock())
    report = deliver(sqlite_factory, config, make_transport(config.email), clock)
    assert len(report.sent) == 2
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2
    seen = {f: f.stat().st_mtime_ns for f in files}
    recipients = set()
    for eml in files:
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        recipients.add(message["To"])
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert recipients == {DESK, EDITOR}

    clock.advance(hours=1)
    assert deliver(sqlite_factory, config, make_transport(config.email), clock) == DeliveryReport()
    assert {f: f.stat().st_mtime_ns for f in outbox.iterdir()} == seen


def test_an_unwritable_outbox_is_tried_once_per_pass(
    sqlite_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the outbox folder should be")
    config = make_config([DESK, EDITOR], email={"transport": "file", "outbox_dir": str(blocker)})
    clock = Clock()
    record(sqlite_factory, config, [TOLL], now=clock())
    transport = Counting(make_transport(config.email))
    report = deliver(sqlite_factory, config, transport, clock)
    assert len(transport.calls) == 1
    assert report.retried == 2
    assert all(a.last_error and str(blocker) in a.last_error for a in alerts(sqlite_factory))
    blocker.unlink()
    clock.advance(hours=1)
    report = deliver(sqlite_factory, config, transport, clock)
    assert len(report.sent) == 2
    assert len(list(blocker.glob("*.eml"))) == 2


# --- the store's queries ---------------------------------------------------------------------


def count_queries(engine: Engine) -> list[str]:
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return statements


@pytest.mark.parametrize("changes", [1, 6])
def test_listing_and_claiming_take_a_fixed_number_of_queries(
    factory: sessionmaker[Session], changes: int
) -> None:
    config = make_config([DESK, EDITOR])
    figs = [
        Fig(
            key=f"figure_{i}",
            label=f"Figure {i}",
            old=str(i),
            new=str(i + 1),
            delta="+1",
            evidence=f"There were {i + 1} of them.",
            highlight=str(i + 1),
        )
        for i in range(changes)
    ]
    record(factory, config, figs, now=T0)
    with transaction(factory) as session:
        # Another outlet reported each new value after the change was raised.
        observation_id = session.scalars(select(ObservationRow.id)).first()
        assert observation_id is not None
        for change in alert_store.list_changes(session):
            session.add(
                ChangeSourceRow(
                    change_id=change.id,
                    observation_id=observation_id,
                    source_name="Other Outlet",
                    url=f"https://other.example.org/{change.key}",
                )
            )
    engine = factory.kw["bind"]
    statements = count_queries(engine)
    listed = alerts(factory)
    with transaction(factory) as session:
        claimed = alert_store.claim_due_alerts(session, now=T0, lease=60)
    assert len(listed) == len(claimed) == 2 * changes
    assert all(
        a.change.extra_sources == (("Other Outlet", f"https://other.example.org/{a.change.key}"),)
        for a in listed + claimed
    )
    # One for the alerts with their changes and one for the other sources, each time.
    assert len(statements) == 4


def test_a_claim_cut_by_its_limit_takes_the_rest_of_a_started_message(
    factory: sessionmaker[Session],
) -> None:
    config = make_config()
    figs = [
        Fig(f"k{i}", f"Figure {i}", str(i), str(i + 1), "+1", f"{i + 1} now.", str(i + 1))
        for i in range(3)
    ]
    record(factory, config, figs, now=T0)
    with transaction(factory) as session:
        first = alert_store.claim_due_alerts(session, now=T0, lease=60)
        alert_store.set_message_id(session, [a.id for a in first], "<alert.1@example.org>")
    later = T0 + timedelta(seconds=61)
    with transaction(factory) as session:
        again = alert_store.claim_due_alerts(session, now=later, lease=60, limit=2)
    assert len(again) == 3
    assert {a.message_id for a in again} == {"<alert.1@example.org>"}
