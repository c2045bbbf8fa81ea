"""Alert email composition: changes in, a threaded text + HTML EmailMessage out (pure)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from monitor.notify.headers import MAIL_POLICY, clean_text, safe_header_value

SUBJECT_MAX = 200
# Bounds for body text: feed text is untrusted, and one runaway sentence must not bury the rest.
SHORT_MAX = 300
EVIDENCE_MAX = 2000
WATCH_IN_SUBJECT_MAX = 60
# Long enough to thread a story, short enough that the header stays a few folded lines.
REFERENCES_MAX = 10
DEFAULT_ID_DOMAIN = "news-monitor.local"

_KIND_NOTES = {
    "figure": "",
    "correction": "Correction",
    "position": "Position shift",
    "refinement": "Refined claim",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MSG_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")  # printable ASCII without < > or spaces
_LINK_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class ChangeView:
    """What one alerted change looks like in an email; every text is untrusted feed text."""

    kind: str  # "figure" | "correction" | "position" | "refinement"
    label: str
    old: str | None
    new: str
    delta: str | None
    evidence: str
    highlight: str | None  # a substring of evidence to highlight
    source_name: str
    url: str
    published_at: datetime | None
    previous_evidence: str | None
    previous_source: str | None
    previous_url: str | None
    previous_published_at: datetime | None
    revision_of: str | None = None  # the earlier version of an article revised in place
    thread_key: str = ""  # one mail thread per metric, or per actor and topic
    extra_sources: tuple[tuple[str, str], ...] = ()  # (name, url) of other outlets


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """Who the alerts come from and the domain their Message-IDs use."""

    sender: str
    domain_for_ids: str = DEFAULT_ID_DOMAIN


@dataclass(frozen=True, slots=True)
class _Link:
    text: str
    href: str | None  # None when the URL is not a safe http(s) link: shown as text only


@dataclass(frozen=True, slots=True)
class _Row:
    """One change as the templates see it: plain strings, the template escapes them."""

    note: str
    label: str
    old: str | None
    new: str
    delta: str | None
    before: str
    hit: str
    after: str
    source: _Link
    published: str | None
    previous_evidence: str | None
    previous_source: _Link | None
    previous_published: str | None
    revision_earlier: _Link | None
    revision_current: _Link | None
    also: tuple[_Link, ...]


def compose_alert_email(
    *,
    watch: str,
    watch_label: str | None,
    recipients: Sequence[str],
    changes: Sequence[ChangeView],
    settings: EmailSettings,
    now: datetime,
    message_id: str,
    digest: bool = False,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    display_timezone: str = "UTC",
) -> EmailMessage:
    """Build the alert email for `changes` of one watch.

    Without `in_reply_to`, the message joins the thread of its main change (or the watch's
    digest thread): a root id no message carries, which mail clients still group under.
    """
    if not changes:
        raise ValueError("notify: an alert email needs at least one change")
    if not recipients:
        raise ValueError("notify: an alert email needs at least one recipient")
    if now.tzinfo is None:
        raise ValueError("notify: `now` must be timezone-aware")
    tz = ZoneInfo(display_timezone)
    # A refinement is the least news: anything else leads, in the subject and in the body.
    changes = sorted(changes, key=lambda c: c.kind == "refinement")
    main = changes[0]
    subject = _subject(watch, main, len(changes), digest)
    if in_reply_to is None:
        thread_key = "digest" if digest else main.thread_key
        if thread_key:
            in_reply_to = thread_message_id(watch, thread_key, settings.domain_for_ids)

    context = {
        "subject": subject,
        "watch": safe_header_value(watch, max_len=WATCH_IN_SUBJECT_MAX),
        "watch_label": _short(watch_label or ""),
        "digest": digest,
        "rows": [_row(c, tz) for c in changes],
        "generated": _when(now, tz),
    }
    text = _TEXT_ENV.get_template("alert.txt.j2").render(context)
    html_body = _HTML_ENV.get_template("alert.html.j2").render(context)

    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = subject
    msg["From"] = _address(settings.sender)
    msg["To"] = tuple(_address(r) for r in recipients)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = _checked_id(message_id)
    if in_reply_to is not None:
        msg["In-Reply-To"] = _checked_id(in_reply_to)
    # RFC 5322 3.6.4: the parent's References followed by the parent itself.
    refs = [_checked_id(r) for r in references]
    if in_reply_to is not None and in_reply_to not in refs:
        refs.append(in_reply_to)
    if refs:
        msg["References"] = " ".join(refs[-REFERENCES_MAX:])
    # RFC 3834: tells vacation responders and mailing lists not to answer a machine.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-News-Monitor-Watch"] = safe_header_value(watch, max_len=WATCH_IN_SUBJECT_MAX)
    # Quoted-printable keeps every line short and 7-bit, whatever the server supports.
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html_body, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def thread_message_id(watch: str, thread_key: str, domain: str) -> str:
    """The stable root Message-ID of one thread (a metric, or an actor and topic) of a watch."""
    digest = hashlib.sha256(f"{watch}\x00{thread_key}".encode()).hexdigest()[:32]
    return f"<thread.{digest}@{_id_domain(domain)}>"


def new_message_id(alert_key: str, domain: str) -> str:
    """A Message-ID derived from a stable alert key: a resend after a crash carries the same."""
    digest = hashlib.sha256(alert_key.encode()).hexdigest()[:32]
    return f"<alert.{digest}@{_id_domain(domain)}>"


def change_headline(change: ChangeView) -> str:
    """`Gaza death toll: more than 66,600 -> 67,074 (+474)`, one line of plain text."""
    # Only a correction says so in the subject: a reader must not take it for a new figure.
    head = f"Correction: {change.label}" if change.kind == "correction" else change.label
    moved = change.new if change.old is None else f"{change.old} -> {change.new}"
    if change.delta:
        moved = f"{moved} ({change.delta})"
    return f"{head}: {moved}"


def _subject(watch: str, main: ChangeView, count: int, digest: bool) -> str:
    prefix = f"[{safe_header_value(watch, max_len=WATCH_IN_SUBJECT_MAX)}] "
    if digest:
        prefix += f"Digest, {count} change{'s' if count != 1 else ''}: "
    suffix = f"; +{count - 1} more" if count > 1 and not digest else ""
    room = SUBJECT_MAX - len(prefix) - len(suffix)
    return prefix + safe_header_value(change_headline(main), max_len=room) + suffix


def _row(change: ChangeView, tz: ZoneInfo) -> _Row:
    evidence = clean_text(change.evidence, max_len=EVIDENCE_MAX)
    before, hit, after = _split_highlight(evidence, _short(change.highlight or change.new))
    revision_earlier = revision_current = None
    if change.revision_of:
        revision_earlier = _link(change.revision_of, change.revision_of)
        revision_current = _link(change.url, change.url)
    previous_source = None
    if change.previous_source or change.previous_url:
        previous_source = _link(
            change.previous_source or change.previous_url or "", change.previous_url
        )
    previous_evidence = None
    if change.previous_evidence:
        previous_evidence = clean_text(change.previous_evidence, max_len=EVIDENCE_MAX)
    return _Row(
        note=_KIND_NOTES.get(change.kind, _short(change.kind)),
        label=_short(change.label),
        old=_short(change.old) if change.old is not None else None,
        new=_short(change.new),
        delta=_short(change.delta) if change.delta else None,
        before=before,
        hit=hit,
        after=after,
        source=_link(change.source_name or change.url, change.url),
        published=_when(change.published_at, tz),
        previous_evidence=previous_evidence,
        previous_source=previous_source,
        previous_published=_when(change.previous_published_at, tz),
        revision_earlier=revision_earlier,
        revision_current=revision_current,
        also=tuple(_link(name or url, url) for name, url in change.extra_sources),
    )


def _short(text: str) -> str:
    return clean_text(text, max_len=SHORT_MAX)


def _split_highlight(evidence: str, needle: str | None) -> tuple[str, str, str]:
    if not needle:
        return evidence, "", ""
    at = evidence.find(needle)
    if at < 0:
        at = evidence.casefold().find(needle.casefold())
        # Case folding can change lengths (ß -> ss): only trust it when it did not.
        if at < 0 or len(evidence.casefold()) != len(evidence):
            return evidence, "", ""
    end = at + len(needle)
    return evidence[:at], evidence[at:end], evidence[end:]


def _link(text: str, url: str | None) -> _Link:
    return _Link(text=_short(text), href=_safe_href(url))


def _safe_href(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link; javascript:, data: and the like never link."""
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.netloc:
        return None
    return url


