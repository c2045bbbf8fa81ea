"""Next-poll and revisit arithmetic (pure: the caller passes now and the random draw)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def next_poll_at(
    now: datetime,
    *,
    interval: float,
    jitter: float,
    failures: int,
    max_backoff: float,
    rand: float,
    retry_after: float | None = None,
) -> datetime:
    """When to poll a feed next.

    Success (failures == 0): the interval, spread by +/- jitter so that feeds configured
    together drift apart. After n failures in a row: interval * 2^(n-1), capped at max_backoff,
    and never sooner than a server's Retry-After.
    """
    if failures <= 0:
        base = interval
    else:
        base = min(interval * (2.0 ** min(failures - 1, 30)), max(max_backoff, interval))
    # Capped at half the delay: a jitter of 100% could otherwise poll again at once.
    jitter = min(max(jitter, 0.0), 0.5)
    spread = 1.0 + jitter * (2.0 * rand - 1.0)
    delay = base * spread
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=delay)


def next_check_at(
    first_seen: datetime, revisit: Sequence[float], *, now: datetime
) -> datetime | None:
    """The next revisit of an article: often in its first day, then rarely, then never.

    `revisit` holds offsets from when the article was first seen; after the last one the
    article is left alone (most edits come within 24 hours of publication). Offsets already
    past (the daemon was down) are skipped rather than caught up one by one.
    """
    for offset in sorted(revisit):
        due = first_seen + timedelta(seconds=offset)
        if due > now:
            return due
    return None
