"""Storage on SQLite files and on PostgreSQL: migrations, leases, schema checks, locking."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from monitor.errors import SchemaOutdatedError
from monitor.store import feeds as feed_store
from monitor.store.db import (
    current_revision,
    head_revision,
    make_engine,
    require_current_schema,
    session_factory,
    transaction,
    upgrade,
)

NOW = datetime(2025, 10, 7, 9, 0, tzinfo=UTC)
TABLES = {
    "feed",
    "article",
    "feed_entry",
    "article_version",
    "observation",
    "fact_state",
    "change",
    "change_source",
    "alert",
}


def migrated(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    upgrade(engine)
    return engine


def test_migrations_create_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    with pytest.raises(SchemaOutdatedError, match="monitor db upgrade"):
        require_current_schema(engine)
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert current_revision(engine) == head_revision(engine)
    require_current_schema(engine)
    upgrade(engine)  # idempotent
    engine.dispose()


def test_outdated_schema_is_refused_by_name(db_url: str) -> None:
    engine = migrated(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaOutdatedError) as info:
        require_current_schema(engine)
    assert "at revision 0000" in str(info.value)
    assert "monitor db upgrade -c CONFIG" in str(info.value)
    engine.dispose()


def feeds(n: int) -> list[feed_store.FeedSpec]:
    return [feed_store.FeedSpec(name=f"f{i}", url=f"https://x.test/{i}.xml") for i in range(n)]


def test_claims_respect_schedule_and_lease(db_url: str) -> None:
    engine = migrated(db_url)
    factory = session_factory(engine)
    with transaction(factory) as s:
        feed_store.sync_feeds(s, feeds(3), now=NOW)
    with transaction(factory) as s:
        first = feed_store.claim_due_feeds(s, owner="a", now=NOW, lease=60, limit=2)
    with transaction(factory) as s:
        second = feed_store.claim_due_feeds(s, owner="b", now=NOW, lease=60, limit=10)
    assert len(first) == 2
    assert len(second) == 1
    assert {c.name for c in first}.isdisjoint({c.name for c in second})
    # A lease that ran out (its worker died) is taken over.
    later = NOW + timedelta(seconds=61)
    with transaction(factory) as s:
        taken = feed_store.claim_due_feeds(s, owner="c", now=later, lease=60, limit=10)
    assert {c.name for c in taken} == {"f0", "f1", "f2"}
    # The old owner, back from the dead, must not overwrite the new owner's schedule.
    with transaction(factory) as s:
        feed_store.record_failure(
            s, first[0].id, owner="a", now=later, next_poll_at=later, error="stale worker"
        )
    with transaction(factory) as s:
        health = {h.name: h for h in feed_store.feed_health(s)}
    assert health[first[0].name].last_error is None
    assert health[first[0].name].leased_by == "c"
    engine.dispose()


def test_success_and_failure_recorded_on_the_feed(db_url: str) -> None:
    engine = migrated(db_url)
    factory = session_factory(engine)
    with transaction(factory) as s:
        feed_store.sync_feeds(s, feeds(1), now=NOW)
    with transaction(factory) as s:
        (claim,) = feed_store.claim_due_feeds(s, owner="a", now=NOW, lease=60, limit=1)
    with transaction(factory) as s:
        feed_store.record_failure(
            s,
            claim.id,
            owner="a",
            now=NOW,
            next_poll_at=NOW + timedelta(minutes=5),
            error="fetch: HTTP 500 for https://x.test/0.xml",
        )
    with transaction(factory) as s:
        (claim,) = feed_store.claim_due_feeds(s, owner="a", now=NOW, lease=60, limit=1, force=True)
        assert claim.consecutive_failures == 1
    with transaction(factory) as s:
        feed_store.record_success(
            s,
            feed_store.Success(
                feed_id=claim.id,
                owner="a",
                now=NOW,
                next_poll_at=NOW + timedelta(minutes=15),
                etag='"v1"',
                last_modified=None,
                title="X",
                warning=None,
                not_modified=False,
            ),
        )
    with transaction(factory) as s:
        (health,) = feed_store.feed_health(s)
        assert not feed_store.claim_due_feeds(s, owner="a", now=NOW, lease=60, limit=1)
    assert health.consecutive_failures == 0
    assert health.last_error is None
    assert health.last_success_at == NOW
    engine.dispose()


def test_feeds_removed_from_config_are_disabled(sqlite_url: str) -> None:
    engine = migrated(sqlite_url)
    factory = session_factory(engine)
    with transaction(factory) as s:
        feed_store.sync_feeds(s, feeds(2), now=NOW)
    with transaction(factory) as s:
        feed_store.sync_feeds(s, feeds(1), now=NOW)
    with transaction(factory) as s:
        claims = feed_store.claim_due_feeds(s, owner="a", now=NOW, lease=60, limit=10)
    assert [c.name for c in claims] == ["f0"]
    engine.dispose()


@pytest.mark.postgres
def test_concurrent_claims_on_postgres_never_share_a_feed(postgres_url: str) -> None:
    engine = migrated(postgres_url)
    factory = session_factory(engine)
    with transaction(factory) as s:
        feed_store.sync_feeds(s, feeds(40), now=NOW)
    barrier = threading.Barrier(4)
    got: dict[str, list[str]] = {}

    def worker(owner: str) -> None:
        barrier.wait()
        names: list[str] = []
        for _ in range(10):
            with transaction(factory) as s:
                names += [
                    c.name
                    for c in feed_store.claim_due_feeds(s, owner=owner, now=NOW, lease=600, limit=3)
                ]
        got[owner] = names

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [n for names in got.values() for n in names]
    assert len(everything) == len(set(everything)) == 40
    engine.dispose()


def test_sqlite_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    engine = migrated(f"sqlite:///{path}")
    factory = session_factory(engine)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        released.wait(0.5)
        other.execute("COMMIT")

    threading.Thread(target=release).start()
    # Read-then-write in one transaction: with a deferred BEGIN this raises "database is locked".
    with transaction(factory) as s:
        feed_store.sync_feeds(s, feeds(1), now=NOW)
    other.close()
    with transaction(factory) as s:
        assert len(feed_store.feed_health(s)) == 1
    engine.dispose()


def test_two_daemons_upgrading_at_once_leave_one_schema(db_url: str, tmp_path: Path) -> None:
    # Two processes, as two daemons would be (alembic's context is per process, not thread).
    config = tmp_path / "m.yaml"
    config.write_text(f"database: {{url: '{db_url}'}}\n", encoding="utf-8")
    command = [sys.executable, "-m", "monitor", "db", "upgrade", "-c", str(config)]
    procs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
