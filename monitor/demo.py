"""The offline demo: the bundled story served on loopback, polled moment by moment."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from monitor.config import load_config
from monitor.fetch import Fetcher
from monitor.outbox import deliver_due, make_transport
from monitor.pipeline import PollReport, run_pass
from monitor.runtime import http_settings, open_store, poll_context, sync_config_feeds
from monitor.store import alerts as alert_store
from monitor.store import articles as article_store
from monitor.store.db import transaction, upgrade

Out = Callable[[str], None]
# Each moment polls a little after what was published: feeds are read minutes, not hours, late.
POLL_LAG = timedelta(minutes=10)


def seeds_dir() -> Path:
    override = os.environ.get("MONITOR_SEEDS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1] / "seeds"


@dataclass(frozen=True)
class Item:
    outlet: str
    slug: str
    page: str
    published: datetime
    title: str
    summary: str


@dataclass(frozen=True)
class Revision:
    outlet: str
    slug: str
    page: str
    updated: datetime


@dataclass(frozen=True)
class Story:
    root: Path
    title: str
    outlets: list[dict[str, str]]
    items: list[Item]
    revisions: list[Revision]

    def moments(self) -> list[datetime]:
        times = {i.published + POLL_LAG for i in self.items}
        times |= {r.updated + POLL_LAG for r in self.revisions}
        return sorted(times)


def _time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def load_story(root: Path) -> Story:
    data = yaml.safe_load((root / "story.yaml").read_text(encoding="utf-8"))
    items, revisions = [], []
    for day in data["days"]:
        for raw in day.get("items", []):
            items.append(
                Item(
                    outlet=raw["outlet"],
                    slug=raw["slug"],
                    page=raw["page"],
                    published=_time(raw["published"]),
                    title=raw.get("title", ""),
                    summary=raw.get("summary", ""),
                )
            )
        for raw in day.get("revisions", []) or []:
            revisions.append(
                Revision(
                    outlet=raw["outlet"],
                    slug=raw["slug"],
                    page=raw["page"],
                    updated=_time(raw["updated"]),
                )
            )
    return Story(
        root=root,
        title=data.get("title", root.name),
        outlets=data["outlets"],
        items=items,
        revisions=revisions,
    )


class StoryServer:
    """Serves the feeds and pages of a story as they stood at `now`."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.now = datetime.min.replace(tzinfo=UTC)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> StoryServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def feed(self, name: str) -> bytes | None:
        outlet = next((o for o in self.story.outlets if o["feed"] == name), None)
        if outlet is None:
            return None
        items = [
            i for i in self.story.items if i.outlet == outlet["name"] and i.published <= self.now
        ]
        items.sort(key=lambda i: i.published, reverse=True)
        if outlet.get("format") == "atom":
            return self._atom(outlet, items)
        return self._rss(outlet, items)

    def page(self, outlet: str, slug: str) -> bytes | None:
        item = next((i for i in self.story.items if (i.outlet, i.slug) == (outlet, slug)), None)
        if item is None or item.published > self.now:
            return None
        path = item.page
        for rev in sorted(self.story.revisions, key=lambda r: r.updated):
            if (rev.outlet, rev.slug) == (outlet, slug) and rev.updated <= self.now:
                path = rev.page
        return (self.story.root / path).read_bytes()

    def _url(self, item: Item) -> str:
        return f"{self.base_url}/{item.outlet}/{item.slug}.html"

    def _updated(self, item: Item) -> datetime:
        revs = [
            r.updated
            for r in self.story.revisions
            if (r.outlet, r.slug) == (item.outlet, item.slug) and r.updated <= self.now
        ]
        return max([item.published, *revs])

    def _rss(self, outlet: dict[str, str], items: list[Item]) -> bytes:
        entries = "".join(
            f"<item><title>{escape(i.title)}</title><link>{escape(self._url(i))}</link>"
            f'<guid isPermaLink="false">{escape(i.outlet)}-{escape(i.slug)}</guid>'
            f"<pubDate>{i.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
            f"<description>{escape(i.summary)}</description></item>"
            for i in items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(outlet['title'])}</title><link>{self.base_url}/</link>"
            f"<description>{escape(outlet['title'])}</description>{entries}</channel></rss>"
        ).encode()

    def _atom(self, outlet: dict[str, str], items: list[Item]) -> bytes:
        entries = "".join(
            f'<entry><title>{escape(i.title)}</title><link href="{escape(self._url(i))}"/>'
            f"<id>urn:demo:{escape(i.outlet)}:{escape(i.slug)}</id>"
            f"<published>{i.published.isoformat()}</published>"
            f"<updated>{self._updated(i).isoformat()}</updated>"
            f"<summary>{escape(i.summary)}</summary></entry>"
            for i in items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(outlet['title'])}</title><id>urn:demo:{escape(outlet['name'])}</id>"
            f"<updated>{self.now.isoformat()}</updated>{entries}</feed>"
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body go out in two writes: without this, Nagle and delayed ACKs
            # add 40 ms to every response on loopback.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                parts = self.path.split("?", 1)[0].strip("/").split("/")
                body: bytes | None = None
                kind = "text/html; charset=utf-8"
                if len(parts) == 1 and parts[0].endswith(".xml"):
                    body, kind = server.feed(parts[0]), "application/xml"
                elif len(parts) == 2 and parts[1].endswith(".html"):
                    body = server.page(parts[0], parts[1][: -len(".html")])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


