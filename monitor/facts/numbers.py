"""Numbers in news text: "66,600", "1.2 million", "twenty", "nearly 43,000" -> value, interval."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from monitor.facts import metrics as M

__all__ = [
    "DIGIT_MAP",
    "NumberMention",
    "find_numbers",
    "implied_interval",
    "lower_text",
    "numbers_at",
    "scan_anchors",
    "trie_pattern",
]


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A quantity as stated: value, the interval its wording implies, and where it stands."""

    value: float  # the stated number; a range's midpoint; a vague quantity's lower end
    low: float | None  # implied interval (see metrics.py); None = unbounded
    high: float | None
    bound: str  # exact | more_than | at_least | about | nearly | up_to | fewer_than | range | vague
    unit: str  # count | percent | percentage_point | currency:USD | duration | measure
    start: int  # span of the whole phrase, bound words included, in the original text
    end: int
    text: str
    step: float = 1.0  # the precision it was stated at ("66,600" -> 100)
    rounded: bool = False  # a bare round number ("67,000") read as rounded


# One code point to one code point, so every span found in the translated text is valid in the
# original: Arabic-Indic, Persian, Devanagari and full-width digits, Arabic separators, minus.
DIGIT_MAP: dict[int, int] = {
    base + i: ord("0") + i for base in (0x0660, 0x06F0, 0x0966, 0xFF10) for i in range(10)
}
DIGIT_MAP.update({0x066B: ord("."), 0x066C: ord(","), 0x2212: ord("-"), 0xFE63: ord("-")})
_SPACE_MAP = {ord(c): ord(" ") for c in "\t\n\r\f\v\u00a0\u202f\u2009\u2007\u3000"}


def trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation shaped as a trie: one branch per first letter, not per word."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _alt(words: Iterable[str]) -> str:
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


_SEP = "\u00a0\u202f\u2009'\u2019"
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?"  # 66,600  1,234.5
    rf"|\d{{1,3}}(?:[{_SEP}]\d{{3}})+(?!\d)(?:[.,]\d+)?"  # 1 234,5 (no-break/thin)  1'234.5
    r"|\d{1,3}(?:\.\d{3})+,\d+"  # 1.234,5
    r"|\d{1,3}(?:\.\d{3}){2,}(?!\d)"  # 1.234.567
    r"|\d+(?:\.\d+)?"
)
_DIGIT_WORDS = _alt(w for w, v in M.UNIT_WORDS.items() if v < 10)
_SMALL = rf"(?:{_alt(M.TENS_WORDS)})(?:[\s-](?:{_DIGIT_WORDS}))?|{_alt(M.UNIT_WORDS)}"
_SCALE_WORD = _alt(["hundred", "thousand", "million", "billion", "trillion", "dozen"])
_ITEM = rf"(?:{_SMALL}|{_SCALE_WORD})(?!\w)"
# "one hundred and four", "a thousand and one": "and" joins only a smaller number to a scale.
_WORDS = (
    rf"(?:(?:a|an|half\s+a)\s+(?=(?:{_SCALE_WORD})(?!\w)))?{_ITEM}"
    rf"(?:(?:(?<=hundred)|(?<=thousand))\s+and\s+(?:{_SMALL})(?!\w)|[\s-]+{_ITEM})*"
)
_SCALES: dict[str, int] = {**M.SCALE_WORDS, **M.SCALE_ABBREVIATIONS}
_CORE = re.compile(
    rf"""
    (?P<cur>(?:US|A|C|NZ|HK|S)\$|[$€£¥₹₪]|(?<![A-Za-z])(?:USD|EUR|GBP|JPY|ILS|NIS)[ \u00a0]?)?
    (?:
        (?P<digits>{_DIGITS})(?P<frac>[½¼¾])?
        | (?<![\w-])(?P<vague>(?i:{_alt(M.VAGUE_QUANTITIES)}))(?![\w-])
        | (?<![\w-])(?P<words>(?i:{_WORDS}))
        | (?P<vfrac>[½¼¾])
    )
    (?:
        [ \u00a0]?(?P<scale>(?i:{_alt(_SCALES)}))(?![\w-])
        | (?P<cscale>[mkbMKB])(?![\w-])
    )?
    (?:[ \u00a0]?(?P<pct>%|(?i:percent|per[ \u00a0]cent|pct|percentage[ \u00a0]points?)(?!\w)))?
    """,
    re.VERBOSE,
)
_WORD_VALUES: dict[str, int] = {**M.UNIT_WORDS, **M.TENS_WORDS}
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}

