"""Windows: the phrases that make a count something other than the metric."""

from __future__ import annotations

import pytest

from monitor.facts.clauses import parse_clauses
from monitor.facts.metrics import MetricSpec
from monitor.facts.numbers import find_numbers, lower_text
from monitor.facts.windows import find_windows, window_for, with_participles

TOLL = MetricSpec("toll", "Toll", ("killed",), cumulative=True)
RATE = MetricSpec("rate", "Rate", ("inflation",), unit="percent")
OFFER = MetricSpec("offer", "Offer", ("offered",), unit="percent")


def window(text: str, number: str, spec: MetricSpec) -> tuple[str | None, str | None]:
    sentence = parse_clauses(text, 0, len(text))
    (mention,) = [m for m in find_numbers(text) if m.text.endswith(number)]
    clause = sentence.clause(mention.start)
    found = find_windows(text, lower_text(text), sentence, {clause})
    return window_for(text, found, mention, spec)


@pytest.mark.parametrize(
    ("text", "number", "spec", "kind"),
    [
        ("Strikes killed 104 people since Friday.", "104", TOLL, "strong"),
        ("Strikes killed 18 people on Tuesday.", "18", TOLL, "weak"),
        ("The war has killed 67,074 people, officials said on Tuesday.", "67,074", TOLL, None),
        ("In 2004, about 250 people were killed.", "250", TOLL, "past"),
        ("The conflict has killed 5,000 people since 2019.", "5,000", TOLL, None),
        ("Inflation peaked at 11.1% in 2022 and is 3.1% in 2026.", "11.1%", RATE, "past"),
        ("Inflation rose to 3.4% last month.", "3.4%", RATE, None),
        ("Hamas would release 20 hostages killed or alive.", "20", TOLL, "planned"),
        ("They have offered 12%.", "12%", OFFER, None),
        ("They had first offered 10%.", "10%", OFFER, "earlier"),
        ("All 20 were killed on Monday.", "20", TOLL, None),
        ("The 2026 floods have killed 31 people.", "31", TOLL, None),
        ("The 2017 floods killed 31 people.", "31", TOLL, "past"),
    ],
)
def test_window_kinds(text: str, number: str, spec: MetricSpec, kind: str | None) -> None:
    assert window(text, number, spec)[1] == kind


def test_ed_terms_stand_for_their_ing_form() -> None:
    assert with_participles(["killed", "death toll", "freed"]) == [
        "killed",
        "death toll",
        "freed",
        "killing",
    ]


WINDOW_PHRASES = [
    ("since Friday", "strong"),
    ("since the truce was signed", "strong"),
    ("in the past 24 hours", "strong"),
    ("in the 48 hours before the vote", "strong"),
    ("in the latest wave of strikes", "strong"),
    ("overnight", "strong"),
    ("two days ago", "strong"),
    ("at one point", "strong"),
    ("at its peak", "strong"),
    ("in the capital alone", "strong"),
    ("an aftershock", "strong"),
    ("took part", "strong"),
    ("turned out", "strong"),
    ("this month", "strong"),
    ("last week", "strong"),
    ("the previous day", "strong"),
    ("on Tuesday", "weak"),
    ("Tuesday's", "weak"),
    ("yesterday", "weak"),
    ("since the floods began last week", "cumulative"),
    ("since the war began", "cumulative"),
    ("initially", "earlier"),
    ("would", "planned"),
    ("in 2019", "past"),
]


@pytest.mark.parametrize(("phrase", "kind"), WINDOW_PHRASES, ids=[p for p, _ in WINDOW_PHRASES])
def test_each_window_phrase_is_found(phrase: str, kind: str) -> None:
    """Also checks metrics.WINDOW_PATTERN_FIRST_WORDS: a pattern is tried only at those words."""
    text = f"Officials counted 10 people {phrase} here."
    sentence = parse_clauses(text, 0, len(text))
    found = find_windows(text, lower_text(text), sentence, {0})
    at = text.index(phrase)
    assert any(a < at + len(phrase) and b > at and k == kind for a, b, k in found), found
