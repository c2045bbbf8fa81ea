"""The real processes: `monitor run` and `monitor poll` as subprocesses, signals and kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from monitor.store.models import ArticleRow, ArticleVersionRow, FeedEntryRow
from tests.support.httpd import Exchange, LoopbackServer
from tests.support.world import T0, page, rss

PARAGRAPHS = [
    "Mediators shuttled between the two delegations for most of the day, carrying drafts on "
    "the sequencing of a truce, the release of captives and the lines troops would pull back to.",
    "People familiar with the discussions said progress was slow but steady, and that the "
    "technical teams would keep working overnight on maps and lists of names.",
    "Relief agencies meanwhile warned that conditions in the territory kept getting worse as "
    "winter approached, with shelter, fuel and clean water all in short supply.",
]


def monitor(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def write_config(tmp_path: Path, db_url: str, feed_url: str, tick: str = "1s") -> Path:
    path = tmp_path / "monitor.yaml"
    path.write_text(
        f"database: {{url: '{db_url}'}}\n"
        f"scheduler: {{tick: {tick}, default_interval: 1h, max_concurrency: 2}}\n"
        "http: {allow_private_hosts: true, timeout: 5s}\n"
        f"email: {{transport: file, outbox_dir: '{tmp_path / 'outbox'}'}}\n"
        f"feeds:\n  - {{name: news, url: '{feed_url}'}}\n",
        encoding="utf-8",
    )
    return path


def slow_story(server: LoopbackServer, n: int, delay: float) -> None:
    def slow_page(index: int):  # type: ignore[no-untyped-def]
        def handler(exchange: Exchange) -> None:
            if exchange.sleep(delay):
                exchange.send(
                    200, page(f"Talks, part {index}", PARAGRAPHS), {"Content-Type": "text/html"}
                )

        return handler

    entries = []
    for i in range(n):
        server.route(f"/a/{i}.html", handler=slow_page(i))
        entries.append(
            {
                "title": f"Talks, part {i}",
                "link": server.url(f"/a/{i}.html"),
                "guid": f"g{i}",
                "published": T0 + timedelta(minutes=i),
            }
        )
    server.route("/news.xml", body=rss(entries), headers={"ETag": '"only"'})


def counts(db_url: str) -> tuple[int, int, int]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return (
                conn.scalar(select(func.count()).select_from(ArticleRow)) or 0,
                conn.scalar(select(func.count()).select_from(ArticleVersionRow)) or 0,
                conn.scalar(select(func.count()).select_from(FeedEntryRow)) or 0,
            )
    finally:
        engine.dispose()


def test_a_poll_killed_midway_loses_and_duplicates_nothing(
    http_server: LoopbackServer, db_url: str, tmp_path: Path
) -> None:
    slow_story(http_server, n=20, delay=0.15)
    config = write_config(tmp_path, db_url, http_server.url("/news.xml"))
    assert monitor("db", "upgrade", "-c", str(config)).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "poll", "-c", str(config), "--force"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while counts(db_url)[1] < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    _, versions, _ = counts(db_url)
    assert 4 <= versions < 20, "the kill must land midway for this test to mean anything"
    done = monitor("poll", "-c", str(config), "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(db_url) == (20, 20, 20)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        per_article = conn.execute(
            select(ArticleVersionRow.article_id, func.count()).group_by(
                ArticleVersionRow.article_id
            )
        ).all()
        # The validators were not saved by the killed poll: the second one read the feed in full.
        etag = conn.scalar(text("SELECT etag FROM feed"))
    engine.dispose()
    assert all(n == 1 for _, n in per_article)
    assert etag == '"only"'
    # Pages fetched before the kill are not fetched again (at most the one in flight).
    refetched = sum(len(http_server.requests_to(f"/a/{i}.html")) - 1 for i in range(20))
    assert refetched <= 2


def test_the_daemon_stops_cleanly_on_sigterm(http_server: LoopbackServer, tmp_path: Path) -> None:
    slow_story(http_server, n=3, delay=0.05)
    db_url = f"sqlite:///{tmp_path / 'm.db'}"
    config = write_config(tmp_path, db_url, http_server.url("/news.xml"))
    assert monitor("db", "upgrade", "-c", str(config)).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "-c", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while counts(db_url)[1] < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert counts(db_url)[1] == 3
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the daemon did not stop within 60 s of SIGTERM")
    assert proc.returncode == 0, err
    assert "received SIGTERM" in err
    assert "daemon: stopped" in err


def test_the_daemon_refuses_an_outdated_schema(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", "http://127.0.0.1:9/x")
    result = monitor("run", "-c", str(config))
    assert result.returncode == 1
    assert "monitor db upgrade -c CONFIG" in result.stderr


def test_check_config_exit_codes(tmp_path: Path) -> None:
    good = write_config(tmp_path, "sqlite:///x.db", "https://example.org/feed.xml")
    result = monitor("check-config", "-c", str(good))
    assert result.returncode == 0
    assert "feeds: 1" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("scheduler:\n  intervall: 5m\n", encoding="utf-8")
    result = monitor("check-config", "-c", str(bad))
    assert result.returncode == 2
    assert f"{bad}:2: scheduler.intervall: unknown key" in result.stderr


def test_every_command_has_help_with_an_example() -> None:
    from monitor.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {
        "run",
        "poll",
        "check-config",
        "db",
        "demo",
        "extract",
        "replay",
        "alerts",
        "send-test-email",
        "status",
    } <= set(commands)
    for name, sub in commands.items():
        assert "example: monitor" in (sub.epilog or ""), name
    env = {**os.environ}
    assert monitor("poll", "--help", env=env).returncode == 0
