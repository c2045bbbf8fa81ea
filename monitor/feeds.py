"""Feed bytes to entries (feedparser), with URL canonicalisation, text cleaning and dedup.

Decisions a caller may rely on:
- An entry's key is its guid, else its canonical link, else "sha256:" + a hash of title and
  summary; within one feed the first entry of a key wins.
- canonical_url lower-cases scheme and host, drops the default port, the fragment and tracking
  parameters (utm_* and the click ids in TRACKING_PARAMS), and keeps every other query
  parameter as written and in its order (reordering could change what some sites serve).
- Dates are aware UTC datetimes. A date without a timezone is read as UTC; an unparseable one
  is None. Dates are kept as stated unless `now` is passed to parse_feed, in which case a date
  more than a day after `now` is dropped (None): a clock error at the source tells nothing.
- Titles are one line and at most TITLE_MAX characters; summaries are plain text.
"""

from __future__ import annotations

import calendar
import email.utils
import hashlib
import html
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser

from monitor.errors import FeedError

__all__ = [
    "TITLE_MAX",
    "TRACKING_PARAMS",
    "FeedEntry",
    "ParsedFeed",
    "canonical_url",
    "clean_text",
    "parse_feed",
]

TITLE_MAX = 1_000
SUMMARY_MAX = 20_000
CONTENT_MAX = 200_000
GUID_MAX = 1_000
# Markup is cut to this many characters before tags are stripped, so a 50 MB description costs
# no more than a large one.
_MARKUP_MAX = 1_000_000
_FUTURE_SLACK = timedelta(days=1)

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt.mc_id",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LINK_SCHEMES = frozenset({"http", "https"})

# C0 and C1 controls except tab and newline (CR is turned into a newline first), bidi
# embedding/override/isolate controls, lone surrogates and the two noncharacters: none of them
# is text, PostgreSQL rejects NUL, and U+202E can make a title read backwards.
_JUNK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_NEWLINES = re.compile(r"\r\n?")
_DROPPED_ELEMENTS = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAKING_TAGS = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|pre|hr)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.DOTALL)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, cleaned: no feedparser object survives past parse_feed."""

    key: str
    guid: str | None
    url: str | None
    title: str
    summary: str
    published_at: datetime | None
    updated_at: datetime | None
    content: str = ""  # plain text of the entry's full content (content:encoded, Atom content)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's entries in document order; `error` says why parsing stopped short, if it did."""

    title: str
    entries: tuple[FeedEntry, ...]
    error: str | None


def clean_text(value: str) -> str:
    """Text safe to store and compare: controls, bidi overrides and NUL gone, NFC normalised."""
    text = _JUNK.sub("", _NEWLINES.sub("\n", value))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def canonical_url(url: str) -> str:
    """One spelling per http(s) URL (see the module docstring); other strings come back stripped."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    host = parts.hostname  # already lower-cased, brackets removed
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    kept = [p for p in parts.query.split("&") if p and not _is_tracking(p)]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse feed bytes; raise FeedError only when there is no feed at all in them."""
    # feedparser reads a str as a file name or URL; only ever hand it bytes.
    parsed = feedparser.parse(
        bytes(body),
        sanitize_html=False,  # we never render its HTML, and sanitizing costs 3x the parse
        resolve_relative_uris=False,  # the same; links are resolved below
        response_headers={
            "content-location": url,
            "content-type": content_type or "application/xml",
        },
    )
    entries_raw: list[Any] = list(_get(parsed, "entries") or [])
    version = _get(parsed, "version") or ""
    problem = _problem(parsed)
    if not entries_raw and not version:
        raise FeedError(_not_a_feed(body, url, problem))

    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw in entries_raw:
        entry = _entry(raw, url, now)
        if not (entry.guid or entry.url or entry.title or entry.summary or entry.content):
            continue  # what a broken feed leaves of an item: nothing to identify or read
        if entry.key not in seen:
            seen.add(entry.key)
            entries.append(entry)
    feed_info = _get(parsed, "feed") or {}
    title = _one_line(_plain(_get(feed_info, "title"), _get(feed_info, "title_detail")))
    return ParsedFeed(title=title, entries=tuple(entries), error=problem)


