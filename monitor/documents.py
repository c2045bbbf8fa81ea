"""Article files given on the command line: HTML pages, or text with a front-matter block."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from monitor.articles import extract_article, normalise_text
from monitor.errors import ExtractError, MonitorError
from monitor.facts.model import Source

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Document:
    path: Path
    text: str
    title: str
    source: Source


class DocumentError(MonitorError):
    """An input file could not be read as an article."""


def read_document(path: Path) -> Document:
    """Read one article file; the front matter gives url, published, source and title."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"input: cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise DocumentError(f"input: {path} is larger than {MAX_FILE_BYTES // 2**20} MB")
    head = raw[:2048].lstrip().lower()
    if path.suffix.lower() in (".html", ".htm") or head.startswith((b"<!doctype", b"<html")):
        return _html(path, raw)
    text = raw.decode("utf-8", errors="replace")
    meta, body = split_front_matter(text, path)
    return Document(
        path=path,
        text=normalise_text(body),
        title=str(meta.get("title") or ""),
        source=Source(
            name=str(meta.get("source") or path.parent.name or "file"),
            url=str(meta.get("url") or path.resolve().as_uri()),
            published_at=_published(meta.get("published"), path),
            title=str(meta.get("title") or ""),
        ),
    )


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str]:
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith("---"):
        return {}, stripped
    parts = stripped.split("\n---", 1)
    if len(parts) != 2:
        raise DocumentError(f"input: {path}: front matter opened with --- but never closed")
    header = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError:
        # Hand-written front matter often has an unquoted "title: Live: ..." line; read it
        # as plain key: value lines rather than refuse the article.
        meta = _plain_front_matter(header, path)
    if not isinstance(meta, dict):
        raise DocumentError(f"input: {path}: front matter must be key: value lines")
    return {str(k): v for k, v in meta.items()}, body


def _plain_front_matter(header: str, path: Path) -> dict[str, object]:
    meta: dict[str, object] = {}
    for number, line in enumerate(header.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip().isidentifier():
            raise DocumentError(
                f"input: {path}: front matter line {number} is not `key: value`: {line!r}"
            )
        meta[key.strip()] = value.strip().strip('"').strip("'")
    return meta


def _published(value: object, path: Path) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise DocumentError(
                f"input: {path}: published {value!r} is not an ISO date (2025-10-07T09:30:00Z)"
            ) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _html(path: Path, raw: bytes) -> Document:
    url = path.resolve().as_uri()
    try:
        article = extract_article(raw, url=url, max_bytes=MAX_FILE_BYTES)
    except ExtractError as exc:
        raise DocumentError(f"input: {path}: {exc}") from exc
    if article is None:
        raise DocumentError(f"input: {path}: no article text found in this HTML page")
    return Document(
        path=path,
        text=article.text,
        title=article.title or "",
        source=Source(
            name=article.site_name or path.parent.name or "file",
            url=url,
            published_at=article.published_at,
            title=article.title or "",
        ),
    )
