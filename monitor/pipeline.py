"""One feed poll end to end, idempotent: fetch, parse, fetch articles, extract, analyse, store."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from monitor.analysis import WatchSpec, analyse, is_relevant
from monitor.articles import (
    ExtractedArticle,
    content_hash,
    extract_article,
    normalise_text,
    text_diff,
)
from monitor.config import Config
from monitor.errors import FetchError, MonitorError
from monitor.facts.model import Source
from monitor.feeds import FeedEntry, canonical_url, parse_feed
from monitor.fetch import Fetcher, FetchResult
from monitor.schedule import next_check_at, next_poll_at
from monitor.store import articles as article_store
from monitor.store import feeds as feed_store
from monitor.store.db import transaction
from monitor.store.facts import RecordedChange, Route, StateCache, record_findings

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
RouteFor = Callable[[str, datetime], Route | None]

# A page that keeps failing is given up on after this many tries and read from its summary.
PAGE_ATTEMPTS = 3


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PollContext:
    """The narrow set of things a poll needs."""

    config: Config
    factory: sessionmaker[Session]
    fetcher: Fetcher
    watches: tuple[WatchSpec, ...]
    owner: str
    routes: RouteFor
    clock: Clock = utcnow
    rand: Callable[[], float] = random.random


@dataclass
class PollReport:
    feed: str
    status: str = "ok"  # ok | not_modified | error
    entries: int = 0
    new_articles: int = 0
    versions: int = 0
    revisions: int = 0
    changes: list[RecordedChange] = field(default_factory=list)
    error: str | None = None
    warning: str | None = None
    # An unchanged feed's success, left for the caller to write with others in one
    # transaction (most polls are 304s; one commit each would cost more than the fetch).
    deferred: feed_store.Success | None = None


def run_pass(
    ctx: PollContext,
    *,
    names: Sequence[str] | None = None,
    force: bool = False,
    stop: threading.Event | None = None,
) -> list[PollReport]:
    """Claim every due feed (or all with force) and poll them with bounded concurrency."""
    with transaction(ctx.factory) as session:
        claims = feed_store.claim_due_feeds(
            session,
            owner=ctx.owner,
            now=ctx.clock(),
            lease=ctx.config.scheduler.lease,
            limit=max(len(ctx.config.feeds), 1),
            names=names,
            force=force,
        )
    return poll_claims(ctx, claims, stop=stop)


def poll_claims(
    ctx: PollContext, claims: Sequence[feed_store.FeedClaim], *, stop: threading.Event | None = None
) -> list[PollReport]:
    if not claims:
        return []
    workers = min(ctx.config.scheduler.max_concurrency, len(claims))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="poll") as pool:
        futures = [pool.submit(poll_feed, ctx, claim, stop) for claim in claims]
        reports = [future.result() for future in futures]
    flush_deferred(ctx, reports)
    return reports


def poll_feed(
    ctx: PollContext, claim: feed_store.FeedClaim, stop: threading.Event | None = None
) -> PollReport:
    """Poll one feed; never raises: a failure is recorded on the feed and reported."""
    report = PollReport(feed=claim.name)
    try:
        _poll(ctx, claim, report, stop)
    except FetchError as exc:
        _fail(ctx, claim, report, str(exc), retry_after=exc.retry_after)
    except MonitorError as exc:
        _fail(ctx, claim, report, str(exc))
    except Exception as exc:
        log.exception("poll: unexpected error", extra={"feed": claim.name})
        _fail(ctx, claim, report, f"poll: unexpected {type(exc).__name__}: {exc}")
    return report


def _next_poll(
    ctx: PollContext,
    claim: feed_store.FeedClaim,
    now: datetime,
    *,
    failures: int,
    retry_after: float | None = None,
) -> datetime:
    feed = ctx.config.feed(claim.name)
    sched = ctx.config.scheduler
    return next_poll_at(
        now,
        interval=ctx.config.interval_of(feed) if feed else sched.default_interval,
        jitter=sched.jitter,
        failures=failures,
        max_backoff=sched.max_backoff,
        rand=ctx.rand(),
        retry_after=retry_after,
    )


def _fail(
    ctx: PollContext,
    claim: feed_store.FeedClaim,
    report: PollReport,
    error: str,
    *,
    retry_after: float | None = None,
) -> None:
    report.status, report.error = "error", error
    now = ctx.clock()
    due = _next_poll(
        ctx, claim, now, failures=claim.consecutive_failures + 1, retry_after=retry_after
    )
    log.warning("%s", error, extra={"feed": claim.name})
    with transaction(ctx.factory) as session:
        feed_store.record_failure(
            session, claim.id, owner=ctx.owner, now=now, next_poll_at=due, error=error
        )


def _poll(
    ctx: PollContext,
    claim: feed_store.FeedClaim,
    report: PollReport,
    stop: threading.Event | None,
) -> None:
    result = ctx.fetcher.fetch(claim.url, etag=claim.etag, last_modified=claim.last_modified)
    title: str | None = None
    if result.not_modified:
        report.status = "not_modified"
    else:
        parsed = parse_feed(
            result.body, url=result.url, content_type=result.content_type, now=ctx.clock()
        )
        title, report.warning = parsed.title or None, parsed.error
        report.entries = len(parsed.entries)
        source_name = parsed.title or claim.name
        with transaction(ctx.factory) as session:
            known = article_store.known_entries(session, claim.id, [e.key for e in parsed.entries])
        for entry in _chronological(parsed.entries):
            if stop is not None and stop.is_set():
                # Leave the validators untouched so the next poll sees these entries again.
                with transaction(ctx.factory) as session:
                    feed_store.release_lease(session, claim.id, owner=ctx.owner)
                return
            _take_entry(ctx, claim, entry, source_name, known, report)
    _revisit_and_finish(ctx, claim, result, title, report, stop)


def _revisit_and_finish(
    ctx: PollContext,
    claim: feed_store.FeedClaim,
    result: FetchResult,
    title: str | None,
    report: PollReport,
    stop: threading.Event | None,
) -> None:
    """Revisit the feed's due articles, then record the poll's success.

    The look for due articles and the success share one transaction when nothing is due,
    which is most polls: an unchanged feed costs one fetch and one write.
    """
    limit = ctx.config.scheduler.revisits_per_poll
    if result.not_modified and not claim.revisits_due:
        report.deferred = _success(ctx, claim, result, None, report)
        return
    for attempt in range(2):
        with transaction(ctx.factory) as session:
            due: list[article_store.ArticleRef] = []
            if limit > 0 and attempt == 0 and claim.revisits_due:
                due = article_store.due_articles(session, claim.id, now=ctx.clock(), limit=limit)
            if not due:
                _record_success(ctx, session, claim, result, title, report)
                return
        for ref in due:
            if stop is not None and stop.is_set():
                break
            _check_article(ctx, claim, ref, report)


def _success(
    ctx: PollContext,
    claim: feed_store.FeedClaim,
    result: FetchResult,
    title: str | None,
    report: PollReport,
) -> feed_store.Success:
    now = ctx.clock()
    return feed_store.Success(
        feed_id=claim.id,
        owner=ctx.owner,
        now=now,
        next_poll_at=_next_poll(ctx, claim, now, failures=0),
        etag=result.etag,
        last_modified=result.last_modified,
        title=title,
        warning=report.warning,
        not_modified=result.not_modified,
    )


def _record_success(
    ctx: PollContext,
    session: Session,
    claim: feed_store.FeedClaim,
    result: FetchResult,
    title: str | None,
    report: PollReport,
) -> None:
    # The validators are stored only now that every entry is in: a poll killed midway
    # fetches the whole feed again instead of getting a 304 and losing its tail.
    feed_store.record_success(session, _success(ctx, claim, result, title, report))


def flush_deferred(ctx: PollContext, reports: Sequence[PollReport]) -> None:
    """Write the successes of unchanged feeds, all in one transaction."""
    successes = [r.deferred for r in reports if r.deferred is not None]
    if not successes:
        return
    with transaction(ctx.factory) as session:
        feed_store.record_unchanged(session, [s for s in successes if s.not_modified])
        for success in successes:
            if not success.not_modified:
                feed_store.record_success(session, success)
    for report in reports:
        report.deferred = None


def _chronological(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(entries, key=lambda e: e.published_at or e.updated_at or far)


def _identity(claim: feed_store.FeedClaim, entry: FeedEntry) -> str:
    if entry.url:
        return canonical_url(entry.url)
    return f"entry:{claim.id}:{entry.key}"


def _entry_updated(entry: FeedEntry) -> str | None:
    return entry.updated_at.isoformat() if entry.updated_at else None


def _take_entry(
    ctx: PollContext,
    claim: feed_store.FeedClaim,
    entry: FeedEntry,
    source_name: str,
    known: dict[str, tuple[int, str | None]],
    report: PollReport,
) -> None:
    now = ctx.clock()
    updated = _entry_updated(entry)
    if entry.key in known:
        article_id, seen_updated = known[entry.key]
        if updated and updated != seen_updated:
            # The feed says the entry changed: look at the page again now.
            with transaction(ctx.factory) as session:
                article_store.schedule_check(
                    session,
                    article_id,
                    now=now,
                    next_check_at=now,
                    checked=False,
                    entry_updated=updated,
                )
        return
    identity = _identity(claim, entry)
    new = article_store.NewArticle(
        identity=identity,
        url=entry.url,
        guid=entry.guid,
        title=entry.title or None,
        summary=entry.summary or None,
        source_name=source_name,
        published_at=entry.published_at or entry.updated_at,
        entry_updated=updated,
    )
    try:
        with transaction(ctx.factory) as session:
            other = article_store.article_by_identity(session, identity)
            if other is not None:
                # The same article in a second feed: one article, one more entry.
                article_store.link_entry(
                    session, feed_id=claim.id, entry_key=entry.key, article_id=other.id, now=now
                )
                return
            # Due at once: if the fetch below is cut short, the next poll's revisit gets it.
            ref = article_store.add_article(
                session, new, feed_id=claim.id, entry_key=entry.key, now=now, next_check_at=now
            )
            if not ref.url:
                # Nothing to fetch: the summary is read in the same unit of work.
                _store_check(ctx, session, claim, ref, _PageRead(), report)
    except IntegrityError:
        # Another daemon stored it between our look and our write: nothing to do.
        return
    report.new_articles += 1
    if ref.url:
        # Fetched outside that transaction: no lock is held during network I/O.
        _check_article(ctx, claim, ref, report)


@dataclass(frozen=True)
class _PageRead:
    """What fetching and extracting an article's page gave."""

    extracted: ExtractedArticle | None = None
    error: str | None = None
    empty: bool = False  # fetched, but no article text in it


