"""Next-poll and revisit arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from monitor.schedule import next_check_at, next_poll_at

NOW = datetime(2025, 10, 7, 12, 0, tzinfo=UTC)


def delay(**kwargs: object) -> float:
    args: dict[str, object] = {
        "interval": 600.0,
        "jitter": 0.0,
        "failures": 0,
        "max_backoff": 3600.0,
        "rand": 0.5,
    }
    args.update(kwargs)
    return (next_poll_at(NOW, **args) - NOW).total_seconds()  # type: ignore[arg-type]


def test_success_uses_the_interval() -> None:
    assert delay() == 600


def test_jitter_spreads_both_ways() -> None:
    assert delay(jitter=0.1, rand=0.0) == 540
    assert delay(jitter=0.1, rand=1.0) == 660


def test_backoff_doubles_and_is_capped() -> None:
    assert [delay(failures=n) for n in (1, 2, 3, 4, 10)] == [600, 1200, 2400, 3600, 3600]


def test_retry_after_is_honoured() -> None:
    assert delay(failures=1, retry_after=7200.0) == 7200


@given(st.floats(1, 86400), st.floats(0, 1), st.integers(0, 100), st.floats(0, 0.999))
def test_next_poll_is_always_in_the_future_and_bounded(
    interval: float, jitter: float, failures: int, rand: float
) -> None:
    seconds = delay(
        interval=interval, jitter=jitter, failures=failures, rand=rand, max_backoff=6 * 3600.0
    )
    assert interval / 2 - 1e-6 <= seconds <= max(6 * 3600.0, interval) * 1.5 + 1e-6


def test_revisits_decay_then_stop() -> None:
    first = NOW
    offsets = [900.0, 3600.0, 86400.0]
    assert next_check_at(first, offsets, now=NOW) == NOW + timedelta(seconds=900)
    assert next_check_at(first, offsets, now=NOW + timedelta(minutes=20)) == NOW + timedelta(
        hours=1
    )
    # The daemon was down for hours: the missed revisits are skipped, not replayed.
    assert next_check_at(first, offsets, now=NOW + timedelta(hours=5)) == NOW + timedelta(days=1)
    assert next_check_at(first, offsets, now=NOW + timedelta(days=2)) is None
