"""Pipeline workloads on a loopback server: steady polling (R4) and cold ingest (R1)."""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench.speed import Timing, pages

Route = Callable[[str, dict[str, str]], tuple[int, dict[str, str], bytes]]


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    route: Route
    # Headers and body go out in two writes: without this, Nagle and delayed ACKs add
    # 40 ms to every response on loopback.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        status, headers, body = self.route(
            self.path, {k.lower(): v for k, v in self.headers.items()}
        )
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def _serve_forever(route: Route, port: Any) -> None:
    handler = type("Handler", (_Quiet,), {"route": staticmethod(route)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    port.put(server.server_address[1])
    server.serve_forever()


@contextmanager
def serve(route: Route) -> Iterator[str]:
    """The server runs in its own process (forked), as a remote site would: it takes no CPU
    or GIL from the client being measured."""
    ctx = multiprocessing.get_context("fork")
    port = ctx.Queue()
    process = ctx.Process(target=_serve_forever, args=(route, port), daemon=True)
    process.start()
    try:
        yield f"http://127.0.0.1:{port.get(timeout=10)}"
    finally:
        process.terminate()
        process.join(timeout=5)


def _config(db: Path, feeds: Sequence[tuple[str, str]], concurrency: int) -> Any:
    from monitor.config import Config

    return Config.model_validate(
        {
            "database": {"url": f"sqlite:///{db}"},
            "http": {"allow_private_hosts": True},
            "scheduler": {"max_concurrency": concurrency, "jitter": 0},
            "feeds": [{"name": n, "url": u} for n, u in feeds],
            "watches": [
                {
                    "name": "gaza",
                    "match": ["Gaza", "Hamas"],
                    "figures": [
                        {"name": "death_toll", "terms": ["death toll"], "cumulative": True}
                    ],
                    "actors": {"Hamas": ["Hamas"], "Israel": ["Israel", "Netanyahu"]},
                }
            ],
        }
    )


def _context(config: Any) -> tuple[Any, Any, Any]:
    from monitor.fetch import Fetcher
    from monitor.runtime import http_settings, open_store, poll_context, sync_config_feeds
    from monitor.store.db import upgrade

    store = open_store(config, check_schema=False)
    upgrade(store.engine)
    sync_config_feeds(store, config, now=datetime.now(UTC))
    fetcher = Fetcher(http_settings(config))
    return store, fetcher, poll_context(config, store, fetcher, owner="bench")


def bench_steady(n_feeds: int, repeat: int, concurrency: int = 8) -> tuple[Timing, Timing]:
    """Unchanged feeds answering 304: our polls per second against a bare httpx loop."""
    from monitor.pipeline import run_pass

    def route(path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return (
            200,
            {"ETag": '"v1"', "Content-Type": "application/rss+xml"},
            (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'),
        )

    with serve(route) as base, tempfile.TemporaryDirectory() as tmp:
        feeds = [(f"f{i}", f"{base}/feed/{i}.xml") for i in range(n_feeds)]
        config = _config(Path(tmp) / "steady.db", feeds, concurrency)
        store, fetcher, ctx = _context(config)
        run_pass(ctx, force=True)  # first pass: 200s, validators stored
        ours = []
        for _ in range(repeat):
            start = time.perf_counter()
            reports = run_pass(ctx, force=True)
            ours.append(len(reports) / (time.perf_counter() - start))
            assert all(r.status == "not_modified" for r in reports), "bench: expected 304s"
        bare = []
        with httpx.Client() as client:

            def get(url: str) -> int:
                return client.get(url, headers={"If-None-Match": '"v1"'}).status_code

            with ThreadPoolExecutor(concurrency) as pool:
                for _ in range(repeat):
                    start = time.perf_counter()
                    list(pool.map(get, [u for _, u in feeds]))
                    bare.append(len(feeds) / (time.perf_counter() - start))
        fetcher.close()
        store.engine.dispose()
    return (
        Timing(f"monitor poll pass, {n_feeds} unchanged feeds", tuple(ours), "polls/s"),
        Timing(f"bare httpx loop, {concurrency} threads, same URLs", tuple(bare), "req/s"),
    )


def bench_cold_ingest(n_articles: int) -> tuple[Timing, Timing]:
    """New articles through the whole pipeline against bare trafilatura on the same pages."""
    import trafilatura

    from monitor.pipeline import run_pass

    docs = [html for _, html in pages()]
    t0 = datetime(2025, 10, 7, tzinfo=UTC)

    def route(path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>Article {i}</title><link>{base_url[0]}/a/{i}.html</link>"
                f"<guid>g{i}</guid><pubDate>{format_datetime(t0 + timedelta(minutes=i))}"
                "</pubDate></item>"
                for i in range(n_articles)
            )
            body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
            return 200, {"Content-Type": "application/rss+xml"}, body.encode()
        index = int(path.rsplit("/", 1)[1].split(".")[0])
        return 200, {"Content-Type": "text/html; charset=utf-8"}, docs[index % len(docs)]

    base_url = [""]
    with serve(route) as base, tempfile.TemporaryDirectory() as tmp:
        base_url[0] = base
        config = _config(Path(tmp) / "cold.db", [("feed", f"{base}/feed.xml")], 1)
        store, fetcher, ctx = _context(config)
        start = time.perf_counter()
        (report,) = run_pass(ctx, force=True)
        ours = (time.perf_counter() - start) * 1000.0 / n_articles
        assert report.new_articles == n_articles, report
        fetcher.close()
        store.engine.dispose()
    start = time.perf_counter()
    for i in range(n_articles):
        trafilatura.extract(docs[i % len(docs)].decode("utf-8", "replace"))
    bare = (time.perf_counter() - start) * 1000.0 / n_articles
    return (
        Timing(f"whole pipeline, {n_articles} new articles, per article", (ours,)),
        Timing("bare trafilatura.extract on the same pages, per page", (bare,)),
    )
