"""Text + actors + topics -> positions: who demands, offers, accepts, rejects, vows or denies what.

Pure regex heuristics (no parser, no model; word lists in stances.py). One pass over the text
finds the stance and speech words (a trie of their first letters, then an anchored match) and
the configured aliases; only sentences holding such a word are read further. For each word:

- Subject: walking left from the verb over auxiliaries, adverbs, appositives (", who ...,") and
  the speaker's noun phrase ("Hamas's top negotiator Khalil al-Hayya", "Israeli officials",
  "Egypt, Qatar and Turkey"); after the verb for "..., said Barhoum", "according to X"; the
  agent of a passive ("was rejected by Hamas"). A configured alias (or a configured person's
  surname, or a demonym before a role: "Israeli officials") names its actor. "We"/"I" in a quote
  is whoever the nearest speech verb attributes the quote to. "He", "it", "the group", "the
  mediators" in reported speech are the speaker; otherwise the actor that acted or spoke in
  this or the previous sentence (the previous paragraph's last sentence counts), "he"/"she"
  preferring persons and "they"/"it" never meaning one, "they" never reaching past a nearer
  plural ("his partners ...; they"). A role seen with an actor ("Qatari mediators"), or ending
  a configured alias ("the union" for "National Rail Workers' Union"), names it for the rest of
  the text; "his country", "its government" are the speaker's side; "Ruritania's trade ministry"
  is Ruritania. With `discover_actors`, a capitalised name is an actor ("The
  European Union urged" -> "European Union"; "Transportation Secretary Pete Buttigieg" -> "Pete
  Buttigieg"; "Egyptian officials" -> "Egypt"); the variants of one name in a text become the
  longest ("Reeves" -> "Rachel Reeves").
- No stance: a conditional clause ("if/unless/whether/once Hamas accepts", "Should Hamas
  accept"), a condition after the stance in its clause ("vowed to fight on, should the group
  turn it down", "would not proceed if the deal holds"; an offer keeps its condition), a
  "would" in a sentence with an if-clause ("If X accepted, Egypt would drop ..."), a question,
  speculation ("may", "could", "is expected to accept"), a "would" that
  nobody is reported as saying, background ("last year", a past perfect outside reported
  speech), an infinitive or gerund governed by another verb ("urged Hamas to accept" is the
  urging), what a negated speech verb governs ("has not said it would"), a refusal to speak
  ("refused to say whether"), a past-tense stance dated to an earlier weekday when the caller
  passes `published` ("On Tuesday, it turned down ..." on a Sunday), another language, a
  "sentence" over 1,500 characters (a flattened table or list).
- Negation flips: "did not accept X" is a refusal (reject); "did not reject X", "has not ruled
  out X" leave the door open (other); other negated stances are "other"; "does not want", "has
  no plan to" are refusals. "will not", "won't", "has no intention of" are refusals themselves.
- Reported speech: "Hamas said it would release ..." commits the speaker (propose; vow for
  "continue", "fight", "retaliate" ...; procedure such as "convene", "vote" commits to nothing);
  "X must ..." in a speaker's words is the speaker's demand; a verdict on something ("called the
  demand unacceptable", "said the plan was a good basis") rejects or accepts it. A statement
  with no stance is "other" (claim: what was said; a quote before "he told reporters").
- Claim: the clause the stance governs, up to the next clause, attribution or closing quote.
- A refusal of one thing "without" another also demands the other ("will not accept any
  filling without a binding agreement": reject filling, demand the agreement).
- Topic: every configured topic named in the claim's main part ("end the war and withdraw"
  gives two positions; "release the captives in stages tied to the withdrawal" only the first;
  "join talks on the pension reform" only the talks: a topic after "on"/"about" is the
  earlier one's subject),
  else the first one named anywhere in the claim, else one named by the stance words themselves
  ("offered 4%": an offer; for a nominal, "its pay offer to", first), else for a vague claim
  ("welcomed the agreement") the only one named in its clause, else the topic of the section
  heading above (a short unpunctuated line such as "Governance"), else the claim's head noun.
- One position per (actor, topic) per text (`one_per_topic`): the first real stance, else the
  first "other" (a lede carries the news; background comes later).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from monitor.facts import stances as S

__all__ = ["STANCES", "ActorSpec", "Position", "TopicSpec", "find_positions"]

STANCES = ("demand", "propose", "accept", "reject", "vow", "deny", "other")


@dataclass(frozen=True, slots=True)
class ActorSpec:
    """An actor and the names that stand for it; the name itself always matches."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A subject of positions and the words that show a claim is about it."""

    name: str
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Position:
    """One actor's stance on one topic, with the clause it governs and its sentence."""

    actor: str
    topic: str
    stance: str  # demand | propose | accept | reject | vow | deny | other
    claim: str
    evidence: str
    offset: int
    negated: bool = False
    quoted: bool = False
    reaffirmed: bool = False  # "reiterated", "position is unchanged": restates, never refines


# --- compiled patterns --------------------------------------------------------------------------
def _alternation(fragments: Sequence[str]) -> str:
    return "|".join(f"(?:{f})" for f in fragments)


_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("unchanged", (S.UNCHANGED_PATTERN,)),
    ("vow", S.VOW_PHRASES),
    ("reject", S.REJECT_PHRASES),
    ("deny", S.DENY_PHRASES),
    ("accept", S.ACCEPT_PHRASES),
    ("propose", S.PROPOSE_PHRASES),
    ("demand", S.DEMAND_PHRASES),
    ("other", S.SPEECH_PHRASES),
)
# Matched on the lowercased text, where the trie of trigger heads finds candidates fast.
_TRIGGER = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<{name}>{_alternation(frags)})" for name, frags in _CLASSES)
    + r")(?![\w-])"
)


def _trie(words: frozenset[str]) -> str:
    """A regex matching any of `words` as a prefix, shaped as a trie (one branch per letter)."""
    root: dict[str, dict[str, object]] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})  # type: ignore[assignment]
        node[""] = {}

    def emit(node: dict[str, dict[str, object]]) -> str:
        alts = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(child)  # type: ignore[arg-type]
            for ch, child in sorted(node.items())
            if ch
        ]
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(root)


