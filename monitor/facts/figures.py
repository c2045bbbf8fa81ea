"""Text + metric specs -> figures: the numbers a metric's terms govern, with their evidence."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from monitor.facts import metrics as M
from monitor.facts.clauses import Sentence, parse_clauses, phrases, sentences_in, split_sentences
from monitor.facts.metrics import BUILTIN_METRICS, MetricSpec
from monitor.facts.numbers import (
    DIGIT_MAP,
    NumberMention,
    lower_text,
    numbers_at,
    scan_anchors,
)
from monitor.facts.windows import (
    HISTORY_KINDS,
    find_windows,
    inherited,
    window_for,
    with_participles,
)

__all__ = ["Figure", "find_figures", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One metric's number as an article states it, with the sentence that states it."""

    key: str  # metric name
    label: str
    value: float
    low: float | None
    high: float | None
    bound: str
    unit: str
    display: str  # "more than 66,600"
    evidence: str  # the sentence it came from
    offset: int  # char offset of the number phrase in the text
    window: str | None  # "since Friday", "would": a windowed or planned count, not the metric
    end: int = -1  # end of the number phrase
    builtin: bool = False  # found by a built-in metric, not by the watch's own
    history: bool = False  # an earlier value of the metric ("first offered", "in 2019")
    recount: bool = False  # chosen from an article that also tells the metric's earlier values


# How far a term may stand from the number it governs, in words.
_MAX_WORDS_BEFORE = 12  # "the death toll from the two-year campaign in Gaza has risen to 67,074"
_MAX_WORDS_AFTER = 8  # "more than 66,600 Palestinians in Gaza have been killed"
_PEOPLE_UNITS = frozenset({"count"})
_NON_PEOPLE = frozenset(M.NON_PEOPLE_NOUNS)
_CHANGE_VERBS = frozenset(M.CHANGE_VERBS)
_INCREMENT = frozenset(M.INCREMENT_WORDS)


_PART_BEFORE = re.compile(rf"\b(?:{'|'.join(M.PART_BEFORE)})\s+$", re.IGNORECASE)
_VERB_TERMS = frozenset(M.VERB_BEFORE_TERMS)
_TO_NEXT = re.compile(r"\s+(?:to|at)\s")  # "rose 474 to 67,074", "up $3.60 at $85"
_POPULATION = re.compile(rf"(?:{phrases(M.POPULATION_BEFORE)})\s*$", re.IGNORECASE)
_NOT_QUANTITY = frozenset(M.NOT_A_QUANTITY_AFTER)
_DELTA_BEFORE = re.compile(
    r"(?:an?\s+(?:increase|rise|jump|drop|decrease|decline|fall)\s+of)$", re.IGNORECASE
)


_Hit = tuple[int, int, tuple[int, ...]]  # a term occurrence: start, end, indices of its specs


@dataclass(frozen=True, slots=True)
class _Compiled:
    specs: tuple[MetricSpec, ...]
    watch_count: int  # specs[:watch_count] are the watch's own, the rest built-ins
    owners: dict[str, tuple[int, ...]]  # normalised term -> indices of the specs it belongs to
    excludes: tuple[tuple[str, ...], ...]  # lower-cased phrases, found with str.find
    contexts: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=128)
def _compile(watch: tuple[MetricSpec, ...], use_builtins: bool) -> _Compiled:
    names = {s.name for s in watch}
    builtins = tuple(b for b in BUILTIN_METRICS if b.name not in names) if use_builtins else ()
    specs = watch + builtins
    owners: dict[str, list[int]] = {}
    for index, spec in enumerate(specs):
        for term in with_participles(spec.terms):
            key = " ".join(term.lower().split())
            if key and index not in owners.setdefault(key, []):
                owners[key].append(index)
    return _Compiled(
        specs=specs,
        watch_count=len(watch),
        owners={k: tuple(v) for k, v in owners.items()},
        excludes=tuple(_lowered(with_participles(s.exclude)) for s in specs),
        contexts=tuple(_lowered(s.context) for s in specs),
    )


