"""Numbers in text: formats, bound words, intervals, and the numbers that are not quantities."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.facts.numbers import NumberMention, find_numbers, implied_interval


def only(text: str) -> NumberMention:
    found = find_numbers(text)
    assert len(found) == 1, [m.text for m in found]
    return found[0]


# (text, phrase as found, value, bound, unit)
READ = [
    ("66,600", "66,600", 66600, "exact", "count"),
    ("1.2 million", "1.2 million", 1_200_000, "exact", "count"),
    ("5bn", "5bn", 5e9, "exact", "count"),
    ("$3.5 billion", "$3.5 billion", 3.5e9, "exact", "currency:USD"),
    ("US$1.2bn", "US$1.2bn", 1.2e9, "exact", "currency:USD"),
    ("€40m", "€40m", 4e7, "exact", "currency:EUR"),
    ("USD 5 million", "USD 5 million", 5e6, "exact", "currency:USD"),
    ("500 million dollars", "500 million", 5e8, "exact", "currency:USD"),
    ("twenty", "twenty", 20, "exact", "count"),
    ("one hundred and four", "one hundred and four", 104, "exact", "count"),
    ("twenty-one", "twenty-one", 21, "exact", "count"),
    ("two million", "two million", 2e6, "exact", "count"),
    ("half a million", "half a million", 5e5, "exact", "count"),
    ("a dozen", "a dozen", 12, "about", "count"),
    ("125%", "125%", 125, "exact", "percent"),
    ("125 percent", "125 percent", 125, "exact", "percent"),
    ("3.4 per cent", "3.4 per cent", 3.4, "exact", "percent"),
    ("0.5 percentage points", "0.5 percentage points", 0.5, "exact", "percentage_point"),
    ("more than 66,600", "more than 66,600", 66600, "more_than", "count"),
    ("over 1,000", "over 1,000", 1000, "more_than", "count"),
    ("at least 10", "at least 10", 10, "at_least", "count"),
    ("nearly 43,000", "nearly 43,000", 43000, "nearly", "count"),
    ("almost 500", "almost 500", 500, "nearly", "count"),
    ("about 67,000", "about 67,000", 67000, "about", "count"),
    ("around 300", "around 300", 300, "about", "count"),
    ("some 1,200", "some 1,200", 1200, "about", "count"),
    ("roughly 2,000", "roughly 2,000", 2000, "about", "count"),
    ("approximately 90%", "approximately 90%", 90, "about", "percent"),
    ("an estimated 1.9 million", "an estimated 1.9 million", 1.9e6, "about", "count"),
    ("up to 50", "up to 50", 50, "up_to", "count"),
    ("fewer than 100", "fewer than 100", 100, "fewer_than", "count"),
    ("less than 5%", "less than 5%", 5, "fewer_than", "percent"),
    ("50 or more", "50 or more", 50, "at_least", "count"),
    ("300 or so", "300 or so", 300, "about", "count"),
    ("10,000-plus", "10,000-plus", 10000, "at_least", "count"),
    ("between 40 and 50", "between 40 and 50", 45, "range", "count"),
    ("40 to 50", "40 to 50", 45, "range", "count"),
    ("40-50", "40-50", 45, "range", "count"),
    ("3–4%", "3–4%", 3.5, "range", "percent"),
    ("between 1.2 and 1.5 million", "between 1.2 and 1.5 million", 1.35e6, "range", "count"),
    ("$3-4 billion", "$3-4 billion", 3.5e9, "range", "currency:USD"),
    ("dozens", "dozens", 24, "vague", "count"),
    ("tens of thousands", "tens of thousands", 20000, "vague", "count"),
    ("Thousands", "Thousands", 2000, "vague", "count"),
    ("−3.4%", "−3.4%", -3.4, "exact", "percent"),
    ("1.234,5", "1.234,5", 1234.5, "exact", "count"),
    ("1\u00a0234,5", "1\u00a0234,5", 1234.5, "exact", "count"),
    ("66\u202f600", "66\u202f600", 66600, "exact", "count"),
    ("1'234.5", "1'234.5", 1234.5, "exact", "count"),
    ("1.234.567", "1.234.567", 1234567, "exact", "count"),
    ("٦٦٬٦٠٠", "٦٦٬٦٠٠", 66600, "exact", "count"),
    ("2½ million", "2½ million", 2.5e6, "exact", "count"),
    ("72 hours", "72", 72, "exact", "duration"),
    ("10 km", "10", 10, "exact", "measure"),
]


@pytest.mark.parametrize(
    ("text", "phrase", "value", "bound", "unit"), READ, ids=[r[0] for r in READ]
)
def test_reads(text: str, phrase: str, value: float, bound: str, unit: str) -> None:
    mention = only(text)
    assert mention.text == phrase
    assert mention.value == pytest.approx(value)
    assert mention.bound == bound
    assert mention.unit == unit


NOT_QUANTITIES = [
    "in 2025",
    "on 7 October",
    "on October 7",
    "Oct. 7",
    "the 7th of October",
    "at 10:30",
    "at 3 pm",
    "at 0800 GMT",
    "aged 12",
    "a 12-year-old",
    "12 years old",
    "aged 18 to 25",
    "Ahmed, 12, was hurt",
    "Sara (9) was hurt",
    "the second day",
    "the 3rd round",
    "a 20-point proposal",
    "a 20 point plan",
    "F-16 jets",
    "COVID-19",
    "the G7",
    "5G masts",
    "the 1990s",
    "in his 40s",
    "Resolution 2334",
    "No. 10",
    "phase 2",
    "the 2023-24 budget",
    "https://example.org/2025/10/07/story-66600",
    "www.example.net/67074",
    "id=123",
    "call +44 20 7946 0958",
    "call 555-123-4567",
    "call (202) 555-0123",
    "on 2025-10-07",
    "on 7/10/2025",
    "24/7",
    "10^30",
    "1e30",
    "1.234",  # a decimal in English, a thousand in German: never guessed
    "66.600 Tote",
    "1,5 Millionen",
    "no one was hurt",
    "one of them",
    "a 5m wall",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_quantities(text: str) -> None:
    assert [m.text for m in find_numbers(text)] == []


def test_absurd_magnitudes_are_dropped() -> None:
    assert find_numbers("10,000,000,000,000,000,000 people") == []
    assert find_numbers("a debt of $9,000,000,000,000,000,000") == []


def test_year_with_a_bound_word_or_a_count_noun_is_a_count() -> None:
    assert only("more than 2000").value == 2000
    assert only("2000 people").value == 2000


def test_rose_from_to_is_two_numbers_not_a_range() -> None:
    assert [m.value for m in find_numbers("rose from 40 to 50")] == [40, 50]
    assert [m.value for m in find_numbers("rose by 474 to 67,074")] == [474, 67074]


# --- intervals -----------------------------------------------------------------------------------
def interval(text: str) -> tuple[float | None, float | None]:
    mention = only(text)
    return mention.low, mention.high


def test_more_than_is_tight_to_the_stated_precision() -> None:
    low, high = interval("more than 66,600")
    assert (low, high) == (66600, 66700)
    assert high is not None
    assert high < 67074  # so a later 67,074 is news


def test_about_covers_a_precise_figure_nearby() -> None:
    low, high = interval("about 67,000")
    assert low is not None
    assert high is not None
    assert low <= 67074 <= high
    assert (low, high) == (66000, 68000)


def test_nearly_lies_just_below() -> None:
    assert interval("nearly 43,000") == (42000, 43000)


def test_exact_is_a_point_and_round_is_rounding() -> None:
    assert interval("67,074") == (67074, 67074)
    assert interval("67,000") == (66500, 67500)
    assert interval("1.2 million") == (1_150_000, 1_250_000)
    assert interval("48") == (48, 48)
    assert interval("2,000") == (2000, 2000)  # below the rounding threshold: a count


def test_slack_is_capped_for_single_digit_precision() -> None:
    assert interval("more than 60,000") == (60000, 66000)
    assert interval("at least 10") == (10, 11)


def test_implied_interval_never_excludes_the_value() -> None:
    for bound in ("exact", "more_than", "at_least", "about", "nearly", "up_to", "fewer_than"):
        low, high = implied_interval(bound, 250.0, 50.0, "count", rounded=True)
        assert low <= 250.0 <= high


# --- bad input -----------------------------------------------------------------------------------
def test_empty_and_blank() -> None:
    assert find_numbers("") == []
    assert find_numbers("   \n\t ") == []


def test_ten_thousand_numbers() -> None:
    text = " ".join(f"{i * 7 + 11}," for i in range(10_000))
    found = find_numbers(text)
    assert 9_000 <= len(found) <= 10_000
    assert all(text[m.start : m.end] == m.text for m in found)


def test_spans_are_in_the_original_text_with_other_scripts() -> None:
    text = "قُتل ٦٦٬٦٠٠ شخص and more than ٤٨ captives"
    found = find_numbers(text)
    assert [m.value for m in found] == [66600, 48]
    assert [text[m.start : m.end] for m in found] == ["٦٦٬٦٠٠", "more than ٤٨"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_and_spans_hold(text: str) -> None:
    found = find_numbers(text)
    previous_end = 0
    for mention in found:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        assert mention.start >= previous_end
        previous_end = mention.end
        assert math.isfinite(mention.value)
        assert mention.low is None or mention.low <= mention.value
        assert mention.high is None or mention.value <= mention.high


NUMBERISH = st.lists(
    st.sampled_from([*"0123456789,. -–%$€£½", "million", " bn", "more than ", "aged ", "k"]),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(NUMBERISH)
def test_number_soup_never_raises(text: str) -> None:
    for mention in find_numbers(text):
        assert text[mention.start : mention.end] == mention.text
        assert mention.low is None or mention.high is None or mention.low <= mention.high


def test_scale_words_in_a_row_multiply() -> None:
    (thousand_million,) = find_numbers("a thousand million dollars")
    assert thousand_million.value == 1e9
    # "a billion billion souls" is 1e18 people: absurd, so no figure at all
    assert find_numbers("a hostage exchange involving a billion billion souls") == []


def test_a_verb_with_up_to_is_not_a_bound() -> None:
    (edged,) = find_numbers("Core inflation edged up to 3.1%.")
    assert edged.bound == "exact"
    (upto,) = find_numbers("The storm could displace up to 50,000 people.")
    assert upto.bound == "up_to"