_HEADS = re.compile(r"(?<![\w-])" + _trie(S.TRIGGER_HEADS))
_NOMINAL = re.compile(
    r"(?:(?<=\w)['’]s?|\b(?:its|their|his|her|our))\s+(?:[\w-]+\s+){0,2}?(?P<noun>"
    + "|".join(sorted(S.NOMINAL_STANCES, key=len, reverse=True))
    + r")\s+(?:"
    + "|".join(S.NOMINAL_LINKS)
    + r")\b"
)
_POSSESSORS = ("'s ", "’s ", "s' ", "its ", "their ", "his ", "her ", "our ")
_MODAL = re.compile(
    rf"(?<![\w-]){S.MODAL_COMMIT}\s+(?:(?:also|now|still|then|immediately|only)\s+)?(?P<verb>[a-z]+)\b"
)
_OBLIGATION = re.compile(rf"(?<![\w-]){S.OBLIGATION}(?![\w-])")
_CLAIM_STOP = re.compile(S.CLAIM_STOPS)
_VERDICT = re.compile(
    rf"(?:\s+as|\s+(?:is|was|are|were|remains?|remained|would be|will be))?"
    rf"(?P<neg>\s+not)?\s+(?:completely\s+|totally\s+|simply\s+|entirely\s+)?[\"“']?"
    rf"(?:(?P<bad>{S.NEGATIVE_VERDICTS})|(?P<good>{S.POSITIVE_VERDICTS}))\b"
)
_OWN_POSITION = re.compile(S.OWN_POSITION)
_SCOPE_STOP = re.compile(
    r"[;:]|,\s*(?:but|while|whereas|although|though|as|after|before|despite|amid)\b"
    r"|\s(?:but|while|whereas)\s",
    re.IGNORECASE,
)
_VAGUE_CLAIM = re.compile(r"^(?:[\w'’-]+ )?(?:it|them|this|that|these|those)\b", re.IGNORECASE)
_ON_DAY = re.compile(
    r"\b(?:on|last)\s+("
    + "|".join(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    + r")\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)['’]s\b"
)
_VERDICT_WORD = re.compile(rf"\b(?:{S.NEGATIVE_VERDICTS}|{S.POSITIVE_VERDICTS})\b")
_QUOTE_BEFORE = re.compile(r"[\"“]([^\"“”]{3,})[\"”]\s*,?\s*$")
_BACKGROUND = re.compile(S.BACKGROUND_PATTERN)
_CONDITIONAL_PHRASE = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in S.CONDITIONAL_PHRASES) + r")\b"
)
_TOKEN = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?|\w+(?:[-'’.]\w+)*(?:(?<=s)['’](?!\w))?|[^\w\s]")
_COORDINATED = re.compile(
    r"(?:,|\band|\bbut|\bor)\s+(?:(?:\w+ly|also|then|later|not|never|would|will|has|have|had"
    r"|did|does|is|are|was|were)\s+)*$"
)
_PREAMBLE = re.compile(rf"(?:{S.CLAIM_PREAMBLE})+")
_OBJECT_CONTROL = re.compile(
    r"^((?:[\w'’.-]+\s+){1,4}?)(?:to|must|should|needs? to|has to|have to)\s+(?=\w)",
    re.IGNORECASE,
)
_CONDITIONAL_ANY = re.compile(
    r"\b(?:" + "|".join(sorted(S.CONDITIONAL_CUES | {"should", "were", "had"})) + r")\b"
)
_TERMINAL = re.compile(r"[.?!]")
_CLAUSE_CUT = re.compile(r"[,;:\"“”(—–]|\bthat\b")
_VERB_NEXT = re.compile(r"(?:\bnot|\bnever|n['’]t|\bto|\bof)\s*$")
_IF = re.compile(r"\b(?:if|unless)\b")
_CONDITION_AFTER = re.compile(
    r"(?<!\beven )(?<!\bas )(?<!\band )(?<!\bbut )\bif\b|,\s+(?:should|were|had)\s+(?!not\b)\w"
)
_ABOUT = re.compile(
    r"\b(?:on|about|over|regarding|concerning)\s+(?:(?:the|a|an|its|their|his|her|any)\s+)?$"
)
_WITHOUT = re.compile(r"\bwithout\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;\"“”—]")
_SUBORDINATE = re.compile(S.CLAIM_SUBORDINATORS, re.IGNORECASE)
_PLURAL_NP = re.compile(
    r"\b(?:the|his|her|their|its|these|those|many|some|several|other|both)\s+(?:[a-z-]+\s+){0,2}?"
    r"[a-z]{3,}(?<!ss)(?<!us)(?<!is)s\b"
)
_LEAD = re.compile(r"\s*(?:(to|that|on|for|upon|of|with)\s+)?")
_THAT = re.compile(r"^[^,;:\"“”]{0,60}?\bthat\b", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PARTICLES = S.words("up out over down off back in away")
_INFLECTION = "(?:s|es|d|ed|n|ing|al)?"
_CLAIM_TRIM = " \t\n\r,.;:!?\"“”'‘’()[]—–-"
_DEMONYM_NAME: dict[str, str] = {}
for _key, _forms in sorted(S.DEMONYMS.items(), key=lambda kv: len(kv[0]), reverse=True):
    _name = _key.upper() if len(_key) <= 3 else _key.title()
    for _form in _forms:
        _DEMONYM_NAME[_form.casefold()] = _name


_Mention = tuple[int, int, str, bool]  # (start, end, actor, names a person)


@dataclass(frozen=True, slots=True)
class _Engine:
    aliases: re.Pattern[str] | None  # matched on the lowercased text
    actor_of: dict[str, str]
    demonym_of: dict[str, str]
    acronyms: dict[str, str]  # casefolded -> as written: "US" is no "us"
    persons: frozenset[str]  # aliases that name a person ("Fawzi Barhoum", "Barhoum")
    roles: dict[str, str]  # "union" for an actor called "National Rail Workers' Union"
    topics: tuple[tuple[str, re.Pattern[str]], ...]


def _acronym(alias: str) -> bool:
    return sum(c.isupper() for c in alias) >= 2 and len(alias.replace(".", "")) <= 5


def _demonyms(alias: str) -> tuple[str, ...]:
    """Likely adjectives of a one-word place name not in stances.DEMONYMS: "Ruritania" ->
    "Ruritanian", "Freedonia" -> "Freedonian"; they count only before a role word."""
    if " " in alias or not alias[:1].isupper() or len(alias) < 4 or alias.isupper():
        return ()
    if alias.endswith("a"):
        return (alias + "n",)
    if alias.endswith("y"):
        return (alias[:-1] + "ian",)
    return (alias + "i", alias + "ian", alias + "ese")


def _surname(alias: str) -> str | None:
    """ "Fawzi Barhoum" -> "Barhoum", "Khalil al-Hayya" -> "al-Hayya": how a person is named
    again; None for one-word aliases and names of organisations or places."""
    words = alias.split()
    if not 2 <= len(words) <= 3 or not all(
        w[0].isupper() or w[:3] in ("al-", "el-") for w in words
    ):
        return None
    last = words[-1]
    if last.casefold() in S.ORG_WORDS or len(last) < S.MIN_SURNAME_CHARS or last.isupper():
        return None
    return last


def _term_regex(term: str) -> str:
    """A topic term with its inflections ("release" -> "released"); a phrasal verb may hold its
    object ("pull out" -> "pulled all of its forces out")."""
    words = [re.escape(w) + _INFLECTION for w in term.split()]
    if len(words) == 2 and term.split()[1].lower() in _PARTICLES:
        return words[0] + r"(?:\s+[\w'’-]+){0,4}?\s+" + words[1]
    return r"\s+".join(words)


@lru_cache(maxsize=128)
def _engine(
    actors: tuple[tuple[str, tuple[str, ...]], ...], topics: tuple[tuple[str, tuple[str, ...]], ...]
) -> _Engine:
    actor_of: dict[str, str] = {}  # casefolded alias -> actor
    spelled: dict[str, str] = {}  # casefolded alias -> as written (acronyms match by case)
    demonym_of: dict[str, str] = {}
    for name, aliases in actors:
        for alias in (name, *aliases):
            alias = " ".join(alias.split())
            if alias and alias.casefold() not in actor_of:
                actor_of[alias.casefold()] = name
                spelled[alias.casefold()] = alias
    for name, aliases in actors:
        for alias in aliases:
            surname = _surname(alias)
            if surname and surname.casefold() not in actor_of:
                actor_of[surname.casefold()] = name
                spelled[surname.casefold()] = surname
    demonyms: dict[str, str] = {}
    for name, aliases in actors:
        for alias in (name, *aliases):
            generated = _demonyms(alias) if alias == name else ()
            for form in S.DEMONYMS.get(" ".join(alias.split()).casefold(), ()) or generated:
                if form.casefold() not in actor_of:
                    demonym_of.setdefault(form.casefold(), name)
                    demonyms.setdefault(form.casefold(), form)
    pattern = None
    if actor_of:
        names = frozenset(actor_of) | frozenset(demonym_of)
        pattern = re.compile(rf"(?<!\w)(?:{_trie(names)})(?!\w)")
    acronyms = {k: v for k, v in (spelled | demonyms).items() if _acronym(v)}
    compiled = []
    for name, terms in topics:
        alts = "|".join(_term_regex(t) for t in (name, *terms) if t.strip())
        compiled.append((name, re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)))
    # a "surname" that is an actor's own name makes a place ("Port Sudan"), no person
    single = {name.casefold() for name, _ in actors}
    persons = frozenset(
        form.casefold()
        for _, aliases in actors
        for alias in aliases
        if _surname(alias) and (_surname(alias) or "").casefold() not in single
        for form in (" ".join(alias.split()), _surname(alias) or "")
    )
    heads: dict[str, set[str]] = {}
    for name, aliases in actors:
        for alias in (name, *aliases):
            words = alias.lower().split()
            if len(words) >= 2 and _base(words[-1]) in S.DEFINITE_HEADS:
                heads.setdefault(_base(words[-1]), set()).add(name)
    roles = {head: next(iter(named)) for head, named in heads.items() if len(named) == 1}
    return _Engine(pattern, actor_of, demonym_of, acronyms, persons, roles, tuple(compiled))


# --- paragraphs and sentences -------------------------------------------------------------------
_ABBREVIATIONS = S.words(
    "mr mrs ms dr st gen lt col sgt rep sen gov prof jr sr inc ltd co corp vs etc no jan feb mar "
    "apr jun jul aug sep sept oct nov dec e.g i.e approx"
)


_BOUNDARY = re.compile(r"[.!?…]+[\"”’'»)\]]*\s+")
_WORD_BEFORE = re.compile(r"[\w.]+$")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Lines are paragraphs, except a line that wraps mid-sentence into a lowercase one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"\n\s*", text):
        before = text[start : m.start()].rstrip()
        after = text[m.end() : m.end() + 1]
        soft = "\n" not in m.group()[1:] and before and before[-1] not in ".!?:;\"”’')]"
        if soft and after.islower():
            continue
        if before:
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _quote_balanced(text: str) -> bool:
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in a paragraph; no split inside a double quote that closes."""
    para = text[start:end]
    track_quotes = _quote_balanced(para)
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _BOUNDARY.finditer(para):
        nxt = para[m.end() : m.end() + 1]
        if not nxt or nxt.islower():
            continue
        if m.group()[0] == ".":
            word = _WORD_BEFORE.search(para, max(0, m.start() - 12), m.start())
            w = word.group().casefold().rstrip(".") if word else ""
            if w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                continue
        if track_quotes:
            head = para[begin : m.end()]
            if head.count('"') % 2 or head.count("“") > head.count("”"):
                continue
        spans.append((start + begin, start + m.end()))
        begin = m.end()
    if para[begin:].strip():
        spans.append((start + begin, end))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        s += len(chunk) - len(chunk.lstrip())
        e -= len(chunk) - len(chunk.rstrip())
        if e > s:
            out.append((s, e))
    return out


class _Vocabulary:
    """The words a text uses in lowercase (made on first use): a capitalised word that opens a
    sentence ("Rail union demands ...") is a common noun when the text also writes it lowercase."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: frozenset[str] | None = None

    def has(self, word: str) -> bool:
        if self.words is None:
            self.words = frozenset(_LOWER_WORD.findall(self.text))
        return word in self.words


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _past_days(published: date | None) -> frozenset[str]:
    if published is None:
        return frozenset()
    today = published.weekday()
    return frozenset(_WEEKDAYS[(today - k) % 7] for k in range(2, 7))


# --- per-paragraph memory -----------------------------------------------------------------------
@dataclass(slots=True)
class _Context:
    """Who spoke or acted last, for pronouns and definite descriptions."""

    sentence: int = 0
    subject: str | None = None
    subject_at: int = -10
    subject_person: bool = False
    speaker: str | None = None
    roles: dict[str, str] = field(default_factory=dict)
    # (sentence index, char offset in the sentence, actor, names a person) of every alias seen
    mentions: list[tuple[int, int, str, bool]] = field(default_factory=list)
    common: _Vocabulary | None = None  # the text's lowercase words
    past_days: frozenset[str] = frozenset()  # weekdays before the article's day and the one before

    def carry(self) -> _Context:
        """The memory a new paragraph starts with: the previous one's last sentence, at arm's
        length (as if it were the sentence before)."""
        recent = self.subject is not None and self.subject_at >= self.sentence - 1
        return _Context(
            sentence=0,
            subject=self.subject,
            subject_at=-1 if recent else -10,
            subject_person=self.subject_person,
            speaker=self.speaker,
            roles=self.roles,  # "the alliance" names the same actor all through an article
            common=self.common,
            past_days=self.past_days,
            mentions=[(-1, o, a, p) for i, o, a, p in self.mentions if i == self.sentence - 1],
        )

    def resolve(self, word: str, offset: int = 1 << 30) -> str | None:
        """The actor a pronoun or definite description at `offset` of this sentence means."""
        if word not in S.SUBJECT_PRONOUNS:  # "the group", "the mediators"
            if word in self.roles:
                return self.roles[word]
            if self.subject and self.sentence - self.subject_at <= 1:
                return self.subject
            seen = [
                a
                for i, o, a, _ in self.mentions
                if i == self.sentence - 1 or (i == self.sentence and o < offset)
            ]
            return seen[-1] if seen else None
        personal = word in S.PERSON_PRONOUNS
        recent = self.subject and self.sentence - self.subject_at <= 1
        if recent and (personal or not self.subject_person):
            return self.subject  # "he" may be an actor's unnamed speaker; "it" is no person
        # this sentence's names before the pronoun, nearest first; then the sentence before,
        # in order (its subject usually comes first). "he" prefers persons; "they" never is one.
        here = [
            (a, p) for i, o, a, p in reversed(self.mentions) if i == self.sentence and o < offset
        ]
        before = [(a, p) for i, _, a, p in self.mentions if i == self.sentence - 1]
        candidates = here + before
        if personal:
            people = [a for a, p in candidates if p]
            return people[0] if people else (candidates[0][0] if candidates else None)
        things = [a for a, p in candidates if not p]
        return things[0] if things else None


