"""Feed rows: sync with the config, claim due feeds under a lease, record health."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from monitor.store.models import ArticleRow, FeedRow


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """What the config says about a feed."""

    name: str
    url: str
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class FeedClaim:
    """A feed this worker holds the lease on, with what a poll needs."""

    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    revisits_due: bool = True  # some of its articles are due for a revisit


@dataclass(frozen=True, slots=True)
class FeedHealth:
    name: str
    url: str
    enabled: bool
    next_poll_at: datetime
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    parse_warning: str | None
    leased_by: str | None


def sync_feeds(session: Session, feeds: Sequence[FeedSpec], *, now: datetime) -> None:
    """Insert new feeds (due now), update changed URLs, disable feeds gone from the config."""
    rows = {row.name: row for row in session.scalars(select(FeedRow))}
    wanted = {feed.name for feed in feeds}
    for feed in feeds:
        row = rows.get(feed.name)
        if row is None:
            session.add(
                FeedRow(
                    name=feed.name,
                    url=feed.url,
                    next_poll_at=now,
                    enabled=feed.enabled,
                    consecutive_failures=0,
                )
            )
            continue
        if row.url != feed.url:
            # A new URL is a new source: forget the old validators and poll it now.
            row.url, row.etag, row.last_modified, row.next_poll_at = feed.url, None, None, now
        row.enabled = feed.enabled
    for name, row in rows.items():
        if name not in wanted:
            row.enabled = False


def claim_due_feeds(
    session: Session,
    *,
    owner: str,
    now: datetime,
    lease: float,
    limit: int,
    names: Sequence[str] | None = None,
    force: bool = False,
) -> list[FeedClaim]:
    """Take the lease on up to `limit` due feeds; concurrent daemons never get the same one."""
    query = select(FeedRow).where(
        FeedRow.enabled.is_(True),
        or_(FeedRow.lease_until.is_(None), FeedRow.lease_until < now),
    )
    if not force:
        query = query.where(FeedRow.next_poll_at <= now)
    if names:
        query = query.where(FeedRow.name.in_(list(names)))
    # SKIP LOCKED on PostgreSQL; on SQLite the BEGIN IMMEDIATE transaction serialises claims.
    query = query.order_by(FeedRow.next_poll_at).limit(limit).with_for_update(skip_locked=True)
    claims = []
    until = now + timedelta(seconds=lease)
    rows = list(session.scalars(query))
    due_feeds = _feeds_with_due_revisits(session, [row.id for row in rows], now)
    for row in rows:
        row.lease_owner, row.lease_until = owner, until
        claims.append(
            FeedClaim(
                id=row.id,
                name=row.name,
                url=row.url,
                etag=row.etag,
                last_modified=row.last_modified,
                consecutive_failures=row.consecutive_failures,
                revisits_due=row.id in due_feeds,
            )
        )
    return claims


def _feeds_with_due_revisits(session: Session, feed_ids: list[int], now: datetime) -> set[int]:
    """One query for the whole claim: a poll of a feed with nothing to revisit skips its own."""
    if not feed_ids:
        return set()
    rows = session.execute(
        select(ArticleRow.feed_id)
        .where(
            ArticleRow.feed_id.in_(feed_ids),
            ArticleRow.next_check_at.is_not(None),
            ArticleRow.next_check_at <= now,
        )
        .distinct()
    )
    return {feed_id for (feed_id,) in rows}


@dataclass(frozen=True, slots=True)
class Success:
    """What a successful poll writes on its feed."""

    feed_id: int
    owner: str
    now: datetime
    next_poll_at: datetime
    etag: str | None
    last_modified: str | None
    title: str | None
    warning: str | None
    not_modified: bool


def record_success(session: Session, success: Success) -> None:
    values: dict[str, object] = {
        "next_poll_at": success.next_poll_at,
        "last_success_at": success.now,
        "last_polled_at": success.now,
        "consecutive_failures": 0,
        "last_error": None,
        "lease_owner": None,
        "lease_until": None,
    }
    if not success.not_modified:
        values.update(
            etag=success.etag, last_modified=success.last_modified, parse_warning=success.warning
        )
        if success.title:
            values["title"] = success.title
    _update_leased(session, success.feed_id, success.owner, values)


def record_unchanged(session: Session, successes: Sequence[Success]) -> None:
    """The successes of 304 polls in one executemany: same columns, one statement."""
    if not successes:
        return
    feed = cast(Table, FeedRow.__table__)
    statement = (
        update(feed)
        .where(
            feed.c.id == bindparam("b_id"),
            or_(feed.c.lease_owner == bindparam("b_owner"), feed.c.lease_owner.is_(None)),
        )
        .values(
            next_poll_at=bindparam("b_next"),
            last_success_at=bindparam("b_now"),
            last_polled_at=bindparam("b_now"),
            consecutive_failures=0,
            last_error=None,
            lease_owner=None,
            lease_until=None,
        )
    )
    session.connection().execute(
        statement,
        [
            {"b_id": s.feed_id, "b_owner": s.owner, "b_next": s.next_poll_at, "b_now": s.now}
            for s in successes
        ],
    )


def record_failure(
    session: Session,
    feed_id: int,
    *,
    owner: str,
    now: datetime,
    next_poll_at: datetime,
    error: str,
) -> None:
    values: dict[str, object] = {
        "next_poll_at": next_poll_at,
        "last_polled_at": now,
        "consecutive_failures": FeedRow.consecutive_failures + 1,
        "last_error": error[:2000],
        "last_error_at": now,
        "lease_owner": None,
        "lease_until": None,
    }
    _update_leased(session, feed_id, owner, values)


def release_dead_leases(session: Session, *, host: str, alive: Callable[[int], bool]) -> list[str]:
    """Free the leases that processes of this host, now dead, left behind (a crash, a kill).

    Owners read "host:pid"; only this host's pids can be checked, others wait for expiry.
    """
    freed = []
    prefix = f"{host}:"
    rows = session.scalars(select(FeedRow).where(FeedRow.lease_owner.startswith(prefix)))
    for row in rows:
        pid = (row.lease_owner or "").removeprefix(prefix)
        if pid.isdigit() and not alive(int(pid)):
            row.lease_owner, row.lease_until = None, None
            freed.append(row.name)
    return freed


def release_lease(session: Session, feed_id: int, *, owner: str) -> None:
    _update_leased(session, feed_id, owner, {"lease_owner": None, "lease_until": None})


def _update_leased(session: Session, feed_id: int, owner: str, values: dict[str, object]) -> None:
    # Only the lease holder writes: a worker whose lease expired must not clobber the next one.
    session.execute(
        update(FeedRow)
        .where(
            FeedRow.id == feed_id, or_(FeedRow.lease_owner == owner, FeedRow.lease_owner.is_(None))
        )
        .values(**values)
    )


def feed_health(session: Session) -> list[FeedHealth]:
    return [
        FeedHealth(
            name=row.name,
            url=row.url,
            enabled=row.enabled,
            next_poll_at=row.next_poll_at,
            last_success_at=row.last_success_at,
            last_error=row.last_error,
            last_error_at=row.last_error_at,
            consecutive_failures=row.consecutive_failures,
            parse_warning=row.parse_warning,
            leased_by=row.lease_owner,
        )
        for row in session.scalars(select(FeedRow).order_by(FeedRow.name))
    ]
