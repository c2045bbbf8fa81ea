"""Delivery of the outbox: due alerts grouped per recipient and watch, sent, then marked."""

from __future__ import annotations

import contextlib
import logging
import random
import smtplib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts import next_digest_at, retry_delay
from monitor.config import Config, EmailConfig
from monitor.errors import NotifyError
from monitor.notify.compose import (
    ChangeView,
    EmailSettings,
    compose_alert_email,
    new_message_id,
)
from monitor.notify.transports import FileTransport, SmtpTransport, Transport
from monitor.store import alerts as alert_store
from monitor.store.db import transaction
from monitor.store.facts import Route

log = logging.getLogger(__name__)

# How long a claimed alert stays ours before another sender may take it (crash recovery).
SEND_LEASE = 300.0


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # subjects
    retried: int = 0
    failed: int = 0
    skipped: int = 0  # alerts another sender took over while this pass was busy
    errors: list[str] = field(default_factory=list)


def make_transport(email: EmailConfig) -> Transport:
    if email.transport == "file":
        return FileTransport(Path(email.outbox_dir))
    assert email.host is not None  # the config requires it for smtp
    return SmtpTransport(
        host=email.host,
        port=email.port,
        security=email.security,
        username=email.username,
        password=email.password.get_secret_value() if email.password else None,
        timeout=email.timeout,
    )


def email_settings(email: EmailConfig) -> EmailSettings:
    address = parseaddr(email.sender)[1]
    domain = address.rpartition("@")[2] or "news-monitor.local"
    return EmailSettings(sender=email.sender, domain_for_ids=domain)


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    # The payload is JSON the engine wrote: a number where a string was meant must not crash.
    return None if value is None else str(value)


