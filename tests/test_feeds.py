"""Feed parsing: formats, identity, links, dates, hostile and broken feeds, text cleaning."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.errors import FeedError
from monitor.feeds import TITLE_MAX, canonical_url, clean_text, parse_feed
from tests.support.httpd import LoopbackServer

DATA = Path(__file__).parent / "data" / "feeds"
URL = "https://feeds.example.org/gaza/rss.xml"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def rss(*items: str, channel_extra: str = "") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test feed</title>{channel_extra}{body}</channel></rss>"
    ).encode()


# --- formats ----------------------------------------------------------------------------------


def test_rss2_entries_are_read_in_document_order() -> None:
    feed = parse_feed(fixture("rss2.xml"), url=URL)
    assert feed.title == "Example Wire: Middle East"
    assert feed.error is None
    assert [e.key for e in feed.entries] == [
        "wire-2025-10-07-0001",
        "wire-2025-10-07-0002",
        "wire-2025-10-06-0007",
    ]
    first, second, _ = feed.entries
    assert first.title == "Negotiators gather in Sharm el-Sheikh as Gaza ceasefire talks resume"
    # utm_* and the fragment are gone from links
    assert first.url == "https://wire.example.org/world/2025/10/07/gaza-talks-resume"
    assert second.url == "https://wire.example.org/world/2025/10/07/overnight-strikes"
    # HTML description to plain text; content:encoded kept as its own plain text
    assert first.summary == (
        "Delegations from Israel and Hamas arrived in Egypt for indirect talks on a 20-point plan."
    )
    assert "more than 66,600" in first.content
    assert "<p>" not in first.content
    assert first.published_at == datetime(2025, 10, 7, 9, 30, tzinfo=UTC)
    assert second.published_at == datetime(2025, 10, 7, 3, 10, tzinfo=UTC)  # +0300 to UTC


def test_atom_entries_with_xml_base_and_html_titles() -> None:
    feed = parse_feed(fixture("atom.xml"), url="https://daily.example.net/gaza/atom.xml")
    assert feed.title == "Example Daily: Gaza"
    first, second = feed.entries
    assert first.title == "Mediators report progress on the first phase"
    assert first.url == "https://daily.example.net/gaza/2025/10/08/mediators-progress"
    assert second.url == "https://daily.example.net/gaza/2025/10/08/casualty-figures"
    assert first.key == "tag:daily.example.net,2025:article-4411"
    assert first.published_at == datetime(2025, 10, 8, 5, 15, tzinfo=UTC)
    assert first.updated_at == datetime(2025, 10, 8, 7, 40, tzinfo=UTC)
    assert second.published_at is None
    assert second.content == "The ministry said the toll had reached 67,074."


def test_rdf_entries() -> None:
    feed = parse_feed(fixture("rdf.xml"), url="https://bulletin.example.com/rdf")
    assert feed.title == "Example Bulletin"
    assert [e.title for e in feed.entries] == [
        "Talks open in Egypt",
        "Aid convoys wait at the crossing",
    ]
    assert feed.entries[0].url == "https://bulletin.example.com/2025/10/07/talks"
    assert feed.entries[0].updated_at == datetime(2025, 10, 7, 11, 0, tzinfo=UTC)


def test_a_utf16_feed_with_a_byte_order_mark() -> None:
    text = rss("<title>Ceasefire talks</title><link>https://x.example/1</link>").decode()
    body = text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    assert [e.title for e in parse_feed(body, url=URL).entries] == ["Ceasefire talks"]


def test_a_feed_with_no_items_is_a_feed() -> None:
    feed = parse_feed(rss(), url=URL)
    assert (feed.title, feed.entries, feed.error) == ("Test feed", (), None)


# --- identity ---------------------------------------------------------------------------------


def test_without_guid_the_canonical_link_is_the_key() -> None:
    feed = parse_feed(
        rss("<title>A</title><link>HTTPS://Wire.Example.org:443/a?id=7&amp;utm_campaign=x</link>"),
        url=URL,
    )
    entry = feed.entries[0]
    assert entry.guid is None
    assert entry.key == entry.url == "https://wire.example.org/a?id=7"


def test_without_guid_or_link_the_key_hashes_title_and_summary() -> None:
    one = rss("<title>Talks resume</title><description>Day one.</description>")
    other = rss("<title>Talks resume</title><description>Day two.</description>")
    first = parse_feed(one, url=URL).entries[0]
    assert first.key.startswith("sha256:")
    assert len(first.key) == len("sha256:") + 64
    assert parse_feed(one, url=URL).entries[0].key == first.key  # stable
    assert parse_feed(other, url=URL).entries[0].key != first.key


def test_a_duplicate_guid_is_kept_once_the_first_wins() -> None:
    feed = parse_feed(
        rss(
            "<title>First</title><guid isPermaLink='false'>same</guid>",
            "<title>Second</title><guid isPermaLink='false'>same</guid>",
            "<title>Other</title><guid isPermaLink='false'>other</guid>",
        ),
        url=URL,
    )
    assert [(e.key, e.title) for e in feed.entries] == [("same", "First"), ("other", "Other")]


def test_a_very_long_guid_becomes_a_bounded_key() -> None:
    guid = "g" * 50_000
    entry = parse_feed(rss(f"<title>x</title><guid isPermaLink='false'>{guid}</guid>"), url=URL)
    assert entry.entries[0].key.startswith("sha256:")


# --- links ------------------------------------------------------------------------------------


def test_relative_links_without_xml_base_resolve_against_the_feed_url() -> None:
    feed = parse_feed(
        rss(
            "<title>a</title><link>/news/a</link>",
            "<title>b</title><link>b.html</link>",
            "<title>c</title><link>//cdn.example.org/c</link>",
        ),
        url=URL,
    )
    assert [e.url for e in feed.entries] == [
        "https://feeds.example.org/news/a",
        "https://feeds.example.org/gaza/b.html",
        "https://cdn.example.org/c",
    ]


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,hi", "mailto:desk@example.org", "ftp://x.example/a"],
)
def test_links_that_are_not_web_pages_are_dropped(link: str) -> None:
    entry = parse_feed(rss(f"<title>x</title><link>{link}</link>"), url=URL).entries[0]
    assert entry.url is None
    assert entry.key.startswith("sha256:")


# --- broken and hostile input -----------------------------------------------------------------


def test_a_malformed_feed_gives_what_it_could_parse_and_the_error() -> None:
    feed = parse_feed(fixture("malformed.xml"), url=URL)
    assert feed.error == "feed: malformed XML at line 10: not well-formed (invalid token)"
    assert [e.url for e in feed.entries][:2] == [
        "https://broken.example.org/1",
        "https://broken.example.org/2",
    ]
    assert feed.entries[1].title == "Prisoners & captives: what the plan says"
    assert all(e.key for e in feed.entries)


def test_an_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match=r"^feed: \S+ is an HTML page, not RSS or Atom$"):
        parse_feed(fixture("html_page.html"), url=URL, content_type="text/html")


@pytest.mark.parametrize("body", [b"", b"   \n\t", b"\xef\xbb\xbf"])
def test_an_empty_body_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedError, match="returned an empty body"):
        parse_feed(body, url=URL)


def test_json_feed_is_refused_with_a_clear_message() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}'
    with pytest.raises(FeedError, match="is JSON"):
        parse_feed(body, url=URL)


def test_bytes_that_look_like_a_path_are_never_opened() -> None:
    # feedparser opens a str as a file or URL; parse_feed only ever hands it bytes.
    with pytest.raises(FeedError, match="is not RSS or Atom"):
        parse_feed(b"/etc/passwd", url=URL)


def test_billion_laughs_is_harmless() -> None:
    feed = parse_feed(fixture("billion_laughs.xml"), url=URL)
    assert len(feed.title) < 100
    entry = feed.entries[0]
    assert entry.url == "https://lol.example.org/1"
    assert len(entry.title) < 100
    assert "lollol" not in entry.title + entry.summary


def test_quadratic_blowup_is_harmless() -> None:
    big = "x" * 100_000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]>'
        '<rss version="2.0"><channel><title>q</title><item><title>t</title>'
        f"<description>{'&a;' * 2000}</description></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url=URL)
    assert len(feed.entries[0].summary) <= 20_000  # never 200 MB


def test_external_entities_and_dtds_are_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    with LoopbackServer() as server:
        server.route("/evil.dtd", body=b'<!ENTITY remote "REMOTE-MARKER">')
        body = (
            '<?xml version="1.0"?>'
            f'<!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}" ['
            f'<!ENTITY local SYSTEM "{secret.as_uri()}">'
            f'<!ENTITY net SYSTEM "{server.url("/entity")}">'
            "]>"
            '<rss version="2.0"><channel><title>x &local;</title><item>'
            "<title>a &local; b &net; &remote;</title><link>https://x.example/1</link>"
            "<description>&local;</description></item></channel></rss>"
        ).encode()
        feed = parse_feed(body, url=URL)
        assert server.requests == []
    seen = feed.title + "".join(e.title + e.summary for e in feed.entries)
    assert "MARKER" not in seen


def test_cr_lf_entities_in_a_title_give_one_line() -> None:
    entry = parse_feed(rss("<title>Talks&#13;&#10;resume\tin Egypt</title>"), url=URL).entries[0]
    assert entry.title == "Talks resume in Egypt"


def test_nul_controls_and_bidi_overrides_are_stripped() -> None:
    entry = parse_feed(
        rss(
            "<title>Death toll \u202erises\u202c to 67,074</title>"
            "<description>Officials\u0007 said\u2066 so</description>"
        ),
        url=URL,
    ).entries[0]
    assert entry.title == "Death toll rises to 67,074"
    assert entry.summary == "Officials said so"


def test_raw_nul_bytes_in_a_feed_do_not_reach_the_entries() -> None:
    body = rss("<title>Cease\x00fire</title><link>https://x.example/1</link>")
    feed = parse_feed(body, url=URL)
    assert all("\x00" not in e.title + e.summary for e in feed.entries)


def test_a_huge_title_is_bounded() -> None:
    entry = parse_feed(rss(f"<title>{'word ' * 40_000}</title>"), url=URL).entries[0]
    assert len(entry.title) == TITLE_MAX
    assert entry.title.endswith("…")


def test_five_thousand_entries_are_parsed() -> None:
    items = [
        f"<title>Report {i}</title><link>https://wire.example.org/r/{i}</link>"
        f"<guid isPermaLink='false'>r-{i}</guid><pubDate>Tue, 07 Oct 2025 09:30:00 GMT</pubDate>"
        f"<description>Update number {i} from the talks.</description>"
        for i in range(5000)
    ]
    feed = parse_feed(rss(*items), url=URL)
    assert len(feed.entries) == 5000
    assert feed.entries[4999].key == "r-4999"
    assert feed.entries[4999].summary == "Update number 4999 from the talks."


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        (None, None),
        ("not a date at all", None),
        ("Dienstag, 7. Oktober 2025", None),
        ("Tue, 07 Oct 2025 10:00:00", datetime(2025, 10, 7, 10, 0, tzinfo=UTC)),  # no zone: UTC
        ("2025-10-07T10:00:00", datetime(2025, 10, 7, 10, 0, tzinfo=UTC)),
        ("Sun, 20 Jul 1969 20:17:00 GMT", datetime(1969, 7, 20, 20, 17, tzinfo=UTC)),
        ("Tue, 07 Oct 2025 12:00:00 +0200", datetime(2025, 10, 7, 10, 0, tzinfo=UTC)),
    ],
)
def test_publication_dates(pub_date: str | None, expected: datetime | None) -> None:
    tag = f"<pubDate>{pub_date}</pubDate>" if pub_date else ""
    entry = parse_feed(rss(f"<title>x</title>{tag}"), url=URL).entries[0]
    assert entry.published_at == expected
    if entry.published_at is not None:
        assert entry.published_at.tzinfo is not None


def test_dates_far_in_the_future_are_dropped_only_when_now_is_given() -> None:
    body = rss(
        "<title>soon</title><guid>1</guid><pubDate>Tue, 07 Oct 2025 18:00:00 GMT</pubDate>",
        "<title>later</title><guid>2</guid><pubDate>Thu, 07 Oct 2100 10:00:00 GMT</pubDate>",
    )
    now = datetime(2025, 10, 7, 12, 0, tzinfo=UTC)
    stated = parse_feed(body, url=URL)
    judged = parse_feed(body, url=URL, now=now)
    assert stated.entries[1].published_at == datetime(2100, 10, 7, 10, 0, tzinfo=UTC)
    assert judged.entries[0].published_at == datetime(2025, 10, 7, 18, 0, tzinfo=UTC)
    assert judged.entries[1].published_at is None


# --- canonical_url and clean_text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.ORG/A/b", "https://example.org/A/b"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/a#section-2", "https://example.org/a"),
        ("https://example.org/a?utm_source=rss&utm_medium=x", "https://example.org/a"),
        ("https://example.org/a?b=2&fbclid=zz&a=1&UTM_Term=q", "https://example.org/a?b=2&a=1"),
        (
            "https://example.org/a?q=gaza%20talks&page=2",
            "https://example.org/a?q=gaza%20talks&page=2",
        ),
        ("https://example.org/a?", "https://example.org/a"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("https://example.org:99999/a", "https://example.org:99999/a"),  # invalid: left alone
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@given(
    st.from_regex(
        r"https?://[A-Za-z0-9.-]{1,20}(:[0-9]{1,4})?(/[A-Za-z0-9._~%-]{0,10}){0,3}"
        r"(\?([a-z_]{1,8}=[a-z0-9]{0,4}&?){0,4})?(#[a-z]{0,5})?",
        fullmatch=True,
    )
)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "#" not in once
    assert "utm_" not in once.lower()


def test_clean_text_keeps_text_and_drops_junk() -> None:
    assert clean_text("a\x00b\r\nc\rd\te\u202ef\x85g") == "ab\nc\nd\tefg"
    assert clean_text("Cafe\u0301") == "Café"  # NFC
    assert clean_text("غزة – 67,074") == "غزة – 67,074"  # right-to-left text survives


@given(st.text())
def test_clean_text_output_is_storable_and_stable(value: str) -> None:
    cleaned = clean_text(value)
    assert clean_text(cleaned) == cleaned
    assert "\x00" not in cleaned
    assert "\u202e" not in cleaned
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in cleaned)
    cleaned.encode("utf-8")  # PostgreSQL-storable: no surrogates left
