"""Article HTML to text and metadata (trafilatura), text normalisation, content hash, text diff.

Decisions a caller may rely on:
- extract_article returns None when a page has no article text (empty, binary, a redirect
  stub, a script-only page); it raises ExtractError when it refuses a page: larger than
  max_bytes, or nested more than MAX_NESTING elements deep (lxml stops building the tree at
  256 levels and trafilatura then drops the text silently, so such a page is flagged instead
  of looking empty).
- published_at has the precision trafilatura gives, a day: midnight UTC of the stated date.
- normalise_text is what gets hashed: whitespace-only edits give the same hash.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime

import trafilatura
from lxml import etree

from monitor.errors import ExtractError

__all__ = [
    "MAX_NESTING",
    "ExtractedArticle",
    "content_hash",
    "extract_article",
    "normalise_text",
    "text_diff",
]

log = logging.getLogger(__name__)

MAX_NESTING = 250
_TITLE_MAX = 1_000
_SNIFF = 8_192
# Share of control characters (other than whitespace and NUL) above which input is binary.
_BINARY_SHARE = 0.05

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# lxml builds no deeper than 256 levels; an element this deep means the tree was cut short.
# Checked on the tree trafilatura then uses, by one XPath (~0.4 ms for a 130 KB page).
_TOO_DEEP = etree.XPath("boolean(/" + "/*" * MAX_NESTING + ")")
_BINARY_CONTROLS = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# Same rule as feeds.clean_text (stage modules do not import each other).
_JUNK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Runs of two or more horizontal spaces, or any tab: one space. A single no-break or thin space
# is kept, since it separates thousands in "1 234" and the figure engine reads it.
_SPACE_RUNS = re.compile(r"[^\S\n]{2,}|\t")
_BLANK_RUNS = re.compile(r"\n{3,}")
# A page whose whole text is this short and says one of the phrases, or two of the words, is a
# consent, login or script wall (or a bot check), not an article.
_WALL_MAX = 600
_WALL_PHRASES = (
    "enable javascript",
    "javascript is disabled",
    "javascript is required",
    "are you a robot",
    "verify you are human",
    "accept all cookies",
)
_WALL_WORDS = ("cookie", "consent", "privacy", "accept all", "reject all", "sign in", "log in")


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """The main text and metadata of one article page; no trafilatura object escapes."""

    text: str
    title: str | None
    author: str | None
    published_at: datetime | None
    site_name: str | None


def normalise_text(text: str) -> str:
    """Canonical text: NFC, no controls, single spaces, no edge spaces, at most one blank line."""
    text = _JUNK.sub("", _NEWLINES.sub("\n", text))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _SPACE_RUNS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def content_hash(text: str) -> str:
    """sha256 hex of the normalised text: what decides whether a new version is stored."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def text_diff(
    old: str, new: str, *, old_label: str = "previous", new_label: str = "current"
) -> str:
    """A unified diff by lines ("" when the texts are equal line for line)."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm=""
    )
    return "\n".join(lines)


def extract_article(
    html: bytes | str,
    *,
    url: str,
    max_bytes: int = 5 * 1024 * 1024,
    charset: str | None = None,
) -> ExtractedArticle | None:
    """Main text and metadata of an article page, or None when it has none.

    `charset` is the one the HTTP response declared; a byte-order mark or a body that does not
    decode with it wins over it. Raises ExtractError for pages it refuses (module docstring).
    """
    if len(html) > max_bytes:
        raise ExtractError(f"extract: page larger than {_size(max_bytes)} for {url}")
    text = _decode(html, charset) if isinstance(html, bytes) else html
    if not text.strip():
        return None
    sample = text[:_SNIFF]
    if len(_BINARY_CONTROLS.findall(sample)) > _BINARY_SHARE * len(sample):
        log.warning("extract: %s is not text (binary content), skipped", url)
        return None
    text = _JUNK.sub("", text)  # lxml stops at NUL; controls are not content anyway
    tree = trafilatura.load_html(text)
    if tree is None:
        return None
    if _TOO_DEEP(tree):
        raise ExtractError(
            f"extract: page nested more than {MAX_NESTING} elements deep (its text would be "
            f"lost) for {url}"
        )
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    if document is None or isinstance(document, dict):
        return None
    body = normalise_text(str(document.text or ""))
    if not body:
        return None
    if _is_wall(body):
        log.warning("extract: %s shows a consent or login wall, not an article", url)
        return None
    return ExtractedArticle(
        text=body,
        title=_meta(document.title, _TITLE_MAX),
        author=_meta(document.author, 300),
        published_at=_day(document.date),
        site_name=_meta(document.sitename, 300),
    )


def _is_wall(text: str) -> bool:
    """A short text that is mostly a cookie, consent or login prompt is not the article."""
    if len(text) > _WALL_MAX:
        return False
    lowered = text.lower()
    if any(phrase in lowered for phrase in _WALL_PHRASES):
        return True
    return sum(word in lowered for word in _WALL_WORDS) >= 2


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


def _decode(data: bytes, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    candidates = [declared, "utf-8"]
    found = _META_CHARSET.search(data[:4096])
    if found:
        candidates.insert(1, found.group(1).decode("ascii", "replace"))
    for name in candidates:
        if not name:
            continue
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    # Pages that decode as nothing else are most often Windows-1252 mislabelled as Latin-1.
    return data.decode("cp1252", errors="replace")


def _meta(value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(_JUNK.sub("", value).split())
    if not text:
        return None
    return unicodedata.normalize("NFC", text[:limit])


def _day(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
