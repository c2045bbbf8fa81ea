"""The figure diff: what a new report means against the current state (pure, no clock, no DB)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.diff import (
    DISPOSITIONS,
    FigureState,
    diff_figure,
    state_from_dict,
    state_from_figure,
    state_to_dict,
)
from monitor.facts.figures import Figure
from monitor.facts.metrics import MetricSpec, MinChange
from monitor.facts.model import Source
from monitor.facts.numbers import find_numbers

DAY1 = datetime(2025, 10, 7, 12, 0, tzinfo=UTC)

TOLL = MetricSpec(
    "death_toll", "Gaza death toll", ("death toll",), cumulative=True, min_change=MinChange()
)
TOLL_MIN = replace(TOLL, min_change=MinChange(relative=0.001))  # "0.1%"
TOLL_ABS = replace(TOLL, min_change=MinChange(absolute=100))
HELD = MetricSpec("captives_held", "Captives held in Gaza", ("captives",))
INFLATION = MetricSpec("inflation", "Inflation", ("inflation",), unit="percent")
PLEDGED = MetricSpec("aid", "Aid pledged", ("pledged",), unit="currency")


def day(n: int) -> datetime:
    return DAY1 + timedelta(days=n - 1)


def source(outlet: str, n: int, slug: str = "") -> Source:
    name = {"A": "Example News", "B": "Example Wire", "C": "Other Daily"}[outlet]
    url = f"https://{outlet.lower()}.example.org/{slug or f'day{n}'}"
    return Source(name=name, url=url, published_at=day(n), title=f"{name} {n}")


def figure(phrase: str, spec: MetricSpec = TOLL, window: str | None = None) -> Figure:
    (mention,) = find_numbers(phrase)
    return Figure(
        key=spec.name,
        label=spec.label,
        value=mention.value,
        low=mention.low,
        high=mention.high,
        bound=mention.bound,
        unit=mention.unit,
        display=mention.text,
        evidence=f"Officials gave a figure of {phrase} on the day.",
        offset=0,
        window=window,
        end=len(mention.text),
    )


def state(phrase: str, src: Source, spec: MetricSpec = TOLL) -> FigureState:
    assert src.published_at is not None
    return state_from_figure(figure(phrase, spec), src, src.published_at)


@dataclass(frozen=True)
class Case:
    id: str
    current: tuple[str, Source] | None
    new: tuple[str, Source]
    spec: MetricSpec
    disposition: str
    delta: float | None = None
    window: str | None = None


CASES = [
    Case("first-report-is-baseline", None, ("more than 66,600", source("A", 1)), TOLL, "baseline"),
    Case(
        "more-than-then-exact-above-is-change",
        ("more than 66,600", source("A", 1)),
        ("67,074", source("A", 2)),
        TOLL,
        "change",
        474,
    ),
    Case(
        "more-than-then-higher-more-than-is-change",
        ("more than 66,600", source("A", 1)),
        ("more than 66,700", source("B", 2)),
        TOLL,
        "change",
        100,
    ),
    Case(
        "exact-then-about-is-rounding",
        ("67,074", source("A", 1)),
        ("about 67,000", source("B", 2)),
        TOLL,
        "same",
    ),
    Case(
        "about-then-exact-inside-is-rounding",
        ("about 67,000", source("A", 1)),
        ("67,074", source("B", 2)),
        TOLL,
        "same",
    ),
    Case(
        "exact-then-round-thousand-is-rounding",
        ("67,074", source("A", 1)),
        ("67,000", source("B", 2)),
        TOLL,
        "same",
    ),
    Case(
        "exact-then-nearly-next-hundred-is-rounding",
        ("67,074", source("A", 1)),
        ("nearly 67,100", source("B", 2)),
        TOLL,
        "same",
    ),
    Case(
        "same-value-other-outlet-corroborates",
        ("67,074", source("A", 1)),
        ("67,074", source("B", 1)),
        TOLL,
        "corroborated",
    ),
    Case(
        "same-bound-phrase-other-outlet-corroborates",
        ("more than 66,600", source("A", 1)),
        ("more than 66,600", source("B", 2)),
        TOLL,
        "corroborated",
    ),
    Case(
        "same-value-same-outlet-other-article-is-same",
        ("67,074", source("A", 1)),
        ("67,074", source("A", 2)),
        TOLL,
        "same",
    ),
    Case(
        "old-floor-repeated-is-still-true-so-not-news",
        ("67,074", source("A", 2)),
        ("more than 66,600", source("B", 3)),
        TOLL,
        "same",
    ),
    Case(
        "lower-cumulative-from-other-outlet-is-stale",
        ("67,074", source("A", 2)),
        ("66,210", source("B", 3)),
        TOLL,
        "stale",
    ),
    Case(
        "lower-rounded-cumulative-from-other-outlet-is-stale",
        ("67,074", source("A", 2)),
        ("66,000", source("B", 3)),
        TOLL,
        "stale",
    ),
    Case(
        "lower-but-literally-true-is-not-news",
        ("67,074", source("A", 2)),
        ("more than 60,000", source("B", 3)),
        TOLL,
        "same",
    ),
    Case(
        "small-count-rounded-down-is-not-news",
        ("24", source("A", 1)),
        ("more than 20", source("B", 2)),
        TOLL,
        "same",
    ),
    Case(
        "small-count-above-stated-floor-is-change",
        ("more than 20", source("A", 1)),
        ("24", source("B", 2)),
        TOLL,
        "change",
        4,
    ),
    Case(
        "nearly-then-the-round-number-is-same",
        ("nearly 43,000", source("A", 1)),
        ("43,000", source("B", 2)),
        TOLL,
        "same",
    ),
    Case(
        "same-outlet-lowers-own-figure-is-correction",
        ("67,074", source("A", 2)),
        ("66,980", source("A", 3)),
        TOLL,
        "correction",
        -94,
    ),
    Case(
        "article-revised-in-place-lower-is-correction",
        ("67,074", source("A", 2, "toll")),
        ("66,980", replace(source("A", 2, "toll"), title="corrected")),
        TOLL,
        "correction",
        -94,
    ),
    Case(
        "article-revised-in-place-higher-is-change",
        ("67,074", source("A", 2, "toll")),
        ("67,211", source("A", 2, "toll")),
        TOLL,
        "change",
        137,
    ),
    Case(
        "non-cumulative-decrease-is-change",
        ("48", source("A", 1)),
        ("20", source("B", 5)),
        HELD,
        "change",
        -28,
    ),
    Case(
        "older-article-fetched-later-is-older",
        ("67,074", source("A", 2)),
        ("more than 70,000", source("B", 1)),
        TOLL,
        "older",
    ),
    Case(
        "windowed-count-is-never-compared",
        ("more than 66,600", source("A", 1)),
        ("104", source("A", 2)),
        TOLL,
        "windowed",
        window="since Friday",
    ),
    Case(
        "windowed-count-is-not-a-baseline",
        None,
        ("10", source("A", 1)),
        TOLL,
        "windowed",
        window="on Tuesday",
    ),
    Case(
        "move-below-relative-min-change",
        ("67,074", source("A", 2)),
        ("67,100", source("A", 3)),
        TOLL_MIN,
        "below_threshold",
    ),
    Case(
        "move-above-relative-min-change",
        ("67,074", source("A", 2)),
        ("67,211", source("A", 3)),
        TOLL_MIN,
        "change",
        137,
    ),
    Case(
        "move-below-absolute-min-change",
        ("67,074", source("A", 2)),
        ("67,150", source("B", 3)),
        TOLL_ABS,
        "below_threshold",
    ),
    Case(
        "small-correction-is-below-threshold",
        ("67,074", source("A", 2)),
        ("67,070", source("A", 3)),
        TOLL_MIN,
        "below_threshold",
    ),
    Case(
        "percent-down-is-change",
        ("3.4%", source("A", 1)),
        ("3.1%", source("B", 30)),
        INFLATION,
        "change",
        -0.3,
    ),
    Case(
        "other-currency-is-incomparable",
        ("$3.5 billion", source("A", 1)),
        ("€3.9 billion", source("B", 2)),
        PLEDGED,
        "incomparable",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_disposition(case: Case) -> None:
    current = state(case.current[0], case.current[1], case.spec) if case.current else None
    phrase, src = case.new
    outcome = diff_figure(
        figure(phrase, case.spec, case.window), src, current, case.spec, observed_at=day(9)
    )
    assert outcome.disposition == case.disposition
    assert outcome.disposition in DISPOSITIONS
    alerted = case.disposition in ("change", "correction")
    assert (outcome.change is not None) == alerted
    if outcome.change is not None:
        assert outcome.change.delta == pytest.approx(case.delta)
        assert outcome.change.kind == (
            "correction" if case.disposition == "correction" else "figure"
        )
        assert outcome.change.old == current
        assert outcome.state == outcome.change.new
    if case.disposition in ("stale", "older", "below_threshold", "windowed", "incomparable"):
        assert outcome.state is None  # the current state stays


def test_change_summary_and_significance() -> None:
    current = state("more than 66,600", source("A", 1))
    outcome = diff_figure(figure("67,074"), source("A", 2), current, TOLL, observed_at=day(2))
    assert outcome.change is not None
    assert outcome.change.summary == "Gaza death toll: more than 66,600 -> 67,074 (+474)"
    assert 0.0 < outcome.change.significance <= 1.0
    assert outcome.change.label == "Gaza death toll"
    assert outcome.change.key == "death_toll"


def test_correction_summary_says_so() -> None:
    current = state("67,074", source("A", 2))
    outcome = diff_figure(figure("66,980"), source("A", 3), current, TOLL, observed_at=day(3))
    assert outcome.change is not None
    assert outcome.change.summary == "Gaza death toll (corrected): 67,074 -> 66,980 (-94)"
    assert outcome.change.significance >= 0.6


def test_corroboration_adds_the_source_and_keeps_the_value() -> None:
    current = state("67,074", source("A", 2))
    outcome = diff_figure(figure("67,074"), source("B", 2), current, TOLL, observed_at=day(2))
    assert outcome.state is not None
    assert outcome.state.value == 67074
    assert outcome.state.source == current.source
    assert [s.name for s in outcome.state.sources] == ["Example News", "Example Wire"]
    again = diff_figure(figure("67,074"), source("B", 3), outcome.state, TOLL, observed_at=day(3))
    assert again.disposition == "same"


def test_a_more_precise_report_becomes_the_state() -> None:
    current = state("about 67,000", source("A", 1))
    outcome = diff_figure(figure("67,074"), source("B", 2), current, TOLL, observed_at=day(2))
    assert outcome.disposition == "same"
    assert outcome.state is not None
    assert outcome.state.display == "67,074"
    vaguer = diff_figure(
        figure("about 67,000"), source("C", 3), outcome.state, TOLL, observed_at=day(3)
    )
    assert vaguer.disposition == "same"
    assert vaguer.state is None


def test_small_moves_add_up_against_the_last_alerted_value() -> None:
    current = state("67,074", source("A", 2))
    dispositions = []
    for n, phrase in enumerate(["67,100", "67,120", "67,140", "67,160"], start=3):
        outcome = diff_figure(figure(phrase), source("A", n), current, TOLL_MIN, observed_at=day(n))
        dispositions.append(outcome.disposition)
        if outcome.state is not None:
            current = outcome.state
    assert dispositions == ["below_threshold", "below_threshold", "below_threshold", "change"]
    assert current.value == 67160


def test_story_sequence() -> None:
    """The founding story over a few days: only real moves are alerted, each once."""
    reports = [
        ("more than 66,600", source("A", 1), None),
        ("more than 66,600", source("B", 1), None),
        ("10", source("A", 1), "on Tuesday"),
        ("67,074", source("A", 2), None),
        ("about 67,000", source("C", 2), None),
        ("more than 66,600", source("B", 3, "late"), None),  # an old floor, still true
        ("66,000", source("C", 3, "stale"), None),  # an outlet repeating an old rounded toll
        ("67,120", source("B", 3), None),  # +46: below the 0.1% threshold
        ("67,211", source("B", 3), None),
        ("67,211", source("C", 3), None),
        ("more than 67,000", source("A", 1, "old"), None),  # an old article fetched late
    ]
    current: FigureState | None = None
    alerts = []
    dispositions = []
    for phrase, src, window in reports:
        assert src.published_at is not None
        outcome = diff_figure(
            figure(phrase, window=window), src, current, TOLL_MIN, observed_at=src.published_at
        )
        dispositions.append(outcome.disposition)
        if outcome.change is not None:
            alerts.append(outcome.change.summary)
        if outcome.state is not None:
            current = outcome.state
    assert alerts == [
        "Gaza death toll: more than 66,600 -> 67,074 (+474)",
        "Gaza death toll: 67,074 -> 67,211 (+137)",
    ]
    assert dispositions == [
        "baseline",
        "corroborated",
        "windowed",
        "change",
        "same",
        "same",
        "stale",
        "below_threshold",
        "change",
        "corroborated",
        "older",
    ]


def test_naive_and_aware_times_compare() -> None:
    naive = Source("Example News", "https://a.example.org/x", datetime(2025, 10, 7, 9, 0), "")
    current = state_from_figure(figure("67,074"), naive, datetime(2025, 10, 7, 9, 0))
    outcome = diff_figure(figure("67,074"), source("B", 2), current, TOLL, observed_at=day(2))
    assert outcome.disposition == "corroborated"


def test_an_older_article_with_the_same_value_still_corroborates() -> None:
    current = state("67,074", source("A", 3))
    outcome = diff_figure(figure("67,074"), source("B", 2), current, TOLL, observed_at=day(4))
    assert outcome.disposition == "corroborated"


def test_an_undated_state_makes_nothing_older() -> None:
    undated = Source("Other Daily", "https://c.example.org/x", None, "")
    current = state_from_figure(figure("67,074"), undated, day(5))
    outcome = diff_figure(figure("67,211"), source("A", 2), current, TOLL, observed_at=day(6))
    assert outcome.disposition == "change"


def test_unknown_publication_time_is_not_older() -> None:
    current = state("67,074", source("A", 2))
    undated = Source("Other Daily", "https://c.example.org/x", None, "")
    outcome = diff_figure(figure("67,200"), undated, current, TOLL, observed_at=day(3))
    assert outcome.disposition == "change"


# --- recounts ----------------------------------------------------------------------------------
def test_a_recount_falling_back_on_a_value_left_behind_is_stale() -> None:
    first = state("$80 billion", source("A", 1), PLEDGED)
    raised = diff_figure(
        figure("$100 billion", PLEDGED), source("B", 2), first, PLEDGED, observed_at=day(2)
    )
    assert raised.state is not None
    final = diff_figure(
        figure("$120 billion", PLEDGED), source("A", 3), raised.state, PLEDGED, observed_at=day(3)
    )
    assert final.disposition == "change"
    assert final.state is not None
    # the implied intervals of "$100 billion" and "$80 billion", newest first
    assert [
        low <= v <= high for (low, high), v in zip(final.state.left, (1e11, 8e10), strict=True)
    ] == [True, True]
    recount = replace(figure("$100 billion", PLEDGED), recount=True)
    outcome = diff_figure(recount, source("C", 4), final.state, PLEDGED, observed_at=day(4))
    assert outcome.disposition == "stale"
    assert outcome.change is None


def test_a_plain_report_of_an_earlier_value_is_still_a_change() -> None:
    """Rates and prices do go back: only an article that recounts history is held back."""
    first = state("4%", source("A", 1), INFLATION)
    up = diff_figure(
        figure("4.25%", INFLATION), source("A", 2), first, INFLATION, observed_at=day(2)
    )
    assert up.state is not None
    back = diff_figure(
        figure("4%", INFLATION), source("B", 3), up.state, INFLATION, observed_at=day(3)
    )
    assert back.disposition == "change"


# --- JSON --------------------------------------------------------------------------------------
def test_state_round_trips_through_json() -> None:
    current = state("more than 66,600", source("A", 1))
    outcome = diff_figure(
        figure("more than 66,600"), source("B", 1), current, TOLL, observed_at=day(1)
    )
    assert outcome.state is not None
    text = json.dumps(state_to_dict(outcome.state))
    assert state_from_dict(json.loads(text)) == outcome.state


def test_left_values_round_trip_through_json() -> None:
    current = state("48", source("A", 1), HELD)
    moved = diff_figure(figure("20", HELD), source("A", 2), current, HELD, observed_at=day(2))
    assert moved.state is not None
    assert moved.state.left == ((48, 48),)
    assert state_from_dict(json.loads(json.dumps(state_to_dict(moved.state)))) == moved.state


def test_state_from_dict_defaults_sources_to_the_source() -> None:
    data = state_to_dict(state("48", source("A", 1), HELD))
    del data["sources"]
    restored = state_from_dict(data)
    assert restored.sources == (restored.source,)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", "many"),
        ("value", float("nan")),
        ("low", "x"),
        ("observed_at", 12),
        ("source", "x"),
        ("left", "x"),
        ("left", [[1.0]]),
    ],
)
def test_state_from_dict_rejects_bad_fields(field: str, value: object) -> None:
    data = state_to_dict(state("48", source("A", 1), HELD))
    data[field] = value
    with pytest.raises(ValueError, match="diff:"):
        state_from_dict(data)


def test_state_from_dict_names_a_missing_field() -> None:
    data = state_to_dict(state("48", source("A", 1), HELD))
    del data["value"]
    with pytest.raises(ValueError, match="value"):
        state_from_dict(data)


# --- invariants --------------------------------------------------------------------------------
PHRASES = st.builds(
    lambda bound, number: f"{bound}{number:,}",
    st.sampled_from(["", "more than ", "at least ", "nearly ", "about ", "up to ", "fewer than "]),
    st.integers(min_value=1, max_value=5_000_000),
)


@settings(max_examples=300, deadline=None)
@given(PHRASES, st.booleans())
def test_a_report_against_its_own_state_is_never_news(phrase: str, cumulative: bool) -> None:
    spec = replace(TOLL, cumulative=cumulative)
    fig = figure(phrase, spec)
    own = state_from_figure(fig, source("A", 2), day(2))
    same = diff_figure(fig, source("A", 2), own, spec, observed_at=day(2))
    assert same.disposition == "same"
    other = diff_figure(fig, source("B", 2), own, spec, observed_at=day(2))
    assert other.disposition == "corroborated"


@settings(max_examples=300, deadline=None)
@given(PHRASES, PHRASES, st.booleans(), st.sampled_from(["A", "B"]))
def test_diff_invariants(first: str, second: str, cumulative: bool, outlet: str) -> None:
    spec = replace(TOLL, cumulative=cumulative)
    current = state(first, source("A", 2), spec)
    outcome = diff_figure(
        figure(second, spec), source(outlet, 3), current, spec, observed_at=day(3)
    )
    assert outcome.disposition in DISPOSITIONS
    if outcome.change is not None:
        change = outcome.change
        assert change.delta == pytest.approx(change.new.value - change.old.value)  # type: ignore[union-attr]
        assert 0.0 <= change.significance <= 1.0
        assert change.summary.startswith("Gaza death toll")
        if change.kind == "correction":
            assert cumulative
            assert outlet == "A"
            assert change.delta is not None
            assert change.delta <= 0
    if cumulative and outlet == "B":
        assert outcome.disposition != "correction"
    restored = state_from_dict(json.loads(json.dumps(state_to_dict(outcome.state or current))))
    assert restored == (outcome.state or current)
