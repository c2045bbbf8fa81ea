"""Article, feed-entry and article-version rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.store.models import ArticleRow, ArticleVersionRow, FeedEntryRow, FeedRow


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article the pipeline works on."""

    id: int
    url: str | None
    title: str | None
    summary: str | None
    source_name: str | None
    published_at: datetime | None
    first_seen_at: datetime
    check_count: int
    entry_updated: str | None


@dataclass(frozen=True, slots=True)
class VersionRef:
    id: int
    article_id: int
    version: int
    content_hash: str
    text: str
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class NewArticle:
    identity: str
    url: str | None
    guid: str | None
    title: str | None
    summary: str | None
    source_name: str | None
    published_at: datetime | None
    entry_updated: str | None


@dataclass(frozen=True, slots=True)
class NewVersion:
    text: str
    content_hash: str
    title: str | None
    author: str | None
    site_name: str | None
    from_summary: bool
    diff: str | None


def _ref(row: ArticleRow) -> ArticleRef:
    return ArticleRef(
        id=row.id,
        url=row.url,
        title=row.title,
        summary=row.summary,
        source_name=row.source_name,
        published_at=row.published_at,
        first_seen_at=row.first_seen_at,
        check_count=row.check_count,
        entry_updated=row.entry_updated,
    )


def article_by_identity(session: Session, identity: str) -> ArticleRef | None:
    row = session.scalar(select(ArticleRow).where(ArticleRow.identity == identity))
    return _ref(row) if row else None


def link_entry(
    session: Session, *, feed_id: int, entry_key: str, article_id: int, now: datetime
) -> None:
    session.add(
        FeedEntryRow(feed_id=feed_id, entry_key=entry_key, article_id=article_id, first_seen_at=now)
    )


def known_entries(
    session: Session, feed_id: int, keys: Sequence[str]
) -> dict[str, tuple[int, str | None]]:
    """Which of these entry keys a feed has already given: article id and last updated stamp.

    Asked for the keys of the feed in hand only: a feed polled for years has seen far more.
    """
    found: dict[str, tuple[int, str | None]] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        rows = session.execute(
            select(FeedEntryRow.entry_key, ArticleRow.id, ArticleRow.entry_updated)
            .join(ArticleRow, ArticleRow.id == FeedEntryRow.article_id)
            .where(
                FeedEntryRow.feed_id == feed_id,
                FeedEntryRow.entry_key.in_(unique[start : start + 500]),
            )
        )
        found.update({key: (article_id, updated) for key, article_id, updated in rows})
    return found


def add_article(
    session: Session,
    article: NewArticle,
    *,
    feed_id: int,
    entry_key: str,
    now: datetime,
    next_check_at: datetime | None = None,
) -> ArticleRef:
    row = ArticleRow(
        identity=article.identity,
        url=article.url,
        guid=article.guid,
        feed_id=feed_id,
        title=article.title,
        summary=article.summary,
        source_name=article.source_name,
        published_at=article.published_at,
        first_seen_at=now,
        next_check_at=next_check_at,
        check_count=0,
        entry_updated=article.entry_updated,
    )
    session.add(row)
    session.flush()
    link_entry(session, feed_id=feed_id, entry_key=entry_key, article_id=row.id, now=now)
    return _ref(row)


def schedule_check(
    session: Session,
    article_id: int,
    *,
    now: datetime,
    next_check_at: datetime | None,
    checked: bool,
    error: str | None = None,
    entry_updated: str | None = None,
) -> None:
    row = session.get_one(ArticleRow, article_id)
    row.next_check_at = next_check_at
    row.last_error = error[:2000] if error else None
    if checked:
        row.check_count += 1
        row.last_checked_at = now
    if entry_updated is not None:
        row.entry_updated = entry_updated


def update_published(session: Session, article_id: int, published_at: datetime) -> None:
    row = session.get_one(ArticleRow, article_id)
    if row.published_at is None:
        row.published_at = published_at


def due_articles(session: Session, feed_id: int, *, now: datetime, limit: int) -> list[ArticleRef]:
    rows = session.scalars(
        select(ArticleRow)
        .where(
            ArticleRow.feed_id == feed_id,
            ArticleRow.next_check_at.is_not(None),
            ArticleRow.next_check_at <= now,
        )
        .order_by(ArticleRow.next_check_at)
        .limit(limit)
    )
    return [_ref(row) for row in rows]


def latest_version(session: Session, article_id: int) -> VersionRef | None:
    row = session.scalar(
        select(ArticleVersionRow)
        .where(ArticleVersionRow.article_id == article_id)
        .order_by(ArticleVersionRow.version.desc())
        .limit(1)
    )
    if row is None:
        return None
    return VersionRef(
        id=row.id,
        article_id=row.article_id,
        version=row.version,
        content_hash=row.content_hash,
        text=row.text,
        fetched_at=row.fetched_at,
    )


def add_version(
    session: Session, article_id: int, version: NewVersion, *, number: int, now: datetime
) -> int:
    row = ArticleVersionRow(
        article_id=article_id,
        version=number,
        fetched_at=now,
        content_hash=version.content_hash,
        title=version.title,
        text=version.text,
        from_summary=version.from_summary,
        author=version.author,
        site_name=version.site_name,
        diff=version.diff,
    )
    session.add(row)
    session.flush()
    return row.id


@dataclass(frozen=True, slots=True)
class Counts:
    feeds: int
    articles: int
    versions: int
    revisions: int


def counts(session: Session) -> Counts:
    versions = session.scalar(select(func.count()).select_from(ArticleVersionRow)) or 0
    revisions = (
        session.scalar(
            select(func.count()).select_from(ArticleVersionRow).where(ArticleVersionRow.version > 1)
        )
        or 0
    )
    return Counts(
        feeds=session.scalar(select(func.count()).select_from(FeedRow)) or 0,
        articles=session.scalar(select(func.count()).select_from(ArticleRow)) or 0,
        versions=versions,
        revisions=revisions,
    )


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    article_id: int
    url: str | None
    title: str | None
    version: int
    fetched_at: datetime
    diff: str | None


def revisions(session: Session) -> list[RevisionInfo]:
    rows = session.execute(
        select(ArticleVersionRow, ArticleRow)
        .join(ArticleRow, ArticleRow.id == ArticleVersionRow.article_id)
        .where(ArticleVersionRow.version > 1)
        .order_by(ArticleVersionRow.fetched_at)
    )
    return [
        RevisionInfo(
            article_id=article.id,
            url=article.url,
            title=version.title or article.title,
            version=version.version,
            fetched_at=version.fetched_at,
            diff=version.diff,
        )
        for version, article in rows
    ]
