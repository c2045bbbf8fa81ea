"""The outbox: claim due alerts for sending, mark them sent, retried or failed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select, update
from sqlalchemy.orm import Session

from monitor.store.models import AlertRow, ChangeRow, ChangeSourceRow

# Ids per IN (...) list: well under SQLite's bound-parameter limit, whatever its build.
_CHUNK = 500


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
    # For an alert in 'sending', the end of the lease: also the token its holder checks.
    next_attempt_at: datetime
    sent_at: datetime | None
    message_id: str | None
    last_error: str | None
    created_at: datetime
    change: ChangeData


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _extra_sources(session: Session, change_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Other outlets of many changes in one query per chunk, not one query per alert."""
    wanted = sorted(set(change_ids))
    out: dict[int, list[tuple[str, str]]] = {cid: [] for cid in wanted}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(ChangeSourceRow.change_id, ChangeSourceRow.source_name, ChangeSourceRow.url)
            .where(ChangeSourceRow.change_id.in_(chunk))
            .order_by(ChangeSourceRow.id)
        ).all()
        for change_id, name, url in rows:
            out[change_id].append((name or "", url or ""))
    return out


def _change(row: ChangeRow, sources: Sequence[tuple[str, str]]) -> ChangeData:
    return ChangeData(
        id=row.id,
        watch=row.watch,
        kind=row.kind,
        key=row.key,
        label=row.label,
        summary=row.summary,
        payload=dict(row.payload),
        created_at=row.created_at,
        extra_sources=tuple(sources),
    )


def _alerts(session: Session, pairs: Sequence[tuple[AlertRow, ChangeRow]]) -> list[AlertData]:
    sources = _extra_sources(session, (change.id for _, change in pairs))
    changes: dict[int, ChangeData] = {}
    out = []
    for row, change in pairs:
        if change.id not in changes:
            changes[change.id] = _change(change, sources[change.id])
        out.append(
            AlertData(
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
                change=changes[change.id],
            )
        )
    return out


def _due(now: datetime) -> Select[AlertRow, ChangeRow]:
    return (
        select(AlertRow, ChangeRow)
        .join(ChangeRow, ChangeRow.id == AlertRow.change_id)
        .where(AlertRow.status.in_(("pending", "sending")), AlertRow.next_attempt_at <= now)
        .order_by(AlertRow.id)
        .with_for_update(skip_locked=True, of=AlertRow)
    )


def claim_due_alerts(
    session: Session,
    *,
    now: datetime,
    lease: float,
    limit: int = 500,
    max_attempts: int | None = None,
) -> list[AlertData]:
    """Due alerts (pending, or 'sending' whose lease ran out after a crash), leased to us.

    An alert found in 'sending' was perhaps handed to the server by a process that died before
    marking it: it goes again with the Message-ID it already has, so mail clients fold the
    copies. One that was interrupted on its last allowed attempt (`max_attempts`) is failed
    instead: a sender that dies on the same alert every time must not mail it forever.
    """
    rows = [(a, c) for a, c in session.execute(_due(now).limit(limit)).all()]
    if len(rows) == limit:
        # An earlier message cut in two by the limit would go out twice under one Message-ID,
        # the second copy replacing the first in mail clients: take the rest of it too.
        ids = {a.id for a, _ in rows}
        started = sorted({a.message_id for a, _ in rows if a.message_id})
        if started:
            more = session.execute(_due(now).where(AlertRow.message_id.in_(started))).all()
            rows.extend((a, c) for a, c in more if a.id not in ids)
    until = now + timedelta(seconds=lease)
    claimed = []
    for row, change in rows:
        if row.status == "sending" and max_attempts is not None and row.attempts >= max_attempts:
            row.status = "failed"
            row.last_error = (
                f"notify: the sender stopped during attempt {row.attempts} of {max_attempts} "
                "(perhaps after the server took the message); not sent again"
            )
            continue
        row.status = "sending"
        row.attempts += 1
        row.next_attempt_at = until
        claimed.append((row, change))
    session.flush()
    return _alerts(session, claimed)


def _held(alert_ids: Sequence[int], held_until: datetime | None) -> ColumnElement[bool]:
    """Rows among `alert_ids`; with `held_until`, only while that lease is still ours."""
    where = AlertRow.id.in_(list(alert_ids))
    if held_until is None:
        return where
    return and_(where, AlertRow.status == "sending", AlertRow.next_attempt_at == held_until)


def hold_lease(
    session: Session,
    alert_ids: Sequence[int],
    *,
    held_until: datetime,
    until: datetime,
    message_id: str | None = None,
) -> bool:
    """Renew our lease on every alert of `alert_ids` (and record the Message-ID to send).

    False when one of them is no longer ours: our lease ran out and another sender claimed it.
    The caller must then roll back and leave the whole group alone.
    """
    values: dict[str, Any] = {"next_attempt_at": until}
    if message_id is not None:
        values["message_id"] = message_id
    result = session.execute(update(AlertRow).where(_held(alert_ids, held_until)).values(values))
    return _rowcount(result) == len(set(alert_ids))


def release(
    session: Session, alert_ids: Sequence[int], *, held_until: datetime, now: datetime
) -> None:
    """Give back alerts we claimed but never tried, so the next pass takes them at once."""
    session.execute(
        update(AlertRow)
        .where(_held(alert_ids, held_until))
        .values(status="pending", attempts=AlertRow.attempts - 1, next_attempt_at=now)
    )


def set_message_id(session: Session, alert_ids: Sequence[int], message_id: str) -> None:
    session.execute(
        update(AlertRow).where(AlertRow.id.in_(list(alert_ids))).values(message_id=message_id)
    )


def mark_sent(session: Session, alert_ids: Sequence[int], *, now: datetime) -> None:
    # Unconditional: the server took the message, whoever holds the lease now.
    session.execute(
        update(AlertRow)
        .where(AlertRow.id.in_(list(alert_ids)))
        .values(status="sent", sent_at=now, last_error=None)
    )


def mark_retry(
    session: Session,
    alert_ids: Sequence[int],
    *,
    error: str,
    next_attempt_at: datetime,
    held_until: datetime | None = None,
) -> None:
    session.execute(
        update(AlertRow)
        .where(_held(alert_ids, held_until))
        .values(status="pending", last_error=error[:2000], next_attempt_at=next_attempt_at)
    )


def mark_failed(
    session: Session,
    alert_ids: Sequence[int],
    *,
    error: str,
    held_until: datetime | None = None,
) -> None:
    session.execute(
        update(AlertRow)
        .where(_held(alert_ids, held_until))
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
    pairs = [(a, c) for a, c in session.execute(query.order_by(AlertRow.id)).all()]
    return _alerts(session, pairs)


def requeue_failed(session: Session, *, now: datetime, since: datetime | None = None) -> int:
    query = update(AlertRow).where(AlertRow.status == "failed")
    if since:
        query = query.where(AlertRow.created_at >= since)
    result = session.execute(
        query.values(status="pending", attempts=0, next_attempt_at=now, message_id=None)
    )
    return _rowcount(result)


def list_changes(session: Session, *, watch: str | None = None) -> list[ChangeData]:
    query = select(ChangeRow).order_by(ChangeRow.id)
    if watch:
        query = query.where(ChangeRow.watch == watch)
    rows = list(session.scalars(query))
    sources = _extra_sources(session, (row.id for row in rows))
    return [_change(row, sources[row.id]) for row in rows]


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
