"""Observations, the current state of each fact, changes and their outbox alerts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.store.models import (
    AlertRow,
    ChangeRow,
    ChangeSourceRow,
    FactStateRow,
    ObservationRow,
)


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    watch: str
    kind: str  # figure | position
    key: str
    label: str
    evidence: str
    offset: int
    source_name: str | None
    url: str | None
    published_at: datetime | None
    disposition: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    bound: str | None = None
    unit: str | None = None
    display: str | None = None
    window: str | None = None
    actor: str | None = None
    topic: str | None = None
    stance: str | None = None
    claim: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    kind: str  # figure | correction | shift | refinement
    label: str
    summary: str
    old: str | None
    new: str
    old_value: float | None
    new_value: float | None
    significance: float
    payload: dict[str, Any] = field(default_factory=dict)
    alerted: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation, what the diff made of it, and the state to keep."""

    observation: ObservationRecord
    state: dict[str, Any] | None  # the new current state (None: keep the stored one)
    change: ChangeRecord | None
    corroborates: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """Who hears about a watch's changes and when."""

    recipients: tuple[str, ...]
    mode: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class RecordedChange:
    id: int
    watch: str
    kind: str
    key: str
    summary: str
    alerts: int


class StateCache:
    """The fact states one unit of work reads and writes, each fetched once by its key."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._rows: dict[tuple[str, str, str], FactStateRow | None] = {}

    def row(self, watch: str, kind: str, key: str) -> FactStateRow | None:
        slot = (watch, kind, key)
        if slot not in self._rows:
            # A unique-index lookup: its cost does not grow with the history of observations,
            # nor with how many facts a watch has accumulated (discovered actors and topics).
            self._rows[slot] = self._session.scalar(
                select(FactStateRow).where(
                    FactStateRow.watch == watch, FactStateRow.kind == kind, FactStateRow.key == key
                )
            )
        return self._rows[slot]

    def prefetch(self, watch: str, kind: str, keys: Collection[str]) -> None:
        """Load the states of `keys` in one query (one unique-index probe per key)."""
        wanted = [k for k in keys if (watch, kind, k) not in self._rows]
        if not wanted:
            return
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found = {
                row.key: row
                for row in self._session.scalars(
                    select(FactStateRow).where(
                        FactStateRow.watch == watch,
                        FactStateRow.kind == kind,
                        FactStateRow.key.in_(chunk),
                    )
                )
            }
            for key in chunk:
                self._rows[(watch, kind, key)] = found.get(key)

    def get(self, watch: str, kind: str, key: str) -> dict[str, Any] | None:
        row = self.row(watch, kind, key)
        return dict(row.state) if row is not None else None

    def put(self, row: FactStateRow) -> None:
        self._rows[(row.watch, row.kind, row.key)] = row


def _observation_row(
    obs: ObservationRecord, version_id: int | None, now: datetime
) -> ObservationRow:
    return ObservationRow(
        version_id=version_id,
        watch=obs.watch,
        kind=obs.kind,
        key=obs.key,
        label=obs.label,
        value=obs.value,
        low=obs.low,
        high=obs.high,
        bound=obs.bound,
        unit=obs.unit,
        display=obs.display,
        window=obs.window,
        actor=obs.actor,
        topic=obs.topic,
        stance=obs.stance,
        claim=obs.claim,
        evidence=obs.evidence,
        offset=obs.offset,
        source_name=obs.source_name,
        url=obs.url,
        published_at=obs.published_at,
        observed_at=now,
        disposition=obs.disposition,
    )


def record_findings(
    session: Session,
    version_id: int | None,
    findings: Sequence[Finding],
    *,
    now: datetime,
    routes: Mapping[str, Route],
    cache: StateCache | None = None,
) -> list[RecordedChange]:
    """Write observations, states, changes and alerts in the caller's transaction."""
    cache = cache or StateCache(session)
    obs_rows = [_observation_row(f.observation, version_id, now) for f in findings]
    session.add_all(obs_rows)
    session.flush()  # one batched INSERT: changes and sources need the observation ids
    recorded = []
    for finding, obs_row in zip(findings, obs_rows, strict=True):
        obs = finding.observation
        state_row = cache.row(obs.watch, obs.kind, obs.key)
        change_id = None
        if finding.change is not None:
            change_id = _add_change(session, obs, obs_row.id, finding.change, now)
            alerts = 0
            route = routes.get(obs.watch)
            if route is not None and finding.change.alerted:
                alerts = _add_alerts(session, change_id, obs.watch, route, now)
            recorded.append(
                RecordedChange(
                    id=change_id,
                    watch=obs.watch,
                    kind=finding.change.kind,
                    key=obs.key,
                    summary=finding.change.summary,
                    alerts=alerts,
                )
            )
        elif finding.corroborates and state_row is not None and state_row.last_change_id:
            session.add(
                ChangeSourceRow(
                    change_id=state_row.last_change_id,
                    observation_id=obs_row.id,
                    source_name=obs.source_name,
                    url=obs.url,
                )
            )
        if finding.state is not None:
            if state_row is None:
                state_row = FactStateRow(
                    watch=obs.watch, kind=obs.kind, key=obs.key, state={}, updated_at=now
                )
                session.add(state_row)
                cache.put(state_row)
            state_row.state = finding.state
            state_row.updated_at = now
            if change_id is not None:
                state_row.last_change_id = change_id
    session.flush()
    return recorded


def _add_change(
    session: Session, obs: ObservationRecord, obs_id: int, change: ChangeRecord, now: datetime
) -> int:
    row = ChangeRow(
        watch=obs.watch,
        kind=change.kind,
        key=obs.key,
        label=change.label,
        summary=change.summary,
        old=change.old,
        new=change.new,
        old_value=change.old_value,
        new_value=change.new_value,
        significance=change.significance,
        observation_id=obs_id,
        payload=change.payload,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def _add_alerts(session: Session, change_id: int, watch: str, route: Route, now: datetime) -> int:
    for recipient in route.recipients:
        session.add(
            AlertRow(
                change_id=change_id,
                watch=watch,
                recipient=recipient,
                mode=route.mode,
                status="pending",
                attempts=0,
                next_attempt_at=route.due_at,
                created_at=now,
            )
        )
    return len(route.recipients)


@dataclass(frozen=True, slots=True)
class HistoryItem:
    observed_at: datetime
    published_at: datetime | None
    source_name: str | None
    url: str | None
    display: str | None
    stance: str | None
    claim: str | None
    window: str | None
    disposition: str
    evidence: str


def history(session: Session, *, watch: str, key: str, limit: int = 200) -> list[HistoryItem]:
    """What was reported about one fact, newest first (an index range scan)."""
    rows = session.scalars(
        select(ObservationRow)
        .where(ObservationRow.watch == watch, ObservationRow.key == key)
        .order_by(ObservationRow.observed_at.desc(), ObservationRow.id.desc())
        .limit(limit)
    )
    return [
        HistoryItem(
            observed_at=row.observed_at,
            published_at=row.published_at,
            source_name=row.source_name,
            url=row.url,
            display=row.display,
            stance=row.stance,
            claim=row.claim,
            window=row.window,
            disposition=row.disposition,
            evidence=row.evidence,
        )
        for row in rows
    ]
