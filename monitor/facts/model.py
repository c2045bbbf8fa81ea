"""Domain values shared by the figure and position engines and the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Source:
    """Where a report came from: the outlet, the article URL and when it was published."""

    name: str
    url: str
    published_at: datetime | None
    title: str = ""


def source_to_dict(source: Source) -> dict[str, object]:
    """JSON-safe form, as fact states and change payloads store it."""
    return {
        "name": source.name,
        "url": source.url,
        "published_at": source.published_at.isoformat() if source.published_at else None,
        "title": source.title,
    }


def parse_timestamp(value: object, *, stage: str) -> datetime:
    """A stored ISO timestamp; the error names the stage that read it."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{stage}: {value!r} is not a timestamp")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{stage}: {value!r} is not a timestamp") from None


def source_from_dict(data: object, *, stage: str) -> Source:
    if not isinstance(data, Mapping):
        raise ValueError(f"{stage}: a stored source must be an object")
    published = data.get("published_at")
    return Source(
        name=str(data.get("name") or ""),
        url=str(data.get("url") or ""),
        published_at=parse_timestamp(published, stage=stage) if published else None,
        title=str(data.get("title") or ""),
    )