# --- subjects -----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Subject:
    kind: str  # actor | name | pronoun | first | definite | coord | unknown | none
    actors: list[str] = field(default_factory=list)
    word: str = ""  # the pronoun or the head of a definite description
    start: int = -1  # char offset of the noun phrase in the sentence
    roles: list[str] = field(default_factory=list)
    person: bool = False
    possessive: bool = False
    negated: bool = False
    auxes: set[str] = field(default_factory=set)
    before: str = ""  # the word just before the noun phrase


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str
    base: str  # lowercased, possessive stripped


_POSSESSIVE = ("'s", "’s", "s'", "s’")


def _base(low: str) -> str:
    """Lowercased without the possessive: "hamas's" -> "hamas", "workers'" -> "workers"."""
    if low.endswith(_POSSESSIVE):
        return low[:-2] if low[-2] in "'’" else low[:-1]
    return low


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z-]+")
_OPENERS = frozenset("\"“‘'(")
_NOT_NAME = S.NOT_NAMES | S.AUXILIARIES | S.CONDITIONAL_CUES | S.PREPOSITIONS | S.ROLE_WORDS
_NP_WORDS = S.ROLE_WORDS | S.NP_MODIFIERS | S.DEFINITE_HEADS


def _demonym_like(word: str) -> bool:
    return word[:1].isupper() and (
        word.casefold() in _DEMONYM_NAME or word.lower().endswith(S.DEMONYM_SUFFIXES)
    )


def _is_name(tok: _Tok) -> bool:
    first = tok.text[0]
    return first.isupper() and first.isalpha() and tok.base not in _NOT_NAME


class _Tokens:
    """A sentence's tokens: their lowercase text and offsets up front (C-level), the token
    objects only when a walk reads them (a handful per verb)."""

    __slots__ = ("cache", "lows", "starts", "text")

    def __init__(self, text: str, low: str) -> None:
        self.text = text
        self.lows: list[str] = _TOKEN.findall(low)
        self.starts: list[int] = []
        pos = 0
        find = low.find
        for word in self.lows:
            pos = find(word, pos)
            self.starts.append(pos)
            pos += len(word)
        self.cache: dict[int, _Tok] = {}

    def __len__(self) -> int:
        return len(self.lows)

    def __getitem__(self, i: int) -> _Tok:
        tok = self.cache.get(i)
        if tok is None:
            low = self.lows[i]
            start = self.starts[i]
            end = start + len(low)
            tok = self.cache[i] = _Tok(start, end, self.text[start:end], low, _base(low))
        return tok

    def slice(self, start: int, stop: int) -> list[_Tok]:
        return [self[i] for i in range(start, stop)]