def _read_page(ctx: PollContext, ref: article_store.ArticleRef) -> _PageRead:
    if not ref.url:
        return _PageRead()
    try:
        page = ctx.fetcher.fetch(ref.url)
        extracted = extract_article(
            page.body, url=page.url, max_bytes=ctx.config.http.max_bytes, charset=page.charset
        )
    except MonitorError as exc:
        return _PageRead(error=str(exc))
    if extracted is None:
        return _PageRead(error=f"extract: no article text found at {ref.url}", empty=True)
    return _PageRead(extracted=extracted)


def _check_article(
    ctx: PollContext, claim: feed_store.FeedClaim, ref: article_store.ArticleRef, report: PollReport
) -> None:
    """Fetch and extract an article (no lock held), then store what changed."""
    page = _read_page(ctx, ref)
    with transaction(ctx.factory) as session:
        _store_check(ctx, session, claim, ref, page, report)


def _store_check(
    ctx: PollContext,
    session: Session,
    claim: feed_store.FeedClaim,
    ref: article_store.ArticleRef,
    page: _PageRead,
    report: PollReport,
) -> None:
    """Record the check; store a version when the text changed, and analyse it."""
    now = ctx.clock()
    extracted, error = page.extracted, page.error
    latest = article_store.latest_version(session, ref.id)
    from_summary = False
    if extracted is not None:
        text, title = extracted.text, extracted.title or ref.title
    elif latest is None and (not ref.url or page.empty or ref.check_count + 1 >= PAGE_ATTEMPTS):
        # No page text to be had: the feed's own summary is what we can read.
        text, title, from_summary = ref.summary or "", ref.title, True
    else:
        text, title = "", None
    checked_next = next_check_at(ref.first_seen_at, ctx.config.scheduler.revisit, now=now)
    if error and latest is None and not from_summary:
        checked_next = now + _retry_delay(ref.check_count)
    article_store.schedule_check(
        session, ref.id, now=now, next_check_at=checked_next, checked=True, error=error
    )
    if extracted is not None and extracted.published_at and ref.published_at is None:
        article_store.update_published(session, ref.id, extracted.published_at)
    if not normalise_text(text):
        return
    digest = content_hash(text)
    if latest is not None and latest.content_hash == digest:
        return
    number = 1 if latest is None else latest.version + 1
    version_id = article_store.add_version(
        session,
        ref.id,
        article_store.NewVersion(
            text=text,
            content_hash=digest,
            title=title,
            author=extracted.author if extracted else None,
            site_name=extracted.site_name if extracted else None,
            from_summary=from_summary,
            diff=text_diff(latest.text, text) if latest is not None else None,
        ),
        number=number,
        now=now,
    )
    report.versions += 1
    if number > 1:
        report.revisions += 1
    published = ref.published_at or (extracted.published_at if extracted else None) or now
    if number > 1:
        # A revision speaks at the time it was seen, not at the original publication:
        # otherwise the diff would take it for an older report fetched late.
        published = now
    source = Source(
        name=ref.source_name or claim.name,
        url=ref.url or "",
        published_at=published,
        title=title or "",
    )
    revision_of = None
    if latest is not None:
        revision_of = f"version {latest.version}, as fetched {latest.fetched_at:%d %b %Y %H:%M} UTC"
    try:
        with session.begin_nested():
            _analyse_version(
                ctx, session, claim, version_id, text, title or "", source, revision_of, report
            )
    except Exception:
        # An engine bug on one article must not block its feed forever: the version is kept,
        # without findings, and the error is logged with the article.
        log.exception("analysis: failed on %s; version stored without findings", ref.url)


def _analyse_version(
    ctx: PollContext,
    session: Session,
    claim: feed_store.FeedClaim,
    version_id: int,
    text: str,
    title: str,
    source: Source,
    revision_of: str | None,
    report: PollReport,
) -> None:
    """Figures and positions of the relevant watches, diffed, stored with their alerts."""
    now = ctx.clock()
    relevant = [w for w in ctx.watches if is_relevant(w, text, title=title, feed=claim.name)]
    if not relevant:
        return
    cache = StateCache(session)
    findings = analyse(
        text,
        source=source,
        watches=relevant,
        states=cache.get,
        prefetch=cache.prefetch,
        observed_at=now,
        revision_of=revision_of,
    )
    routes = {}
    for watch in relevant:
        route = ctx.routes(watch.name, now)
        if route is not None:
            routes[watch.name] = route
    report.changes.extend(
        record_findings(session, version_id, findings, now=now, routes=routes, cache=cache)
    )


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=5 * (2 ** min(attempts, 6)))
