"""The outbox: claim due alerts for sending, mark them sent, retried or failed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from monitor.store.models import AlertRow, ChangeRow, ChangeSourceRow


@dataclass(frozen=True, slots=True)
class ChangeData:
    id: int
    watch: str
    kind: str
    key: str
    label: str
    summary: str
    payload: dict[str, Any]
    created_at: datetime
    extra_sources: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class AlertData:
    id: int
    watch: str
    recipient: str
    mode: str
    status: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    message_id: str | None
    last_error: str | None
    created_at: datetime
    change: ChangeData


def _change(session: Session, row: ChangeRow) -> ChangeData:
    sources = session.execute(
        select(ChangeSourceRow.source_name, ChangeSourceRow.url)
        .where(ChangeSourceRow.change_id == row.id)
        .order_by(ChangeSourceRow.id)
    ).all()
    return ChangeData(
        id=row.id,
        watch=row.watch,
        kind=row.kind,
        key=row.key,
        label=row.label,
        summary=row.summary,
        payload=dict(row.payload),
        created_at=row.created_at,
        extra_sources=tuple((name or "", url or "") for name, url in sources),
    )


def _alert(session: Session, row: AlertRow, change: ChangeRow) -> AlertData:
    return AlertData(
        id=row.id,
        watch=row.watch,
        recipient=row.recipient,
        mode=row.mode,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        message_id=row.message_id,
        last_error=row.last_error,
        created_at=row.created_at,
        change=_change(session, change),
    )


def claim_due_alerts(
    session: Session, *, now: datetime, lease: float, limit: int = 500
) -> list[AlertData]:
    """Due alerts (pending, or 'sending' whose lease ran out after a crash), leased to us.

    An alert found in 'sending' was handed to the server by a process that died before marking
    it: it goes again with the Message-ID it already has, so mail clients fold the copies.
    """
    query = (
        select(AlertRow, ChangeRow)
        .join(ChangeRow, ChangeRow.id == AlertRow.change_id)
        .where(AlertRow.status.in_(("pending", "sending")), AlertRow.next_attempt_at <= now)
        .order_by(AlertRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=AlertRow)
    )
    out = []
    until = now + timedelta(seconds=lease)
    for row, change in session.execute(query).all():
        row.status = "sending"
        row.attempts += 1
        row.next_attempt_at = until
        out.append(_alert(session, row, change))
    return out


def set_message_id(session: Session, alert_ids: Sequence[int], message_id: str) -> None:
    session.execute(
        update(AlertRow).where(AlertRow.id.in_(list(alert_ids))).values(message_id=message_id)
    )


def mark_sent(session: Session, alert_ids: Sequence[int], *, now: datetime) -> None:
    session.execute(
        update(AlertRow)
        .where(AlertRow.id.in_(list(alert_ids)))
        .values(status="sent", sent_at=now, last_error=None)
    )


def mark_retry(
    session: Session, alert_ids: Sequence[int], *, error: str, next_attempt_at: datetime
) -> None:
    session.execute(
        update(AlertRow)
        .where(AlertRow.id.in_(list(alert_ids)))
        .values(status="pending", last_error=error[:2000], next_attempt_at=next_attempt_at)
    )


def mark_failed(session: Session, alert_ids: Sequence[int], *, error: str) -> None:
    session.execute(
        update(AlertRow)
        .where(AlertRow.id.in_(list(alert_ids)))
        .values(status="failed", last_error=error[:2000])
    )


def list_alerts(
    session: Session, *, status: str | None = None, since: datetime | None = None
) -> list[AlertData]:
    query = select(AlertRow, ChangeRow).join(ChangeRow, ChangeRow.id == AlertRow.change_id)
    if status:
        query = query.where(AlertRow.status == status)
    if since:
        query = query.where(AlertRow.created_at >= since)
    return [_alert(session, a, c) for a, c in session.execute(query.order_by(AlertRow.id)).all()]


def requeue_failed(session: Session, *, now: datetime, since: datetime | None = None) -> int:
    query = update(AlertRow).where(AlertRow.status == "failed")
    if since:
        query = query.where(AlertRow.created_at >= since)
    result = session.execute(
        query.values(status="pending", attempts=0, next_attempt_at=now, message_id=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_changes(session: Session, *, watch: str | None = None) -> list[ChangeData]:
    query = select(ChangeRow).order_by(ChangeRow.id)
    if watch:
        query = query.where(ChangeRow.watch == watch)
    return [_change(session, row) for row in session.scalars(query)]
