"""Article extraction, text normalisation, hashing and diffs, on pages written for these tests."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.articles import (
    MAX_NESTING,
    content_hash,
    extract_article,
    normalise_text,
    text_diff,
)
from monitor.errors import ExtractError

PAGES = Path(__file__).parent / "data" / "pages"
URL = "https://wire.example.org/world/2025/10/07/gaza-talks-resume"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def html_page(body: str, head: str = "<title>Test page</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


PARAGRAPHS = "".join(
    f"<p>Paragraph {i}: the mediators met the delegations again on Tuesday and discussed the "
    f"order in which captives and prisoners would be exchanged under the plan.</p>"
    for i in range(6)
)


# --- extraction -------------------------------------------------------------------------------


def test_a_news_page_gives_its_body_not_its_boilerplate() -> None:
    article = extract_article(page("ceasefire_talks.html"), url=URL)
    assert article is not None
    assert "death toll since the war began had risen to more than 66,600" in article.text
    assert "48 captives still held in Gaza" in article.text
    assert "governance in Gaza would be left to a later stage" in article.text
    for boilerplate in ("Subscribe", "cookies", "Most read", "Privacy policy", "autumn evenings"):
        assert boilerplate not in article.text
    assert "\n" in article.text  # paragraphs stay apart


def test_a_news_page_gives_its_metadata() -> None:
    article = extract_article(page("ceasefire_talks.html"), url=URL)
    assert article is not None
    assert article.title == "Negotiators gather in Sharm el-Sheikh as Gaza ceasefire talks resume"
    assert article.author == "Leila Haddad"
    assert article.site_name == "Example Wire"
    assert article.published_at == datetime(2025, 10, 7, tzinfo=UTC)


def test_a_windows_1252_page_decodes_by_its_meta_charset_even_under_a_utf8_header() -> None:
    article = extract_article(
        page("revised_article.html"), url="https://daily.example.net/toll", charset="utf-8"
    )
    assert article is not None
    assert "\u201cengaged constructively\u201d" in article.text
    assert "67,074 people had been killed" in article.text
    assert "Front page" not in article.text
    assert article.title == "Death toll in Gaza passes 67,000, ministry says"
    assert article.published_at == datetime(2025, 10, 8, tzinfo=UTC)


def test_a_str_page_is_accepted() -> None:
    text = page("ceasefire_talks.html").decode("utf-8")
    article = extract_article(text, url=URL)
    assert article is not None
    assert "Sharm el-Sheikh" in article.text


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n  ",
        "",
        os.urandom(20_000),
        b"\x00" * 5000,
        b"\x89PNG\r\n\x1a\n" + os.urandom(4000),
    ],
    ids=["empty", "blank", "empty-str", "random", "nuls", "png"],
)
def test_empty_or_binary_input_gives_none(content: bytes | str) -> None:
    assert extract_article(content, url=URL) is None


def test_nul_laden_html_still_gives_its_text() -> None:
    dirty = (
        page("ceasefire_talks.html").replace(b"<p>", b"<p>\x00\x00").replace(b"Gaza", b"Ga\x00za")
    )
    article = extract_article(dirty, url=URL)
    assert article is not None
    assert "\x00" not in article.text
    assert "more than 66,600" in article.text
    assert "Gaza" in article.text


@pytest.mark.parametrize(
    "html",
    [
        html_page("", '<meta http-equiv="refresh" content="0; url=https://wire.example.org/x">'),
        html_page(
            "<script>document.write('<p>' + 'Talks resume. '.repeat(60) + '</p>')</script>"
            "<noscript>Please enable JavaScript.</noscript>"
        ),
        html_page(
            "<div class='consent'><p>We value your privacy. We and our partners use cookies to "
            "store and access information on your device.</p><button>Accept all</button>"
            "<button>Reject all</button></div>"
        ),
    ],
    ids=["meta-refresh", "script-only", "cookie-wall"],
)
def test_pages_without_an_article_give_none(html: str) -> None:
    assert extract_article(html, url=URL) is None


def test_deeply_nested_pages_are_refused_with_a_reason() -> None:
    nested = html_page("<div>" * 5000 + PARAGRAPHS + "</div>" * 5000)
    with pytest.raises(ExtractError, match=f"nested more than {MAX_NESTING} elements deep"):
        extract_article(nested, url=URL)


def test_nesting_within_the_limit_is_extracted() -> None:
    nested = html_page("<div>" * 200 + PARAGRAPHS + "</div>" * 200)
    article = extract_article(nested, url=URL)
    assert article is not None
    assert "Paragraph 5" in article.text


def test_an_oversized_page_is_refused_before_parsing() -> None:
    big = html_page(PARAGRAPHS * 200).encode()
    with pytest.raises(ExtractError, match=r"^extract: page larger than 64 KB for "):
        extract_article(big, url=URL, max_bytes=64 * 1024)


def test_a_table_cell_with_an_absurd_colspan_does_not_hang_or_crash() -> None:
    table = (
        "<table><tr><td colspan='9007199254740992' rowspan='9007199254740992'>cell</td>"
        "<td>other</td></tr></table>"
    )
    article = extract_article(html_page(f"<article>{PARAGRAPHS}{table}</article>"), url=URL)
    assert article is not None
    assert "Paragraph 0" in article.text


# --- normalise_text, content_hash, text_diff --------------------------------------------------

BODY = "The toll rose to 67,074.\n\nTalks resumed in Egypt on Tuesday."


@pytest.mark.parametrize(
    "variant",
    [
        "The toll rose to 67,074.\n\nTalks resumed in Egypt on Tuesday.\n",
        "  The toll  rose to 67,074.  \n\n\n\nTalks resumed in Egypt\ton Tuesday.",
        "The toll rose to 67,074.\r\n\r\nTalks resumed in Egypt on Tuesday.",
        "\n\nThe toll rose to 67,074.\n \t \nTalks resumed in Egypt on Tuesday.  ",
        "The toll rose to 67,074.\x00\n\nTalks resumed in Egypt on Tuesday.",
    ],
    ids=["trailing-newline", "spaces-and-tabs", "crlf", "blank-lines", "nul"],
)
def test_whitespace_only_edits_give_the_same_hash(variant: str) -> None:
    assert content_hash(variant) == content_hash(BODY)


@pytest.mark.parametrize(
    "variant",
    [
        "The toll rose to 67,075.\n\nTalks resumed in Egypt on Tuesday.",
        "The toll rose to 67,074.\n\nTalks resumed in Egypt on Wednesday.",
        "The toll rose to 67,074.\nTalks resumed in Egypt on Tuesday.",  # paragraphs merged
    ],
)
def test_real_edits_change_the_hash(variant: str) -> None:
    assert content_hash(variant) != content_hash(BODY)


def test_nfc_and_nfd_spellings_hash_alike() -> None:
    assert content_hash("Caf\u00e9 talks") == content_hash("Cafe\u0301 talks")


def test_a_single_no_break_space_inside_a_number_is_kept() -> None:
    assert normalise_text("67\u00a0074 killed") == "67\u00a0074 killed"
    assert normalise_text("67 \u00a0074") == "67 074"


def test_normalise_text_output() -> None:
    assert normalise_text("  a  b \n\n\n\n c\u202e \r\n") == "a b\n\nc"
    assert content_hash("x") == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"


@given(st.text())
def test_normalise_text_is_idempotent(value: str) -> None:
    once = normalise_text(value)
    assert normalise_text(once) == once
    assert "\n\n\n" not in once
    assert once == once.strip("\n")


@given(st.lists(st.text(alphabet="abc 0123456789,.", min_size=1, max_size=30), max_size=8))
def test_adding_spaces_around_lines_never_changes_the_hash(lines: list[str]) -> None:
    text = "\n".join(lines)
    padded = "\n".join(f"  {line}\t " for line in lines)
    assert content_hash(text) == content_hash(padded)


def test_text_diff_shows_the_changed_line() -> None:
    old = "Talks resumed on Tuesday.\nThe toll rose to 66,600.\nAid trucks waited."
    new = "Talks resumed on Tuesday.\nThe toll rose to 67,074.\nAid trucks waited."
    diff = text_diff(old, new)
    assert diff.splitlines()[:2] == ["--- previous", "+++ current"]
    assert "-The toll rose to 66,600." in diff.splitlines()
    assert "+The toll rose to 67,074." in diff.splitlines()
    assert " Aid trucks waited." in diff.splitlines()


def test_text_diff_labels_and_no_change() -> None:
    diff = text_diff("a\nb", "a\nc", old_label="version 1", new_label="version 2")
    assert diff.startswith("--- version 1\n+++ version 2\n")
    assert text_diff("same\ntext", "same\ntext") == ""