def _lowered(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({" ".join(i.lower().split()) for i in items if i.strip()}))


def _hashable(spec: MetricSpec) -> MetricSpec:
    return MetricSpec(
        name=spec.name,
        label=spec.label,
        terms=tuple(spec.terms),
        exclude=tuple(spec.exclude),
        context=tuple(spec.context),
        unit=spec.unit,
        cumulative=spec.cumulative,
        min_change=spec.min_change,
    )


def find_figures(
    text: str,
    metrics: Sequence[MetricSpec],
    *,
    use_builtins: bool = True,
    all_mentions: bool = False,
) -> list[Figure]:
    """The figures of `metrics` (and the built-ins) in `text`, in text order.

    By default one figure per metric is returned, the one a diff should see (for a cumulative
    metric the highest, otherwise the first; windowed and planned counts are never chosen), plus
    every windowed figure; `all_mentions=True` returns every figure found.
    """
    if not text or not (metrics or use_builtins):
        return []
    try:
        compiled = _compile(tuple(metrics), use_builtins)
    except TypeError:  # a spec built with lists: normalise once, then cache
        compiled = _compile(tuple(_hashable(m) for m in metrics), use_builtins)
    norm = text.translate(DIGIT_MAP)
    low = lower_text(norm)
    hits = _find_terms(low, compiled)
    figures: list[Figure] = []
    size, h, pos = len(text), 0, 0
    while h < len(hits):
        # Only paragraphs with a term are split into sentences and searched for numbers.
        pos = max(pos, text.rfind("\n", 0, hits[h][0]) + 1)
        newline = text.find("\n", hits[h][0])
        para_end = size if newline == -1 else newline + 1
        for start, end in sentences_in(text, pos, para_end):
            h_lo = h
            while h < len(hits) and hits[h][0] < end:
                h += 1
            sentence_hits = [t for t in hits[h_lo:h] if t[0] >= start and t[1] <= end]
            if not sentence_hits:
                continue
            anchors = _near(scan_anchors(norm, low, start, end), sentence_hits)
            mentions = numbers_at(text, norm, anchors) if anchors else []
            if mentions:
                figures.extend(
                    _sentence_figures(text, low, start, end, mentions, sentence_hits, compiled)
                )
        pos = para_end
        while h < len(hits) and hits[h][0] < pos:
            h += 1
    return figures if all_mentions else _primary(figures, compiled.specs)


# A number further than this from every term cannot be bound (the word limits above are met
# well within it), nor stand between a term and a number that can: it is not even parsed.
_REACH = 240


def _near(anchors: list[int], hits: list[_Hit]) -> list[int]:
    starts = [h[0] for h in hits]
    longest = max(h[1] - h[0] for h in hits)
    near: list[int] = []
    for anchor in anchors:
        first = bisect_left(starts, anchor - _REACH - longest)
        last = bisect_right(starts, anchor + _REACH)
        if any(hits[i][1] + _REACH >= anchor for i in range(first, last)):
            near.append(anchor)
    return near


def _find_terms(low: str, compiled: _Compiled) -> list[_Hit]:
    """Every term occurrence, by str.find over the lower-cased text (a regex alternation over
    the whole text costs several times more); a plural s/es is allowed; longest match wins."""
    hits: list[_Hit] = []
    for term, owners in compiled.owners.items():
        i = low.find(term)
        while i != -1:
            j = _word_end(low, i, i + len(term))
            if j >= 0:
                hits.append((i, j, owners))
            i = low.find(term, i + 1)
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    kept: list[_Hit] = []
    for hit in hits:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def _word_end(low: str, i: int, j: int) -> int:
    """The end of a whole-word match of low[i:j] (with a plural s/es), or -1 if it is inside a
    longer word."""
    if i and (low[i - 1].isalnum() or low[i - 1] in "-_"):
        return -1
    size = len(low)
    if low.startswith("es", j) and (j + 2 >= size or not _word_char(low[j + 2])):
        return j + 2
    if low.startswith("s", j) and (j + 1 >= size or not _word_char(low[j + 1])):
        return j + 1
    return j if j >= size or not _word_char(low[j]) else -1


