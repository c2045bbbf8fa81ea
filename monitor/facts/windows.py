"""Windows, plans and earlier values: what makes a count something other than the metric.

"104 killed since Friday", "would release 20", "peaked at 11.1% in October 2022", "had first
offered $80bn": the phrases in a number's clause (and, for dependent clauses and part asides,
in the clause they hang on) that make it a windowed, planned or earlier figure. The phrase lists
are in metrics.py; the kinds are cumulative, strong, weak, earlier, planned, perfect, rise, said
and past.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from monitor.facts import metrics as M
from monitor.facts.clauses import Sentence, phrases
from monitor.facts.metrics import MetricSpec
from monitor.facts.numbers import NumberMention, trie_pattern

__all__ = [
    "HISTORY_KINDS",
    "find_windows",
    "inherited",
    "window_for",
    "with_participles",
]

Window = tuple[int, int, str]  # start, end, kind

# Built without re.VERBOSE: the window patterns in metrics.py contain literal spaces.
_STRONG = "|".join(p.replace(" ", r"\s+") for p in M.STRONG_WINDOWS)
_WEAK = "|".join(p.replace(" ", r"\s+") for p in M.WEAK_WINDOWS)
_CUMULATIVE = "|".join(p.replace(" ", r"\s+") for p in M.CUMULATIVE_PATTERNS)
_WINDOW = re.compile(
    r"(?<![\w-])(?:"
    rf"(?P<cumulative>{_CUMULATIVE}|{phrases(M.CUMULATIVE_MARKERS)})"
    rf"|(?P<strong>{_STRONG})"
    rf"|(?P<weak>{_WEAK})"
    rf"|(?P<earlier>{phrases(M.EARLIER_MARKERS)})"
    rf"|(?P<planned>{phrases(M.PLANNED_MARKERS)}|{phrases(M.RETRACTED_MARKERS)})"
    rf"|(?P<perfect>{phrases(M.PERFECT_MARKERS)})"
    rf"|(?P<rise>{phrases(M.RISE_VERBS)})"
    rf"|(?P<said>{phrases(M.ATTRIBUTION_VERBS)})"
    r")(?![\w-])",
    re.IGNORECASE,
)
_WINDOW_FIRST = frozenset(
    [
        *M.WINDOW_PATTERN_FIRST_WORDS,
        *(
            phrase.split()[0].lower()
            for group in (
                M.CUMULATIVE_MARKERS,
                M.EARLIER_MARKERS,
                M.PLANNED_MARKERS,
                M.RETRACTED_MARKERS,
                M.RISE_VERBS,
                M.PERFECT_MARKERS,
                M.ATTRIBUTION_VERBS,
            )
            for phrase in group
        ),
    ]
)
_WINDOW_START = re.compile(rf"\b(?:{trie_pattern(_WINDOW_FIRST)})\b")
# A year in a count's clause dates a past event ("In 2004, about 250 were killed"), unless it
# opens the running total ("since October 2023").
_YEAR = re.compile(
    r"(?<![\w,.$€£-])(?:(?P<since>since|from)\s+(?:\w+\s+){0,2})?(?:1[89]\d\d|20\d\d)(?:[-–/](?:\d\d){1,2})?(?![\w%-]|[.,]\d)"
)
_YEAR_LEAD = frozenset(
    [m.lower() for m in M.MONTHS] + ["in", "since", "of", "from", "during", "by", "until", "the"]
)
_COUNT_NOUN_AFTER = re.compile(rf"\s+(?:{'|'.join(M.COUNT_NOUNS)})\b", re.IGNORECASE)


def with_participles(terms: Sequence[str]) -> list[str]:
    """A one-word term in -ed also stands for its -ing form: a watch that tracks "killed" means
    "an earthquake struck, killing 61" too; one that excludes "released", "releasing"."""
    out = list(terms)
    for term in terms:
        word = term.strip().lower()
        if len(word) > 5 and word.endswith("ed") and word.isalpha():
            out.append(word[:-2] + "ing")
    return out


# Windows a dependent clause takes from the clause it hangs on: "struck in 2017, killing 600"
# is the 2017 count; a day named there ("struck on Tuesday, killing 61") dates the event only.
_INHERITED_KINDS = frozenset({"planned", "strong", "past"})


def inherited(
    sentence: Sentence,
    clause: int,
    here: list[Window],
    windows: dict[int, list[Window]],
) -> list[Window]:
    """The windows that bear on a number in `clause`: its own, plus those of the clause a part
    aside hangs on, plus the strong, planned and past ones of the clause a dependent or subset
    clause hangs on."""
    relation = sentence.relation.get(clause)
    if relation is None or relation[1] not in ("part", "dependent", "ofwhom"):
        return here
    outer = windows.get(relation[0], [])
    if relation[1] != "part":
        outer = [w for w in outer if w[2] in _INHERITED_KINDS]
    return [*here, *outer] if outer else here


def find_windows(text: str, low: str, sentence: Sentence, clauses: set[int]) -> list[Window]:
    """Window, plan, cumulative, rise and attribution phrases in these clauses. The big pattern
    is tried only at words that can start it: ~10x cheaper than scanning every position."""
    found: list[Window] = []
    for lo, hi in sentence.spans(clauses):
        last = -1
        for word in _WINDOW_START.finditer(low, lo, hi):
            if word.start() < last:
                continue
            match = _WINDOW.match(text, word.start(), sentence.end)
            if match:
                found.append((match.start(), match.end(), match.lastgroup or ""))
                last = match.end()
        for year in _YEAR.finditer(text, lo, hi):
            before = text[max(0, year.start() - 12) : year.start()].split()
            dated = bool(before) and before[-1].strip(".,").lower() in _YEAR_LEAD
            if not dated and _COUNT_NOUN_AFTER.match(text, year.end()):
                continue  # "2000 people": a count, not a year
            kind = "cumulative" if year.group("since") else "past"
            found.append((year.start(), year.end(), kind))
    found.sort()
    return found


HISTORY_KINDS = frozenset({"earlier", "past"})


def window_for(
    text: str,
    windows: list[Window],
    mention: NumberMention,
    spec: MetricSpec,
) -> tuple[str | None, str | None]:
    """The window or plan (in the number's clause) that makes this count something other than
    the metric, if any, and its kind."""
    own = _own_terms(spec)
    here = [
        w
        for w in windows
        if not (w[0] < mention.end and w[1] > mention.start)
        # "has offered 12%" for an offer metric: its own term is no plan
        and (w[2] != "planned" or " ".join(text[w[0] : w[1]].lower().split()) not in own)
    ]
    kinds = {w[2] for w in here}
    # A window makes a count a flow ("killed since Friday"); a rate or a sum of money stated
    # "last month" is still that rate, so only plans and past years apply to them.
    counts = spec.unit == "people" or spec.cumulative
    money = spec.unit.startswith("currency")
    for w_start, w_end, kind in here:
        phrase = " ".join(text[w_start:w_end].split())
        if kind == "planned" and money and phrase.lower() == "will":
            continue  # money is pledged for the future: "will triple it to $120bn a year"
        if kind == "past" and "perfect" in kinds:
            continue  # "the 2026 floods have killed 31": the year names the ongoing event
        if kind in ("planned", "earlier") or (kind in ("strong", "past") and counts):
            return phrase, kind
    if not counts:
        past = [w for w in here if w[2] == "past"]
        if past and _older_year(text, past[0], mention):
            return " ".join(text[past[0][0] : past[0][1]].split()), "past"
    if not spec.cumulative or kinds & {"cumulative", "rise", "perfect"}:
        return None, None
    if _ALL_BEFORE.search(text, max(0, mention.start - 6), mention.start):
        return None, None  # "all 20 hostages came home on Monday": the whole count, dated
    for w_start, w_end, kind in here:
        if kind == "weak" and not _attributed(text, here, w_start, w_end, mention.start):
            return " ".join(text[w_start:w_end].split()), kind
    return None, None


@lru_cache(maxsize=256)
def _own_terms(spec: MetricSpec) -> frozenset[str]:
    return frozenset(" ".join(t.lower().split()) for t in with_participles(spec.terms))


_ALL_BEFORE = re.compile(r"(?<!\w)(?i:all)\s+$")
_ANY_YEAR = re.compile(r"(?<![\w,.])(?:1[89]\d\d|20\d\d)(?=[-–/]\d|(?![\w%-]|[.,]\d))")


def _older_year(text: str, window: Window, mention: NumberMention) -> bool:
    """A rate dated by a year older than the newest the article names is a past value
    ("peaked at 11.1% in October 2022"); the newest year is the current period."""
    year = _ANY_YEAR.search(text, window[0], window[1])
    if year is None:
        return False
    return int(year.group()) < _newest_year(text)


@lru_cache(maxsize=4)
def _newest_year(text: str) -> int:
    return max((int(y.group()) for y in _ANY_YEAR.finditer(text)), default=0)


def _attributed(text: str, here: list[Window], w_start: int, w_end: int, number: int) -> bool:
    """ "the ministry said on Tuesday", "On Tuesday, officials said 67,074...": the day dates
    the report, not the count. "killed 18 on Thursday, officials said" stays a window: there
    the attribution comes after the number."""
    for s_start, s_end, kind in here:
        if kind != "said":
            continue
        if s_end <= w_start and len(text[s_end:w_start].split()) <= 2:
            return True
        if w_end <= s_start < number and len(text[w_end:s_start].split()) <= 5:
            return True
    return False
