"""Position + current state -> baseline, shift, refinement, reinforcement, or older.

Pure: no clock (the caller passes `observed_at`), no database. For one actor and topic, in order:

1. No current state: the first position is the `baseline` (stored, not alerted).
2. An article published before the report behind the state (an older article fetched late), and
   not a revision of that report's article, changes nothing: `older`.
3. A plain statement (stance "other": "X said ...") is not a position: it never moves a real
   stance and only `reinforcement`s it. The other way round, the first real stance after plain
   statements replaces them quietly as a new `baseline`: a reader was never told a position to
   shift from, and "said" followed by "agreed" in another outlet is too often the same news.
4. A restatement (Position.reaffirmed: "reiterated", "position is unchanged", "would not improve
   its offer") is a `reinforcement` whatever its stance word: it says that nothing moved.
5. A stance of another family is a `shift`: alerted. The families are insistence (demand, vow:
   "demands guarantees" and "vowed to continue until" hold the same line), refusal (reject:
   "demands 25%" then "rejected the improved offer" is news, the actor turned something down),
   the offer (propose), agreement (accept) and denial (deny). Two moves are no shift
   (RESTATEMENTS): an offer after an agreement ("agreed to release the captives", then "said it
   would release them") restates what was agreed; a demand or vow after a refusal ("will not
   join a government that approves coal mines", then "demand a ban on coal mines") says what
   the refusal insisted on. Significance 1.0 when the polarity flips (accept
   or propose against reject or deny), 0.9 when the actor comes to accept, 0.75 otherwise.
6. Another stance of the same family (demand -> vow), a restatement move, or the same
   stance with a materially different claim (`claims_differ`), is a `refinement`. They have
   significance 0.35 and go to digests only (REFINEMENT_ALERTED): the stance a reader was told
   still holds, only its terms moved, and claims paraphrased by different outlets would otherwise
   alert on wording alone.
7. Anything else is a `reinforcement`: stored, not alerted; another outlet's report is added to
   the state's sources.

`claims_differ` compares the sets of content words (stop words removed, synonyms and demonyms
normalised, light suffix stemming) by their overlap coefficient, shared words over the smaller
set, so that an outlet adding detail to another's wording is no change: below CLAIM_SIMILARITY
(0.5) the claims differ; claims that state different numbers ("within 72 hours" against "within
48 hours") always differ. The threshold is measured on labelled pairs of paraphrases and of
materially different claims in tests/data/positions/claim_pairs.yaml: paraphrases score 0.67
and above, different claims 0.33 and below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from monitor.facts import stances as S
from monitor.facts.model import Source, parse_timestamp, source_from_dict, source_to_dict
from monitor.facts.positions import STANCES, Position

__all__ = [
    "CLAIM_SIMILARITY",
    "DISPOSITIONS",
    "FAMILIES",
    "REFINEMENT_ALERTED",
    "RESTATEMENTS",
    "PositionChange",
    "PositionDiff",
    "PositionState",
    "claim_similarity",
    "claims_differ",
    "diff_position",
    "position_state_from_dict",
    "position_state_to_dict",
]

DISPOSITIONS = ("baseline", "shift", "refinement", "reinforcement", "older")
CLAIM_SIMILARITY = 0.5
REFINEMENT_ALERTED = False
SHIFT_FLIP = 1.0
SHIFT_TO_ACCEPT = 0.9
SHIFT_OTHER = 0.75
REFINEMENT = 0.35
MAX_SOURCES = 20  # a long-running position is reported by many outlets; keep the first few
FAMILIES = {
    "demand": "insistence",
    "vow": "insistence",
    "reject": "refusal",
    "propose": "offer",
    "accept": "agreement",
    "deny": "denial",
}
# (old, new) moves between families that restate rather than move: an offer after an agreement,
# what the actor insists on after what it refuses (the refusal was the news)
RESTATEMENTS = frozenset({("accept", "propose"), ("reject", "demand"), ("reject", "vow")})
_POLARITY = {"accept": 1, "propose": 1, "demand": 0, "vow": 0, "reject": -1, "deny": -1}


@dataclass(frozen=True, slots=True)
class PositionState:
    """The current position of one actor on one topic; the store keeps it as JSON."""

    stance: str
    claim: str
    evidence: str
    source: Source
    observed_at: datetime
    sources: tuple[Source, ...] = ()  # every outlet that reported this position, the first included


@dataclass(frozen=True, slots=True)
class PositionChange:
    """A move of a position a reader should hear about."""

    actor: str
    topic: str
    kind: str  # "shift" | "refinement"
    old: PositionState | None
    new: PositionState
    significance: float
    summary: str


@dataclass(frozen=True, slots=True)
class PositionDiff:
    """What one position means against the current state."""

    disposition: str  # baseline | shift | refinement | reinforcement | older
    change: PositionChange | None  # set for shift and refinement
    state: PositionState | None  # the new current state (None: keep the stored one)


def diff_position(
    pos: Position, source: Source, current: PositionState | None, *, observed_at: datetime
) -> PositionDiff:
    """Compares one position with the current state of its actor and topic; see the docstring."""
    new = PositionState(pos.stance, pos.claim, pos.evidence, source, observed_at, (source,))
    if current is None:
        return PositionDiff("baseline", None, new)
    if _is_older(source, current):
        return PositionDiff("older", None, None)
    if pos.stance == "other":
        return PositionDiff("reinforcement", None, _corroborated(current, source))
    if current.stance == "other":
        return PositionDiff("baseline", None, new)
    if pos.reaffirmed:
        return PositionDiff("reinforcement", None, _corroborated(current, source))
    other_family = FAMILIES.get(pos.stance) != FAMILIES.get(current.stance)
    if other_family and (current.stance, pos.stance) not in RESTATEMENTS:
        change = PositionChange(
            actor=pos.actor,
            topic=pos.topic,
            kind="shift",
            old=current,
            new=new,
            significance=_shift_significance(current.stance, pos.stance),
            summary=f"{pos.actor} on {pos.topic}: {current.stance} -> {pos.stance}",
        )
        return PositionDiff("shift", change, new)
    if pos.stance != current.stance or claims_differ(current.claim, pos.claim):
        moved = f"{current.stance} -> {pos.stance}" if pos.stance != current.stance else pos.stance
        change = PositionChange(
            actor=pos.actor,
            topic=pos.topic,
            kind="refinement",
            old=current,
            new=new,
            significance=REFINEMENT,
            summary=f"{pos.actor} on {pos.topic}: {moved}, new terms: {_short(pos.claim)}",
        )
        return PositionDiff("refinement", change, new)
    return PositionDiff("reinforcement", None, _corroborated(current, source))


def _shift_significance(old: str, new: str) -> float:
    if _POLARITY.get(old, 0) * _POLARITY.get(new, 0) < 0:
        return SHIFT_FLIP
    if new == "accept":
        return SHIFT_TO_ACCEPT
    return SHIFT_OTHER


def _short(claim: str, limit: int = 80) -> str:
    return claim if len(claim) <= limit else claim[: limit - 3].rsplit(" ", 1)[0] + "..."


# --- sources and time -----------------------------------------------------------------------
def _outlets(s: PositionState) -> list[Source]:
    return [s.source, *s.sources]


def _same_outlet(source: Source, current: PositionState) -> bool:
    name = source.name.casefold()
    return any(
        (name and o.name.casefold() == name) or (source.url and o.url == source.url)
        for o in _outlets(current)
    )


def _corroborated(current: PositionState, source: Source) -> PositionState | None:
    """The state with another outlet's report added; None when nothing new (keep)."""
    if _same_outlet(source, current):
        return None
    sources = current.sources or (current.source,)
    if len(sources) >= MAX_SOURCES:
        return None
    return replace(current, sources=(*sources, source))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _is_older(source: Source, current: PositionState) -> bool:
    """Published before the report behind the state; a revision of that article never is."""
    if source.published_at is None:
        return False
    if source.url and any(o.url == source.url for o in _outlets(current)):
        return False
    reference = current.source.published_at or current.observed_at
    return _utc(source.published_at) < _utc(reference)