def _word_char(c: str) -> bool:
    return c.isalnum() or c in "-_"


@dataclass(slots=True)
class _Candidate:
    score: float
    mention: int
    term: int
    spec: int
    part: bool = False  # a number in a part aside taking a term of the clause it hangs on


# A number in a part aside is farther from the clause's term than the clause's own numbers.
_PART_PENALTY = 4.0
# A context term in another clause than the number is weaker evidence than one in it.
_OTHER_CLAUSE_CONTEXT = 20


def _sentence_figures(
    text: str,
    low: str,
    start: int,
    end: int,
    group: list[NumberMention],
    terms: list[_Hit],
    compiled: _Compiled,
) -> list[Figure]:
    sentence = parse_clauses(text, start, end)
    hit_starts = [t[0] for t in terms]
    mention_starts = [m.start for m in group]
    commas = sentence.plain_commas
    candidates: list[_Candidate] = []
    excludes: dict[int, list[tuple[int, int, bool]]] = {}
    contexts: dict[int, list[tuple[int, int]]] = {}
    for mi, mention in enumerate(group):
        if mention.bound == "vague" or _role(text, start, mention) is not None:
            continue
        clause = sentence.clause(mention.start)
        whole = sentence.parent(clause, "part")  # the clause a part aside hangs on
        elided = sentence.parent(clause, "elliptic")
        outer = whole if whole is not None else elided  # a clause whose terms this may take
        subset = whole if whole is not None else sentence.parent(clause, "ofwhom")
        counted = mention.unit in _PEOPLE_UNITS
        thing = _thing_counted(text, low, sentence, mention) if counted else -1
        # Only terms within reach: a sentence of thousands of numbers stays linear.
        first = bisect_left(hit_starts, mention.start - _REACH)
        last = bisect_right(hit_starts, mention.end + _REACH)
        for ti in range(first, last):
            t_start, t_end, owners = terms[ti]
            t_clause = sentence.clause(t_start)
            if (t_clause != clause and t_clause != outer) or (
                t_start < mention.end and t_end > mention.start
            ):
                continue
            part = t_clause != clause and whole is not None
            borrowed = t_clause != clause and not part
            if (
                t_end <= mention.start
                and len(text[t_end : mention.start].split()) <= 1
                and low[t_start:t_end] in _VERB_TERMS
            ):
                continue  # "were missing five first-team players"
            after = t_start >= mention.end
            # "412 cases" counts cases when "cases" is the metric's own term.
            people_ok = counted and (thing < 0 or thing == t_start)
            lo, hi = (mention.end, t_start) if after else (t_end, mention.start)
            if borrowed:
                if after:
                    continue
                # the elided head stands where the clause starts: "while Iraq's [toll] climbed"
                lo = sentence.seg_starts[sentence.seg_clause.index(clause)]
            words = sentence.words_between(lo, hi, clause, outer)
            if words > (_MAX_WORDS_AFTER if after else _MAX_WORDS_BEFORE):
                continue
            score = float(words) + (0.0 if after else 0.5)
            score += _PART_PENALTY if part or borrowed else 0.0
            score += 1.5 * (bisect_left(commas, hi) - bisect_left(commas, lo))
            score += 3.0 * (bisect_left(mention_starts, hi) - bisect_left(mention_starts, lo))
            excluded_by_watch = False
            for si in owners:
                spec = compiled.specs[si]
                if not _unit_ok(spec.unit, mention.unit, people_ok):
                    continue
                if si not in excludes:
                    excludes[si] = _exclusions(
                        sentence, _phrase_spans(low, compiled.excludes[si], start, end), group
                    )
                if _excluded(sentence, excludes[si], mention, subset):
                    # A clause the watch's metric refuses is not for a built-in with the same
                    # term either ("the toll in the two countries" for a national toll).
                    excluded_by_watch = excluded_by_watch or si < compiled.watch_count
                    continue
                if excluded_by_watch and si >= compiled.watch_count:
                    continue
                bonus = 0.0
                if compiled.contexts[si]:
                    if si not in contexts:
                        contexts[si] = _phrase_spans(low, compiled.contexts[si], start, end)
                    distance = _context_distance(text, sentence, contexts[si], mention)
                    if distance is None:
                        continue
                    bonus = -0.5 + 0.01 * distance
                candidates.append(_Candidate(score + bonus, mi, ti, si, part))
    if not candidates:
        return []
    chosen = _assign(candidates, compiled.watch_count)
    increments = _running_total(text, sentence, group, chosen)
    clauses: set[int] = set()
    for c in chosen:
        clause = sentence.clause(group[c.mention].start)
        clauses.add(clause)
        if clause in sentence.relation:
            clauses.add(sentence.relation[clause][0])
    windows: dict[int, list[tuple[int, int, str]]] = {}
    for found in find_windows(text, low, sentence, clauses):
        windows.setdefault(sentence.clause(found[0]), []).append(found)
    window_starts = {c: [w[0] for w in ws] for c, ws in windows.items()}
    figures: list[Figure] = []
    for cand in chosen:
        mention = group[cand.mention]
        spec = compiled.specs[cand.spec]
        clause = sentence.clause(mention.start)
        here = windows.get(clause, [])
        if len(here) > 8:  # a run-on clause: only the windows within reach of the number
            starts = window_starts[clause]
            lo = bisect_left(starts, mention.start - 2 * _REACH)
            here = here[lo : bisect_right(starts, mention.end + 2 * _REACH)]
        # A modal two comma segments off has another verb ("rose to 3.4%, official figures
        # showed, a bigger rise than economists had expected").
        here = [w for w in here if w[2] != "planned" or _in_reach(sentence, w[0], mention, group)]
        window, kind = window_for(text, inherited(sentence, clause, here, windows), mention, spec)
        relation = sentence.relation.get(clause)
        if window is None and relation is not None and relation[1] == "part":
            window, kind = relation[2], "part"  # "including": a part, never the whole
        if window is None and relation is not None and relation[1] == "previous":
            window, kind = relation[2], "earlier"  # "..., up from the previous 16%"
        if window is None and spec.cumulative:
            share = _PART_BEFORE.search(text, max(start, mention.start - 12), mention.start)
            if share:  # "the first seven hostages", "another 80 people"
                window, kind = share.group().strip(), "part"
        if window is None and cand.mention in increments:
            window, kind = increments[cand.mention], "increment"
        figures.append(
            Figure(
                key=spec.name,
                label=spec.label,
                value=mention.value,
                low=mention.low,
                high=mention.high,
                bound=mention.bound,
                unit=mention.unit,
                display=" ".join(mention.text.split()),
                evidence=_evidence(text, start, end, mention),
                offset=mention.start,
                window=window,
                end=mention.end,
                builtin=cand.spec >= compiled.watch_count,
                history=kind in HISTORY_KINDS,
            )
        )
    figures.sort(key=lambda f: f.offset)
    return figures