def _section(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def change_view(change: alert_store.ChangeData) -> ChangeView:
    """What the email shows of a stored change (the payload the engine wrote)."""
    p = _section(change.payload)
    source = _section(p.get("source"))
    previous = _section(p.get("previous"))
    prev_source = _section(previous.get("source"))
    return ChangeView(
        kind="position" if change.kind == "shift" else change.kind,
        label=change.label,
        old=_text(p.get("old")),
        new=str(p.get("new") or ""),
        delta=_text(p.get("delta")),
        evidence=str(p.get("evidence") or ""),
        highlight=_text(p.get("highlight")),
        source_name=str(source.get("name") or ""),
        url=str(source.get("url") or ""),
        published_at=_dt(source.get("published_at")),
        previous_evidence=_text(previous.get("evidence")),
        previous_source=_text(prev_source.get("name")),
        previous_url=_text(prev_source.get("url")),
        previous_published_at=_dt(prev_source.get("published_at")),
        revision_of=_text(p.get("revision_of")),
        thread_key=change.key,
        extra_sources=change.extra_sources,
    )


def deliver_due(
    factory: sessionmaker[Session],
    config: Config,
    transport: Transport,
    *,
    clock: Callable[[], datetime],
    rand: Callable[[], float] = random.random,
    timezones: Mapping[str, str] | None = None,
) -> DeliveryReport:
    """Send every due alert; never raises for a delivery problem (it is recorded)."""
    report = DeliveryReport()
    job = _Job(
        factory=factory,
        config=config,
        transport=transport,
        settings=email_settings(config.email),
        labels={w.name: w.label for w in config.watches},
        zones=dict(timezones or {w.name: w.timezone for w in config.watches}),
        clock=clock,
        rand=rand,
        report=report,
    )
    with transaction(factory) as session:
        due = alert_store.claim_due_alerts(
            session, now=clock(), lease=SEND_LEASE, max_attempts=config.email.max_attempts
        )
    groups = _groups(due)
    outage: NotifyError | None = None
    for index, group in enumerate(groups):
        try:
            if outage is None:
                outage = job.send(group)
            else:
                # The server or the outbox folder is out for everyone: trying each group
                # would cost a timeout each, or lock the account with one bad login per group.
                job.failed(group, str(outage), outage.temporary, held_until=_lease_of(group))
        except BaseException:
            # Interrupted (Ctrl-C, a dying process): what was never tried goes back at once;
            # the group being sent keeps its lease, as it may have reached the server.
            job.release(groups[index + 1 :])
            raise
    return report


def _groups(alerts: Sequence[alert_store.AlertData]) -> list[list[alert_store.AlertData]]:
    """One email per recipient and watch (and per earlier message, for a crash resend)."""
    groups: dict[tuple[str, str, str, str], list[alert_store.AlertData]] = {}
    for alert in alerts:
        key = (alert.recipient, alert.watch, alert.mode, alert.message_id or "")
        groups.setdefault(key, []).append(alert)
    return list(groups.values())


def _lease_of(group: Sequence[alert_store.AlertData]) -> datetime:
    # Every alert of one claim carries the same lease end: it is the token of our hold.
    return group[0].next_attempt_at


class _LeaseLost(Exception):
    """Another sender took over an alert of the group: roll back and leave it to them."""


def _affects_every_message(exc: NotifyError) -> bool:
    """A failure of the connection, the login or the outbox folder, not of this message."""
    cause = exc.__cause__
    if isinstance(
        cause, smtplib.SMTPAuthenticationError | smtplib.SMTPConnectError | smtplib.SMTPHeloError
    ):
        return True
    if isinstance(cause, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
        return False  # a reply about this message or this recipient
    return isinstance(cause, OSError)


@dataclass(frozen=True, slots=True)
class _Job:
    """What one delivery pass needs; a group at a time."""

    factory: sessionmaker[Session]
    config: Config
    transport: Transport
    settings: EmailSettings
    labels: Mapping[str, str | None]
    zones: Mapping[str, str]
    clock: Callable[[], datetime]
    rand: Callable[[], float]
    report: DeliveryReport

    def send(self, group: list[alert_store.AlertData]) -> NotifyError | None:
        """Send one group; returns the error when it will fail every other group too."""
        first = group[0]
        ids = [a.id for a in group]
        message_id = first.message_id or new_message_id(
            f"{first.watch}\x00{first.recipient}\x00{','.join(map(str, ids))}",
            self.settings.domain_for_ids,
        )
        held = self.clock() + timedelta(seconds=SEND_LEASE)
        try:
            # Recorded before the send: a crash after the server's 250 resends the same id.
            with transaction(self.factory) as session:
                if not alert_store.hold_lease(
                    session, ids, held_until=_lease_of(group), until=held, message_id=message_id
                ):
                    raise _LeaseLost
        except _LeaseLost:
            log.warning("notify: alerts %s were taken over by another sender", ids)
            self.report.skipped += len(ids)
            return None
        try:
            message = compose_alert_email(
                watch=first.watch,
                watch_label=self.labels.get(first.watch),
                recipients=[first.recipient],
                changes=[change_view(a.change) for a in group],
                settings=self.settings,
                now=self.clock(),
                message_id=message_id,
                digest=first.mode == "digest",
                display_timezone=self.zones.get(first.watch, "UTC"),
            )
        except Exception as exc:  # noqa: BLE001 - recorded on the alerts, never fatal
            # A malformed address or stored change cannot get better by waiting.
            error = f"notify: cannot compose the email to {first.recipient}: {exc}"
            self.failed(group, error, False, held_until=held)
            return None
        try:
            result = self.transport.send(message, [first.recipient])
        except NotifyError as exc:
            self.failed(group, str(exc), exc.temporary, held_until=held)
            return exc if _affects_every_message(exc) else None
        except Exception as exc:
            # Recorded on the alerts and logged with its traceback, never fatal to the pass.
            log.exception("notify: unexpected error sending to %s", first.recipient)
            error = f"notify: sending to {first.recipient} failed: {type(exc).__name__}: {exc}"
            self.failed(group, error, True, held_until=held)
            return None
        if first.recipient in result.refused:
            error = f"notify: {first.recipient} refused: {result.refused[first.recipient]}"
            self.failed(group, error, False, held_until=held)
        elif first.recipient in result.deferred:
            error = f"notify: {first.recipient} deferred: {result.deferred[first.recipient]}"
            self.failed(group, error, True, held_until=held)
        else:
            with transaction(self.factory) as session:
                alert_store.mark_sent(session, ids, now=self.clock())
            self.report.sent.append(str(message["Subject"]))
        return None

    def failed(
        self,
        group: list[alert_store.AlertData],
        error: str,
        temporary: bool,
        *,
        held_until: datetime,
    ) -> None:
        """Retry later with backoff, or fail for good (permanent, or out of attempts)."""
        ids = [a.id for a in group]
        attempts = max(a.attempts for a in group)
        self.report.errors.append(error)
        log.warning("%s", error, extra={"alert_ids": ids})
        with transaction(self.factory) as session:
            if temporary and attempts < self.config.email.max_attempts:
                delay = retry_delay(attempts, rand=self.rand())
                alert_store.mark_retry(
                    session,
                    ids,
                    error=error,
                    next_attempt_at=self.clock() + timedelta(seconds=delay),
                    held_until=held_until,
                )
                self.report.retried += len(ids)
            else:
                alert_store.mark_failed(session, ids, error=error, held_until=held_until)
                self.report.failed += len(ids)

    def release(self, groups: Sequence[list[alert_store.AlertData]]) -> None:
        if not groups:
            return
        # Best effort on the way out: at worst these wait for their lease to run out.
        with contextlib.suppress(Exception), transaction(self.factory) as session:
            for group in groups:
                alert_store.release(
                    session,
                    [a.id for a in group],
                    held_until=_lease_of(group),
                    now=self.clock(),
                )


def route_for(config: Config) -> Callable[[str, datetime], Route | None]:
    """Who hears about a watch's changes, and when: now, or at the next digest hour."""
    watches = {w.name: w for w in config.watches}

    def route(name: str, now: datetime) -> Route | None:
        watch = watches.get(name)
        if watch is None or not watch.recipients:
            return None
        due = now
        if watch.mode == "digest" and watch.digest_at:
            due = next_digest_at(watch.digest_at, watch.timezone, after=now)
        return Route(recipients=tuple(watch.recipients), mode=watch.mode, due_at=due)

    return route
