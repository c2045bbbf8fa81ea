"""Domain values shared by the figure and position engines and the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Source:
    """Where a report came from: the outlet, the article URL and when it was published."""

    name: str
    url: str
    published_at: datetime | None
    title: str = ""