def _when(moment: datetime | None, tz: ZoneInfo) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        return f"{_day(moment)}, {moment:%H:%M}"
    local = moment.astimezone(tz)
    return f"{_day(local)}, {local:%H:%M} {local.tzname()}"


def _day(moment: datetime) -> str:
    # Month names from a table, not strftime: the output must not depend on the locale.
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _address(value: str) -> Address:
    name, addr = parseaddr(value)
    if not addr or "@" not in addr or any(ch.isspace() or ord(ch) < 33 for ch in addr):
        raise ValueError(f"notify: not an email address: {safe_header_value(value)!r}")
    return Address(display_name=safe_header_value(name, max_len=80), addr_spec=addr)


def _checked_id(message_id: str) -> str:
    if not _MSG_ID.fullmatch(message_id):
        raise ValueError(f"notify: not a Message-ID: {safe_header_value(message_id)!r}")
    return message_id


def _id_domain(domain: str) -> str:
    cleaned = re.sub(r"[^a-z0-9.-]", "", domain.lower()).strip(".-")
    return cleaned or DEFAULT_ID_DOMAIN


# Autoescape on for every HTML template whatever its extension: select_autoescape would leave
# .j2 files unescaped (BAD_INPUTS row 40). The text part is never HTML and never a header.
_HTML_ENV = Environment(
    loader=PackageLoader("monitor.notify", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEXT_ENV = Environment(
    loader=PackageLoader("monitor.notify", "templates"),
    autoescape=False,  # noqa: S701 - the plain-text part: HTML escaping would corrupt it
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
