"""A small world for pipeline tests: a migrated database, a config, a clock, a poll context."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.pipeline import PollContext, PollReport, run_pass
from monitor.runtime import Store, http_settings, open_store, poll_context, sync_config_feeds
from monitor.store.db import upgrade

T0 = datetime(2025, 10, 7, 9, 0, tzinfo=UTC)


class Clock:
    """A settable clock: the pipeline reads time only through it."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


def make_config(
    db_url: str,
    feeds: Sequence[tuple[str, str]],
    *,
    outbox: Path | None = None,
    watches: Sequence[dict[str, Any]] = (),
    **sections: dict[str, Any],
) -> Config:
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "http": {"allow_private_hosts": True, "timeout": "5s"},
        "scheduler": {"max_concurrency": 4, "jitter": 0},
        "email": {"transport": "file", "outbox_dir": str(outbox or "var/outbox")},
        "feeds": [{"name": name, "url": url} for name, url in feeds],
        "watches": list(watches),
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    return Config.model_validate(data)


@dataclass
class World:
    config: Config
    store: Store
    clock: Clock
    ctx: PollContext

    def poll(self, *, force: bool = True, names: Sequence[str] | None = None) -> list[PollReport]:
        return run_pass(self.ctx, force=force, names=names)

    def report(self, name: str, *, force: bool = True) -> PollReport:
        (report,) = self.poll(force=force, names=[name])
        return report


@contextmanager
def world(
    config: Config, clock: Clock | None = None, fetcher: Fetcher | None = None
) -> Iterator[World]:
    clock = clock or Clock()
    store = open_store(config, check_schema=False)
    upgrade(store.engine)
    sync_config_feeds(store, config, now=clock())
    with fetcher or Fetcher(http_settings(config)) as fetcher:
        ctx = poll_context(config, store, fetcher, owner="test-worker", clock=clock)
        try:
            yield World(config=config, store=store, clock=clock, ctx=ctx)
        finally:
            store.engine.dispose()


def rss(items: Sequence[dict[str, Any]], *, title: str = "Example News") -> bytes:
    """An RSS 2.0 document; each item: title, link, guid, summary, published (datetime)."""
    parts = []
    for item in items:
        fields = [f"<title>{escape(item.get('title', 'Untitled'))}</title>"]
        if item.get("link"):
            fields.append(f"<link>{escape(item['link'])}</link>")
        if item.get("guid"):
            fields.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        if item.get("summary"):
            fields.append(f"<description>{escape(item['summary'])}</description>")
        if item.get("published"):
            fields.append(f"<pubDate>{format_datetime(item['published'])}</pubDate>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.test/</link>"
        "<description>test feed</description>" + "".join(parts) + "</channel></rss>"
    ).encode()


def page(title: str, paragraphs: Sequence[str]) -> bytes:
    """An article page with the boilerplate real sites wrap around their text."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright Example News. All rights reserved.</footer></body></html>"
    ).encode()