# --- claims ---------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Light verbs carry no claim of their own: "hand over its weapons", "give up its weapons".
_STOP = S.STOP_WORDS | S.words(
    "say itself s give gives hand hands take takes make makes put lay get"
)
_DEMONYM_OF = {f.lower(): k for k, forms in S.DEMONYMS.items() for f in forms if " " not in k}
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
} | {"eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30", "fifty": "50"}
# "s" before "es" and "ed": "guarantees" -> "guarantee" -> "guarante", like "guarantee".
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ly",
    "als",
    "al",
    "ies",
    "ied",
    "s",
    "ed",
)


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def _normal(word: str) -> str:
    word = S.CLAIM_SYNONYMS.get(word, word)
    return _DEMONYM_OF.get(word, word)


def _content(claim: str) -> tuple[set[str], set[str]]:
    words: set[str] = set()
    numbers: set[str] = set()
    for raw in _WORD.findall(claim.lower()):
        word = raw.replace("’", "'").removesuffix("'s")
        digits = word.replace(",", "")
        number = (digits.lstrip("0") or "0") if digits.isdigit() else _NUMBER_WORDS.get(word)
        if number is not None:
            numbers.add(number)
            words.add(number)
        elif word not in _STOP:
            words.add(_stem(_normal(word)))
    return words, numbers