# What follows a number, looked up word by word (cheaper than one regex alternation).
_MONTHS = _alt(M.MONTHS)
_CLOCK_SET = frozenset(M.CLOCK_WORDS)
_TIME_SET = frozenset(M.TIME_UNITS)
_MEASURE_SET = frozenset(M.MEASURE_UNITS)
_COUNT_NOUNS = frozenset(M.COUNT_NOUNS)
_AGE_UNITS = frozenset({"year", "years", "month", "months", "week", "weeks"})
_TRAILING_PUNCT = ".,;:!?)\"'”’"
_RANGE_WORDS = frozenset({"to", "and", "-", "–"})
_MOVE_WORDS = frozenset({"from", "by", *M.CHANGE_VERBS})
_SUFFIX_STARTS = frozenset(" \u00a0+-")
_BOUND_AFTER = re.compile(r"\s+or\s+(?P<w>more|so)(?!\w)|\+|-plus(?!\w)|\s+plus(?!\w)")
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to)\s*|\s+and\s+", re.IGNORECASE)
_PHONE = re.compile(
    r"(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?|\(\d{1,4}\)[ .-]?)\d{1,4}(?:[ .-]\d{2,5})+"
    r"|\d{2,4}(?:[ -]\d{2,5}){2,}"
)
_URLISH = re.compile(r"/|@|://|www\.|=|_|\\|[A-Za-z]\.[A-Za-z]{2,}")
_NUMERIC_DATE = re.compile(r"\d([-./])\d{1,2}\1\d")
_MAX_DIGITS = 24
_WORD_SPLIT = re.compile(r"[\s-]+")
_COMMA_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_SEP_RE = re.compile(f"[{_SEP}]")
_AMBIGUOUS_DOT = re.compile(r"\d{1,3}\.\d{3}")
_NAME_WORD = re.compile(r"[A-Z][a-z]+,?")
_DASHED_NUMBER = re.compile(r"\d+[-–]")
_MONTH_SET = frozenset(M.MONTHS)
_AGE_SET = frozenset(M.AGE_WORDS)
_IDENT_SET = frozenset(M.IDENTIFIER_WORDS)
_MAX_BOUND_WORDS = max(len(b.split()) for b in M.BOUND_WORDS)
_BOUND_LAST_WORDS = frozenset(b.split()[-1] for b in M.BOUND_WORDS)
_OPENING_PUNCT = "([\"'“‘—–-"
# Characters that may touch a number without making it part of a larger token (URL, date).
_PLAIN_NEIGHBOURS = frozenset(" \t\n\r\u00a0\u202f\u2009,;!?)(\"'“”‘’[]%$€£¥₹₪½¼¾")

# Scanning with _CORE at every position costs ~4 ms per 5 KB; cheap anchors (a digit run, a
# currency sign, a number word found by str.find) cut that to the few places worth a full match.
_DIGIT_ANCHOR = r"[\d$€£¥₹₪½¼¾][\d.,]*"
_CUR_BEFORE = re.compile(r"(?:US|A|C|NZ|HK|S|(?<![A-Za-z])(?:USD|EUR|GBP|JPY|ILS|NIS)[ \u00a0]?)$")
_WORD_BEFORE = re.compile(r"(?<![\w-])(?:an?|half\s+a|a\s+few|several)\s+$", re.IGNORECASE)
_WORD_ANCHOR_SOURCE = {
    *M.UNIT_WORDS,
    *M.TENS_WORDS,
    *("hundred", "thousand", "million", "billion", "trillion", "dozen", "scores", "tens"),
}
# "fourteen" is found through "four": search only the words no other word is a prefix of.
_ANCHOR_WORDS: tuple[str, ...] = tuple(
    sorted(
        w
        for w in _WORD_ANCHOR_SOURCE
        if not any(w != a and w.startswith(a) for a in _WORD_ANCHOR_SOURCE)
    )
)
_ANCHOR = re.compile(f"{_DIGIT_ANCHOR}|{trie_pattern(_ANCHOR_WORDS)}")


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    value: float
    step: float
    unit: str
    rounded: bool  # a scale word ("1.2 million") or a big round number ("67,000")
    plain_int: bool = False  # digits only (a candidate year)
    interval: tuple[float, float] | None = None  # ranges and vague quantities
    scale: int = 1
    bound: str = "exact"
    bound_start: int = -1
    negative: bool = False


