"""Alert email composition: subject, threading, parts, highlighting, escaping."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.notify.compose import (
    ChangeView,
    EmailSettings,
    change_headline,
    compose_alert_email,
    new_message_id,
    thread_message_id,
)

NOW = datetime(2025, 10, 8, 15, 0, tzinfo=UTC)
SETTINGS = EmailSettings(sender="News Monitor <alerts@example.org>")
DOMAIN = SETTINGS.domain_for_ids
MSG_ID = new_message_id("alert:1", DOMAIN)

DEATH_TOLL = ChangeView(
    kind="figure",
    label="Gaza death toll",
    old="more than 66,600",
    new="67,074",
    delta="+474",
    evidence="Officials in Gaza put the overall death toll at 67,074 since the war began.",
    highlight="67,074",
    source_name="Example News",
    url="https://news.example.org/gaza/toll?id=7&lang=en",
    published_at=datetime(2025, 10, 8, 13, 5, tzinfo=UTC),
    previous_evidence="The health ministry said more than 66,600 people had been killed.",
    previous_source="Example Wire",
    previous_url="https://wire.example.org/gaza-talks",
    previous_published_at=datetime(2025, 10, 7, 9, 0, tzinfo=UTC),
    thread_key="death_toll",
)
HAMAS = ChangeView(
    kind="position",
    label="Hamas on hostages",
    old="demand: a staged, conditional release",
    new="accept: release all living captives within 72 hours",
    delta=None,
    evidence="Hamas said it would release all living captives within 72 hours of the deal.",
    highlight="release all living captives within 72 hours",
    source_name="Example Wire",
    url="https://wire.example.org/hamas-reply",
    published_at=None,
    previous_evidence=None,
    previous_source=None,
    previous_url=None,
    previous_published_at=None,
    thread_key="Hamas:hostages",
)
CAPTIVES = dataclasses.replace(
    DEATH_TOLL,
    label="Captives believed alive",
    old="20",
    new="19",
    delta="-1",
    evidence="Nineteen of the captives are now believed to be alive.",
    highlight=None,
    thread_key="captives_alive",
)


def compose(changes: list[ChangeView] | None = None, **kwargs: Any) -> EmailMessage:
    args: dict[str, Any] = {
        "watch": "gaza-ceasefire",
        "watch_label": "Gaza ceasefire",
        "recipients": ["desk@example.org"],
        "changes": changes or [DEATH_TOLL],
        "settings": SETTINGS,
        "now": NOW,
        "message_id": MSG_ID,
    }
    args.update(kwargs)
    return compose_alert_email(**args)


def reparse(msg: EmailMessage) -> EmailMessage:
    return message_from_bytes(msg.as_bytes(), policy=policy.default)


def text_part(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return cast(str, cast(EmailMessage, part).get_content())


def html_part(msg: EmailMessage) -> str:
    part = msg.get_body(("html",))
    assert part is not None
    return cast(str, cast(EmailMessage, part).get_content())


class _Tags(HTMLParser):
    """Every start tag of an HTML document with its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_of(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_subject_names_watch_and_main_change() -> None:
    assert (
        str(compose()["Subject"])
        == "[gaza-ceasefire] Gaza death toll: more than 66,600 -> 67,074 (+474)"
    )


def test_subject_counts_the_other_changes() -> None:
    msg = compose([DEATH_TOLL, HAMAS, CAPTIVES])
    assert str(msg["Subject"]).endswith(
        "Gaza death toll: more than 66,600 -> 67,074 (+474); +2 more"
    )


def test_refinement_never_leads_the_subject() -> None:
    refined = dataclasses.replace(HAMAS, kind="refinement")
    msg = compose([refined, CAPTIVES])
    assert str(msg["Subject"]) == "[gaza-ceasefire] Captives believed alive: 20 -> 19 (-1); +1 more"


def test_correction_and_first_report_headlines() -> None:
    assert change_headline(dataclasses.replace(DEATH_TOLL, kind="correction")).startswith(
        "Correction: Gaza death toll:"
    )
    assert change_headline(dataclasses.replace(DEATH_TOLL, old=None, delta=None)) == (
        "Gaza death toll: 67,074"
    )


def test_digest_subject_and_thread() -> None:
    msg = compose([DEATH_TOLL, HAMAS], digest=True)
    assert str(msg["Subject"]).startswith("[gaza-ceasefire] Digest, 2 changes: Gaza death toll")
    assert msg["In-Reply-To"] == thread_message_id("gaza-ceasefire", "digest", DOMAIN)
    assert text_part(msg).startswith("Digest for gaza-ceasefire")


def test_headers_from_to_date_and_ids() -> None:
    msg = reparse(compose(recipients=["Desk <desk@example.org>", "ngo@example.net"]))
    assert msg["From"].addresses[0].addr_spec == "alerts@example.org"
    assert msg["From"].addresses[0].display_name == "News Monitor"
    assert [a.addr_spec for a in msg["To"].addresses] == ["desk@example.org", "ngo@example.net"]
    assert msg["Date"].datetime == NOW
    assert msg["Message-ID"] == MSG_ID
    assert msg["Auto-Submitted"] == "auto-generated"


def test_threads_under_the_metric_by_default() -> None:
    msg = reparse(compose())
    root = thread_message_id("gaza-ceasefire", "death_toll", DOMAIN)
    assert msg["In-Reply-To"] == root
    assert msg["References"].split() == [root]


def test_explicit_threading_is_kept_in_order() -> None:
    first = new_message_id("alert:0", DOMAIN)
    root = thread_message_id("gaza-ceasefire", "death_toll", DOMAIN)
    msg = reparse(compose(in_reply_to=first, references=[root]))
    assert msg["In-Reply-To"] == first
    assert msg["References"].split() == [root, first]


def test_message_ids_are_stable_and_distinct() -> None:
    assert new_message_id("alert:1", DOMAIN) == new_message_id("alert:1", DOMAIN)
    assert new_message_id("alert:1", DOMAIN) != new_message_id("alert:2", DOMAIN)
    ids = {
        thread_message_id("gaza-ceasefire", "death_toll", DOMAIN),
        thread_message_id("gaza-ceasefire", "Hamas:hostages", DOMAIN),
        thread_message_id("syria", "death_toll", DOMAIN),
    }
    assert len(ids) == 3
    assert new_message_id("k", "Evil.test\r\nBcc: x").endswith("@evil.testbccx>")


def test_bad_message_id_is_refused() -> None:
    with pytest.raises(ValueError, match="Message-ID"):
        compose(message_id="<a@b>\r\nBcc: x@evil.test")


def test_two_parts_text_and_html() -> None:
    msg = reparse(compose())
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]