def claim_similarity(a: str, b: str) -> float:
    """Overlap of the claims' content words: shared words over the smaller set (synonyms and
    demonyms normalised, light stemming, stop words removed). 1.0 when one claim only adds
    detail to the other, as outlets paraphrasing one statement do."""
    wa, _ = _content(a)
    wb, _ = _content(b)
    if not wa or not wb:
        return 1.0 if wa == wb else 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def claims_differ(a: str, b: str) -> bool:
    """Materially different: they state other numbers, or claim_similarity < CLAIM_SIMILARITY."""
    _, na = _content(a)
    _, nb = _content(b)
    if na and nb and na != nb:
        return True
    return claim_similarity(a, b) < CLAIM_SIMILARITY


# --- JSON -----------------------------------------------------------------------------------
def position_state_to_dict(s: PositionState) -> dict[str, object]:
    """A JSON-safe dict (ISO timestamps); position_state_from_dict reads it back."""
    return {
        "stance": s.stance,
        "claim": s.claim,
        "evidence": s.evidence,
        "source": source_to_dict(s.source),
        "observed_at": s.observed_at.isoformat(),
        "sources": [source_to_dict(o) for o in s.sources],
    }


def position_state_from_dict(d: Mapping[str, object]) -> PositionState:
    """The inverse of position_state_to_dict; raises ValueError naming the field that is wrong."""
    try:
        stance = d["stance"]
        if stance not in STANCES:
            raise ValueError(f"position_diff: unknown stance {stance!r}")
        assert isinstance(stance, str)
        source = source_from_dict(d["source"], stage="position_diff")
        raw_sources = d.get("sources") or []
        if not isinstance(raw_sources, list | tuple):
            raise ValueError("position_diff: position state field sources must be a list")
        return PositionState(
            stance=stance,
            claim=str(d.get("claim") or ""),
            evidence=str(d.get("evidence") or ""),
            source=source,
            observed_at=parse_timestamp(d["observed_at"], stage="position_diff"),
            sources=tuple(source_from_dict(o, stage="position_diff") for o in raw_sources)
            or (source,),
        )
    except KeyError as exc:
        raise ValueError(f"position_diff: position state lacks field {exc.args[0]}") from None
