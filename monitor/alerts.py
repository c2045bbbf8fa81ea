"""Alert scheduling rules (pure): retry backoff, digest times, grouping for immediate mail."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

T = TypeVar("T")

_DIGEST_AT = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# 2**40 minutes is already centuries: past it the cap applies anyway, and floats stay finite.
_MAX_DOUBLINGS = 40


def retry_delay(
    attempts: int,
    *,
    base: float = 60.0,
    cap: float = 6 * 3600.0,
    jitter: float = 0.1,
    rand: float = 0.5,
) -> float:
    """Seconds to wait after `attempts` failed sends: base * 2^(attempts-1), capped, +-jitter.

    `rand` in [0, 1) is passed in so the result is deterministic; 0.5 means no jitter.
    """
    if not 0.0 <= rand < 1.0:
        raise ValueError("rand must be in [0, 1)")
    if not 0.0 <= jitter < 1.0:
        raise ValueError("jitter must be in [0, 1)")
    if base <= 0 or cap <= 0:
        raise ValueError("base and cap must be positive")
    doublings = min(max(attempts - 1, 0), _MAX_DOUBLINGS)
    delay = min(cap, base * 2.0**doublings)
    # Jitter spreads the retries of many alerts that failed together (a mail server outage);
    # applied after the cap so alerts at the cap still spread below it.
    return min(cap, delay * (1.0 + jitter * (2.0 * rand - 1.0)))


def next_digest_at(digest_at: str, timezone: str, *, after: datetime) -> datetime:
    """The next `digest_at` wall-clock time in `timezone` strictly after `after`, in UTC.

    A time that falls in a spring-forward gap fires at the same offset past the gap (01:30 in
    a skipped hour is 02:30 local); a time repeated by a fall-back fires once, the first time.
    """
    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    match = _DIGEST_AT.fullmatch(digest_at.strip())
    if not match:
        raise ValueError(f"digest_at must be HH:MM, not {digest_at!r}")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {timezone!r}") from exc
    at = time(int(match.group(1)), int(match.group(2)))
    day = after.astimezone(zone).date()
    # The next local day always has a later occurrence; the bound only keeps the loop finite.
    for offset in range(3):
        local = datetime.combine(day + timedelta(days=offset), at, tzinfo=zone)
        candidate = local.astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a later day always has a later digest time")


def group_for_immediate(
    items: Sequence[T], key: Callable[[T], tuple[str, str]]
) -> dict[tuple[str, str], list[T]]:
    """Group one cycle's changes by (recipient, watch): one email each, in first-seen order."""
    groups: dict[tuple[str, str], list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups
