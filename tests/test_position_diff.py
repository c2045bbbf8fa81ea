"""Position diff: baseline, shift, refinement, reinforcement, older; claim comparison; JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.facts.model import Source
from monitor.facts.positions import ActorSpec, Position, TopicSpec, find_positions
from monitor.position_diff import (
    CLAIM_SIMILARITY,
    REFINEMENT_ALERTED,
    PositionState,
    claim_similarity,
    claims_differ,
    diff_position,
    position_state_from_dict,
    position_state_to_dict,
)
from tests.test_positions import GAZA_ACTORS, GAZA_TOPICS

DATA = Path(__file__).parent / "data" / "positions"
DAY1 = datetime(2025, 10, 7, 9, 0, tzinfo=UTC)
NEWS = Source("Example News", "https://news.example.org/a", DAY1, "Talks open")
WIRE = Source("Example Wire", "https://wire.example.com/b", DAY1 + timedelta(hours=9))


def _pos(stance: str, claim: str, *, reaffirmed: bool = False) -> Position:
    return Position(
        actor="Hamas",
        topic="hostages",
        stance=stance,
        claim=claim,
        evidence=f"Hamas {stance}: {claim}.",
        offset=0,
        reaffirmed=reaffirmed,
    )


def _state(stance: str, claim: str, source: Source = NEWS) -> PositionState:
    return PositionState(stance, claim, f"Hamas {stance}: {claim}.", source, DAY1, (source,))


# --- the rules, as a table ----------------------------------------------------------------------
STAGED = "release the captives in stages tied to the withdrawal"
ALL_72H = "release all living captives within 72 hours"
LATER = Source("Example News", "https://news.example.org/c", DAY1 + timedelta(days=2))
EARLIER = Source("Late Digest", "https://digest.example.net/d", DAY1 - timedelta(days=1))
UNDATED = Source("Undated Blog", "https://blog.example/e", None)

SOURCES = {
    "news": NEWS,
    "wire": WIRE,
    "later": LATER,
    "earlier": EARLIER,
    "undated": UNDATED,
    "revision": Source(NEWS.name, NEWS.url, DAY1 - timedelta(hours=1)),
}
CLAIMS = {"staged": STAGED, "all72h": ALL_72H}
DIFF_CASES: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "diff_cases.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", DIFF_CASES, ids=[c["id"] for c in DIFF_CASES])
def test_diff_rules(case: dict[str, Any]) -> None:
    current = case["current"]
    state = _state(current[0], CLAIMS.get(current[1], current[1])) if current else None
    stance, claim = case["stance"], CLAIMS.get(case["claim"], case["claim"])
    source = SOURCES[case["source"]]
    pos = _pos(stance, claim, reaffirmed=case.get("reaffirmed", False))
    out = diff_position(pos, source, state, observed_at=DAY1 + timedelta(days=3))
    disposition = case["disposition"]
    assert out.disposition == disposition
    if disposition in ("shift", "refinement"):
        assert out.change is not None
        assert out.change.kind == disposition
        assert out.change.old == state
        assert out.state == out.change.new
        assert (out.state.stance, out.state.claim, out.state.source) == (stance, claim, source)
    else:
        assert out.change is None
    if disposition == "baseline":
        assert out.state is not None
        assert (out.state.stance, out.state.sources) == (stance, (source,))
    if disposition == "older":
        assert out.state is None


def test_shift_summary_and_significance() -> None:
    flip = diff_position(_pos("reject", STAGED), LATER, _state("accept", ALL_72H), observed_at=DAY1)
    to_accept = diff_position(
        _pos("accept", ALL_72H), LATER, _state("propose", STAGED), observed_at=DAY1
    )
    sideways = diff_position(
        _pos("propose", STAGED), LATER, _state("demand", STAGED), observed_at=DAY1
    )
    assert flip.change
    assert to_accept.change
    assert sideways.change
    assert to_accept.change.summary == "Hamas on hostages: propose -> accept"
    assert flip.change.significance > to_accept.change.significance > sideways.change.significance


def test_refinement_is_less_significant_than_any_shift_and_goes_to_digests() -> None:
    refined = diff_position(
        _pos("propose", ALL_72H), LATER, _state("propose", STAGED), observed_at=DAY1
    )
    sideways = diff_position(
        _pos("propose", STAGED), LATER, _state("demand", STAGED), observed_at=DAY1
    )
    assert refined.change
    assert sideways.change
    assert refined.change.significance < sideways.change.significance
    assert "propose" in refined.change.summary
    assert "72 hours" in refined.change.summary
    assert REFINEMENT_ALERTED is False


def test_reinforcement_from_another_outlet_adds_it_to_the_sources() -> None:
    out = diff_position(_pos("propose", STAGED), WIRE, _state("propose", STAGED), observed_at=DAY1)
    assert out.disposition == "reinforcement"
    assert out.state is not None
    assert out.state.sources == (NEWS, WIRE)
    assert out.state.source == NEWS  # the report that set the position stays its origin
    same_outlet = Source(NEWS.name, "https://news.example.org/other", DAY1 + timedelta(hours=1))
    again = diff_position(
        _pos("propose", STAGED), same_outlet, _state("propose", STAGED), observed_at=DAY1
    )
    assert again.disposition == "reinforcement"
    assert again.state is None


def test_naive_and_aware_datetimes_compare() -> None:
    naive_earlier = Source("X", "https://x.example/1", datetime(2025, 10, 6, 12, 0))
    out = diff_position(
        _pos("reject", STAGED), naive_earlier, _state("accept", ALL_72H), observed_at=DAY1
    )
    assert out.disposition == "older"


# --- claims_differ: the threshold, measured -----------------------------------------------------
PAIRS: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (DATA / "claim_pairs.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("pair", PAIRS["same"], ids=[p["id"] for p in PAIRS["same"]])
def test_paraphrases_do_not_differ(pair: dict[str, Any]) -> None:
    assert not claims_differ(pair["a"], pair["b"])
    assert not claims_differ(pair["b"], pair["a"])


@pytest.mark.parametrize("pair", PAIRS["different"], ids=[p["id"] for p in PAIRS["different"]])
def test_moved_terms_differ(pair: dict[str, Any]) -> None:
    assert claims_differ(pair["a"], pair["b"])
    assert claims_differ(pair["b"], pair["a"])


def test_threshold_separates_the_labelled_pairs_with_a_margin() -> None:
    same = [claim_similarity(p["a"], p["b"]) for p in PAIRS["same"]]
    different = [
        claim_similarity(p["a"], p["b"]) for p in PAIRS["different"] if not p.get("numbers")
    ]
    assert min(same) >= CLAIM_SIMILARITY > max(different)
    # not a knife edge: measured 0.67 and above against 0.33 and below
    assert min(same) >= CLAIM_SIMILARITY + 0.1
    assert max(different) <= CLAIM_SIMILARITY - 0.1


def test_claim_similarity_edges() -> None:
    assert claim_similarity("", "") == 1.0
    assert claim_similarity("the", "a") == 1.0  # stop words only: nothing to compare
    assert claim_similarity("a ceasefire", "") == 0.0
    assert not claims_differ("", "")
    assert claims_differ("twelve hostages", "ten hostages")


# --- JSON ---------------------------------------------------------------------------------------
def test_state_round_trips_through_json_safe_dict() -> None:
    state = PositionState("accept", ALL_72H, "Hamas agreed.", NEWS, DAY1, (NEWS, WIRE))
    data = position_state_to_dict(state)
    assert yaml.safe_load(yaml.safe_dump(data)) == data  # plain types only
    assert position_state_from_dict(data) == state
    undated = PositionState("other", "x", "X said.", UNDATED, DAY1)
    back = position_state_from_dict(position_state_to_dict(undated))
    assert back.source.published_at is None
    assert back.sources == (UNDATED,)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("stance"), "stance"),
        (lambda d: d.update(stance="maybe"), "maybe"),
        (lambda d: d.update(source="nowhere"), "source"),
        (lambda d: d.update(observed_at="yesterday"), "yesterday"),
        (lambda d: d.update(sources="all"), "sources"),
    ],
    ids=["missing-stance", "unknown-stance", "bad-source", "bad-timestamp", "bad-sources"],
)
def test_state_from_dict_names_the_bad_field(mutate: Any, message: str) -> None:
    data = position_state_to_dict(_state("accept", ALL_72H))
    mutate(data)
    with pytest.raises(ValueError, match=message):
        position_state_from_dict(data)


# --- the founding story, day by day -------------------------------------------------------------
def _article(path: Path) -> tuple[Source, str]:
    raw = path.read_text(encoding="utf-8")
    _, head, body = raw.split("---\n", 2)
    meta = yaml.safe_load(head)
    published = meta["published"]
    if isinstance(published, str):
        published = datetime.fromisoformat(published)
    return Source(meta["source"], meta["url"], published, meta["title"]), body


def test_story_days_report_each_shift_once_and_repeats_raise_nothing() -> None:
    story = DATA / "story"
    order = ["day1-example-news", "day1-example-wire", "day2-example-news", "day0-late-older"]
    states: dict[tuple[str, str], PositionState] = {}
    log: list[tuple[str, str, str, str]] = []
    for name in order:
        source, body = _article(story / f"{name}.txt")
        observed = (source.published_at or DAY1) + timedelta(minutes=5)
        if name == "day0-late-older":
            observed = DAY1 + timedelta(days=3)
        for pos in find_positions(body, GAZA_ACTORS, GAZA_TOPICS):
            key = (pos.actor, pos.topic)
            out = diff_position(pos, source, states.get(key), observed_at=observed)
            log.append((name, pos.actor, pos.topic, out.disposition))
            if out.state is not None:
                states[key] = out.state
    alerted = [entry for entry in log if entry[3] == "shift"]
    assert alerted == [("day2-example-news", "Hamas", "hostages", "shift")]
    assert not [entry for entry in log if entry[3] == "refinement"]
    baselines = {(a, t) for n, a, t, d in log if d == "baseline" and n == "day1-example-news"}
    assert {
        ("Hamas", "withdrawal"),
        ("Hamas", "hostages"),
        ("Hamas", "governance"),
        ("Israel", "hostages"),
        ("Qatar", "approach"),
    } <= baselines
    assert ("day1-example-wire", "Hamas", "withdrawal", "reinforcement") in log
    assert ("day1-example-wire", "Israel", "hostages", "reinforcement") in log
    assert ("day0-late-older", "Hamas", "hostages", "older") in log
    assert states[("Hamas", "hostages")].stance == "accept"
    assert states[("Hamas", "governance")].stance == "reject"


# --- multi-day stories in other domains (tests/data/positions/stories) --------------------------
STORIES = sorted(p for p in (DATA / "stories").iterdir() if p.is_dir())


@pytest.mark.parametrize("story", STORIES, ids=[p.name for p in STORIES])
def test_story_shifts_are_the_gold_ones(story: Path) -> None:
    gold = yaml.safe_load((story / "gold.yaml").read_text(encoding="utf-8"))
    actors = tuple(ActorSpec(n, tuple(a)) for n, a in gold["config"]["actors"].items())
    topics = tuple(TopicSpec(n, tuple(t)) for n, t in gold["config"]["topics"].items())
    articles = sorted(
        ((*_article(path), path.name) for path in story.glob("*.txt")),
        key=lambda a: a[0].published_at or DAY1,
    )
    states: dict[tuple[str, str], PositionState] = {}
    shifts: list[tuple[str, str, str, str]] = []
    for source, body, name in articles:
        assert source.published_at is not None
        text = f"{source.title}\n\n{body}"
        found = find_positions(text, actors, topics, published=source.published_at)
        for pos in found:
            key = (pos.actor, pos.topic)
            out = diff_position(pos, source, states.get(key), observed_at=source.published_at)
            if out.state is not None:
                states[key] = out.state
            if out.disposition == "shift":
                shifts.append((name, pos.actor, pos.topic, pos.stance))
    assert sorted(shifts) == sorted(tuple(s) for s in gold["shifts"])
