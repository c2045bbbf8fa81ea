"""The daemon: APScheduler jobs (poll tick, alert delivery), signals, graceful shutdown."""

from __future__ import annotations

import functools
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from monitor.pipeline import PollContext, PollReport, flush_deferred, poll_feed
from monitor.store import feeds as feed_store
from monitor.store.db import transaction

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Identifies this process in feed leases: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Poller:
    """Claims due feeds on each tick and polls them on a bounded pool; never overlaps a feed."""

    ctx: PollContext
    stop: threading.Event
    on_report: Callable[[PollReport], None] | None = None
    _pool: ThreadPoolExecutor = field(init=False)
    _in_flight: dict[int, Future[PollReport]] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _finished: list[PollReport] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=self.ctx.config.scheduler.max_concurrency, thread_name_prefix="poll"
        )

    def tick(self) -> int:
        """Start polls for as many due feeds as there are free workers; returns how many."""
        self.flush()
        if self.stop.is_set():
            return 0
        with self._lock:
            free = self.ctx.config.scheduler.max_concurrency - len(self._in_flight)
        if free <= 0:
            return 0
        factory: sessionmaker[Session] = self.ctx.factory
        with transaction(factory) as session:
            claims = feed_store.claim_due_feeds(
                session,
                owner=self.ctx.owner,
                now=self.ctx.clock(),
                lease=self.ctx.config.scheduler.lease,
                limit=free,
            )
        for claim in claims:
            future = self._pool.submit(poll_feed, self.ctx, claim, self.stop)
            with self._lock:
                self._in_flight[claim.id] = future
            future.add_done_callback(functools.partial(self._done, claim.id))
        return len(claims)

    def flush(self) -> None:
        """Write the successes of the unchanged feeds polled since the last tick."""
        with self._lock:
            finished, self._finished = self._finished, []
        flush_deferred(self.ctx, finished)

    def _done(self, feed_id: int, future: Future[PollReport]) -> None:
        if future.cancelled():
            with self._lock:
                self._in_flight.pop(feed_id, None)
            return
        report = future.result()
        with self._lock:
            self._in_flight.pop(feed_id, None)
            if report.deferred is not None:
                self._finished.append(report)
        if report.error:
            log.warning("poll: %s failed: %s", report.feed, report.error)
        else:
            log.info(
                "poll: %s %s, %d new articles, %d revisions, %d changes",
                report.feed,
                report.status,
                report.new_articles,
                report.revisions,
                len(report.changes),
            )
        if self.on_report is not None:
            self.on_report(report)

    def shutdown(self, grace: float) -> bool:
        """Finish the polls in hand within `grace` seconds; True if they all finished."""
        with self._lock:
            pending = list(self._in_flight.values())
        _, not_done = wait(pending, timeout=grace)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.flush()
        return not not_done


def install_signal_handlers(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set the stop event (without a handler SIGTERM skips `finally`)."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("daemon: received %s, finishing the work in hand", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_daemon(
    ctx: PollContext,
    *,
    deliver: Callable[[], object],
    stop: threading.Event,
    deliver_every: float = 30.0,
) -> None:
    """Run until `stop` is set, then finish the work in hand and return."""
    sched = ctx.config.scheduler
    poller = Poller(ctx, stop)
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(sched.tick)},
    )
    scheduler.add_job(
        _guarded(poller.tick, "tick"),
        IntervalTrigger(seconds=sched.tick),
        id="poll-tick",
        next_run_time=ctx.clock(),
    )
    scheduler.add_job(
        _guarded(deliver, "deliver"),
        IntervalTrigger(seconds=min(deliver_every, sched.tick)),
        id="deliver",
        next_run_time=ctx.clock(),
    )
    scheduler.start()
    log.info("daemon: started as %s with %d feeds", ctx.owner, len(ctx.config.feeds))
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        finished = poller.shutdown(sched.shutdown_grace)
        if not finished:
            log.warning(
                "daemon: polls still running after %gs; leases will expire", sched.shutdown_grace
            )
        # Whatever the polls produced goes out before we leave.
        _guarded(deliver, "deliver")()
        log.info("daemon: stopped")


def _guarded(job: Callable[[], object], name: str) -> Callable[[], None]:
    def run() -> None:
        try:
            job()
        except Exception:
            # A job that raises is logged and runs again next time; the daemon lives on.
            log.exception("daemon: %s job failed", name)

    return run