class _Sentence:
    """One sentence with its tokens and actor mentions; the subject walk lives here."""

    def __init__(
        self,
        text: str,
        low: str,
        mentions: list[_Mention],
        discover: bool,
        common: _Vocabulary | None = None,
    ) -> None:
        self.text = text
        self.discover = discover
        self.common = common
        self.toks = _Tokens(text, low)
        starts = self.toks.starts
        # token index -> (first token, actor, names a person)
        self.mention_of: dict[int, tuple[int, str, bool]] = {}
        for m_start, m_end, actor, person in mentions:
            first = max(bisect_right(starts, m_start) - 1, 0)
            idx = [
                i
                for i in range(first, bisect_left(starts, m_end))
                if starts[i] < m_end and starts[i] + len(self.toks.lows[i]) > m_start
            ]
            for i in idx:
                self.mention_of[i] = (idx[0], actor, person)

    def index_before(self, pos: int) -> int:
        """Index of the last token ending at or before `pos`."""
        i = bisect_left(self.toks.starts, pos) - 1
        while i >= 0 and self.toks.starts[i] + len(self.toks.lows[i]) > pos:
            i -= 1
        return i

    def index_at(self, pos: int) -> int:
        """Index of the first token ending after `pos`."""
        i = max(bisect_right(self.toks.starts, pos) - 1, 0)
        while i < len(self.toks) and self.toks.starts[i] + len(self.toks.lows[i]) <= pos:
            i += 1
        return i

    # The walk: from the verb leftwards over fillers, appositives, then the noun phrase.
    def subject(self, i: int) -> _Subject:
        sub = _Subject("none")
        i = self._skip_parenthesis(self._skip_fillers(i, sub))
        if i >= 0 and self.toks[i].text == ",":
            comma = self.toks[i].end
            i = self._skip_appositive(i)
            if i < 0:
                sub.kind, sub.start = "coord", comma  # "Israel rejects the plan, vows to fight on"
                return sub
            i = self._skip_parenthesis(self._skip_fillers(i, sub))
        if i >= 0 and self.toks[i].low in ("who", "which"):
            i -= 1
            if i >= 0 and self.toks[i].text == ",":
                i -= 1
        if i < 0:
            return sub
        first = self._noun_phrase(i, sub)
        if sub.kind in ("actor", "name"):
            self._coordination(first - 1, sub)
        return sub

    def _skip_fillers(self, i: int, sub: _Subject) -> int:
        while i >= 0:
            t = self.toks[i]
            low = t.low
            if low in S.NEGATIONS or low.endswith(("n't", "n’t")):
                sub.negated = True
                if low.startswith(("won", "wouldn", "can", "couldn", "shouldn")):
                    sub.auxes.add({"w": "will", "c": "can", "s": "should"}[low[0]])
                    if low.startswith("wouldn"):
                        sub.auxes.add("would")
            elif low in S.AUXILIARIES:
                sub.auxes.add(low)
            elif (
                low in S.FILLER_WORDS
                or low in S.DAYS
                or low in ('"', "“", "'", "‘")  # scare quotes: Hamas 'will not disarm'
                or (len(low) > 4 and low.endswith("ly") and t.text.islower())
            ):
                pass
            else:
                return i
            i -= 1
        return i

    def _skip_parenthesis(self, i: int) -> int:
        """`i` closes a short parenthesis after the subject ("The Harbour Workers' Union (HWU)
        demands"): the token before it opens."""
        if i < 0 or self.toks[i].text != ")":
            return i
        for j in range(i - 1, max(-1, i - 12), -1):
            if self.toks[j].text == "(":
                return j - 1
        return i

    def _skip_appositive(self, i: int) -> int:
        """`i` is a comma before the verb: skip ", who ...," or ", a spokesperson for X,"; an
        appositive that names someone (", Khalil al-Hayya,") is read as the noun phrase."""
        j = i - 1
        while j >= 0 and self.toks[j].text not in (",", ";", '"', "“", "”"):
            j -= 1
        if j < 0 or self.toks[j].text != "," or j + 1 >= i:
            return -1
        seg = self.toks.slice(j + 1, i)
        head = seg[0].low
        if head in ("who", "which", "speaking", "citing", "according", "meanwhile", "however"):
            return j - 1
        if any(k in self.mention_of for k in range(j + 1, i)) or any(map(_is_name, seg)):
            return i - 1
        if (
            head in S.PREPOSITIONS
            or head in S.DETERMINERS
            or head in ("a", "an", "the")
            or head in S.ROLE_WORDS
            or seg[0].text.islower()
        ):
            return j - 1
        return -1

    def _noun_phrase(self, i: int, sub: _Subject) -> int:
        """Fills `sub` from the noun phrase ending at token `i`; returns its first token."""
        elems: list[tuple[str, str, int]] = []  # (kind, value, token index), right to left
        end = i
        while i >= 0:
            t = self.toks[i]
            hit = self.mention_of.get(i)
            if hit is not None:
                elems.append(("mention", hit[1], i))
                i = hit[0] - 1
                continue
            org_name = (
                t.text[0].isupper()
                and t.base in S.ORG_WORDS
                and i > 0
                and _is_name(self.toks[i - 1])
            )  # "United States Maritime Alliance", "European Union": part of a name
            if org_name:
                elems.append(("name", t.text, i))
            elif t.base in _NP_WORDS:
                elems.append(("role", t.base, i))
            elif _is_name(t):
                elems.append(("name", t.text, i))
            elif t.low in ("of", "for", "from") and elems and i > 0:
                elems.append(("link", t.low, i))
            elif t.low in ("to", "in", "at") and elems and i > 0:
                elems.append(("away", t.low, i))
            elif t.low in S.NAME_CONNECTORS and elems and elems[-1][0] == "name":
                elems.append(("link", t.low, i))
            elif t.text.islower() and elems and elems[-1][0] == "role" and self._possessor(i):
                elems.append(("mod", t.low, i))  # "Ruritania's trade ministry"
            else:
                break
            i -= 1
        while elems and elems[-1][0] in ("link", "away"):
            elems.pop()
            i += 1
        first = i + 1
        sub.before = self.toks[i].low if i >= 0 else ""
        sub.start = self.toks[first].start if first <= end else self.toks[end].end
        elems.reverse()
        mentions = [(k, e) for k, e in enumerate(elems) if e[0] == "mention"]
        sub.roles = [e[1] for e in elems if e[0] == "role"]
        if elems:
            sub.possessive = self.toks[elems[-1][2]].low.endswith(_POSSESSIVE)
        if mentions:
            sub.kind = "actor"
            sub.actors = [self._best_mention(elems, mentions)]
            sub.person = any(r in S.PERSON_ROLES for r in sub.roles) or any(
                self.mention_of[e[2]][2] for _, e in mentions
            )
            return first
        if (
            i >= 0
            and elems
            and self.toks[i].low == "the"
            and elems[-1][0] == "role"
            and elems[-1][1] in S.DEFINITE_HEADS
            and all(e[0] == "role" or _demonym_like(e[1]) for e in elems)
        ):
            elems = [e for e in elems if e[0] == "role"]  # "the Palestinian group"
        elif self.discover and any(e[0] == "name" for e in elems):
            name = self._discovered(elems)
            if name:
                sub.kind = "name"
                sub.actors = [name]
                parts = name.split()
                sub.person = any(r in S.PERSON_ROLES for r in sub.roles) or (
                    2 <= len(parts) <= 3 and not any(w.lower() in S.ORG_WORDS for w in parts)
                )
                return first
        word = self.toks[i].low if i >= 0 else ""
        if not elems:
            sub.before = self.toks[i - 1].low if i > 0 else ""
            if word in S.SUBJECT_PRONOUNS:
                sub.kind, sub.word, sub.start = "pronoun", word, self.toks[i].start
            elif word in S.FIRST_PERSON:
                sub.kind, sub.word, sub.start = "first", word, self.toks[i].start
            elif word in ("and", "but", ",", "or"):
                sub.kind = "coord"
            elif word:
                sub.kind = "unknown"
            return first
        if (
            all(e[0] == "role" for e in elems)
            and elems[-1][1] in S.DEFINITE_HEADS
            and word != "the"
        ):
            k = i  # "the rail workers' union": lowercase modifiers between "the" and the head
            while (
                k >= 0 and k > i - 4 and self.toks[k].text.islower() and self.toks[k].low != "the"
            ):
                k -= 1
            if k >= 0 and self.toks[k].low == "the" and k < i:
                i, word = k, "the"
        if word in ("his", "her", "its", "their", "our") and all(e[0] == "role" for e in elems):
            word = "the"  # "his country", "its government": the speaker's own side
        if word == "the" and elems[-1][0] == "role" and all(e[0] == "role" for e in elems):
            head = elems[-1][1]
            if elems[0][0] == "role" and self.toks[elems[0][2]].low.endswith(_POSSESSIVE):
                head = elems[0][1]  # "the group's political bureau" is the group
            if head in S.DEFINITE_HEADS:
                sub.kind, sub.word = "definite", head
                sub.before = self.toks[i - 1].low if i > 0 else ""
                sub.start = self.toks[i].start
                return first
        sub.kind = "unknown"
        return first

    def _possessor(self, i: int) -> bool:
        """A named possessor ("Ruritania's", "Hamas's") within two lowercase words before `i`."""
        for k in range(i - 1, max(i - 3, -1), -1):
            tok = self.toks[k]
            if tok.low.endswith(_POSSESSIVE):
                return k in self.mention_of or _is_name(tok)
            if not tok.text.islower():
                return False
        return False

    def _best_mention(
        self, elems: list[tuple[str, str, int]], mentions: list[tuple[int, tuple[str, str, int]]]
    ) -> str:
        best, best_score = mentions[0][1][1], -1
        for k, (_, actor, tok) in mentions:
            left = elems[k - 1][0] if k > 0 else ""
            right = elems[k + 1][0] if k + 1 < len(elems) else ""
            if left == "away":
                continue
            score = 1
            if right == "role" or self.toks[tok].low.endswith(_POSSESSIVE):
                score = 3
            elif left == "link" or not right:
                score = 2
            if score > best_score:
                best, best_score = actor, score
        return best

    def _discovered(self, elems: list[tuple[str, str, int]]) -> str | None:
        """A capitalised name in the subject: the organisation before a lowercase role or a
        possessive ("Hamas official X", "Egypt's envoy"), else the last name ("The European
        Union", "Transportation Secretary Pete Buttigieg" -> "Pete Buttigieg")."""
        runs: list[tuple[list[str], bool]] = []  # (words, an organisation)
        current: list[str] = []
        for k, (kind, value, tok) in enumerate(elems):
            nxt = elems[k + 1] if k + 1 < len(elems) else None
            if kind == "name" or (kind == "link" and current and value in S.NAME_CONNECTORS):
                current.append(value)
                possessive = self.toks[tok].low.endswith(_POSSESSIVE)
                continued = nxt is not None and nxt[0] == "name" and nxt[1].lower() in S.ORG_WORDS
                if possessive and not continued:
                    runs.append((current, True))
                    current = []
                continue
            if current:
                runs.append((current, kind == "role" and self.toks[tok].text.islower()))
                current = []
        if current:
            runs.append((current, False))
        runs = [
            (r, org)
            for r, org in runs
            if r
            and r[-1].lower() not in S.NAME_CONNECTORS
            and not all(_base(w.lower()) in S.ORG_WORDS | S.TITLE_WORDS for w in r)
        ]
        if not runs:
            return None
        orgs = [r for r, org in runs if org]
        words = orgs[0] if orgs else runs[-1][0]
        if words[-1].lower().endswith(_POSSESSIVE):
            words = [*words[:-1], words[-1][: len(_base(words[-1].lower()))]]
        while words and words[0].lower() in S.TITLE_WORDS:
            words = words[1:]
        name = " ".join(words).strip()
        if len(name) < 2 or not any(c.isalpha() for c in name):
            return None
        opening = elems[0][2] == 0 or self.toks[elems[0][2] - 1].text in _OPENERS
        if opening and len(words) == 1 and name.lower().endswith(S.COMMON_PLURALS):
            return None  # "Drivers said": capitalised as the sentence opens, not a name
        if (
            opening
            and len(words) == 1
            and self.common is not None
            and self.common.has(name.lower())
        ):
            return None  # "Rail union demands ..." where the text speaks of "rail workers"
        if len(words) == 1 and name.casefold() not in _DEMONYM_NAME and _demonym_like(name):
            return None  # "a Palestinian official": a people, not an actor
        return _DEMONYM_NAME.get(name.casefold(), name)

    def _coordination(self, i: int, sub: _Subject) -> None:
        """'Egypt, Qatar and Turkey urged': every coordinated actor is a subject."""
        extra: list[str] = []
        seen_and = False
        while i >= 1 and self.toks[i].low in ("and", ","):
            seen_and = seen_and or self.toks[i].low == "and"
            if not seen_and:
                break
            probe = _Subject("none")
            first = self._noun_phrase(i - 1, probe)
            if probe.kind not in ("actor", "name") or probe.before in ("of", "among"):
                break  # "two of Northwind's investors, Crestline and Dunmore": the list ends
            extra.extend(probe.actors)
            i = first - 1
        if not extra:
            return
        if (
            i >= 0
            and self.toks[i].text not in (",", ";", ":", '"', "“", "”")
            and (self.toks[i].low not in ("that", "while", "but"))
        ):
            return  # the list is the object of an earlier verb, not a subject
        sub.actors = [a for a in reversed(extra) if a not in sub.actors] + sub.actors

    # Post-posed speakers: '"...," said Barhoum'; "..., according to Israeli officials".
    def subject_after(self, pos: int, *, loose: bool = False) -> _Subject:
        """The noun phrase right after `pos`; with `loose`, the first actor named before the
        next comma ("according to a statement from Hamas")."""
        sub = _Subject("none")
        j = self.index_at(pos)
        if loose:
            k = j
            while k < len(self.toks) and self.toks[k].text not in (",", ";", ":", '"', "“", "”"):
                if k in self.mention_of:
                    sub.kind, sub.actors = "actor", [self.mention_of[k][1]]
                    sub.start = self.toks[k].start
                    return sub
                k += 1
        named: _Subject | None = None
        for attempt in range(2):  # '... said Hazem Qassem, a Hamas spokesman': the appositive
            end = j
            while end < len(self.toks) and (
                end in self.mention_of
                or _is_name(self.toks[end])
                or self.toks[end].base in S.ROLE_WORDS
                or self.toks[end].base in S.NP_MODIFIERS
                or self.toks[end].base in S.DEFINITE_HEADS
                or self.toks[end].low in ("a", "an", "the", "of", "for")
            ):
                end += 1
            if end > j:
                probe = _Subject("none")
                self._noun_phrase(end - 1, probe)
                probe.start = self.toks[j].start
                if probe.kind == "actor" or (attempt and probe.kind == "definite"):
                    return probe
                if probe.kind == "name" and named is None:
                    named = probe
            if end < len(self.toks) and self.toks[end].text == "," and end > j:
                j = end + 1
                continue
            break
        if named is not None:
            return named
        first = self.index_at(pos)
        if first < len(self.toks) and self.toks[first].low in S.SUBJECT_PRONOUNS:
            sub.kind, sub.word, sub.start = "pronoun", self.toks[first].low, self.toks[first].start
        return sub


# --- quotes -------------------------------------------------------------------------------------
_QUOTE_CHARS = re.compile("[\"“”«»'‘’]")


class _Quotes:
    """Quote depth along a sentence: double quotes, guillemets, and single quotes that stand at
    a word's edge (an apostrophe inside "don't" or after "mediators" opens nothing)."""

    def __init__(self, text: str) -> None:
        self.points: list[int] = []  # offsets of the quote marks that opened or closed
        self.after: list[int] = []  # the depth after each of them
        stack: list[str] = []
        n = len(text)
        for m in _QUOTE_CHARS.finditer(text):
            k, ch = m.start(), m.group()
            prev = text[k - 1] if k else " "
            nxt = text[k + 1] if k + 1 < n else " "
            depth = len(stack)
            if ch in "“«":
                stack.append(ch)
            elif ch in "”»":
                if stack and stack[-1] in "“«":
                    stack.pop()
            elif ch == '"':
                if stack and stack[-1] == '"':
                    stack.pop()
                elif not prev.isalnum():
                    stack.append('"')
            else:
                closing = prev.isalnum() or prev in ",.!?"
                if stack and stack[-1] == "'" and closing and not nxt.isalnum():
                    stack.pop()
                elif ch != "’" and not prev.isalnum() and prev not in "'‘’" and nxt.isalnum():
                    stack.append("'")
            if len(stack) != depth:
                self.points.append(k)
                self.after.append(len(stack))

    def depth(self, pos: int) -> int:
        i = bisect_left(self.points, pos) - 1
        return self.after[i] if i >= 0 else 0

    def closes(self, begin: int, end: int) -> int:
        """Where the quote around `begin` closes before `end` (else `end`)."""
        depth = self.depth(begin)
        for i in range(bisect_left(self.points, begin), len(self.points)):
            if self.points[i] >= end:
                break
            if self.after[i] < depth:
                return self.points[i]
        return end

    def span(self, pos: int) -> tuple[int, int]:
        """The innermost quote around `pos`: (opening mark, closing mark or the end)."""
        depth = self.depth(pos)
        i = bisect_left(self.points, pos) - 1
        opening = 0
        while i >= 0:
            before = self.after[i - 1] if i else 0
            if self.after[i] == depth and before < depth:
                opening = self.points[i]
                break
            i -= 1
        closing = 1 << 30
        for j in range(bisect_left(self.points, pos), len(self.points)):
            if self.after[j] < depth:
                closing = self.points[j]
                break
        return opening, closing


