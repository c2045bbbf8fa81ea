"""Clauses: how a sentence is cut, and how its clauses hang on each other."""

from __future__ import annotations

import pytest

from monitor.facts.clauses import Sentence, parse_clauses


def parse(text: str) -> Sentence:
    return parse_clauses(text, 0, len(text))


def relation_of(sentence: Sentence, text: str, word: str) -> str | None:
    relation = sentence.relation.get(sentence.clause(text.index(word)))
    return relation[1] if relation else None


@pytest.mark.parametrize(
    ("text", "word", "how"),
    [
        ("The quake killed 300 people, including 45 children, officials said.", "45", "part"),
        ("A storm struck in 2009, killing more than 300 people.", "300", "dependent"),
        ("After the storm, which killed 300 people, the city rebuilt.", "300", "dependent"),
        ("Hamas holds 48 hostages, 20 of whom are alive.", "20", "ofwhom"),
        ("The deal gives 19.2%, up from the previous offer of 16%.", "16%", "previous"),
        ("Iran's toll rose to 340, while Iraq's climbed to 51.", "51", "elliptic"),
        ("Troops stay near the border, two sources familiar with the talks said.", "two", "attrib"),
        ("Cumulative deaths: 27 (case fatality rate 2.6%)", "2.6", "paren"),
    ],
)
def test_clause_relations(text: str, word: str, how: str) -> None:
    assert relation_of(parse(text), text, word) == how


def test_an_aside_ends_at_the_next_comma_and_the_clause_goes_on() -> None:
    text = "In all, 104 people, including 46 children, were killed in the bombardment."
    sentence = parse(text)
    assert sentence.clause(text.index("104")) == sentence.clause(text.index("killed"))
    assert sentence.clause(text.index("46")) != sentence.clause(text.index("killed"))


def test_a_parenthesis_returns_to_its_clause() -> None:
    text = "Cumulative cases (suspected and confirmed): 1,036"
    sentence = parse(text)
    assert sentence.clause(text.index("Cumulative")) == sentence.clause(text.index("1,036"))


def test_and_before_a_number_with_its_verb_opens_a_clause() -> None:
    text = "Police said 23 people were arrested and seven officers were injured."
    sentence = parse(text)
    assert sentence.clause(text.index("23")) != sentence.clause(text.index("seven"))
    spelled = "One hundred and four people have died."
    assert len(set(parse(spelled).seg_clause)) == 1


def test_comma_segments() -> None:
    text = "Inflation stood at 2.2%, above the 1% threshold, the ministry added."
    sentence = parse(text)
    assert sentence.segment(text.index("2.2")) != sentence.segment(text.index("threshold"))
    assert sentence.segment(text.index("1%")) == sentence.segment(text.index("threshold"))