_TOTAL_TO = re.compile(
    r"\b(?:bringing|taking|raising|pushing|lifting)\s+(?:the|its|their)\s+(?:[\w-]+\s+){0,2}"
    r"(?:total|toll|tally|number|count)\b(?P<rest>[^;.]{0,100}?)\bto\s+$",
    re.IGNORECASE,
)
# A total over time, not a sum over places ("bringing the toll in the two countries to 156").
_OVER_TIME = re.compile(r"\b(?:since|so far|to date|overall|in all|this (?:year|month|week))\b")


_LEVEL_BEFORE = re.compile(r"\b(?:to|at|reached|passed|of)\s+$", re.IGNORECASE)


def _running_total(
    text: str, sentence: Sentence, group: list[NumberMention], chosen: list[_Candidate]
) -> dict[int, str]:
    """ "Police made 41 arrests, bringing the total since January to 64": the number after
    "bringing the total ... to" is the running total of the count before it, which is an
    increment. Adds the total to `chosen` when no term of its own took it; returns the
    increments (mention index -> the phrase that makes them one)."""
    increments: dict[int, str] = {}
    taken = {c.mention for c in chosen}
    for mi, mention in enumerate(group):
        lo = max(sentence.start, mention.start - 160)
        match = _TOTAL_TO.search(text, lo, mention.start)
        if match is None or not _OVER_TIME.search(match.group("rest").lower()):
            continue
        earlier = [c for c in chosen if group[c.mention].end <= match.start() and not c.part]
        if not earlier:
            continue
        phrase = " ".join(text[match.start() : match.end()].split()[:3])
        for cand in earlier:
            # "rose to 340 ..., bringing the combined toll to 400": a level, not an increment
            head = text[
                max(sentence.start, group[cand.mention].start - 12) : group[cand.mention].start
            ]
            if not _LEVEL_BEFORE.search(head):
                increments.setdefault(cand.mention, phrase)
        if mi not in taken:
            last = max(earlier, key=lambda c: group[c.mention].start)
            chosen.append(_Candidate(last.score, mi, last.term, last.spec))
            taken.add(mi)
    return increments


