"""Alert scheduling rules: retry backoff, digest times across DST, immediate grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.alerts import group_for_immediate, next_digest_at, retry_delay

LONDON = ZoneInfo("Europe/London")
HOUR = 3600.0


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- retry_delay ------------------------------------------------------------------------------


def test_retry_delay_doubles_from_base() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [60.0, 120.0, 240.0, 480.0]


def test_retry_delay_is_capped_even_after_absurd_attempt_counts() -> None:
    assert retry_delay(9) == 60.0 * 2**8
    assert retry_delay(10) == 6 * HOUR
    assert retry_delay(10_000) == 6 * HOUR
    assert retry_delay(10_000, rand=0.0) == 6 * HOUR * 0.9


def test_retry_delay_jitter_bounds() -> None:
    assert retry_delay(3, rand=0.0) == pytest.approx(240.0 * 0.9)
    assert retry_delay(3, rand=0.999999) == pytest.approx(240.0 * 1.1, rel=1e-5)
    assert retry_delay(3, jitter=0.0, rand=0.9) == 240.0


def test_retry_delay_zero_attempts_waits_the_base() -> None:
    assert retry_delay(0) == 60.0


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"rand": 1.0}, id="rand-1"),
        pytest.param({"rand": -0.1}, id="rand-negative"),
        pytest.param({"jitter": 1.5}, id="jitter"),
        pytest.param({"base": 0.0}, id="base"),
    ],
)
def test_retry_delay_rejects_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        retry_delay(1, **kwargs)


@given(
    st.integers(min_value=0, max_value=200),
    st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    st.floats(min_value=0.0, max_value=0.5),
)
def test_retry_delay_monotone_and_capped(attempts: int, rand: float, jitter: float) -> None:
    here = retry_delay(attempts, rand=rand, jitter=jitter)
    later = retry_delay(attempts + 1, rand=rand, jitter=jitter)
    assert 0 < here <= later <= 6 * HOUR


# --- next_digest_at ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Saturday 25 Oct 2025 is still BST (UTC+1): 08:00 local is 07:00 UTC.
        pytest.param(utc(2025, 10, 25, 6, 0), utc(2025, 10, 25, 7, 0), id="same-day-bst"),
        # Clocks go back at 02:00 BST on Sunday 26 Oct: 08:00 local is now 08:00 UTC.
        pytest.param(utc(2025, 10, 25, 7, 30), utc(2025, 10, 26, 8, 0), id="across-fall-back"),
        pytest.param(utc(2025, 10, 26, 7, 30), utc(2025, 10, 26, 8, 0), id="after-change"),
        # Exactly at the digest minute: strictly after, so the next day.
        pytest.param(utc(2025, 10, 25, 7, 0), utc(2025, 10, 26, 8, 0), id="exactly-at-bst"),
        pytest.param(utc(2025, 10, 26, 8, 0), utc(2025, 10, 27, 8, 0), id="exactly-at-gmt"),
        pytest.param(
            utc(2025, 10, 26, 8, 0) - timedelta(microseconds=1),
            utc(2025, 10, 26, 8, 0),
            id="just-before",
        ),
        # Spring forward, Sunday 30 Mar 2025: 08:00 BST is 07:00 UTC.
        pytest.param(utc(2025, 3, 29, 9, 0), utc(2025, 3, 30, 7, 0), id="across-spring-forward"),
    ],
)
def test_next_digest_at_london(after: datetime, expected: datetime) -> None:
    got = next_digest_at("08:00", "Europe/London", after=after)
    assert got == expected
    assert got.utcoffset() == timedelta(0)
    assert got.astimezone(LONDON).strftime("%H:%M") == "08:00"


def test_after_in_another_zone_is_the_same_instant() -> None:
    after = datetime(2025, 10, 25, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 07:30 UTC
    assert next_digest_at("08:00", "Europe/London", after=after) == utc(2025, 10, 26, 8, 0)


def test_time_in_the_spring_forward_gap_fires_after_the_gap() -> None:
    # 01:30 does not exist in London on 30 Mar 2025: it fires at 02:30 BST (01:30 UTC).
    got = next_digest_at("01:30", "Europe/London", after=utc(2025, 3, 29, 12, 0))
    assert got == utc(2025, 3, 30, 1, 30)


def test_time_repeated_by_fall_back_fires_once() -> None:
    # 01:30 happens twice in London on 26 Oct 2025: first at 00:30 UTC (BST), then 01:30 UTC.
    first = next_digest_at("01:30", "Europe/London", after=utc(2025, 10, 25, 12, 0))
    assert first == utc(2025, 10, 26, 0, 30)
    assert next_digest_at("01:30", "Europe/London", after=first) == utc(2025, 10, 27, 1, 30)


@pytest.mark.parametrize(
    ("digest_at", "zone", "after", "message"),
    [
        pytest.param("8am", "UTC", utc(2025, 1, 1), "HH:MM", id="format"),
        pytest.param("24:00", "UTC", utc(2025, 1, 1), "HH:MM", id="hour"),
        pytest.param("08:00", "Mars/Olympus", utc(2025, 1, 1), "unknown timezone", id="zone"),
        pytest.param("08:00", "UTC", datetime(2025, 1, 1), "timezone-aware", id="naive"),
    ],
)
def test_next_digest_at_rejects(digest_at: str, zone: str, after: datetime, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        next_digest_at(digest_at, zone, after=after)


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=0, max_value=23),
    st.sampled_from([0, 15, 30, 59]),
    st.sampled_from(["Europe/London", "America/New_York", "Asia/Gaza", "Australia/Lord_Howe"]),
)
def test_next_digest_at_is_soon_after_and_on_the_clock(
    after: datetime, hour: int, minute: int, zone: str
) -> None:
    got = next_digest_at(f"{hour:02d}:{minute:02d}", zone, after=after)
    assert after < got <= after + timedelta(hours=26)
    local = got.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    wanted = local.replace(hour=hour, minute=minute)
    # On the wall clock, unless the time fell in a spring-forward gap and moved past it.
    assert local == wanted or timedelta(0) < local - wanted <= timedelta(hours=1)


# --- group_for_immediate ----------------------------------------------------------------------


def test_group_by_recipient_and_watch_in_first_seen_order() -> None:
    items = [
        ("desk@x", "gaza", "toll"),
        ("ngo@y", "gaza", "toll"),
        ("desk@x", "syria", "toll"),
        ("desk@x", "gaza", "captives"),
    ]
    groups = group_for_immediate(items, key=lambda i: (i[0], i[1]))
    assert list(groups) == [("desk@x", "gaza"), ("ngo@y", "gaza"), ("desk@x", "syria")]
    assert [i[2] for i in groups[("desk@x", "gaza")]] == ["toll", "captives"]


def test_group_of_nothing_is_empty() -> None:
    assert group_for_immediate([], key=lambda i: ("a", "b")) == {}
