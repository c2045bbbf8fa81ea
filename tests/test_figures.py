"""Figures: which number a metric's terms govern, windows, context, exclusions, precedence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.facts.figures import Figure, find_figures, split_sentences
from monitor.facts.metrics import BUILTIN_METRICS, MetricSpec, MinChange

DATA = Path(__file__).parent / "data" / "figures"
CASES: dict[str, Any] = yaml.safe_load((DATA / "cases.yaml").read_text(encoding="utf-8"))


def spec_from(data: dict[str, Any]) -> MetricSpec:
    fields = dict(data)
    min_change = fields.pop("min_change", None)
    for name in ("terms", "exclude", "context"):
        if name in fields:
            fields[name] = tuple(fields[name])
    return MetricSpec(min_change=MinChange(**min_change) if min_change else MinChange(), **fields)


METRIC_SETS = {
    name: tuple(spec_from(item) for item in items) for name, items in CASES["metric_sets"].items()
}
GAZA = METRIC_SETS["gaza"]


def matches(fig: Figure, want: dict[str, Any]) -> bool:
    if fig.key != want["key"] or fig.value != pytest.approx(want["value"]):
        return False
    if "bound" in want and fig.bound != want["bound"]:
        return False
    if "window" in want:
        window = want["window"]
        if window is None:
            return fig.window is None
        if window == "any":
            return fig.window is not None
        return fig.window == window
    return True


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["id"] for c in CASES["cases"]])
def test_case(case: dict[str, Any]) -> None:
    figures = find_figures(case["text"], METRIC_SETS[case["metrics"]], all_mentions=True)
    seen = [(f.key, f.value, f.bound, f.window) for f in figures]
    for want in case.get("expect") or []:
        assert any(matches(f, want) for f in figures), f"missing {want} in {seen}"
    for banned in case.get("forbid") or []:
        hit = [f for f in figures if f.key == banned["key"] and f.value == banned["value"]]
        assert all(f.window is not None for f in hit), f"forbidden {banned} in {seen}"
    if case.get("only"):
        wanted = {(w["key"], float(w["value"])) for w in case.get("expect") or []}
        assert {(f.key, f.value) for f in figures} <= wanted, seen


# --- the founding story --------------------------------------------------------------------
DAY1 = (DATA / "day1_wire.txt").read_text(encoding="utf-8")


def test_first_day_lists_toll_captives_and_alive() -> None:
    figures = find_figures(DAY1, GAZA)
    by_key = {f.key: f for f in figures if f.window is None}
    assert by_key["death_toll"].display == "more than 66,600"
    assert by_key["death_toll"].bound == "more_than"
    assert by_key["captives_held"].value == 48
    assert by_key["captives_alive"].value == 20
    assert "20 of whom are thought to be alive" in by_key["captives_alive"].evidence


def test_first_day_never_takes_10_or_104_as_the_cumulative_toll() -> None:
    cumulative = {s.name for s in (*GAZA, *BUILTIN_METRICS) if s.cumulative}
    for figure in find_figures(DAY1, GAZA, all_mentions=True):
        if figure.value in (10, 104) and figure.key in cumulative:
            assert figure.window is not None, figure
    windows = {f.value: f.window for f in find_figures(DAY1, GAZA) if f.window}
    assert windows[10] == "on Tuesday"
    assert windows[104] == "since Friday"


def test_second_day_explainer() -> None:
    text = (DATA / "day2_explainer.txt").read_text(encoding="utf-8")
    held = MetricSpec("captives_held", "Captives held", ("captives", "hostages", "remain in Gaza"))
    metrics = (GAZA[0], held, GAZA[2])
    by_key = {f.key: f for f in find_figures(text, metrics) if f.window is None}
    assert by_key["death_toll"].value == 67074
    assert by_key["captives_held"].value == 48
    assert by_key["captives_alive"].value == 20
    assert by_key["injured"].value == 169430


def test_figure_points_at_its_number_and_sentence() -> None:
    text = "Talks resumed on Tuesday.  The overall death toll rose to more than 66,600."
    (figure,) = find_figures(text, GAZA)
    assert text[figure.offset : figure.end] == "more than 66,600"
    assert figure.display == "more than 66,600"
    assert figure.evidence == "The overall death toll rose to more than 66,600."
    assert figure.label == "Gaza death toll"
    assert not figure.builtin


# --- precedence, selection, configuration ----------------------------------------------------
def test_watch_metric_takes_precedence_over_builtin() -> None:
    text = "Hamas still holds 48 hostages in Gaza."
    assert [(f.key, f.builtin) for f in find_figures(text, GAZA)] == [("captives_held", False)]
    assert [(f.key, f.builtin) for f in find_figures(text, ())] == [("hostages", True)]


def test_builtins_can_be_switched_off() -> None:
    text = "At least 12 people were killed and 40 injured in the crash."
    assert find_figures(text, (), use_builtins=False) == []
    assert {f.key for f in find_figures(text, ())} == {"killed", "injured"}


def test_watch_metric_with_a_builtin_name_replaces_it() -> None:
    mine = MetricSpec("killed", "Killed in the quake", ("killed", "dead"), context=("quake",))
    text = "At least 12 people were killed in the crash."
    assert find_figures(text, (mine,)) == []


def test_one_figure_per_metric_by_default() -> None:
    text = (
        "The death toll has risen to 67,074. Last month the death toll stood at 65,000. "
        "Hamas holds 48 hostages. Hamas is also said to hold 100 hostages."
    )
    chosen = {f.key: f.value for f in find_figures(text, GAZA) if f.window is None}
    assert chosen == {"death_toll": 67074, "captives_held": 48}
    every = [(f.key, f.value) for f in find_figures(text, GAZA, all_mentions=True)]
    assert ("death_toll", 65000) in every
    assert ("captives_held", 100) in every


def test_windowed_figures_are_kept_but_never_chosen() -> None:
    text = "Strikes killed 30 people since dawn. Israeli strikes killed 12 people in Rafah."
    figures = find_figures(text, ())
    assert [(f.value, f.window) for f in figures] == [(30, "since dawn"), (12, None)]


def test_an_article_that_tells_earlier_values_marks_the_figure_it_chooses() -> None:
    offer = MetricSpec("offer", "Offer", ("offered",), unit="currency")
    text = "Donors had first offered $80bn. The EU has since offered $100bn."
    (earlier, chosen) = find_figures(text, (offer,), use_builtins=False)
    assert (earlier.value, earlier.history, earlier.window) == (8e10, True, "first offered")
    assert (chosen.value, chosen.recount, chosen.window) == (1e11, True, None)
    plain = find_figures("The EU has offered $100bn.", (offer,), use_builtins=False)
    assert [f.recount for f in plain] == [False]


def test_the_size_of_one_gathering_is_an_event_count() -> None:
    crowd = MetricSpec("marchers", "Marchers", ("people", "took part"))
    text = (
        "A third march against the reform drew 30,000 people, police said. "
        "Another 8,000 people took part in a rally in Ghent."
    )
    found = find_figures(text, (crowd,), use_builtins=False, all_mentions=True)
    assert [(f.value, f.window is not None) for f in found] == [(30000, True), (8000, True)]


def test_specs_built_with_lists_work() -> None:
    spec = MetricSpec("toll", "Toll", ["death toll"], ["freed"], [], "people", True)  # type: ignore[arg-type]
    assert [f.value for f in find_figures("The death toll rose to 1,602.", [spec])] == [1602]


def test_context_must_be_in_the_sentence() -> None:
    syria = MetricSpec("syria", "Syria", ("death toll",), context=("Syria",))
    text = "The quake struck Syria at dawn. The death toll rose to 1,602."
    assert find_figures(text, (syria,), use_builtins=False) == []


def test_unit_filters() -> None:
    prices = MetricSpec("fuel", "Fuel price", ("fuel prices", "petrol"), unit="percent")
    text = "Fuel prices rose 12% last month, and 300 people protested."
    assert [(f.key, f.value) for f in find_figures(text, (prices,), use_builtins=False)] == [
        ("fuel", 12)
    ]
    anything = MetricSpec("trucks", "Aid trucks", ("trucks",), unit="any")
    found = find_figures("Some 600 trucks entered on Sunday.", (anything,), use_builtins=False)
    assert [f.value for f in found] == [600]


# --- sentences -----------------------------------------------------------------------------------
SENTENCES = [
    ("Mr. Trump said 48 hostages remain. Talks go on.", 2),
    ("U.S. officials said talks would resume. Egypt agreed.", 2),
    ("The toll rose to 67,074. It was 66,600 on Monday.", 2),
    ("Inflation was 3.5% in March. Prices rose.", 2),
    ('"We want them home," he said. "All of them."', 2),
    ("First paragraph without a stop\nSecond paragraph.", 2),
    ("Gen. Smith and Dr. Jones met at 10 a.m. on Tuesday.", 1),
    ("J. Smith wrote it.", 1),
]


@pytest.mark.parametrize(("text", "count"), SENTENCES, ids=[s[0][:30] for s in SENTENCES])
def test_split_sentences(text: str, count: int) -> None:
    spans = split_sentences(text)
    assert len(spans) == count, [text[a:b] for a, b in spans]
    assert "".join(text[a:b] for a, b in spans).strip() == text.strip()


# --- bad input -----------------------------------------------------------------------------------
def test_empty_text_and_no_metrics() -> None:
    assert find_figures("", GAZA) == []
    assert find_figures("The death toll rose to 1,602.", (), use_builtins=False) == []


def test_ten_thousand_numbers_invent_no_figure() -> None:
    text = "Figures: " + ", ".join(str(i) for i in range(10_000)) + "."
    assert find_figures(text, GAZA) == []


def test_numbers_everywhere_with_one_real_figure() -> None:
    noise = " ".join(f"Row {i}: {i * 13} items, {i * 7}% done." for i in range(500))
    text = noise + " The death toll rose to 67,074. " + noise
    found = find_figures(text, GAZA)
    assert [(f.key, f.value) for f in found] == [("death_toll", 67074)]


NEWSY = st.lists(
    st.sampled_from(
        [
            "The death toll rose to ",
            "more than ",
            "66,600",
            "48",
            " hostages",
            " captives, ",
            "20 of whom are alive",
            " killed since Friday",
            " on Tuesday",
            ". ",
            ", bringing ",
            "would release ",
            "about 1.2 million",
            " people were killed",
            "\n",
            "Mr. ",
            "(",
            ")",
            "; ",
            " — ",
            "including ",
            "٦٦٬٦٠٠",
            "",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NEWSY, st.text(max_size=300)))
def test_figures_never_raise_and_point_into_the_text(text: str) -> None:
    for figure in find_figures(text, GAZA, all_mentions=True):
        assert 0 <= figure.offset < figure.end <= len(text)
        assert " ".join(text[figure.offset : figure.end].split()) == figure.display
        assert figure.display in figure.evidence or figure.evidence
        assert figure.low is None or figure.low <= figure.value
        assert figure.high is None or figure.value <= figure.high


def test_run_on_sentence_of_two_thousand_counts() -> None:
    """One "sentence" of thousands of numbers and terms: every count found, none invented."""
    text = ", ".join(f"killed {i} in Syria since Friday" for i in range(3000, 5000))
    syria = MetricSpec("syria", "Syria", ("killed",), context=("Syria",))
    found = find_figures(text, (syria,), use_builtins=False, all_mentions=True)
    assert [f.value for f in found] == list(range(3000, 5000))
    assert all(f.window == "since Friday" for f in found)
    assert all(len(f.evidence) < 700 for f in found)


def test_digit_runs_too_long_to_be_numbers() -> None:
    assert find_figures("killed " + "1" * 100_000, ()) == []