def test_the_number_is_highlighted() -> None:
    msg = compose()
    assert "toll at **67,074** since" in text_part(msg)
    html = html_part(msg)
    assert ">67,074</strong> since the war began" in html
    highlighted = [t for t in tags_of(html) if t[0] == "strong" and "background-color" in str(t[1])]
    assert highlighted


def test_claim_is_highlighted_case_insensitively() -> None:
    change = dataclasses.replace(HAMAS, highlight="Release All Living Captives within 72 hours")
    assert "it would **release all living captives within 72 hours** of" in text_part(
        compose([change])
    )


def test_change_line_source_and_time() -> None:
    msg = compose(display_timezone="Europe/London")
    text = text_part(msg)
    assert "more than 66,600 -> 67,074 (+474)" in text
    assert (
        "Example News <https://news.example.org/gaza/toll?id=7&lang=en>, 8 Oct 2025, 14:05 BST"
        in (text)
    )
    html = html_part(msg)
    assert 'href="https://news.example.org/gaza/toll?id=7&amp;lang=en"' in html
    assert "8 Oct 2025, 14:05 BST" in html


def test_previous_report_is_shown_with_its_source() -> None:
    msg = compose()
    for body in (text_part(msg), html_part(msg)):
        assert "Previously: more than 66,600" in body
        assert "more than 66,600 people had been killed" in body
        assert "Example Wire" in body
        assert "7 Oct 2025, 09:00 UTC" in body
    assert 'href="https://wire.example.org/gaza-talks"' in html_part(msg)


def test_revision_links_both_versions() -> None:
    revised = dataclasses.replace(
        DEATH_TOLL, revision_of="https://news.example.org/gaza/toll?id=7&lang=en&v=1"
    )
    msg = compose([revised])
    text = text_part(msg)
    assert "Earlier version: https://news.example.org/gaza/toll?id=7&lang=en&v=1" in text
    assert "Current version: https://news.example.org/gaza/toll?id=7&lang=en" in text
    hrefs = [dict(a)["href"] for t, a in tags_of(html_part(msg)) if t == "a"]
    assert "https://news.example.org/gaza/toll?id=7&lang=en&v=1" in hrefs
    assert hrefs.count("https://news.example.org/gaza/toll?id=7&lang=en") >= 2


def test_other_outlets_are_listed() -> None:
    also = dataclasses.replace(DEATH_TOLL, extra_sources=(("Other Daily", "https://daily.test/x"),))
    assert "Also reported by: Other Daily <https://daily.test/x>" in text_part(compose([also]))