def _get(container: Any, key: str) -> Any:
    """A stored value only: feedparser's own lookups alias keys (and warn) behind our back."""
    return dict.get(container, key) if isinstance(container, dict) else None


def _problem(parsed: Any) -> str | None:
    if not _get(parsed, "bozo"):
        return None
    exc = _get(parsed, "bozo_exception")
    # A feed served as text/html or with a wrong declared charset still parses correctly.
    if exc is None or isinstance(
        exc, feedparser.NonXMLContentType | feedparser.CharacterEncodingOverride
    ):
        return None
    line = getattr(exc, "getLineNumber", None)
    message = getattr(exc, "getMessage", None)
    if callable(line) and callable(message):
        return f"feed: malformed XML at line {line()}: {message()}"
    return f"feed: {clean_text(str(exc))[:300]}"


def _not_a_feed(body: bytes, url: str, problem: str | None) -> str:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return f"feed: {url} returned an empty body"
    if head.startswith((b"{", b"[")):
        return f"feed: {url} is JSON (JSON Feed is not supported), not RSS or Atom"
    if b"<html" in head or b"<!doctype html" in head:
        return f"feed: {url} is an HTML page, not RSS or Atom"
    detail = f" ({problem.removeprefix('feed: ')})" if problem else ""
    return f"feed: {url} is not RSS or Atom{detail}"


def _entry(raw: Any, feed_url: str, now: datetime | None) -> FeedEntry:
    title = _one_line(_plain(_get(raw, "title"), _get(raw, "title_detail")))
    title = _truncate(title, TITLE_MAX)
    summary = _truncate(_plain(_get(raw, "summary"), _get(raw, "summary_detail")), SUMMARY_MAX)
    content = ""
    for block in _get(raw, "content") or []:
        text = _plain(_get(block, "value"), block)
        if len(text) > len(content):
            content = text
    content = _truncate(content, CONTENT_MAX)
    guid = _one_line(clean_text(str(_get(raw, "id") or ""))) or None
    link = _link(_get(raw, "link"), feed_url)
    if guid is not None and len(guid) > GUID_MAX:
        guid = "sha256:" + hashlib.sha256(guid.encode("utf-8")).hexdigest()
    if guid is not None:
        key = guid
    elif link is not None:
        key = link
    else:
        digest = hashlib.sha256(f"{title}\n{summary or content}".encode()).hexdigest()
        key = f"sha256:{digest}"
    return FeedEntry(
        key=key,
        guid=guid,
        url=link,
        title=title,
        summary=summary,
        published_at=_date(raw, "published", now),
        updated_at=_date(raw, "updated", now),
        content=content,
    )


def _link(value: Any, feed_url: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    # feedparser has applied xml:base already; the feed URL covers what is still relative.
    try:
        absolute = urljoin(feed_url, clean_text(value).strip())
    except ValueError:
        return None
    if urlsplit(absolute).scheme.lower() not in _LINK_SCHEMES:
        return None  # javascript:, data:, mailto:... are not articles
    canonical = canonical_url(absolute)
    return canonical if urlsplit(canonical).hostname else None


def _plain(value: Any, detail: Any) -> str:
    """Plain text of a feedparser text construct: tags stripped only when it is markup."""
    if not isinstance(value, str) or not value:
        return ""
    kind = _get(detail, "type")
    text = value[:_MARKUP_MAX]
    # No type happens when feedparser copies content into summary: that content is markup.
    if kind is None or kind in _HTML_TYPES:
        text = _DROPPED_ELEMENTS.sub(" ", text)
        text = _BREAKING_TAGS.sub("\n", text)
        text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", clean_text(text))
    text = _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in text.split("\n")))
    return text.strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(raw: Any, name: str, now: datetime | None) -> datetime | None:
    when = _from_struct(_get(raw, f"{name}_parsed"))
    if when is None:
        when = _from_string(_get(raw, name))
    if when is not None and now is not None and when > now + _FUTURE_SLACK:
        return None
    return when


def _from_struct(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        # feedparser's struct_time is already UTC.
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _from_string(value: Any) -> datetime | None:
    """Dates feedparser gave up on; mostly RFC 822 or ISO 8601 without a timezone."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    when: datetime | None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
