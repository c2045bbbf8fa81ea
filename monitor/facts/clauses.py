"""Sentences and clauses of news text, by character offsets: what a figure's terms may govern.

A sentence is cut into segments at clause openers after commas ("..., bringing", "..., which"),
asides ("..., including 46 children, ..."), attributions ("..., two sources said"), parentheses
and hard barriers (";", " - ", a colon not before a number). Each segment belongs to a clause;
`Sentence.relation` says how a clause hangs on another (see there), which lets the figure engine
take a clause's terms, exclusions and windows where they apply.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from monitor.facts import metrics as M

__all__ = ["Sentence", "parse_clauses", "phrases", "sentences_in", "split_sentences"]


def phrases(items: Sequence[str]) -> str:
    """An alternation of these phrases, longest first, any run of spaces between words."""
    parts = sorted({" ".join(i.split()) for i in items if i.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)


_SENT_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"“‘(\[]?[^\s\"“‘(\[a-z])|\n\s*")
# Also "... to 3.5% and is expected to ...": a coordinated verb phrase is a clause of its own.
# A colon splits, except after a label ("Death toll: 67,074", "Hostages: about 48").
_NUMBER_WORD = "|".join(sorted((*M.UNIT_WORDS, *M.TENS_WORDS), key=len, reverse=True))
_HARD_BARRIER = re.compile(
    r"[;\[\]—|]|:(?!\s*(?:[a-z]+\s+){0,2}[$€£]?\d)|\s[–-]\s|\s(?:and|but)\s+(?=(?:is|are|was|were|will|would|could|should|has"
    r"|have|had|may|might|said|says|expects?|warned|added)\b)"
    # "620,000 are affected and 31,500 are sheltering", "23 were arrested and seven officers
    # were injured": a number opening a clause of its own.
    r"|(?<!hundred)(?<!thousand)\s(?:and|but)\s+(?=(?:more\s+than\s+|at\s+least\s+|about\s+|nearly\s+|some\s+)?"
    rf"(?:\d[\d,.]*|(?i:{_NUMBER_WORD})(?:-(?i:{_NUMBER_WORD}))?)(?:\s+[\w-]+){{0,2}}?"
    r"\s+(?:are|were|have|had|remain|remained)\b)"
)
_COMMA = re.compile(
    rf"""
    ,\s+(?:
        (?P<aside>(?i:{phrases(M.ASIDE_OPENERS)}))(?![\w-])
        | (?P<dependent>(?i:{phrases(M.DEPENDENT_OPENERS)}))(?![\w-])
        | (?P<open>(?i:{phrases(M.CLAUSE_OPENERS)}))(?![\w-])
        | (?P<ofwhom>[^,;]{{0,30}}?\b(?i:of\s+(?:whom|which|them|those|these))\b)
        | (?P<attrib>(?=[^,;:\d]{{0,70}}?\b(?:{phrases(M.ATTRIBUTION_SEGMENT_VERBS)})\b
            [^,;:\d]{{0,25}}(?:[,.;!?"”]|$)))
        | (?P<participle>(?!(?:{phrases(M.NOT_PARTICIPLES)})\b)[a-z]{{2,}}ing)(?![\w-])
    )?
    """,
    re.VERBOSE,
)
_PART_OPENERS = frozenset(M.PART_OPENERS)
_RELATIVE = frozenset(M.RELATIVE_PRONOUNS)
_ELLIPSIS_OPENERS = frozenset({"while", "whereas", "and", "but"})
_PREVIOUS_OPENERS = frozenset(M.PREVIOUS_OPENERS)
_POSSESSIVE = re.compile(r"\s*\w+\s+[A-Z][\w-]*['’]s\s")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: ends at . ! ? before a capital, or a line break; abbreviations kept."""
    return sentences_in(text, 0, len(text))


def sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _SENT_END.finditer(text, start, end):
        if match.group()[0] == ".":
            word = text[max(start, match.start() - 12) : match.start()].split()
            last = word[-1].lstrip("(\"'“‘").lower() if word else ""
            if last in M.ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue  # "Mr. Trump", "U.S. officials", "J. Smith"
        stop = match.end()
        if text[start:stop].strip():
            spans.append((start, stop))
        start = stop
    if text[start:end].strip():
        spans.append((start, end))
    return spans


@dataclass(slots=True)
class Sentence:
    """Clause structure of one sentence, by character offsets."""

    text: str
    start: int
    end: int
    seg_starts: list[int] = field(default_factory=list)
    seg_clause: list[int] = field(default_factory=list)
    plain_commas: list[int] = field(default_factory=list)
    # clause -> (the clause it hangs on, how, the opener's words). How:
    #   part       an aside naming a part of the figure ("..., including 46 children, ...")
    #   dependent  a participle or relative clause ("..., killing 61", "..., which killed 600")
    #   ofwhom     a subset ("..., 20 of whom are alive")
    #   previous   the earlier value ("..., up from 16%")
    #   elliptic   a clause whose head noun is elided ("..., while Iraq's climbed to 51")
    #   attrib     an attribution ("..., two sources said"); paren: a parenthesis
    relation: dict[int, tuple[int, str, str]] = field(default_factory=dict)

    def clause(self, pos: int) -> int:
        return self.seg_clause[bisect_right(self.seg_starts, pos) - 1]

    def spans(self, clauses: set[int]) -> list[tuple[int, int]]:
        """The character spans of these clauses, merged where they touch."""
        spans: list[tuple[int, int]] = []
        for i, seg_start in enumerate(self.seg_starts):
            if self.seg_clause[i] not in clauses:
                continue
            seg_end = self.seg_starts[i + 1] if i + 1 < len(self.seg_starts) else self.end
            if spans and spans[-1][1] == seg_start:
                spans[-1] = (spans[-1][0], seg_end)
            else:
                spans.append((seg_start, seg_end))
        return spans

    def segment(self, pos: int) -> int:
        """Which stretch between plain commas `pos` stands in."""
        return bisect_right(self.plain_commas, pos)

    def parent(self, clause: int, kind: str) -> int | None:
        relation = self.relation.get(clause)
        return relation[0] if relation is not None and relation[1] == kind else None

    def words_between(self, a: int, b: int, clause: int, other: int | None = None) -> int:
        """Words in [a, b) that belong to `clause` or `other` (an aside in between does not
        count)."""
        count = 0
        i = bisect_right(self.seg_starts, a) - 1
        while i < len(self.seg_starts) and self.seg_starts[i] < b:
            seg_end = self.seg_starts[i + 1] if i + 1 < len(self.seg_starts) else self.end
            if self.seg_clause[i] == clause or self.seg_clause[i] == other:
                lo, hi = max(a, self.seg_starts[i]), min(b, seg_end)
                if lo < hi:
                    count += len(self.text[lo:hi].split())
            i += 1
        return count


def parse_clauses(text: str, start: int, end: int) -> Sentence:
    events: list[tuple[int, str, str]] = [
        (m.start(), "hard", "") for m in _HARD_BARRIER.finditer(text, start, end)
    ]
    partitive = text[start:end].lstrip(" \"“‘'(").startswith("Of ")
    for m in _COMMA.finditer(text, start, end):
        kind = m.lastgroup or "comma"
        if partitive and kind == "comma":
            # "Of the 251 people seized two years ago, 48 remain": the opening phrase describes
            # the whole set, its window and terms are not the main clause's.
            kind, partitive = "hard", False
        label = m.group(m.lastgroup) if m.lastgroup else ""
        events.append((m.start(), kind, " ".join(label.lower().split()) if label else ""))
    i = text.find("(", start, end)
    j = text.find(")", start, end)
    while i != -1 or j != -1:
        if j == -1 or (i != -1 and i < j):
            events.append((i, "paren_open", ""))
            i = text.find("(", i + 1, end)
        else:
            events.append((j, "paren_close", ""))
            j = text.find(")", j + 1, end)
    events.sort()
    sentence = Sentence(text, start, end, [start], [0])
    current, fresh, saved, in_aside = 0, 1, 0, False
    outer: list[int] = []  # the clauses around open parentheses
    for pos, kind, label in events:
        if kind == "comma" and not in_aside:
            sentence.plain_commas.append(pos)
            continue
        before = current
        if in_aside:
            in_aside = False
            before = saved
            if kind == "comma":
                current = saved
                sentence.seg_starts.append(pos)
                sentence.seg_clause.append(current)
                continue
        if kind == "paren_close" and outer:
            # "Cumulative cases (suspected and confirmed): 1,036": the clause goes on after it.
            current = outer.pop()
            sentence.seg_starts.append(pos + 1)
            sentence.seg_clause.append(current)
            continue
        if kind == "paren_open":
            outer.append(before)
            sentence.relation[fresh] = (before, "paren", "")
        elif kind in ("aside", "attrib") or (kind == "dependent" and label in _RELATIVE):
            saved, in_aside = before, True
            how = "part" if label in _PART_OPENERS else "attrib"
            if kind == "dependent":
                how = "dependent"
            sentence.relation[fresh] = (before, how, label)
        elif kind in ("dependent", "participle"):
            sentence.relation[fresh] = (before, "dependent", label)
        elif kind == "ofwhom":
            sentence.relation[fresh] = (before, "ofwhom", label)
        elif kind == "open" and label in _PREVIOUS_OPENERS:
            sentence.relation[fresh] = (before, "previous", label)  # "..., up from 16%"
        elif kind == "open" and label in _ELLIPSIS_OPENERS and _POSSESSIVE.match(text, pos + 1):
            # "Iran's toll rose to 340, while Iraq's climbed to 51": the head noun is elided
            sentence.relation[fresh] = (before, "elliptic", label)
        current, fresh = fresh, fresh + 1
        sentence.seg_starts.append(pos)
        sentence.seg_clause.append(current)
    return sentence