def test_html_has_no_scripts_images_or_external_resources() -> None:
    html = html_part(compose([DEATH_TOLL, HAMAS, CAPTIVES]))
    tags = tags_of(html)
    assert {t for t, _ in tags} <= {
        "html", "head", "meta", "title", "body", "table", "tr", "td", "div", "span", "strong", "a",
    }  # fmt: skip
    assert all(name != "src" for _, attrs in tags for name, _ in attrs)


def test_hostile_article_text_is_escaped_in_html() -> None:
    hostile = dataclasses.replace(
        DEATH_TOLL,
        label='Toll <img src=x onerror="alert(1)">',
        evidence="Toll is 67,074 <script>alert(1)</script> <img src=x onerror=alert(2)>.",
        source_name="<b onmouseover=alert(3)>Wire</b>",
        url="javascript:alert(4)",
        previous_url="data:text/html,<script>alert(5)</script>",
        extra_sources=(("Evil", "JaVaScRiPt:alert(6)"), ("Fine", "https://ok.test/a")),
    )
    msg = compose([hostile])
    html = html_part(msg)
    tags = tags_of(html)
    assert not [t for t, _ in tags if t in {"script", "img", "b", "iframe"}]
    assert not [n for _, attrs in tags for n, _ in attrs if n.startswith("on")]
    hrefs = [dict(attrs)["href"] for t, attrs in tags if t == "a"]
    assert hrefs == ["https://ok.test/a"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=alert(2)&gt;" in html
    # The text part is plain text: shown as written, never as a link target.
    assert "<script>alert(1)</script>" in text_part(msg)
    assert "javascript:" not in text_part(msg)


def test_encoded_newline_title_injects_no_header() -> None:
    injected = "=?UTF-8?Q?Gaza=0ABcc=3A_x=40evil.test?="
    change = dataclasses.replace(DEATH_TOLL, label=injected, source_name=injected)
    evil_settings = EmailSettings(sender=f"{injected} <alerts@example.org>")
    msg = compose([change], settings=evil_settings, recipients=[f"{injected} <desk@example.org>"])
    raw = msg.as_bytes()
    assert b"\nbcc" not in raw.lower()
    assert b"\rbcc" not in raw.lower()
    parsed = reparse(msg)
    assert parsed["Bcc"] is None
    assert "Gaza Bcc: x@evil.test" in str(parsed["Subject"])
    assert [a.addr_spec for a in parsed["To"].addresses] == ["desk@example.org"]
    assert parsed["From"].addresses[0].addr_spec == "alerts@example.org"


def test_long_and_emoji_titles_stay_one_bounded_subject() -> None:
    change = dataclasses.replace(DEATH_TOLL, label="🕊️ truce " * 300)
    subject = str(reparse(compose([change, HAMAS]))["Subject"])
    assert len(subject) <= 200
    assert subject.startswith("[gaza-ceasefire] 🕊️ truce")
    assert subject.endswith("; +1 more")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"changes": []}, "at least one change", id="no-changes"),
        pytest.param({"recipients": []}, "at least one recipient", id="no-recipients"),
        pytest.param({"now": datetime(2025, 10, 8)}, "timezone-aware", id="naive-now"),
        pytest.param({"recipients": ["not an address"]}, "not an email address", id="bad-rcpt"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {
        "watch": "w",
        "watch_label": None,
        "recipients": ["a@example.org"],
        "changes": [DEATH_TOLL],
        "settings": SETTINGS,
        "now": NOW,
        "message_id": MSG_ID,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        compose_alert_email(**args)


@settings(max_examples=60, deadline=None)
@given(
    label=st.text(max_size=80),
    evidence=st.text(max_size=200),
    source=st.text(max_size=40),
    highlight=st.one_of(st.none(), st.text(max_size=10)),
)
def test_any_feed_text_keeps_the_header_set(
    label: str, evidence: str, source: str, highlight: str | None
) -> None:
    change = dataclasses.replace(
        DEATH_TOLL, label=label, evidence=evidence, source_name=source, highlight=highlight
    )
    parsed = reparse(compose([change]))
    assert sorted(k.lower() for k in parsed) == sorted(
        [
            "subject", "from", "to", "date", "message-id", "in-reply-to", "references",
            "auto-submitted", "x-news-monitor-watch", "mime-version", "content-type",
        ]
    )  # fmt: skip
    assert not [t for t, _ in tags_of(html_part(parsed)) if t in {"script", "img"}]
