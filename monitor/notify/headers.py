"""Header safety: untrusted feed text made fit for one line of an email header."""

from __future__ import annotations

import html
import re
import unicodedata
from email import policy
from email.errors import MessageError
from email.header import decode_header, make_header

ELLIPSIS = "…"

# Characters that must never reach a header: line breaks a parser may honour (CPython's header
# parser also splits on U+2028/2029 in some paths) and bidi controls that make a subject read
# differently from what it says (BAD_INPUTS rows 31, 39).
_FORBIDDEN = frozenset(
    "\u2028\u2029"  # line and paragraph separators
    "\u200e\u200f\u061c"  # directional marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\ufeff"  # byte order mark
)
# Categories replaced by a space: controls (C0, DEL, C1) and lone surrogates, which cannot be
# encoded. Unassigned code points stay: emoji newer than this Python's Unicode tables are fine.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})
# Encoded-words decode in rounds: a title can carry one inside another, or inside an entity.
_MAX_DECODE_ROUNDS = 4
# An encoded-word left after decoding would be decoded again by the email package when the
# value is assigned to a header: break its opening so it stays literal text.
_ENCODED_WORD_OPEN = re.compile(r"=\?")


def safe_header_value(value: str, *, max_len: int = 200) -> str:
    """Decode, strip controls, collapse whitespace and bound `value` for use in one header."""
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    text = value
    for _ in range(_MAX_DECODE_ROUNDS):
        decoded = _decode_encoded_words(html.unescape(text))
        if decoded == text:
            break
        text = decoded
    text = _ENCODED_WORD_OPEN.sub("= ?", clean_text(text, max_len=max_len))
    return _bound(text, max_len)


def clean_text(value: str, *, max_len: int) -> str:
    """One line of text: controls and bidi overrides out, whitespace collapsed, length bound.

    No decoding: for body text, where an entity or encoded-word is what the article says.
    """
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    text = unicodedata.normalize("NFC", value)
    text = "".join(" " if _is_forbidden(ch) else ch for ch in text)
    return _bound(" ".join(text.split()), max_len)


def _decode_encoded_words(text: str) -> str:
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (MessageError, LookupError, UnicodeError, ValueError):
        # A malformed encoded-word (bad base64, unknown charset) stays as the literal text.
        return text


def _is_forbidden(ch: str) -> bool:
    return ch in _FORBIDDEN or unicodedata.category(ch) in _FORBIDDEN_CATEGORIES


def _bound(text: str, max_len: int) -> str:
    if len(text) <= max_len:
        return text
    cut = text[: max_len - len(ELLIPSIS)].rstrip()
    # Prefer a word boundary when one is near, so the subject does not end mid-word.
    space = cut.rfind(" ")
    if space >= max_len * 3 // 4:
        cut = cut[:space].rstrip()
    return cut + ELLIPSIS


# CRLF line ends for SMTP. CPython 3.11 folds some subjects of 70-80 characters straight after
# "Subject:", and clients then show a leading space: every header value here is bounded far
# below RFC 5322's hard limit of 998, so headers are not folded at 78.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)
