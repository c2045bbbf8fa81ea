"""The pipeline end to end against a real HTTP server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from monitor.store import feeds as feed_store
from monitor.store.db import transaction
from monitor.store.models import ArticleRow, ArticleVersionRow, FeedEntryRow, ObservationRow
from tests.support.httpd import Exchange, LoopbackServer
from tests.support.world import T0, make_config, page, rss, world

BODY = [
    "Negotiators met for a second day in the Egyptian resort town on Tuesday, trying to close "
    "the remaining gaps in a plan to halt the fighting and bring the captives home.",
    "Officials briefed on the talks said the delegations sat in separate rooms while Egyptian "
    "and Qatari mediators carried proposals between them through the afternoon.",
    "Both sides described the mood as serious but cautious, and no date was set for the next "
    "round, which diplomats expect to continue through the rest of the week.",
]
REVISED = [
    *BODY[:2],
    "A later session was added in the evening, mediators said, after the "
    "delegations asked for more time to study the latest maps of the proposed lines.",
]


def count(factory, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def serve_story(server: LoopbackServer, items: int = 2, feed: str = "/news.xml") -> None:
    entries = []
    for i in range(items):
        path = f"/articles/{i}.html"
        server.route(path, body=page(f"Talks day {i}", BODY), headers={"Content-Type": "text/html"})
        entries.append(
            {
                "title": f"Talks day {i}",
                "link": server.url(path),
                "guid": f"news-{i}",
                "summary": "Talks went on.",
                "published": T0 - timedelta(hours=items - i),
            }
        )
    server.route(
        feed,
        body=rss(entries),
        headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'},
    )


def test_poll_stores_each_article_once_then_gets_a_304(
    http_server: LoopbackServer, db_url: str
) -> None:
    serve_story(http_server)
    http_server.route(
        "/news.xml",
        handler=lambda ex: (
            ex.send(304, b"")
            if ex.headers.get("if-none-match") == '"v1"'
            else ex.send(200, rss_for(http_server), {"ETag": '"v1"'})
        ),
    )
    config = make_config(db_url, [("news", http_server.url("/news.xml"))])
    with world(config) as w:
        first = w.report("news")
        assert (first.status, first.entries, first.new_articles, first.versions) == ("ok", 2, 2, 2)
        w.clock.advance(minutes=30)
        second = w.report("news")
        assert second.status == "not_modified"
        assert second.new_articles == 0
        # The unchanged feed's success is written in the pass's batch: schedule moved, lease freed.
        with transaction(w.store.factory) as s:
            (health,) = feed_store.feed_health(s)
        assert health.last_success_at == w.clock.now
        assert health.next_poll_at == w.clock.now + timedelta(minutes=15)
        assert health.leased_by is None
        assert count(w.store.factory, ArticleRow) == 2
        assert count(w.store.factory, ArticleVersionRow) == 2
        with transaction(w.store.factory) as s:
            text = s.scalar(select(ArticleVersionRow.text).limit(1))
        assert text is not None
        assert "Qatari mediators" in text
        assert "All rights reserved" not in text
    feed_requests = http_server.requests_to("/news.xml")
    assert "if-none-match" not in feed_requests[0].headers
    assert feed_requests[1].headers["if-none-match"] == '"v1"'


def rss_for(server: LoopbackServer) -> bytes:
    return rss(
        [
            {
                "title": f"Talks day {i}",
                "link": server.url(f"/articles/{i}.html"),
                "guid": f"news-{i}",
                "published": T0 - timedelta(hours=2 - i),
            }
            for i in range(2)
        ]
    )


def test_the_same_article_in_two_feeds_is_stored_once(
    http_server: LoopbackServer, db_url: str
) -> None:
    serve_story(http_server, feed="/a.xml")
    serve_story(http_server, feed="/b.xml")
    config = make_config(
        db_url, [("a", http_server.url("/a.xml")), ("b", http_server.url("/b.xml"))]
    )
    with world(config) as w:
        w.poll()
        w.poll()
        assert count(w.store.factory, ArticleRow) == 2
        assert count(w.store.factory, FeedEntryRow) == 4
        assert count(w.store.factory, ArticleVersionRow) == 2
    assert len(http_server.requests_to("/articles/0.html")) == 1


def test_a_revised_article_gets_a_new_version_with_its_diff(
    http_server: LoopbackServer, db_url: str
) -> None:
    serve_story(http_server, items=1)
    config = make_config(db_url, [("news", http_server.url("/news.xml"))])
    with world(config) as w:
        w.poll()
        # Unchanged at the first revisit: no new version.
        w.clock.advance(minutes=20)
        assert w.report("news").versions == 0
        http_server.route("/articles/0.html", body=page("Talks day 0", REVISED))
        w.clock.advance(hours=1)
        report = w.report("news")
        assert (report.versions, report.revisions) == (1, 1)
        with transaction(w.store.factory) as s:
            latest = s.scalars(
                select(ArticleVersionRow).order_by(ArticleVersionRow.version.desc())
            ).first()
        assert latest is not None
        assert latest.version == 2
        assert latest.diff is not None
        assert "+A later session was added" in latest.diff
        # Whitespace-only edits are not revisions.
        http_server.route("/articles/0.html", body=page("Talks day 0", [p + "  " for p in REVISED]))
        w.clock.advance(hours=3)
        assert w.report("news").versions == 0


def test_one_failing_feed_is_recorded_and_backs_off_while_others_go_on(
    http_server: LoopbackServer, db_url: str
) -> None:
    serve_story(http_server)
    http_server.route("/broken.xml", status=500, body=b"oops")
    config = make_config(
        db_url,
        [("good", http_server.url("/news.xml")), ("bad", http_server.url("/broken.xml"))],
        scheduler={"default_interval": "10m", "max_backoff": "1h"},
    )
    with world(config) as w:
        reports = {r.feed: r for r in w.poll()}
        assert reports["good"].new_articles == 2
        assert reports["bad"].status == "error"
        assert "500" in (reports["bad"].error or "")
        w.poll(names=["bad"])
        with transaction(w.store.factory) as s:
            health = {h.name: h for h in feed_store.feed_health(s)}
        bad = health["bad"]
        assert bad.consecutive_failures == 2
        assert bad.last_error is not None
        assert "HTTP 500" in bad.last_error
        assert bad.next_poll_at == T0 + timedelta(minutes=20)  # 10m, doubled after 2 failures
        assert health["good"].consecutive_failures == 0
        assert health["good"].next_poll_at == T0 + timedelta(minutes=10)


def test_429_retry_after_pushes_the_next_poll(http_server: LoopbackServer, db_url: str) -> None:
    http_server.route("/busy.xml", status=429, headers={"Retry-After": "7200"})
    config = make_config(db_url, [("busy", http_server.url("/busy.xml"))])
    with world(config) as w:
        assert w.report("busy").status == "error"
        with transaction(w.store.factory) as s:
            (health,) = feed_store.feed_health(s)
        assert health.next_poll_at >= T0 + timedelta(seconds=7200)


def test_a_malformed_feed_keeps_what_parsed_and_records_the_problem(
    http_server: LoopbackServer, db_url: str
) -> None:
    serve_story(http_server, items=1)
    good = rss_for(http_server).decode()
    broken = good.replace("</channel></rss>", "<item><title>cut off & broken")
    http_server.route("/news.xml", body=broken.encode())
    config = make_config(db_url, [("news", http_server.url("/news.xml"))])
    with world(config) as w:
        report = w.report("news")
        assert report.status == "ok"
        assert report.new_articles >= 1
        assert report.warning
        with transaction(w.store.factory) as s:
            (health,) = feed_store.feed_health(s)
        assert health.parse_warning


def test_entries_without_pages_are_read_from_their_summary(
    http_server: LoopbackServer, sqlite_url: str
) -> None:
    http_server.route("/gone.html", status=404)
    entries = [
        {
            "title": "No link",
            "guid": "a",
            "summary": "Hamas said the talks went on.",
            "published": T0,
        },
        {
            "title": "Dead link",
            "guid": "b",
            "link": http_server.url("/gone.html"),
            "summary": "The page of this entry is gone.",
            "published": T0,
        },
    ]
    http_server.route("/news.xml", body=rss(entries))
    config = make_config(sqlite_url, [("news", http_server.url("/news.xml"))])
    with world(config) as w:
        w.poll()
        with transaction(w.store.factory) as s:
            versions = s.scalars(select(ArticleVersionRow)).all()
            dead = s.scalar(select(ArticleRow).where(ArticleRow.guid == "b"))
        assert [(v.text, v.from_summary) for v in versions] == [
            ("Hamas said the talks went on.", True)
        ]
        assert dead is not None
        assert dead.last_error is not None
        assert "404" in dead.last_error
        # A dead page is retried a few times, then its summary is what we read.
        for _ in range(4):
            w.clock.advance(hours=2)
            w.poll()
        assert count(w.store.factory, ArticleVersionRow) == 2


def test_a_feed_of_5000_entries(http_server: LoopbackServer, db_url: str) -> None:
    entries = [
        {
            "title": f"Brief {i}",
            "guid": f"g{i}",
            "summary": f"Short item number {i}.",
            "published": T0 - timedelta(minutes=i),
        }
        for i in range(5000)
    ]
    http_server.route("/big.xml", body=rss(entries))
    config = make_config(db_url, [("big", http_server.url("/big.xml"))])
    with world(config) as w:
        report = w.report("big")
        assert (report.entries, report.new_articles) == (5000, 5000)
        assert w.report("big").new_articles == 0
        assert count(w.store.factory, ArticleRow) == 5000
        assert count(w.store.factory, ArticleVersionRow) == 5000


def test_nul_and_control_characters_never_reach_the_database(
    http_server: LoopbackServer, db_url: str
) -> None:
    # PostgreSQL rejects NUL in text; feeds and pages carry them in the wild.
    http_server.route(
        "/nul.html",
        body=page("Talks\x00 day", [p.replace("mediators", "medi\x00ators\x07") for p in BODY]),
    )
    entries = [
        {
            "title": "NUL\x00 in title",
            "guid": "n1",
            "link": http_server.url("/nul.html"),
            "summary": "Zero\x00 byte",
            "published": T0,
        },
        {
            "title": "Summary only",
            "guid": "n2",
            "summary": "Also\x00 here\x1b[31m",
            "published": T0,
        },
    ]
    http_server.route("/news.xml", body=rss(entries).replace(b"&#0;", b""))
    config = make_config(db_url, [("news", http_server.url("/news.xml"))])
    with world(config) as w:
        report = w.report("news")
        assert report.status == "ok", report.error
        assert report.versions == 2
        with transaction(w.store.factory) as s:
            texts = [v.text for v in s.scalars(select(ArticleVersionRow))]
            titles = [a.title or "" for a in s.scalars(select(ArticleRow))]
    assert all("\x00" not in t and "\x07" not in t and "\x1b" not in t for t in texts + titles)
    assert any("mediators" in t for t in texts)


def _slow(exchange: Exchange) -> None:
    if exchange.sleep(3):
        exchange.send(200, b"<rss/>")


@pytest.mark.parametrize(
    ("route", "private_ok", "expected"),
    [
        (
            {"status": 302, "headers": {"Location": "http://10.0.0.1/feed.xml"}},
            True,
            "refused private address 10.0.0.1",
        ),
        ({"body": b"<rss>" + b"x" * 3_000_000}, True, "larger than"),
        ({"handler": _slow}, True, "deadline"),
        ({"body": b"<rss/>"}, False, "refused loopback address"),
    ],
    ids=["redirect-to-private", "body-past-cap", "too-slow", "loopback-with-guard-on"],
)
def test_fetch_faults_are_recorded_on_the_feed(
    http_server: LoopbackServer,
    db_url: str,
    route: dict[str, object],
    private_ok: bool,
    expected: str,
) -> None:
    http_server.route("/feed.xml", **route)  # type: ignore[arg-type]
    config = make_config(
        db_url,
        [("f", http_server.url("/feed.xml"))],
        http={"allow_private_hosts": private_ok, "timeout": "1s", "max_bytes": "2MB"},
    )
    if route.get("status") == 302:
        # The redirect itself is on loopback; the guard must stop the hop to 10.0.0.1.
        from monitor.fetch import Fetcher, HttpSettings

        settings = HttpSettings(timeout=1.0, allow_private_hosts=False)
        fetcher = Fetcher(settings, allowed_addresses=("127.0.0.1",))
    else:
        fetcher = None
    with world(config, fetcher=fetcher) as w:
        report = w.report("f")
        assert report.status == "error"
        assert expected in (report.error or "")
        with transaction(w.store.factory) as s:
            (health,) = feed_store.feed_health(s)
        assert health.consecutive_failures == 1
        assert expected in (health.last_error or "")


def test_the_daemon_poller_writes_unchanged_feeds_at_its_next_tick(
    http_server: LoopbackServer, sqlite_url: str
) -> None:
    import threading
    import time

    from monitor.daemon import Poller

    http_server.route(
        "/u.xml",
        handler=lambda ex: (
            ex.send(304, b"")
            if ex.headers.get("if-none-match") == '"v1"'
            else ex.send(200, rss([]), {"ETag": '"v1"'})
        ),
    )
    config = make_config(sqlite_url, [("u", http_server.url("/u.xml"))])
    with world(config) as w:
        w.poll()  # the 200: validators stored
        w.clock.advance(minutes=20)
        poller = Poller(w.ctx, threading.Event())
        assert poller.tick() == 1
        deadline = time.monotonic() + 10
        while poller._in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        with transaction(w.store.factory) as s:
            (before,) = feed_store.feed_health(s)
        assert before.leased_by == "test-worker"  # polled, success not yet written
        assert poller.tick() == 0  # flushes first; the feed is no longer due
        with transaction(w.store.factory) as s:
            (after,) = feed_store.feed_health(s)
        assert after.leased_by is None
        assert after.last_success_at == w.clock.now
        assert after.next_poll_at == w.clock.now + timedelta(minutes=15)
        assert poller.shutdown(1.0)


def test_an_engine_failure_on_one_article_does_not_block_its_feed(
    http_server: LoopbackServer, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import monitor.pipeline as pipeline

    real = pipeline.analyse

    def fragile(text: str, **kwargs: object) -> object:
        # Fault injection: a bug in an engine, triggered by one article's text.
        if "BOOM" in text:
            raise RuntimeError("engine bug")
        return real(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyse", fragile)
    entries = [
        {
            "title": "a",
            "guid": "a",
            "summary": "BOOM the Gaza death toll rose to 67,074.",
            "published": T0,
        },
        {
            "title": "b",
            "guid": "b",
            "summary": "The Gaza death toll rose to 67,194.",
            "published": T0 + timedelta(minutes=1),
        },
    ]
    http_server.route("/news.xml", body=rss(entries))
    watch = {"name": "w", "match": ["Gaza"], "recipients": ["desk@example.org"]}
    config = make_config(db_url, [("news", http_server.url("/news.xml"))], watches=[watch])
    with world(config) as w:
        report = w.report("news")
        assert report.status == "ok", report.error
        assert (report.new_articles, report.versions) == (2, 2)
        with transaction(w.store.factory) as s:
            observed = s.scalar(select(func.count()).select_from(ObservationRow))
        assert observed  # the second article was analysed