@contextmanager
def _workdir(path: Path | None, keep: bool) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    tmp = Path(tempfile.mkdtemp(prefix="monitor-demo-"))
    try:
        yield tmp
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run_demo(*, workdir: Path | None = None, out: Out = print, keep: bool = False) -> int:
    root = seeds_dir() / "gaza"
    story = load_story(root)
    keep = keep or workdir is not None
    with _workdir(workdir, keep) as work, StoryServer(story) as server:
        env = {**os.environ, "DEMO_BASE_URL": server.base_url, "DEMO_DIR": str(work)}
        config = load_config(root / "config.yaml", env=env)
        out(f"news-monitor demo: {story.title}")
        out(
            f"  {len(story.outlets)} outlets served on {server.base_url}, "
            f"{len(story.items)} articles, {len(story.revisions)} revised in place"
        )
        out(f"  database and emails in {work}")
        store = open_store(config, check_schema=False)
        upgrade(store.engine)
        clock_now = [story.moments()[0]]
        sync_config_feeds(store, config, now=clock_now[0])
        transport = make_transport(config.email)
        subjects: list[str] = []
        polls = 0
        with Fetcher(http_settings(config)) as fetcher:
            ctx = poll_context(config, store, fetcher, owner="demo", clock=lambda: clock_now[0])
            for moment in story.moments():
                clock_now[0] = server.now = moment
                reports = run_pass(ctx, force=True)
                polls += len(reports)
                _print_moment(out, moment, reports)
                delivery = deliver_due(store.factory, config, transport, clock=lambda: clock_now[0])
                for subject in delivery.sent:
                    out(f"    email: {subject}")
                subjects.extend(delivery.sent)
        with transaction(store.factory) as session:
            counts = article_store.counts(session)
            changes = alert_store.list_changes(session)
            revisions = article_store.revisions(session)
        out("")
        out(
            f"summary: {polls} feed polls, {counts.articles} articles, {counts.versions} versions, "
            f"{counts.revisions} revisions found, {len(changes)} changes, {len(subjects)} emails"
        )
        for rev in revisions:
            out(f"  revision: {rev.title} (version {rev.version}, {rev.fetched_at:%d %b %H:%M})")
            for line in (rev.diff or "").splitlines():
                if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
                    out(f"    {line[:160]}")
        _print_gold(out, root / "gold.yaml", changes)
        outbox = Path(config.email.outbox_dir)
        out(f"emails written to {outbox} ({len(list(outbox.glob('*.eml')))} .eml files)")
        store.engine.dispose()
    return 0


def _print_moment(out: Out, moment: datetime, reports: list[PollReport]) -> None:
    new = sum(r.new_articles for r in reports)
    revised = sum(r.revisions for r in reports)
    errors = [r for r in reports if r.error]
    if not (new or revised or errors or any(r.changes for r in reports)):
        return
    out(
        f"[{moment:%a %d %b %H:%M}] polled {len(reports)} feeds: {new} new articles, "
        f"{revised} revisions"
    )
    for report in errors:
        out(f"    error: {report.feed}: {report.error}")
    for report in reports:
        for change in report.changes:
            note = "" if change.alerts else "  (stored; not alerted)"
            out(f"    {change.kind}: {change.summary}{note}")


def _gold_key(raw: dict[str, Any]) -> tuple[str, str, str]:
    if raw.get("kind") == "position":
        return ("position", f"{raw['actor']}:{raw['topic']}", str(raw["new_stance"]))
    return ("figure", str(raw["metric"]), f"{float(raw['new_value']):g}")


def _change_key(change: alert_store.ChangeData) -> tuple[str, str, str]:
    if change.kind in ("shift", "refinement"):
        return ("position", change.key, str(change.payload.get("new_stance")))
    payload_value = change.payload.get("new_value")
    return ("figure", change.key, f"{float(payload_value):g}" if payload_value is not None else "")


def _print_gold(out: Out, path: Path, changes: list[alert_store.ChangeData]) -> None:
    """Compare what was alerted with the story's gold file: what a reader must be told."""
    if not path.exists():
        return
    gold = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    expected = [_gold_key(c) for c in gold.get("changes", [])]
    alerted = [_change_key(c) for c in changes if c.kind != "refinement"]
    found = [k for k in expected if k in alerted]
    extra = [c for c in changes if c.kind != "refinement" and _change_key(c) not in expected]
    out(
        f"gold: {len(found)} of {len(expected)} changes a reader must be told were alerted, "
        f"{len(extra)} alerts beyond them"
    )
    for key in expected:
        if key not in alerted:
            out(f"  missed: {key[1]} -> {key[2]}")
    for change in extra:
        out(f"  extra: {change.summary}")