def find_numbers(text: str) -> list[NumberMention]:
    """Every quantity in `text`, in order; dates, times, ages, ordinals and the like left out."""
    if not text:
        return []
    norm = text.translate(DIGIT_MAP)
    return numbers_at(text, norm, scan_anchors(norm, lower_text(norm)))


def lower_text(norm: str) -> str:
    """Lower case with every offset kept (a few characters lower-case to two) and one kind of
    space, so that str.find can look for words and phrases."""
    low = norm.lower()
    if len(low) != len(norm):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in norm)
    return low.translate(_SPACE_MAP)


def scan_anchors(norm: str, low: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets in [start, end) where a number may start: a digit run, a currency sign, a word."""
    stop = len(norm) if end is None else end
    positions: list[int] = []
    # One pass over the lower-cased text: digit runs and number words (a trie, so that the
    # engine never tries 28 alternatives at each position).
    for match in _ANCHOR.finditer(low, start, stop):
        pos = match.start()
        if low[pos].isalpha():
            if pos and (low[pos - 1].isalpha() or low[pos - 1] == "-"):
                continue  # inside a word: "often", "tent"
            lead = _WORD_BEFORE.search(low, max(0, pos - 10), pos) if pos else None
            if lead:
                pos = lead.start()
        elif pos and (norm[pos - 1].isupper() or (pos > 1 and norm[pos - 2].isupper())):
            prefix = _CUR_BEFORE.search(norm, max(0, pos - 4), pos)
            if prefix:
                pos = prefix.start()
        positions.append(pos)
    if positions != sorted(positions):
        positions.sort()
    return positions


def numbers_at(text: str, norm: str, anchors: Sequence[int]) -> list[NumberMention]:
    """The numbers that start at these anchors (from scan_anchors over the same text)."""
    raws: list[_Raw] = []
    last_end = 0
    for pos in anchors:
        if pos < last_end:
            continue
        match = _CORE.match(norm, pos)
        if match is None or match.end() == pos:
            continue
        last_end = match.end()
        raw = _read(norm, match)
        if raw is not None:
            raws.append(raw)
    mentions: list[NumberMention] = []
    for raw in _merge_ranges(norm, raws):
        mention = _finish(text, norm, raw)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _read(norm: str, match: re.Match[str]) -> _Raw | None:
    start, end = match.span()
    cur, scale_word, cscale, pct = match.group("cur", "scale", "cscale", "pct")
    digits, vague, words = match.group("digits", "vague", "words")
    scale = 1
    if scale_word:
        scale = _SCALES[scale_word.lower()]
    elif cscale:
        if not cur:
            return None  # "5m" may be metres, "5k" a race: only money reads m/k/b as scales
        scale = M.CURRENCY_ONLY_SCALES[cscale.lower()]
    if not _boundaries_ok(norm, start, end):
        return None
    interval: tuple[float, float] | None = None
    plain_int = False
    if digits:
        if len(digits) > _MAX_DIGITS:
            return None  # a digit run, not a quantity (and int() refuses 4,300+ digits)
        parsed = _parse_digits(digits, match.group("frac"), scale)
        if parsed is None:
            return None
        value, step, plain_int = parsed
        if scale == 1 and not pct and _AMBIGUOUS_DOT.fullmatch(digits):
            return None  # "1.234": a decimal in English, a thousand in German; never guess
    elif vague:
        if scale > 1 or cur or pct:
            return None
        lo, hi = M.VAGUE_QUANTITIES[" ".join(vague.lower().split())]
        interval = (float(lo), float(hi))
        value, step = interval[0], 1.0
    elif words:
        parsed_words = _parse_words(words, scale)
        if parsed_words is None:
            return None
        value, step = parsed_words
    else:
        value, step = _FRACTIONS[match.group("vfrac")] * scale, 0.25 * scale
    unit = "count"
    if cur:
        unit = "currency:" + M.CURRENCY_SYMBOLS[cur.strip().lower()]
    elif pct:
        unit = "percentage_point" if "point" in pct.lower() else "percent"
    raw = _Raw(
        start=start,
        end=end,
        value=value,
        step=step,
        unit=unit,
        rounded=scale > 1 or (step >= 10**M.ROUND_ZEROS and value >= M.ROUND_MIN),
        plain_int=plain_int and scale == 1 and not cur and not pct,
        interval=interval,
        scale=scale,
        bound="about" if words and "dozen" in words.lower() else "exact",
    )
    return raw if _context_ok(norm, raw) else None


def _parse_digits(digits: str, frac: str | None, scale: int) -> tuple[float, float, bool] | None:
    """Digits as written -> (value, step, plain integer); the value is exact up to float."""
    if digits.isdigit():
        whole, decimals, plain = int(digits), 0, True
    elif _COMMA_GROUPED.fullmatch(digits):
        whole, decimals, plain = int(digits.replace(",", "")), 0, False  # "66,600": most common
    else:
        s = _SEP_RE.sub("", digits)
        if "," in s and "." in s:
            point = "," if s.rfind(",") > s.rfind(".") else "."
        elif "," in s:
            point = "" if _COMMA_GROUPED.fullmatch(s) else ","
        else:
            point = "" if s.count(".") > 1 else "."
        head, _, tail = s.rpartition(point) if point and point in s else (s, "", "")
        if not head:
            head, tail = tail, ""
        head = head.replace(",", "").replace(".", "")
        if not (head + tail).isdigit():
            return None
        whole, decimals, plain = int(head + tail), len(tail), False
    step = scale / 10**decimals if decimals else float(_integer_step(whole) * scale)
    value = whole * scale / 10**decimals
    if frac:
        value += _FRACTIONS[frac] * scale
        step = 0.25 * scale
    return value, step, plain


def _trailing_zeros(n: int) -> int:
    zeros = 0
    while n and n % 10 == 0:
        n //= 10
        zeros += 1
    return zeros


def _integer_step(n: int) -> int:
    """The precision of an integer as written: 66,600 -> 100; 2,500 -> 500 (a grid of fives)."""
    zeros = _trailing_zeros(n)
    step = int(10**zeros)
    if zeros and (n // step) % 10 == 5:
        step *= 5
    return step


def _parse_words(phrase: str, scale: int) -> tuple[float, float] | None:
    words = [t for t in _WORD_SPLIT.split(phrase.lower()) if t and t != "and"]
    total = current = 0
    previous = ""
    for word in words:
        if word in ("a", "an"):
            current = 1
        elif word in _WORD_VALUES:
            number = _WORD_VALUES[word]
            if previous in _WORD_VALUES and not (previous in M.TENS_WORDS and number < 10):
                return None  # "two three" is not a number
            current += number
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "dozen":
            current = (current or 1) * 12
        elif word in M.SCALE_WORDS:
            if previous in M.SCALE_WORDS and not current:
                total *= M.SCALE_WORDS[word]  # "a thousand million", "a billion billion"
            else:
                total += (current or 1) * M.SCALE_WORDS[word]
            current = 0
        elif word != "half":
            return None
        previous = word
    whole = total + current
    if words == ["one"] or not whole:
        return None  # "one of the", "no one": a pronoun far more often than a count
    step = float(2 if "dozen" in words else _integer_step(whole)) * scale
    value = float(whole * scale)
    if words[0] == "half":
        value, step = value / 2, step / 2
    return value, step


def _boundaries_ok(norm: str, start: int, end: int) -> bool:
    """Rejects numbers glued to letters, in URLs, dates, times, phone numbers and formulas."""
    before = norm[start - 1] if start else " "
    after = norm[end] if end < len(norm) else " "
    if before.isalnum() or before in "_^/#:=@" or after in "^/=@_" or after.isalpha():
        return False
    if before in ".," and start >= 2 and norm[start - 2].isdigit():
        return False
    if after in ".,:" and end + 1 < len(norm) and norm[end + 1].isdigit():
        return False
    if before == "-" and start >= 2 and norm[start - 2].isalpha():
        return False  # "F-16", "COVID-19"
    if (
        after == "-"
        and end + 1 < len(norm)
        and norm[end + 1].isalpha()
        and not norm.startswith("plus", end + 1)
    ):
        return False  # "20-point", "12-year-old"; "10,000-plus" stays
    if before not in _PLAIN_NEIGHBOURS or after not in _PLAIN_NEIGHBOURS:
        left = norm[max(0, start - 200) : start]
        right = norm[end : end + 200]
        token = (
            (left.split()[-1] if left.strip() and not left[-1].isspace() else "")
            + norm[start:end]
            + (right.split(None, 1)[0] if right.strip() and not right[0].isspace() else "")
        )
        if _URLISH.search(token) or _NUMERIC_DATE.search(token):
            return False
    digit_before = before in " -." and start >= 2 and norm[start - 2].isdigit()
    digit_after = after in " -." and end + 1 < len(norm) and norm[end + 1].isdigit()
    if before in "+(" or digit_before or digit_after:
        for phone in _PHONE.finditer(norm, max(0, start - 25), min(len(norm), end + 25)):
            if phone.start() <= start and phone.end() >= end:
                return False
    return True


def _head_words(norm: str, pos: int) -> list[str]:
    """The last few whitespace-separated tokens before `pos` (cheaper than a regex ending in $)."""
    lo = max(0, pos - 48)
    words = norm[lo:pos].split()
    if lo and words and not norm[lo - 1].isspace() and not norm[lo].isspace():
        words = words[1:]  # the first token was cut in the middle
    return words[-(_MAX_BOUND_WORDS + 1) :]


def _bound_before(norm: str, start: int, words: list[str]) -> tuple[str, int] | None:
    """The bound word right before a number ("more than 66,600") and where it starts."""
    if not start or norm[start - 1] not in " \u00a0" or not words:
        return None
    if words[-1].lower() not in _BOUND_LAST_WORDS:
        return None
    for k in range(min(_MAX_BOUND_WORDS, len(words)), 0, -1):
        tail = words[-k:]
        first = tail[0].lstrip(_OPENING_PUNCT)
        bound = M.BOUND_WORDS.get(" ".join([first, *tail[1:]]).lower())
        if bound is None:
            continue
        if bound == "up_to" and tail[0].lower() == "up" and len(words) > k:
            verb = words[-k - 1].lower()
            if verb.endswith("ed") or verb in _PARTICLE_VERBS:
                return None  # "edged up to 3.1%": a verb and its particle, not "at most"
        pos = start
        for word in reversed(tail):
            pos = norm.rfind(word, 0, pos)
        return bound, pos + len(tail[0]) - len(first)
    return None


_PARTICLE_VERBS = frozenset({"went", "rose", "shot", "crept", "got", "go", "goes", "rise", "rises"})


def _tail_kind(norm: str, end: int) -> tuple[str | None, str]:
    """What the words right after a number make of it: date, clock, age, points (not a
    quantity), or duration, measure, money, noun; with the currency name for money."""
    following = norm[end : end + 40]
    if not following or not (following[0].isspace() or following[0] in "-–°"):
        return None, ""
    if following[0] == "°":
        return "measure", ""
    words = following.split(None, 3)
    if not words:
        return None, ""
    w0 = words[0]
    w1 = words[1].rstrip(_TRAILING_PUNCT) if len(words) > 1 else ""
    if w0[0] in "-–" and w0[1:].isdigit():  # "7-9 October"
        w0, words = "-", ["-", w0[1:], *words[1:]]
        w1 = words[1]
    bare = w0.rstrip(_TRAILING_PUNCT)
    if bare.rstrip(".") in _MONTH_SET or (bare == "of" and w1.rstrip(".") in _MONTH_SET):
        return "date", ""
    if (
        bare in _RANGE_WORDS
        and w1.isdigit()
        and len(words) > 2
        and words[2].rstrip(_TRAILING_PUNCT).rstrip(".") in _MONTH_SET
    ):
        return "date", ""  # "7 to 9 October"
    lower = bare.lower()
    if lower in _CLOCK_SET or w0.lower() in _CLOCK_SET or (lower == "local" and w1 == "time"):
        return "clock", ""
    if lower in _AGE_UNITS and w1.lower() == "old":
        return "age", ""
    if lower in ("point", "points"):
        return "points", ""
    if lower in _TIME_SET:
        return "duration", ""
    if lower in _MEASURE_SET:
        return "measure", ""
    if lower in M.CURRENCY_NAMES:
        return "money", M.CURRENCY_NAMES[lower]
    if lower == "us" and w1.lower() in M.CURRENCY_NAMES:
        return "money", M.CURRENCY_NAMES[w1.lower()]
    if lower in _COUNT_NOUNS:
        return "noun", ""
    return None, ""


def _context_ok(norm: str, raw: _Raw) -> bool:
    """Years, dates, times, ages, identifiers and plan points are numbers but not quantities."""
    start, end = raw.start, raw.end
    kind, currency = _tail_kind(norm, end)
    if kind in ("date", "clock", "age", "points"):
        return False
    words = _head_words(norm, start)
    if words and not _head_ok(norm, start, words):
        return False
    if words and norm[end : end + 1] in (",", ")") and _is_age_after_name(norm, start, words):
        return False
    if raw.interval is None:
        prefix = _bound_before(norm, start, words)
        if prefix:
            raw.bound, raw.bound_start = prefix
        elif raw.bound == "exact" and words and norm[start - 1] in " \u00a0":
            raw.bound = M.BOUND_VERBS.get(words[-1].lower(), "exact")
    if raw.plain_int and 1800 <= raw.value <= 2100 and end - start == 4:
        # A year, unless a bound word or a count noun says otherwise ("more than 2000 people").
        return raw.bound_start >= 0 or kind == "noun"
    if raw.unit == "count":
        if kind in ("duration", "measure"):
            raw.unit = kind
        elif kind == "money":
            raw.unit = "currency:" + currency
    if start and norm[start - 1] == "-" and (start < 2 or norm[start - 2] in " (\n"):
        raw.start -= 1
        raw.negative = True
    return True


def _head_ok(norm: str, start: int, words: list[str]) -> bool:
    """Checks the words before a number: months, ages, identifiers, the year of "2023-24"."""
    lower = [w.lower() for w in words[-4:]]
    spaced = norm[start - 1] in " \u00a0"
    if spaced and (
        words[-1].rstrip(".,") in _MONTH_SET
        or (lower[-1] == "the" and len(words) > 1 and words[-2].rstrip(".,") in _MONTH_SET)
    ):
        return False  # "October 7", "Oct. 7"
    if lower[-1].strip(".#:") in _IDENT_SET and norm[start - 1] in " \u00a0.#":
        return False  # "Resolution 2334", "No. 10"
    if lower[-1] in _AGE_SET or (
        len(lower) > 1 and lower[-1] in ("of", "between") and lower[-2] in _AGE_SET
    ):
        return False  # "aged 12"
    dashed = bool(_DASHED_NUMBER.fullmatch(lower[-1]))
    if len(lower) > 1 and dashed and lower[-2] in _AGE_SET:
        return False  # "aged 18-25"
    if (
        len(lower) > 2
        and (lower[-1] in ("to", "and", "-", "–") or dashed)
        and (lower[-2] in _AGE_SET or (lower[-2].isdigit() and lower[-3] in _AGE_SET))
    ):
        return False  # "aged 18 to 25"
    if start >= 5 and norm[start - 1] in "-–/" and norm[start - 5 : start - 1].isdigit():
        year = int(norm[start - 5 : start - 1])
        if 1800 <= year <= 2100 and (start < 6 or not norm[start - 6].isdigit()):
            return False  # "2023-24"
    return True


def _is_age_after_name(norm: str, start: int, words: list[str]) -> bool:
    """ "Ahmed, 12, was killed" and "Ahmed (12)" give an age, not a count."""
    opener = norm[start - 2 : start]
    if opener == ", ":
        return bool(_NAME_WORD.fullmatch(words[-1])) and words[-1].endswith(",")
    if opener == " (" or (norm[start - 1 : start] == "(" and words[-1] == "("):
        name = words[-2] if words[-1] == "(" and len(words) > 1 else words[-1]
        return bool(_NAME_WORD.fullmatch(name)) and not name.endswith(",")
    return False


def _merge_ranges(norm: str, raws: list[_Raw]) -> list[_Raw]:
    """Joins "between 40 and 50", "40 to 50", "3–4%", "$3-4 billion" into one range."""
    out: list[_Raw] = []
    i = 0
    while i < len(raws):
        a = raws[i]
        if i + 1 < len(raws) and a.interval is None and raws[i + 1].interval is None:
            b = raws[i + 1]
            gap = norm[a.end : b.start]
            joined = _RANGE_GAP.fullmatch(gap) is not None
            words = (
                _head_words(norm, a.start)
                if joined and a.start and norm[a.start - 1].isspace()
                else []
            )
            previous = words[-1].lower() if words else ""
            if (
                joined
                and ("and" not in gap.lower() or previous == "between")
                and not b.negative
                and b.bound == "exact"
                and previous not in _MOVE_WORDS  # "rose from 40 to 50" is a move
            ):
                merged = _merged(a, b)
                if merged is not None:
                    if previous == "between":
                        merged.start = norm.rfind(words[-1], 0, a.start)
                    out.append(merged)
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def _merged(a: _Raw, b: _Raw) -> _Raw | None:
    low = a.value
    if a.scale == 1 and b.scale > 1 and a.value < b.value / b.scale:
        low = a.value * b.scale  # "between 1.2 and 1.5 million"
    unit = b.unit if a.unit == "count" else a.unit
    if b.unit not in ("count", unit) or low >= b.value or a.negative:
        return None
    return _Raw(
        start=a.start,
        end=b.end,
        value=(low + b.value) / 2,
        step=b.step,
        unit=unit,
        rounded=False,
        interval=(low, b.value),
        bound="range",
    )


def implied_interval(
    bound: str, value: float, step: float, unit: str, *, rounded: bool = False
) -> tuple[float, float]:
    """The interval a stated figure implies; the rule and its reasons are in metrics.py."""
    magnitude = abs(value)
    slack = min(step, M.SLACK_CAP * magnitude) if magnitude else step
    if unit == "count" and magnitude >= 1:
        slack = max(slack, 1.0)
    if bound == "exact":
        if not rounded:
            return value, value
        half = min(step / 2, M.SLACK_CAP * magnitude)
        return value - half, value + half
    if bound in ("more_than", "at_least"):
        return value, value + slack
    if bound == "about":
        return value - slack, value + slack
    if bound in ("nearly", "up_to", "fewer_than"):
        return value - slack, value
    return value, value


def _finish(text: str, norm: str, raw: _Raw) -> NumberMention | None:
    start, end, bound = raw.start, raw.end, raw.bound
    if raw.bound_start >= 0:
        start = raw.bound_start
    elif bound == "exact" and norm[end : end + 1] in _SUFFIX_STARTS:
        suffix = _BOUND_AFTER.match(norm, end)
        if suffix:
            bound = "about" if suffix.group("w") == "so" else "at_least"
            end = suffix.end()
    value = -raw.value if raw.negative else raw.value
    if not abs(value) <= M.MAX_VALUE or (raw.unit == "count" and abs(value) > M.MAX_PEOPLE):
        return None  # absurd ("10^30" written out) or NaN
    if raw.interval is not None:
        if raw.negative:
            return None
        low, high = raw.interval
        bound = "range" if bound == "range" else "vague"
    else:
        low, high = implied_interval(bound, value, raw.step, raw.unit, rounded=raw.rounded)
    return NumberMention(
        value=value,
        low=low,
        high=high,
        bound=bound,
        unit=raw.unit,
        start=start,
        end=end,
        text=text[start:end],
        step=raw.step,
        rounded=raw.rounded and bound == "exact",
    )
