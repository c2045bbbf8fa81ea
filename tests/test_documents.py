"""Article files for extract and replay: front matter, HTML, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.documents import DocumentError, read_document


def test_front_matter_gives_the_source(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "---\nurl: https://wire.test/a\npublished: 2025-10-08T10:00:00Z\nsource: Wire\n"
        "title: Live: talks resume\n---\nThe death toll rose to 67,074.\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.source.url == "https://wire.test/a"
    assert doc.source.name == "Wire"
    assert doc.source.published_at == datetime(2025, 10, 8, 10, 0, tzinfo=UTC)
    # An unquoted colon in the title is not valid YAML; it is still read as written.
    assert doc.title == "Live: talks resume"
    assert doc.text == "The death toll rose to 67,074."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("---\nurl: x\nThe body without a closing line\n", "never closed"),
        ("---\npublished: next week\n---\nText.\n", "is not an ISO date"),
        ("---\n: : :\n---\nText.\n", "is not `key: value`"),
    ],
    ids=["unclosed", "bad-date", "bad-line"],
)
def test_bad_front_matter_names_the_file_and_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError, match=message) as info:
        read_document(path)
    assert str(path) in str(info.value)


def test_an_html_page_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<!doctype html><html><body><script>x()</script></body></html>")
    with pytest.raises(DocumentError, match="no article text"):
        read_document(path)