def _in_reach(
    sentence: Sentence, pos: int, mention: NumberMention, group: list[NumberMention]
) -> bool:
    """A word at `pos` bears on the number: in its comma segment, or in a neighbouring segment
    with no number of its own."""
    segment, here = sentence.segment(pos), sentence.segment(mention.start)
    if segment == here:
        return True
    clause = sentence.clause(pos)
    return abs(segment - here) == 1 and not any(
        sentence.clause(m.start) == clause and sentence.segment(m.start) == segment for m in group
    )


def _exclusions(
    sentence: Sentence, spans: list[tuple[int, int]], group: list[NumberMention]
) -> list[tuple[int, int, bool]]:
    """Where exclude terms stand: (clause, comma segment, whether a number shares it)."""
    out: list[tuple[int, int, bool]] = []
    for lo, _ in spans:
        clause, segment = sentence.clause(lo), sentence.segment(lo)
        shared = any(
            sentence.clause(m.start) == clause and sentence.segment(m.start) == segment
            for m in group
        )
        out.append((clause, segment, shared))
    return out


def _excluded(
    sentence: Sentence,
    spots: list[tuple[int, int, bool]],
    mention: NumberMention,
    whole: int | None,
) -> bool:
    """An exclude term in the number's comma segment, or in a segment next to it that has no
    number of its own, excludes it ("20 hostages, freed on Monday, were..."); one farther off
    does not ("rose to 3.4%, official figures showed, a bigger rise than expected")."""
    clause, segment = sentence.clause(mention.start), sentence.segment(mention.start)
    return any(
        (c == clause and (s == segment or (not shared and abs(s - segment) == 1)))
        or (whole is not None and c == whole)
        for c, s, shared in spots
    )


_EVIDENCE_MAX = 600  # characters; a longer "sentence" (a table, a run-on list) is cut around


def _evidence(text: str, start: int, end: int, mention: NumberMention) -> str:
    """The sentence, whitespace collapsed; around the number only when it is very long."""
    if end - start > _EVIDENCE_MAX:
        half = _EVIDENCE_MAX // 2
        lo, hi = max(start, mention.start - half), min(end, mention.end + half)
        while lo > start and not text[lo - 1].isspace():
            lo += 1
        while hi < end and not text[hi].isspace():
            hi -= 1
        body = " ".join(text[lo:hi].split())
        return ("… " if lo > start else "") + body + (" …" if hi < end else "")
    return " ".join(text[start:end].split())


def _unit_ok(spec_unit: str, unit: str, people_ok: bool) -> bool:
    if spec_unit == "people":
        return people_ok
    if spec_unit == "percent":
        return unit == "percent"
    if spec_unit == "currency":
        return unit.startswith("currency:")
    if spec_unit.startswith("currency:"):
        return unit == spec_unit
    if spec_unit == "any":
        return unit not in ("duration",)
    return unit == spec_unit