# --- claims and topics --------------------------------------------------------------------------
def _clean_claim(text: str) -> str:
    claim = " ".join(text.split()).strip(_CLAIM_TRIM)
    if claim.count('"') % 2 or claim.count("“") != claim.count("”"):
        claim = claim.replace('"', "").replace("“", "").replace("”", "")  # a quote cut in two
    if len(claim) > S.MAX_CLAIM_CHARS:
        claim = claim[: S.MAX_CLAIM_CHARS].rsplit(" ", 1)[0]
    return claim


def _head_noun(claim: str, verb_first: bool, depth: int = 0) -> str | None:
    """The claim's head noun, lowercased: the fallback topic ("guarantees", "captives")."""
    control = _OBJECT_CONTROL.match(claim)
    if control and (claim[0].isupper() or claim.split()[0].lower() in ("both", "the", "all")):
        claim, verb_first = claim[control.end() :], True  # "Hamas to accept the plan"
    for phrase in S.LIGHT_VERB_PHRASES:
        if claim.lower().startswith(phrase + " "):
            claim, verb_first = claim[len(phrase) + 1 :], False
            break
    words = _WORDS.findall(claim.split(",", 1)[0])  # a noun phrase ends at a comma
    low = [w.lower() for w in words]
    n = len(words)
    k, verb = 0, ""
    if verb_first and words:
        verb, k = low[0], 1
    else:
        while k < n and low[k] in S.HEAD_SKIP:  # "it had agreed to disarm"
            k += 1
        if k + 1 < n and low[k].endswith(("ed", "ing")) and low[k + 1] in S.HEAD_SKIP | {"to"}:
            verb, k = low[k], k + 1
            if low[k] == "to" and k + 1 < n:
                verb, k = low[k + 1], k + 2
    if k < n and verb and low[k] in _PARTICLES:
        k += 1
    while k < n and low[k] in S.HEAD_SKIP:
        k += 1
    start = k
    while k < n and k - start < 4:
        if low[k] in S.STOP_WORDS or low[k] in S.PREPOSITIONS or low[k] in S.CLAIM_LEADS:
            break
        nxt = words[k + 1] if k + 1 < n else ""
        if k > start and low[k].endswith("ed") and (not nxt[:1].islower() or nxt in S.STOP_WORDS):
            break  # "the disarmament clause angered Washington": a verb ends the noun phrase
        if low[k].endswith(_POSSESSIVE) and k + 1 < n:
            start = k + 1  # "Harbor Capital's sweetened bid": the possessor is no head
        k += 1
    chunk = low[start:k]
    if len(chunk) > 1 and chunk[0].endswith("ing") and words[start + 1][0].isupper():
        chunk = chunk[:1]  # "governing Gaza": the act, not the place
    while len(chunk) > 1 and chunk[-1].endswith(S.ADJECTIVE_SUFFIXES):
        chunk.pop()
    if not chunk and verb and verb not in S.STOP_WORDS:
        chunk = [verb]
    if not chunk:
        return None
    head = _base(chunk[-1]).strip("'’-")
    if head in S.GENERIC_HEADS and k < n and low[k] in ("to", "for", "of", "on") and depth < 2:
        rest = " ".join(words[k + 1 :])
        inner = _head_noun(rest, low[k] == "to", depth + 1) if rest else None
        if inner:
            return inner  # "any demand to disarm" is about disarming
    if len(head) < 2 or head in S.EMPTY_HEADS:
        return None
    return head


def _named(engine: _Engine, text: str) -> str | None:
    hits = [
        (m.start(), k, name) for k, (name, p) in enumerate(engine.topics) if (m := p.search(text))
    ]
    return min(hits)[2] if hits else None


def _topics(engine: _Engine, found: _Found, section: str | None, sentence: str = "") -> list[str]:
    """The configured topics named in the claim's main part ("end the war and withdraw"), else
    the first one named anywhere in it, else the topic of the section heading above ("Israel
    rejects any role for the Palestinian Authority" under "Governance"), else the claim's head
    noun. The stance words may name the topic themselves: first for a nominal ("its pay offer
    to 6%"), after the claim for a verb ("offered 4% this year")."""
    claim, trigger = found.claim, found.trigger
    if found.nominal and (own := _named(engine, trigger)):
        return [own]
    main = _SUBORDINATE.search(claim, 1)
    main_end = main.start() if main else len(claim)
    named: list[tuple[int, int, str, int]] = []
    for order, (name, pattern) in enumerate(engine.topics):
        m = pattern.search(claim)
        if m:
            named.append((m.start(), order, name, m.end()))
    named.sort()
    if named:
        in_main: list[str] = []
        last_end = -1
        for start, _, name, end in named:
            if start >= main_end:
                break
            if (
                last_end >= 0
                and _ABOUT.search(claim, last_end, start)
                and "," not in claim[last_end:start]
            ):
                continue  # "talks on the pension reform": what the talks are about
            in_main.append(name)
            last_end = end
        return in_main or [named[0][2]]
    if trigger and (own := _named(engine, trigger)):
        return [own]
    head = _head_noun(claim, found.verb_first)
    if engine.topics and (head is None or head in S.VAGUE_HEADS or _VAGUE_CLAIM.search(claim)):
        stop = _SCOPE_STOP.search(sentence, found.claim_span[1])
        scope = sentence[found.at : stop.start() if stop else len(sentence)]
        in_sentence = {name for name, p in engine.topics if p.search(scope)}
        if len(in_sentence) == 1:
            return [in_sentence.pop()]  # "welcomed the agreement and said ... tariffs"
    if section:
        return [section]
    return [head] if head else []


def _required(engine: _Engine, found: _Found) -> list[str]:
    """A refusal of one thing "without" another demands the other: "will not accept any filling
    without a binding agreement" also demands the agreement (topics named only after
    "without")."""
    if found.stance != "reject" or not engine.topics:
        return []
    m = _WITHOUT.search(found.claim)
    if not m:
        return []
    before, after = found.claim[: m.start()], found.claim[m.end() :]
    return [name for name, p in engine.topics if p.search(after) and not p.search(before)]


# --- the sentence pass --------------------------------------------------------------------------
@dataclass(slots=True)
class _Trigger:
    start: int
    end: int
    cls: str  # a stance class, "other" (speech) or "unchanged"
    text: str  # lowercased match
    kind: str = "verb"  # verb | nominal | modal | obligation
    noun: str = ""


@dataclass(slots=True)
class _Found:
    actors: list[str]
    stance: str
    claim: str
    claim_span: tuple[int, int]
    verb_first: bool
    negated: bool
    quoted: bool
    reaffirmed: bool = False
    person: bool = False
    trigger: str = ""  # the stance words as written ("offered", "its pay offer to")
    nominal: bool = False
    at: int = 0  # where the stance words start in the sentence


def _plural_name(word: str) -> bool:
    """A capitalised plural such as "Greens", "Houthis" (not "US", "Hamas's", "Congress")."""
    return (
        len(word) > 3
        and word[0].isupper()
        and not word.isupper()
        and word.endswith("s")
        and not word.endswith(("ss", "'s", "’s", "as"))
    )


def _past_tense(word: str) -> bool:
    return word.endswith("ed") or word in ("sought", "swore", "made", "stood", "took", "gave")


def _english(low: str) -> bool:
    """Not another language: mostly ASCII words, and no more function words of French,
    Spanish, German, Italian or Portuguese than of English (stances.FOREIGN_MARKERS)."""
    words = low.split()
    if len(words) < S.MIN_WORDS_FOR_LANGUAGE_GUARD:
        return True
    if sum(map(str.isascii, words)) < 0.5 * len(words):
        return False  # mostly another script (Arabic, Hebrew, Cyrillic ...)
    english = sum(map(S.ENGLISH_MARKERS.__contains__, words))
    foreign = sum(map(S.FOREIGN_MARKERS.__contains__, words))
    return english >= foreign


