"""The position engine: actors, stances, claims and topics found in text (tests/data/positions)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.facts import stances
from monitor.facts.positions import STANCES, ActorSpec, Position, TopicSpec, find_positions

DATA = Path(__file__).parent / "data" / "positions"

GAZA_ACTORS = (
    ActorSpec("Hamas", ("Hamas", "Khalil al-Hayya", "Fawzi Barhoum")),
    ActorSpec("Israel", ("Israel", "Netanyahu", "Israeli government")),
    ActorSpec("Qatar", ("Qatar",)),
    ActorSpec("Egypt", ("Egypt",)),
    ActorSpec("Turkey", ("Turkey",)),
    ActorSpec("United States", ("United States", "US", "Trump")),
)
GAZA_TOPICS = (
    TopicSpec("withdrawal", ("withdraw", "withdrawal", "pull out")),
    TopicSpec("hostages", ("captive", "captives", "hostage", "hostages", "release")),
    TopicSpec("governance", ("governance", "govern", "administration")),
)


FULL_TOPICS = (
    *GAZA_TOPICS,
    TopicSpec("end_of_war", ("end the war", "ending the war", "permanent ceasefire")),
    TopicSpec("disarmament", ("disarm", "disarmament", "weapons")),
)


def _load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


CASES = _load("cases.yaml")


def _find(case: dict[str, Any]) -> list[Position]:
    config = case.get("config", "gaza")
    actors = () if config in ("none", "own") else GAZA_ACTORS
    topics = {"gaza": GAZA_TOPICS, "full": FULL_TOPICS, "none": (), "own": ()}[config]
    if config == "own":  # the case brings its own watch
        actors = tuple(ActorSpec(n, tuple(a)) for n, a in case["actors"].items())
        topics = tuple(TopicSpec(n, tuple(t)) for n, t in case.get("topics", {}).items())
    return find_positions(
        case["text"],
        actors,
        topics,
        discover_actors=case.get("discover", True),
        published=case.get("published"),
    )


def _matches(pattern: list[str], triple: tuple[str, str, str]) -> bool:
    return all(p in ("*", t) for p, t in zip(pattern, triple, strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    found = _find(case)
    triples = [(p.actor, p.topic, p.stance) for p in found]
    for pattern in case.get("expect") or []:
        assert any(_matches(pattern, t) for t in triples), f"missing {pattern}: {triples}"
    for pattern in case.get("absent") or []:
        assert not any(_matches(pattern, t) for t in triples), f"unwanted {pattern}: {triples}"
    if case.get("only"):
        expected = case.get("expect") or []
        extra = [t for t in triples if not any(_matches(p, t) for p in expected)]
        assert not extra, f"unexpected {extra}"
    for p in found:
        assert p.stance in STANCES
        assert case["text"][p.offset : p.offset + len(p.evidence)] == p.evidence


# --- details of one position --------------------------------------------------------------------
def test_claim_is_the_governed_clause_and_evidence_the_sentence() -> None:
    text = (
        "Talks resumed in Egypt on Monday. Hamas's top negotiator Khalil al-Hayya said the group "
        "seeks guarantees that Israel will end the war, a Hamas official told reporters."
    )
    [pos] = find_positions(text, GAZA_ACTORS, GAZA_TOPICS)
    assert pos.claim == "guarantees that Israel will end the war"
    assert pos.evidence.startswith("Hamas's top negotiator")
    assert pos.evidence.endswith("reporters.")
    assert pos.offset == text.index("Hamas's top")
    assert not pos.negated
    assert not pos.quoted


def test_without_configured_topics_the_topic_is_the_claims_head_noun() -> None:
    text = "Hamas seeks guarantees that Israel will end the war."
    [pos] = find_positions(text, GAZA_ACTORS, ())
    assert (pos.actor, pos.topic, pos.stance) == ("Hamas", "guarantees", "demand")


def test_a_claim_with_several_topics_takes_the_first_mentioned() -> None:
    text = "Hamas offered to release the captives in stages tied to the withdrawal."
    [pos] = find_positions(text, GAZA_ACTORS, GAZA_TOPICS)
    assert pos.topic == "hostages"


def test_negated_and_quoted_flags() -> None:
    [neg] = find_positions("Hamas did not accept the withdrawal map.", GAZA_ACTORS, GAZA_TOPICS)
    assert (neg.stance, neg.negated) == ("reject", True)
    [quoted] = find_positions('"We reject the withdrawal map," Barhoum said.', GAZA_ACTORS, ())
    assert quoted.quoted
    assert quoted.actor == "Hamas"


def test_reaffirmed_statements_are_marked() -> None:
    text = "Netanyahu reiterated that Israel will keep fighting until the hostages are home."
    [pos] = find_positions(text, GAZA_ACTORS, GAZA_TOPICS)
    assert (pos.actor, pos.stance, pos.reaffirmed) == ("Israel", "vow", True)


def test_surname_alone_names_the_configured_person() -> None:
    [pos] = find_positions("Barhoum rejected the withdrawal map.", GAZA_ACTORS, GAZA_TOPICS)
    assert pos.actor == "Hamas"


def test_acronym_alias_is_case_sensitive() -> None:
    text = "Let us reject the withdrawal map, the protesters chanted."
    assert find_positions(text, GAZA_ACTORS, GAZA_TOPICS, discover_actors=False) == []


def test_one_position_per_actor_and_topic_keeps_the_first_real_stance() -> None:
    text = (
        "Hamas said talks on the hostages were difficult. Hamas agreed to release the hostages "
        "on Thursday. Hamas later demanded the release of prisoners in return."
    )
    found = find_positions(text, GAZA_ACTORS, GAZA_TOPICS)
    assert [(p.topic, p.stance) for p in found] == [("hostages", "accept")]
    everything = find_positions(text, GAZA_ACTORS, GAZA_TOPICS, one_per_topic=False)
    assert [p.stance for p in everything] == ["other", "accept", "demand"]


def test_pronoun_resolution_stays_within_the_paragraph_reach() -> None:
    text = (
        "Hamas rejected the withdrawal map on Monday.\n\n"
        "Aid convoys waited at the crossing.\n\n"
        "Drivers said the roads were blocked.\n\n"
        "It said it would release the hostages."
    )
    found = find_positions(text, GAZA_ACTORS, GAZA_TOPICS)
    assert [(p.actor, p.topic) for p in found] == [("Hamas", "withdrawal")]


def test_hard_wrapped_lines_are_one_paragraph() -> None:
    text = "Hamas's negotiator said the group\nwould release the captives in stages."
    [pos] = find_positions(text, GAZA_ACTORS, GAZA_TOPICS)
    assert (pos.actor, pos.topic, pos.stance) == ("Hamas", "hostages", "propose")
    assert "\n" in pos.evidence


def test_empty_and_blank_text() -> None:
    assert find_positions("", GAZA_ACTORS, GAZA_TOPICS) == []
    assert find_positions(" \n\n\t", GAZA_ACTORS, GAZA_TOPICS) == []


def test_specs_may_be_lists_and_are_cached() -> None:
    actors = [ActorSpec("Hamas", ("Hamas",))]
    topics = [TopicSpec("hostages", ("hostages",))]
    first = find_positions("Hamas agreed to free the hostages.", actors, topics)
    again = find_positions("Hamas agreed to free the hostages.", actors, topics)
    assert first == again
    assert first[0].stance == "accept"


# --- invariants ---------------------------------------------------------------------------------
_PIECES = st.sampled_from(
    [
        "Hamas", "Israel", "Netanyahu", "Barhoum", "Qatar's", "the group", "he", "they", "We",
        "said", "says", "told", "according to", "rejected", "did not accept", "will not",
        "would", "agreed to", "vowed to continue until", "if", "whether", "?", ".", ",", ";",
        '"', "'", "“", "”", "‘", "’", "\n", "\n\n", "release", "hostages", "withdrawal",
        "governance", "its rejection of", "position is unchanged", "by", "to", "that", "must",
        "The European Union", "urged", "demand", "plan", "حماس", "é", "\u202e", "\x00", "U.S.",
    ]
)  # fmt: skip
_PHRASES = st.lists(_PIECES, max_size=40).map(" ".join)


def _check(text: str) -> None:
    for discover in (True, False):
        for pos in find_positions(text, GAZA_ACTORS, GAZA_TOPICS, discover_actors=discover):
            assert text[pos.offset : pos.offset + len(pos.evidence)] == pos.evidence
            assert pos.evidence.strip()
            assert pos.stance in STANCES
            assert pos.actor
            assert pos.topic


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises_and_evidence_is_a_substring(text: str) -> None:
    _check(text)


@settings(max_examples=400, deadline=None)
@given(_PHRASES)
def test_sentence_shaped_noise_never_raises(text: str) -> None:
    _check(text)


def test_an_unpunctuated_run_longer_than_any_sentence_is_skipped() -> None:
    sentence = "Hamas agreed to release the hostages"
    run = " and ".join([sentence] * 60)  # no full stop: a flattened list, not prose
    assert len(run) > 1500
    assert find_positions(run, GAZA_ACTORS, GAZA_TOPICS) == []
    prose = ". ".join([sentence] * 60) + "."
    assert [p.stance for p in find_positions(prose, GAZA_ACTORS, GAZA_TOPICS)] == ["accept"]


# --- the prefilter of trigger words is complete -------------------------------------------------
_FRAGMENTS = [
    (name, fragment)
    for name, fragments in (
        ("unchanged", (stances.UNCHANGED_PATTERN,)),
        ("vow", stances.VOW_PHRASES),
        ("reject", stances.REJECT_PHRASES),
        ("deny", stances.DENY_PHRASES),
        ("accept", stances.ACCEPT_PHRASES),
        ("propose", stances.PROPOSE_PHRASES),
        ("demand", stances.DEMAND_PHRASES),
        ("other", stances.SPEECH_PHRASES),
    )
    for fragment in fragments
]


@pytest.mark.parametrize(
    ("name", "fragment"), _FRAGMENTS, ids=[f"{n}:{f[:30]}" for n, f in _FRAGMENTS]
)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_every_trigger_word_starts_with_a_listed_head(name: str, fragment: str, data: Any) -> None:
    phrase = data.draw(st.from_regex(re.compile(fragment, re.IGNORECASE), fullmatch=True))
    first = phrase.lower().split(" ")[0]
    first = re.match(r"[a-z]*", first)
    assert first is not None
    word = first.group()
    heads = stances.TRIGGER_HEADS
    assert any(word[:k] in heads for k in (1, 2, 3, 4)), f"{name}: {phrase!r} has no head"