def _thing_counted(text: str, low: str, sentence: Sentence, mention: NumberMention) -> int:
    """Where the noun stands that makes this a count of things, not of people ("600 trucks",
    "20 points", "the number of districts reporting cases is 9"); -1 if there is none."""
    pos = mention.end
    for count, word in enumerate(_WORD.finditer(low, pos, min(sentence.end, pos + 40))):
        if count == 2 or low[pos : word.start()].strip(" -"):
            break  # two words on, or past a punctuation mark
        if word.group() in _NON_PEOPLE:
            return word.start()
        pos = word.end()
    clause = sentence.clause(mention.start)
    lo = max(sentence.start, mention.start - 80)
    label = _LABEL.search(text, lo, mention.start)  # `low` has no line breaks left
    if label and label.group(1).lower() in _NON_PEOPLE:
        return label.start(1)  # "Districts reporting cases: 6"
    for match in _NUMBER_OF.finditer(low, lo, mention.start):
        if match.group(1) in _NON_PEOPLE and sentence.clause(match.start()) == clause:
            return match.start(1)
    return -1


_NUMBER_OF = re.compile(r"\bnumber of (\w+)")
_LABEL = re.compile(r"^[ \t\-•*]*(\w+)[^:\n]{0,60}:\s*$", re.MULTILINE)
_WORD = re.compile(r"\w+")


def _role(text: str, sentence_start: int, mention: NumberMention) -> str | None:
    """ "previous" for the old value of a move ("up from 66,600"), "delta" for the move itself."""
    following = text[mention.end : mention.end + 16].split(None, 1)
    if following and following[0].lower().strip(".,;:") in _NOT_QUANTITY:
        return "other"  # "a 60% chance of a rise"
    window = text[max(sentence_start, mention.start - 40) : mention.start]
    if _POPULATION.search(window):
        return "population"  # "its population of 2.1 million"
    if following and following[0].lower() in _INCREMENT:
        return "delta"  # "four more hostages", "12 additional deaths": an increment
    head = window.split()
    if head and head[-1].lower() in ("the", "a", "an", "its", "their") and len(head) > 1:
        head = head[:-1]  # "up from the 61 reported earlier"
    if not head:
        return None
    last = head[-1].lower().strip(",")
    before = head[-2].lower() if len(head) > 1 else ""
    if last == "from" and (
        before in _CHANGE_VERBS
        or _TO_NEXT.match(text, mention.end)
        or before.endswith(",")  # "fallen to 900,000, from 1.6 million a day earlier"
        or before.rstrip("%").replace(",", "").replace(".", "").isdigit()  # "to 58 from 64"
    ):
        return "previous"
    if last in ("previously", "formerly") or (last in ("with", "to") and before == "compared"):
        return "previous"
    moved_to = _TO_NEXT.match(text, mention.end)
    moved = (last == "by" and before in _CHANGE_VERBS) or (
        last in ("up", "down") and before != "to"
    )
    if last in _CHANGE_VERBS and moved_to and not last.endswith("ing"):
        return "delta"  # "rose $2.10 to $81.40"
    # "rose by 474 to 67,074": the move. "The economy grew by 0.2%" is the figure itself.
    if moved and (moved_to or mention.unit == "count"):
        return "delta"
    if _DELTA_BEFORE.search(" ".join(head[-4:])):
        return "delta"
    return None


def _phrase_spans(
    low: str, phrases: tuple[str, ...], start: int, end: int
) -> list[tuple[int, int]]:
    """Where these lower-cased phrases stand in low[start:end], whole words, plural s/es allowed."""
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        i = low.find(phrase, start, end)
        while i != -1:
            j = _word_end(low, i, i + len(phrase))
            if j >= 0:
                spans.append((i, j))
            i = low.find(phrase, i + 1, end)
    spans.sort()
    return spans