def _title_case(sentence: str) -> bool:
    words = [w for w in _WORDS.findall(sentence) if len(w) >= 4]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _lower(text: str) -> str:
    """Lowercase with the same length (offsets must agree): a few characters grow when
    lowercased ("İ"); those stay as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _scan(low: str) -> list[_Trigger]:
    """Every stance and speech word of the text, in order, not overlapping."""
    found: list[_Trigger] = []
    end = 0
    for head in _HEADS.finditer(low):
        if head.start() < end:
            continue
        m = _TRIGGER.match(low, head.start())
        if m:
            found.append(_Trigger(m.start(), m.end(), m.lastgroup or "other", m.group()))
            end = m.end()
    return found


def _mentions(engine: _Engine, text: str, low: str) -> list[_Mention]:
    """Every alias of a configured actor; a demonym counts only before a role ("Israeli
    officials"), so "Israeli strikes" names no speaker."""
    if engine.aliases is None:
        return []
    found: list[_Mention] = []
    for m in engine.aliases.finditer(low):
        key = " ".join(m.group().split())
        spelled = engine.acronyms.get(key)
        if spelled is not None and " ".join(text[m.start() : m.end()].split()) != spelled:
            continue
        actor = engine.actor_of.get(key)
        if actor is None:
            actor = engine.demonym_of.get(key)
            after = low[m.end() : m.end() + 40].split()[:2]
            if not any(_base(w.strip(",.")) in S.ROLE_WORDS for w in after):
                continue
        if actor is not None:
            found.append((m.start(), m.end(), actor, key in engine.persons))
    return found


def _sentence_triggers(text: str, low: str, start: int, scanned: list[_Trigger]) -> list[_Trigger]:
    """The sentence's triggers (offsets relative to it), with its nominal stances."""
    titled: bool | None = None
    found: list[_Trigger] = []
    for t in scanned:
        if text[t.start].isupper() and text[start : t.start].strip(" \"“'‘([").strip():
            if titled is None:
                titled = _title_case(text[start : start + len(low)])
            if not titled:
                continue  # "United States", "Says" mid-sentence: a name, not a verb
        found.append(_Trigger(t.start - start, t.end - start, t.cls, t.text))
    if any(p in low for p in _POSSESSORS) and any(n in low for n in S.NOMINAL_STANCES):
        verbs = [(t.start, t.end) for t in found]
        for m in _NOMINAL.finditer(low):
            if any(a < m.end() and m.start() < b for a, b in verbs):
                continue  # "dropped its demand for": the nominal is part of the verb's phrase
            noun = m.group("noun")
            cls = S.NOMINAL_STANCES[noun]
            found.append(_Trigger(m.start(), m.end(), cls, m.group(), "nominal", noun))
        found.sort(key=lambda t: (t.start, -t.end))
    return found


class _SentencePass:
    """Every position of one sentence, given the paragraph's memory."""

    def __init__(
        self,
        sentence: str,
        low: str,
        triggers: list[_Trigger],
        mentions: list[_Mention],
        context: _Context,
        discover: bool,
    ) -> None:
        self.ctx = context
        self.s = _Sentence(sentence, low, mentions, discover, context.common)
        self.text = sentence
        self.triggers = triggers
        self.low = low
        self.quotes = _Quotes(sentence)
        self.stops = [m.start() for m in _TERMINAL.finditer(sentence)]
        self.cuts = [m.end() for m in _CLAUSE_CUT.finditer(low)]
        # sentence-wide facts that let most per-verb checks stop at once
        self.background = _BACKGROUND.search(low) is not None
        self.conditional = bool(_CONDITIONAL_ANY.search(low) or _CONDITIONAL_PHRASE.search(low))
        self.speaker: str | None = None
        self.speaker_person = False
        self.speaker_known = False  # a speech verb has a subject, even one that is no actor
        self.speech: list[tuple[int, int, list[str]]] = []  # speech verbs and their speakers
        self.speech_subjects: dict[int, _Subject] = {}
        self.reaffirm = False
        self.last_actors: list[str] = []
        self.acted: list[tuple[int, list[str]]] = []  # (verb offset, its resolved subject)
        self.last_person = False
        self.unsaid: list[tuple[int, int]] = []  # what a negated speech verb governs
        self.found: list[_Found] = []
        self.governed: list[tuple[int, int]] = []

    # helpers
    def quoted(self, pos: int) -> bool:
        return self.quotes.depth(pos) > 0

    def _question(self, pos: int) -> bool:
        """The clause at `pos` ends with a question mark."""
        i = bisect_right(self.stops, pos)
        return i < len(self.stops) and self.text[self.stops[i]] == "?"

    def _clause_start(self, pos: int) -> int:
        i = bisect_right(self.cuts, pos) - 1
        return self.cuts[i] if i >= 0 else 0

    def _conditional(self, pos: int) -> bool:
        if not self.conditional:
            return False
        seg = self.low[self._clause_start(pos) : pos]
        words = seg.split()
        for k, w in enumerate(words):
            w = w.strip(",.;:\"“”'‘’()")
            if w in S.CONDITIONAL_CUES and not (
                w == "once" and k + 1 < len(words) and words[k + 1].startswith("again")
            ):
                return True
        if words and words[0].strip("\"“'") in ("should", "were", "had"):
            return True
        return bool(_CONDITIONAL_PHRASE.search(seg))

    def _claim(self, start: int) -> tuple[int, int, bool]:
        """(start, end, verb_first) of the clause governed from `start`."""
        rest = self.low[start:]
        pre = _PREAMBLE.match(rest.lstrip())
        if pre:
            skip = len(rest) - len(rest.lstrip()) + pre.end()
            start, rest = start + skip, rest[skip:]
        lead = _LEAD.match(rest)
        assert lead is not None
        verb_first = (lead.group(1) or "").lower() == "to" or bool(
            _VERB_NEXT.search(self.low, max(0, start - 8), start)
        )
        begin = start + lead.end()
        end = len(self.text)
        stop = _CLAIM_STOP.search(self.low, begin)
        if stop:
            end = stop.start()
        term = re.search(r"[.!?](?=[\s\"”’']|$)", self.text[begin:end])
        if term:
            end = begin + term.start()
        end = self.quotes.closes(begin, end)  # the quote the stance sits in closes there
        for t in self.triggers:
            if begin < t.start < end:
                cut = _COORDINATED.search(self.low, begin, t.start)
                if cut:
                    end = cut.start()
                    break
        return begin, max(begin, end), verb_first

    def _resolve(self, sub: _Subject, reported: bool, quoted: bool) -> list[str]:
        if sub.kind in ("actor", "name", "pronoun", "definite"):
            self.last_person = (
                sub.person
                or sub.word in S.PERSON_PRONOUNS
                or (sub.kind == "definite" and sub.word in S.PERSON_ROLES)
            )
        if sub.kind in ("actor", "name"):
            if len(sub.actors) == 1:
                for role in sub.roles:  # "Qatari mediators ... the mediators said"
                    self.ctx.roles[role] = sub.actors[0]
                last = sub.actors[0].split()[-1].lower()
                if last in S.DEFINITE_HEADS or last in S.ORG_WORDS:
                    self.ctx.roles.setdefault(last, sub.actors[0])
            return list(sub.actors)
        if sub.kind == "first":
            if quoted and sub.start >= 0:
                who = self._quote_speaker(sub.start)
                if who is not None:
                    return who
                return [self.ctx.speaker] if self.ctx.speaker else []
            return [self.speaker] if self.speaker else []
        if sub.kind in ("pronoun", "definite"):
            if sub.word == "they" and self._plural_before(sub.start):
                return []  # "his coalition partners ...; they reject": not an actor
            if reported and self.speaker:
                return [self.speaker]
            if reported and self.speaker_known and sub.kind == "pronoun":
                return []  # "Residents said they would not leave": not an actor
            actor = self.ctx.resolve(sub.word, sub.start)
            return [actor] if actor else []
        if sub.kind == "coord":  # "... and urged Washington to": the previous verb's subject
            before = (
                [actors for at, actors in self.acted if at < sub.start] if sub.start >= 0 else []
            )
            return list(before[-1]) if before else list(self.last_actors)
        return []

    def _plural_before(self, pos: int) -> bool:
        """A plural noun phrase between the last actor named in this sentence and `pos`: the
        nearer antecedent of "they"."""
        named = [k for k in self.s.mention_of if self.s.toks.starts[k] < pos]
        start = self.s.toks.starts[max(named)] if named else 0
        return _PLURAL_NP.search(self.low, start, pos) is not None

    # pass A: who speaks in this sentence
    def speakers(self) -> None:
        for t in self.triggers:
            if t.cls != "other" or t.kind != "verb":
                continue
            sub = self._speech_subject(t)
            if sub.kind not in ("none", "coord"):
                self.speaker_known = True
            actors = self._resolve(sub, False, self.quoted(t.start))
            self.speech.append((t.start, t.end, actors))
            if actors:
                self.acted.append((t.start, actors))
            if sub.negated:  # "has not said it would ...": what follows is not a statement
                self.unsaid.append((t.end, max(self._claim(t.end)[1], t.end)))
            if actors and self.speaker is None:
                self.speaker, self.speaker_person = actors[0], self.last_person
            if t.text.split()[0] in S.REAFFIRM_WORDS:
                self.reaffirm = True

    def _speech_subject(self, t: _Trigger) -> _Subject:
        cached = self.speech_subjects.get(t.start)
        if cached is None:
            cached = self.speech_subjects[t.start] = self._find_speech_subject(t)
        return cached

    def _find_speech_subject(self, t: _Trigger) -> _Subject:
        if t.text == "according to":
            return self.s.subject_after(t.end, loose=True)
        i = self.s.index_before(t.start)
        if i < 0 or self.s.toks[i].text in ('"', "”", "'", "’", ":"):
            return self.s.subject_after(t.end)  # '"...," said Barhoum'
        if self.s.toks[i].text == ",":
            after = self.s.subject_after(t.end)  # '..., said a Hamas official'
            if after.kind in ("actor", "name"):
                return after
        sub = self.s.subject(i)
        if sub.kind == "none":
            return self.s.subject_after(t.end)
        return sub

    def _quote_speaker(self, pos: int) -> list[str] | None:
        """Who speaks a quote: the speech verb nearest to it (None: no speech verb here)."""
        open_at, close_at = self.quotes.span(pos)
        best: tuple[int, list[str]] | None = None
        for start, end, actors in self.speech:
            if open_at <= start < close_at:
                continue  # a speech verb inside the quote is part of what is quoted
            gap = open_at - end if end <= open_at else start - close_at
            if best is None or gap < best[0]:
                best = (gap, actors)
        return None if best is None else best[1]

    # pass B: stances
    def stances(self) -> None:
        for t in self.triggers:
            if any(a <= t.start < b for a, b in self.governed):
                continue
            if t.cls == "other":
                continue
            self._stance(t)
        if self.speaker_known:
            self._reported_commitments()
        self._statements()

    def _skip(self, t: _Trigger) -> bool:
        return self._skip_at(t.start)

    def _stance(self, t: _Trigger) -> None:
        if self._skip(t):
            return
        first = t.text.split()[0]
        quoted = self.quoted(t.start)
        reported = self.speaker_known or quoted
        if t.kind == "nominal":
            self._nominal(t, reported, quoted)
            return
        if t.cls == "unchanged":
            self._unchanged(t)
            return
        # "ready to accept": the inner verb is the stance; the readiness only frames it
        nxt = self._next_trigger(t)
        framing = t.text.endswith(" to") and t.cls == "propose"
        if framing and nxt and nxt.cls != "other" and not self.text[t.end : nxt.start].strip():
            return
        start_tok = self.s.index_before(t.start)
        if start_tok >= 0 and self.s.toks[start_tok].low == "to":
            pred = start_tok - 1
            if pred < 0 or self.s.toks[pred].base not in S.CONTROL_PREDICATES:
                return
            start_tok = pred - 1
        if first.endswith("ing") and first not in ("sought",):
            probe = _Subject("none")
            self.s._skip_fillers(start_tok, probe)
            progressive = probe.auxes & {"is", "are", "was", "were", "been", "be"}
            if not progressive and self.s.subject(start_tok).before != "with":
                return  # a gerund belongs to another verb, unless "with Hamas pressing for"
        modal = first in ("will", "would", "shall", "won't", "won’t", "wouldn't", "wouldn’t")
        if modal and nxt and nxt.cls != "other" and not self.text[t.end : nxt.start].strip():
            return  # "will not accept": the verb carries the negation
        sub = self.s.subject(start_tok)
        passive = self._passive_agent(t)
        if passive is not None:
            sub = passive
        if sub.kind in ("none", "unknown"):
            return
        if not self._plausible(t, sub, reported):
            return
        actors = self._resolve(sub, reported, quoted)
        if not actors:
            return
        begin, end, verb_first = self._claim(t.end)
        if t.cls == "demand" and t.text.startswith(("mak", "made", "condition")) and " " in t.text:
            begin = t.start + t.text.index(" ") + 1  # "made [the release ...] conditional on ..."
            end = max(end, t.end)
        if t.cls == "reject" and t.text.startswith(("keep", "kept")):
            begin, end = t.start + t.text.index(" ") + 1, t.end  # "keep [the crossing closed]"
        if t.cls == "vow" and "until" in t.text:
            begin = t.start
            verb_first = True
        if passive is not None:
            begin, end, verb_first = self._clause_start(t.start), self._aux_start(t), False
        if self._background(sub.start if sub.start >= 0 else t.start, max(end, t.end)):
            return
        if self._condition_after(t, end):
            return  # "vowed to fight on, should the group turn the proposal down"
        if (
            self.ctx.past_days
            and _past_tense(first)
            and self._dated_before(begin, begin if verb_first else end)
        ):
            return  # "On Tuesday, it turned down ..." in Sunday's article
        said = self.low[begin:end].split()[:1]
        if t.cls == "reject" and said and said[0] in S.UNSPOKEN_VERBS:
            return  # "refused to say whether ...": no position
        stance = t.cls
        negated = sub.negated
        if negated:
            flipped = S.NEGATED_VERB_STANCE.get(re.sub(r"(?:s|ed|ing|ned|ning)$", "", first))
            stance = flipped or S.NEGATED_STANCE.get(stance) or ""
            if not stance:
                return
        self._emit(actors, stance, begin, end, verb_first, negated, quoted, t)
        if t.cls != "propose" or not t.text.endswith(" to"):
            self.governed.append((begin, end))

    def _next_trigger(self, t: _Trigger) -> _Trigger | None:
        for other in self.triggers:
            if other.start >= t.end:
                return other
        return None

    def _aux_start(self, t: _Trigger) -> int:
        m = re.search(r"\s(?:was|were|is|are|been|be|being)(?:\s+\w+ly)?\s*$", self.text[: t.start])
        return m.start() if m else t.start

    def _passive_agent(self, t: _Trigger) -> _Subject | None:
        m = re.match(r"\s+by\s+", self.text[t.end :])
        if not m or not t.text.endswith(("ed", "d")):
            return None
        sub = self.s.subject_after(t.end + m.end())
        return sub if sub.kind in ("actor", "name") else None

    def _plausible(self, t: _Trigger, sub: _Subject, reported: bool) -> bool:
        first = t.text.split()[0]
        if sub.auxes & S.HYPOTHETICAL_MODALS:
            return False
        if sub.auxes & S.REPORTED_ONLY_MODALS and not reported:
            return False
        if first in ("would", "wouldn't", "wouldn’t") and not reported:
            return False
        if (first.startswith("would") or "would" in sub.auxes) and _IF.search(self.low):
            return False  # "If Ethiopia accepted arbitration, Egypt would drop its objection"
        if "had" in sub.auxes and not reported:
            return False  # past perfect outside reported speech: background
        if first in S.NOUN_LIKE:
            if sub.possessive or sub.before in S.DETERMINERS or sub.before in S.PREPOSITIONS:
                return False
            head = self.text[: t.start].split()[-1:] if sub.start >= 0 else []
            plural = (
                sub.kind == "first"
                or sub.word == "they"
                or len(sub.actors) > 1
                or _plural_name(head[0] if head else "")  # "The Greens demand"
            )
            if not first.endswith(("s", "ed")) and not sub.auxes and not plural:
                return False  # "US plan for Gaza": a noun after a singular name
            if sub.before == "the" and not sub.auxes and not plural:
                return False  # "the Hamas demand for ..."
            after = self.text[t.end : t.end + 5].lower()
            if after.startswith((" of ", " by ")):
                return False
        return True

    def _condition_after(self, t: _Trigger, claim_end: int) -> bool:
        """A condition follows the stance within its clause: " if ..." (not "even if", "as
        if", "and if") or an inverted ", should the group ..." before the next stance or speech
        verb (or the end of its claim), quote or semicolon. An offer is conditional by nature
        ("ready to cap subsidies if the EU drops its tariffs" is the offer): it stays."""
        if not self.conditional or t.cls == "propose":
            return False
        nxt = self._next_trigger(t)
        end = max(nxt.start if nxt is not None else len(self.low), claim_end)
        cut = _CLAUSE_END.search(self.low, t.end, end)
        end = cut.start() if cut else end
        return _CONDITION_AFTER.search(self.low, t.end, end) is not None

    def _dated_before(self, begin: int, end: int) -> bool:
        """The clause or the sentence's opening names a weekday before the article's day. The
        caller passes `end` = `begin` for an infinitive claim: in "agreed to reopen the crossing
        on Wednesday" the day dates the reopening, not the agreement."""
        for m in _ON_DAY.finditer(self.low, 0, end):
            day = m.group(1) or m.group(2)
            if day in self.ctx.past_days and (m.start() < 40 or m.start() >= begin - 60):
                return True
        return False

    def _background(self, start: int, end: int) -> bool:
        """Framed as the past: in the clause itself, or leading the sentence ("Last year, ")."""
        if not self.background:
            return False
        lead = _BACKGROUND.search(self.low, 0, 40)
        if lead and not self.low[: lead.start()].strip(" \"“'‘(").replace("back", "").strip():
            return True
        return bool(_BACKGROUND.search(self.low, max(start, 0), end))

    def _emit(
        self,
        actors: list[str],
        stance: str,
        begin: int,
        end: int,
        verb_first: bool,
        negated: bool,
        quoted: bool,
        t: _Trigger | None,
        reaffirmed: bool = False,
    ) -> None:
        claim = _clean_claim(self.text[begin:end])
        own = stance != "other" and _OWN_POSITION.match(claim.lower()) is not None
        self.found.append(
            _Found(
                actors,
                stance,
                claim,
                (begin, end),
                verb_first,
                negated,
                quoted,
                reaffirmed or self.reaffirm or own,
                self.last_person,
                self.text[t.start : t.end] if t is not None else "",
                t is not None and t.kind == "nominal",
                t.start if t is not None else begin,
            )
        )
        self.last_actors = actors
        self.acted.append((t.start if t is not None else begin, actors))
        self.acted.sort(key=lambda entry: entry[0])

    def _nominal(self, t: _Trigger, reported: bool, quoted: bool) -> None:
        if t.text[0] in "'’":
            i = self.s.index_before(t.start + 2)
            # the possessor token includes the 's; read the phrase that ends with it
            sub = _Subject("none")
            self.s._noun_phrase(i, sub)
            actors = self._resolve(sub, reported, quoted)
        else:
            pronoun = t.text.split()[0]
            actors = [self.speaker] if self.speaker else []
            if not actors:
                subj = _Subject("none")
                idx = self.s.index_before(t.start)
                if idx >= 0:
                    subj = self.s.subject(idx)
                actors = self._resolve(subj, reported, quoted) if subj.kind != "none" else []
            if not actors:
                word = "it" if pronoun in ("its", "our") else "they" if pronoun == "their" else "he"
                resolved = self.ctx.resolve(word)
                actors = [resolved] if resolved else []
        if not actors:
            return
        begin, end, verb_first = self._claim(t.end)
        if self._background(t.start, end):
            return
        self._emit(actors, t.cls, begin, end, verb_first, False, quoted, t)
        self.governed.append((begin, end))

    def _unchanged(self, t: _Trigger) -> None:
        i = self.s.index_before(t.start)
        sub = _Subject("none")
        if i >= 0:
            tok = self.s.toks[i]
            if tok.low.endswith(_POSSESSIVE) or i in self.s.mention_of:
                self.s._noun_phrase(i, sub)
            elif tok.low in S.POSSESSIVE_PRONOUNS:
                sub = self.s.subject(i - 1)
            else:
                sub = self.s.subject(i)
        actors = self._resolve(sub, self.speaker_known, self.quoted(t.start))
        if not actors and self.speaker:
            actors = [self.speaker]
        if not actors:
            return
        on = re.search(r"\bon\s+([^,.;]+?)\s+(?:is|was|has|had|remains?|remained)\b", t.text)
        claim_text = on.group(1) if on else self.text[t.start : t.end]
        begin = t.start + (on.start(1) if on else 0)
        self._emit(actors, "other", begin, begin + len(claim_text), False, False, False, t, True)

    # reported commitments and obligations: "Hamas said it would release ..."
    def _reported_commitments(self) -> None:
        for m in _MODAL.finditer(self.low):
            verb = m.group("verb").lower()
            if verb in ("not", "never", "be", "have", "also") or self._taken(m.start()):
                continue
            if verb in S.NONCOMMITTAL_VERBS or self._skip_at(m.start()):
                continue
            if any(t.start == m.start("verb") and t.cls != "other" for t in self.triggers):
                continue
            sub = self.s.subject(self.s.index_before(m.start()))
            quoted = self.quoted(m.start())
            actors = self._resolve(sub, True, quoted)
            if not actors or (sub.kind != "first" and actors[0] != self.speaker):
                continue  # a speaker commits only itself: "X said Israel would ..." is no offer
            if sub.auxes & S.HYPOTHETICAL_MODALS or sub.negated:
                continue
            if m.group().startswith("would") and _IF.search(self.low):
                continue  # "if ..., X would ...": a hypothetical, not an offer
            stance = "vow" if verb in S.VOW_VERBS else "propose"
            begin, end, _ = self._claim(m.start("verb"))
            self._emit(actors, stance, begin, end, True, False, quoted, None)
            self.governed.append((begin, end))
        if not self.speaker:
            return
        for m in _OBLIGATION.finditer(self.low):
            if self._taken(m.start()) or self._skip_at(m.start()):
                continue
            sub = self.s.subject(self.s.index_before(m.start()))
            if sub.kind in ("none", "coord"):
                continue
            begin = sub.start if sub.start >= 0 else m.start()
            _, end, _ = self._claim(m.end())
            self._emit(
                [self.speaker], "demand", begin, end, False, False, self.quoted(m.start()), None
            )
            self.governed.append((begin, end))

    def _taken(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.governed)

    def _skip_at(self, pos: int) -> bool:
        unsaid = any(a <= pos < b for a, b in self.unsaid)
        return unsaid or self._question(pos) or self._conditional(pos)

    # "other": a statement with no stance in it
    def _statements(self) -> None:
        """Speech verbs: a verdict in what was said is a stance; else, when the sentence holds
        no stance at all, the first attributed statement is "other"."""
        stated = any(f.stance != "other" for f in self.found)
        for t in self.triggers:
            if t.cls != "other" or t.kind != "verb" or self._skip_at(t.start):
                continue
            sub = self._speech_subject(t)
            if sub.negated:
                continue  # "has not said": no statement
            actors = self._resolve(sub, False, self.quoted(t.start))
            if not actors:
                continue
            begin, end = self._complement(t, sub)
            if end <= begin:
                continue
            stance, end = self._verdict(begin, end)
            if stance != "other" and not self._taken(begin):
                self._emit(actors, stance, begin, end, False, False, self.quoted(t.start), t)
            elif not stated:
                self._emit(actors, stance, begin, end, False, False, self.quoted(t.start), t)
                return

    def _verdict(self, begin: int, end: int) -> tuple[str, int]:
        """A statement that judges something ("called the demand unacceptable", "said the plan
        was a non-starter") rejects or accepts it; the claim is what was judged."""
        if not _VERDICT_WORD.search(self.low, begin, end):
            return "other", end
        for m in _VERDICT.finditer(self.low, begin, end):
            if " but " in self.low[m.end() : end]:
                return "other", end  # "acceptable in parts but ...": no verdict
            if m.start() > begin:
                good = m.group("good") is not None
                if m.group("neg"):
                    return ("reject" if good else "other"), m.start()
                return ("accept" if good else "reject"), m.start()
        return "other", end

    def _complement(self, t: _Trigger, sub: _Subject) -> tuple[int, int]:
        """What a speech verb reports: the clause after it, or the words before a post-posed
        attribution ("The plan is a trap, Barhoum said")."""
        if t.text == "according to":
            comma = self.text.find(",", t.end)
            if 0 <= comma < len(self.text) - 2:
                return comma + 1, len(self.text)
            return 0, t.start
        rest = self.text[t.end :]
        that = _THAT.match(rest)
        begin = t.end + (that.end() if that else 0)
        if not that:
            colon = re.match(r"\s*[:,]?\s*[\"“']", rest)
            if colon:
                begin = t.end + colon.end()
        stop = re.search(r"[;]|\s[—–]\s|[.!?](?=[\s\"”’']|$)", self.text[begin:])
        end = begin + stop.start() if stop else len(self.text)
        if sub.start > t.start:
            return 0, t.start  # '"...," said Barhoum'
        quote = _QUOTE_BEFORE.search(self.text, 0, sub.start if sub.start >= 0 else t.start)
        if quote and not that and self.text[t.end : t.end + 3].strip()[:1] not in ('"', "“", ":"):
            return quote.start(1), quote.end(1)  # '"We are ready ...," he told reporters'
        before = self.text[: sub.start if sub.start >= 0 else t.start].rstrip()
        tail = _PREAMBLE.sub("", self.text[begin:end].strip() + " ", count=1)
        if before.endswith((",", '"', "”", "’")) and len(_WORDS.findall(tail)) < 3:
            return 0, len(before)
        return begin, end


def _positions_of(
    text: str,
    span: tuple[int, int],
    scan: tuple[str, list[_Trigger], list[_Mention]],
    engine: _Engine,
    ctx: _Context,
    discover: bool,
    section: str | None,
) -> list[Position]:
    start, end = span
    low, scanned, mentioned = scan
    sentence = text[start:end]
    mentions = [(a - start, b - start, actor, person) for a, b, actor, person in mentioned]
    ctx.mentions.extend((ctx.sentence, a, actor, person) for a, _, actor, person in mentions)
    if end - start > S.MAX_SENTENCE_CHARS:
        return []
    low_sentence = low[start:end]
    triggers = _sentence_triggers(text, low_sentence, start, scanned)
    if not triggers or sentence.rstrip(" \"”’')").endswith("?") or not _english(low_sentence):
        return []
    p = _SentencePass(sentence, low_sentence, triggers, mentions, ctx, discover)
    p.speakers()
    p.stances()
    out: list[Position] = []
    for f in p.found:
        out.extend(
            Position(
                actor=actor,
                topic=topic,
                stance=f.stance,
                claim=f.claim,
                evidence=sentence,
                offset=start,
                negated=f.negated,
                quoted=f.quoted,
                reaffirmed=f.reaffirmed,
            )
            for topic in (_topics(engine, f, section, sentence) if f.claim else [])
            for actor in f.actors
        )
        out.extend(
            Position(actor, topic, "demand", f.claim, sentence, start, quoted=f.quoted)
            for topic in _required(engine, f)
            for actor in f.actors
        )
    if p.speaker:
        ctx.speaker = p.speaker
    acted = [f for f in p.found if f.actors]
    if acted:
        ctx.subject, ctx.subject_person = acted[-1].actors[-1], acted[-1].person
        ctx.subject_at = ctx.sentence
    elif p.speaker:
        ctx.subject, ctx.subject_person = p.speaker, p.speaker_person
        ctx.subject_at = ctx.sentence
    return out


def find_positions(
    text: str,
    actors: Sequence[ActorSpec],
    topics: Sequence[TopicSpec],
    *,
    discover_actors: bool = True,
    one_per_topic: bool = True,
    published: date | None = None,
) -> list[Position]:
    """Positions in `text` in reading order; see the module docstring for the rules.

    With `one_per_topic` (the default) each (actor, topic) appears once: the first real stance
    of the text, else its first plain statement; without it, every position found. With
    `published` (the article's date), a stance in the past tense dated to another weekday than
    that day or the day before ("On Tuesday, it turned down ..." in a Sunday article) is
    background."""
    if not text or not text.strip():
        return []
    engine = _engine(
        tuple((a.name, tuple(a.aliases)) for a in actors),
        tuple((t.name, tuple(t.terms)) for t in topics),
    )
    low = _lower(text)
    triggers = _scan(low)
    mentions = _mentions(engine, text, low)
    found: list[Position] = []
    ctx = _Context(
        roles=dict(engine.roles), common=_Vocabulary(text), past_days=_past_days(published)
    )
    t_at = m_at = 0
    section: str | None = None
    for number, (p_start, p_end) in enumerate(_paragraphs(text)):
        ctx = ctx.carry()
        if number and _heading(text[p_start:p_end]):
            named = [
                name for name, pattern in engine.topics if pattern.search(text, p_start, p_end)
            ]
            section = named[0] if named else None
        for start, end in _sentences(text, p_start, p_end):
            while t_at < len(triggers) and triggers[t_at].start < start:
                t_at += 1
            while m_at < len(mentions) and mentions[m_at][0] < start:
                m_at += 1
            t_end, m_end = t_at, m_at
            while t_end < len(triggers) and triggers[t_end].start < end:
                t_end += 1
            while m_end < len(mentions) and mentions[m_end][0] < end:
                m_end += 1
            scan = (low, triggers[t_at:t_end], mentions[m_at:m_end])
            found.extend(
                _positions_of(text, (start, end), scan, engine, ctx, discover_actors, section)
            )
            ctx.sentence += 1
    found = _unify_names(found, {a.name for a in actors})
    return _first_per_topic(found) if one_per_topic else found


def _unify_names(found: list[Position], configured: set[str]) -> list[Position]:
    """One name per discovered actor in a text: "Reeves" is the "Rachel Reeves" named before,
    "Northwind" the "Northwind Logistics" named after; the longest form wins."""
    names = {p.actor for p in found if p.actor not in configured}
    if len(names) < 2:
        return found
    longest: dict[str, str] = {}
    for name in names:
        words = name.split()
        fuller = [
            other
            for other in names
            if len(other.split()) > len(words)
            and (other.split()[: len(words)] == words or other.split()[-len(words) :] == words)
        ]
        if fuller:
            longest[name] = max(fuller, key=lambda n: (len(n.split()), n))
    if not longest:
        return found
    return [replace(p, actor=longest[p.actor]) if p.actor in longest else p for p in found]


def _heading(paragraph: str) -> bool:
    """A section heading: a short line that is no sentence ("Governance", "The politics")."""
    line = paragraph.strip()
    return 0 < len(line.split()) <= S.MAX_HEADING_WORDS and line[-1] not in '.!?:;,"”’)'


def _first_per_topic(found: list[Position]) -> list[Position]:
    """One position per (actor, topic): the first real stance, else the first statement."""
    chosen: dict[tuple[str, str], Position] = {}
    for pos in found:
        key = (pos.actor, pos.topic)
        held = chosen.get(key)
        if held is None or (held.stance == "other" and pos.stance != "other"):
            chosen[key] = pos
    keep = set(map(id, chosen.values()))
    return [p for p in found if id(p) in keep]