def _context_distance(
    text: str, sentence: Sentence, spans: list[tuple[int, int]], mention: NumberMention
) -> int | None:
    """Words from the number to the nearest context term in its sentence, a term in another
    clause counting as farther ("killed in Iran has risen to 731; Iraq's toll stands at 58");
    None if there is none."""
    if not spans:
        return None
    clause = sentence.clause(mention.start)
    i = bisect_left(spans, (mention.start, -1))
    best: int | None = None
    for c_start, c_end in spans[max(0, i - 3) : i + 3]:
        lo, hi = (mention.end, c_start) if c_start >= mention.end else (c_end, mention.start)
        distance = len(text[lo:hi].split()) if lo < hi else 0
        if sentence.clause(c_start) != clause:
            distance += _OTHER_CLAUSE_CONTEXT
        best = distance if best is None else min(best, distance)
    return best


def _assign(candidates: list[_Candidate], watch_count: int) -> list[_Candidate]:
    """Greedy, best score first: each number goes to one metric; each term occurrence governs
    one number per metric. The watch's metrics choose first; a number or a term occurrence they
    used is not available to the built-ins."""
    chosen: list[_Candidate] = []
    used_mentions: set[int] = set()
    used_terms: set[tuple[int, int]] = set()
    watch_terms: set[int] = set()
    # Numbers in part asides come last and use up no term: "104 killed, including 46
    # children" gives 104 and the part 46 from one "killed".
    for part_phase, builtin_phase in ((False, False), (False, True), (True, False), (True, True)):
        phase = [
            c
            for c in candidates
            if (c.spec >= watch_count) == builtin_phase and c.part == part_phase
        ]
        phase.sort(key=lambda c: (c.score, c.mention, c.spec))
        for cand in phase:
            if cand.mention in used_mentions:
                continue
            if not part_phase and (cand.term, cand.spec) in used_terms:
                continue
            if builtin_phase and cand.term in watch_terms and not part_phase:
                continue
            chosen.append(cand)
            used_mentions.add(cand.mention)
            if not part_phase:
                used_terms.add((cand.term, cand.spec))
                if not builtin_phase:
                    watch_terms.add(cand.term)
    return chosen


def _primary(figures: list[Figure], specs: Sequence[MetricSpec]) -> list[Figure]:
    """One figure per metric for the diff: never a windowed one; the highest of a cumulative
    metric (the running total), else the first (the lede states the current figure). A later
    mention that agrees with the chosen one and states it more precisely replaces it ("more
    than a million" in the lede, "1.1 million" in the body)."""
    cumulative = {s.name for s in specs if s.cumulative}
    best: dict[str, Figure] = {}
    for fig in figures:
        if fig.window is not None:
            continue
        current = best.get(fig.key)
        if (
            current is None
            or (fig.key in cumulative and fig.value > current.value and not _agree(fig, current))
            or (_agree(fig, current) and _sharper(fig, current))
        ):
            best[fig.key] = fig
    # An explainer that tells how the figure got here ("had first offered $80bn") may end on an
    # older value: the diff is told, so that a value the metric has left is not news again.
    told = {f.key for f in figures if f.history}
    chosen = {id(f): replace(f, recount=True) if f.key in told else f for f in best.values()}
    return [chosen.get(id(f), f) for f in figures if f.window is not None or id(f) in chosen]


def _span(fig: Figure) -> tuple[float, float]:
    low = fig.low if fig.low is not None else -math.inf
    high = fig.high if fig.high is not None else math.inf
    return low, high


def _agree(a: Figure, b: Figure) -> bool:
    (a_low, a_high), (b_low, b_high) = _span(a), _span(b)
    return a.unit == b.unit and a_low <= b_high and b_low <= a_high


def _sharper(a: Figure, b: Figure) -> bool:
    """a states the figure more precisely than b: a narrower interval, or as wide and exact."""
    (a_low, a_high), (b_low, b_high) = _span(a), _span(b)
    a_width, b_width = a_high - a_low, b_high - b_low
    if a_width != b_width:
        return a_width < b_width
    return a.bound == "exact" and b.bound != "exact"
