"""The command line: the only place that prints and exits."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor import __version__
from monitor.config import Config, load_config, parse_duration, summarize
from monitor.errors import ConfigError, MonitorError, SchemaOutdatedError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


# --- commands -------------------------------------------------------------------------------


def cmd_check_config(args: argparse.Namespace) -> int:
    config = _config(args)
    _out(f"{args.config}: OK")
    for line in summarize(config):
        _out(f"  {line}")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from monitor.store.db import current_revision, head_revision, make_engine, upgrade

    config = _config(args)
    engine = make_engine(config.database.url)
    if args.db_command == "upgrade":
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
        _out(f"database schema: {before or 'empty'} -> {after}")
    else:
        current = current_revision(engine) or "empty"
        _out(f"database schema: {current} (code: {head_revision(engine)})")
    return EXIT_OK


def cmd_poll(args: argparse.Namespace) -> int:
    from monitor.daemon import worker_name
    from monitor.fetch import Fetcher
    from monitor.outbox import deliver_due, make_transport
    from monitor.pipeline import run_pass, utcnow
    from monitor.runtime import http_settings, open_store, poll_context, sync_config_feeds

    config = _config(args)
    names = [args.feed] if args.feed else None
    if args.feed and config.feed(args.feed) is None:
        _err(f"poll: no feed named {args.feed!r} in {args.config}")
        return EXIT_USAGE
    store = open_store(config)
    sync_config_feeds(store, config, now=utcnow())
    with Fetcher(http_settings(config)) as fetcher:
        ctx = poll_context(config, store, fetcher, owner=worker_name())
        reports = run_pass(ctx, names=names, force=args.force)
    failed = 0
    for report in reports:
        if report.error:
            failed += 1
            _out(f"{report.feed}: error: {report.error}")
            continue
        line = (
            f"{report.feed}: {report.status}, {report.entries} entries, "
            f"{report.new_articles} new articles, {report.revisions} revisions, "
            f"{len(report.changes)} changes"
        )
        _out(line + (f" (feed warning: {report.warning})" if report.warning else ""))
        for change in report.changes:
            _out(f"  change: {change.summary}")
    if not reports:
        _out("poll: no feed is due (use --force to poll now)")
    delivery = deliver_due(store.factory, config, make_transport(config.email), clock=utcnow)
    for subject in delivery.sent:
        _out(f"sent: {subject}")
    for error in delivery.errors:
        _out(f"alert delivery: {error}")
    return EXIT_FAILURE if reports and failed == len(reports) else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from monitor.daemon import install_signal_handlers, run_daemon, worker_name
    from monitor.fetch import Fetcher
    from monitor.outbox import deliver_due, make_transport
    from monitor.pipeline import utcnow
    from monitor.runtime import http_settings, open_store, poll_context, sync_config_feeds

    config = _config(args)
    store = open_store(config)
    sync_config_feeds(store, config, now=utcnow())
    stop = threading.Event()
    install_signal_handlers(stop)
    transport = make_transport(config.email)
    with Fetcher(http_settings(config)) as fetcher:
        ctx = poll_context(config, store, fetcher, owner=worker_name())
        run_daemon(
            ctx,
            deliver=lambda: deliver_due(store.factory, config, transport, clock=utcnow),
            stop=stop,
        )
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from monitor.runtime import open_store
    from monitor.store import feeds as feed_store
    from monitor.store.db import transaction

    config = _config(args)
    store = open_store(config)
    with transaction(store.factory) as session:
        health = feed_store.feed_health(session)
    for feed in health:
        state = "ok" if not feed.consecutive_failures else f"{feed.consecutive_failures} failures"
        _out(
            f"{feed.name}: {state}; next poll {_when(feed.next_poll_at)}; last success "
            f"{_when(feed.last_success_at)}"
        )
        if feed.last_error:
            _out(f"  last error ({_when(feed.last_error_at)}): {feed.last_error}")
        if feed.parse_warning:
            _out(f"  feed warning: {feed.parse_warning}")
    return EXIT_OK


def cmd_alerts(args: argparse.Namespace) -> int:
    from monitor.runtime import open_store
    from monitor.store import alerts as alert_store
    from monitor.store.db import transaction

    config = _config(args)
    store = open_store(config)
    since = (
        datetime.now(UTC) - timedelta(seconds=parse_duration(args.since)) if args.since else None
    )
    with transaction(store.factory) as session:
        if args.retry:
            count = alert_store.requeue_failed(session, now=datetime.now(UTC), since=since)
            _out(f"alerts: {count} failed alerts queued again")
            return EXIT_OK
        rows = alert_store.list_alerts(session, status=args.status, since=since)
    for alert in rows:
        _out(
            f"#{alert.id} {alert.status:7} {alert.recipient} [{alert.watch}] "
            f"{alert.change.summary} (attempts {alert.attempts})"
        )
        if alert.last_error:
            _out(f"    last error: {alert.last_error}")
    if not rows:
        _out("alerts: none")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from monitor.runtime import open_store
    from monitor.store.db import transaction
    from monitor.store.facts import history

    config = _config(args)
    store = open_store(config)
    with transaction(store.factory) as session:
        items = history(session, watch=args.watch, key=args.key, limit=args.limit)
    for item in reversed(items):
        what = item.display or f"{item.stance}: {item.claim}"
        window = f" [window: {item.window}]" if item.window else ""
        published = item.published_at.strftime("%Y-%m-%d %H:%M") if item.published_at else "?"
        _out(f"{published}  {what}{window}  ({item.source_name}; {item.disposition})")
        _out(f'    "{item.evidence}"')
    if not items:
        _out(f"history: nothing stored for {args.key!r} in watch {args.watch!r}")
    return EXIT_OK


def cmd_send_test_email(args: argparse.Namespace) -> int:
    from monitor.notify.compose import ChangeView, compose_alert_email, new_message_id
    from monitor.outbox import email_settings, make_transport

    config = _config(args)
    recipients = sorted({r for w in config.watches for r in w.recipients})
    if args.to:
        recipients = [args.to]
    if not recipients:
        _err("send-test-email: no recipients in the config; pass --to ADDRESS")
        return EXIT_USAGE
    now = datetime.now(UTC)
    settings = email_settings(config.email)
    message = compose_alert_email(
        watch="test",
        watch_label="Test message",
        recipients=recipients,
        changes=[
            ChangeView(
                kind="figure",
                label="Test figure",
                old="1",
                new="2",
                delta="+1",
                evidence="This is a test message from news-monitor: delivery works.",
                highlight="delivery works",
                source_name="news-monitor",
                url="",
                published_at=now,
                previous_evidence=None,
                previous_source=None,
                previous_url=None,
                previous_published_at=None,
                thread_key="test",
            )
        ],
        settings=settings,
        now=now,
        message_id=new_message_id(f"test:{now.isoformat()}", settings.domain_for_ids),
    )
    result = make_transport(config.email).send(message, recipients)
    for rcpt in result.accepted:
        _out(f"send-test-email: accepted for {rcpt}")
    for rcpt, reason in result.refused.items():
        _out(f"send-test-email: refused for {rcpt}: {reason}")
    for rcpt, reason in result.deferred.items():
        _out(f"send-test-email: deferred for {rcpt} (try again later): {reason}")
    return EXIT_OK if result.accepted else EXIT_FAILURE


def cmd_extract(args: argparse.Namespace) -> int:
    from monitor.inspect import extract_files

    config = _config(args)
    for record in extract_files(config, [Path(p) for p in args.files], watch=args.watch):
        _out(json.dumps(record, ensure_ascii=False) if args.json else _human(record))
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from monitor.inspect import replay_files

    config = _config(args)
    records = replay_files(config, [Path(p) for p in args.files])
    for record in records:
        _out(json.dumps(record, ensure_ascii=False) if args.json else _human(record))
    if not records and not args.json:
        _out("replay: no change would be alerted")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from monitor.demo import run_demo

    return run_demo(workdir=Path(args.dir) if args.dir else None, out=_out, keep=args.keep)


# --- helpers --------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def _human(record: dict[str, Any]) -> str:
    published = (record.get("published") or "")[:10]
    where = f"{record.get('source')}, {published}"
    if "change" in record:
        return f'[{record["change"]}] {record["summary"]}    ({where})\n    "{record["evidence"]}"'
    if record["kind"] == "figure":
        window = f" [window: {record['window']}]" if record.get("window") else ""
        head = f"{record['label']}: {record['display']}{window}"
    else:
        head = f"{record['actor']} on {record['topic']}: {record['stance']} {record['claim']}"
    return f'{head}    ({where})\n    "{record["evidence"]}"'


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Follow a developing story: polls feeds, finds figures and positions, "
        "and emails you when one of them moved.",
        epilog="example: monitor check-config -c config/monitor.example.yaml",
    )
    parser.add_argument("--version", action="version", version=f"news-monitor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, help_: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, epilog=f"example: {example}")
        p.set_defaults(handler=handler)
        return p

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("-c", "--config", required=True, metavar="FILE", help="YAML config file")
        return p

    with_config(
        command(
            "run",
            cmd_run,
            "run the daemon in the foreground",
            "monitor run -c /etc/news-monitor/monitor.yaml",
        )
    )
    p = with_config(
        command(
            "poll",
            cmd_poll,
            "poll due feeds once, deliver alerts, exit",
            "monitor poll -c monitor.yaml --feed example-news --force",
        )
    )
    p.add_argument("--feed", metavar="NAME", help="only this feed")
    p.add_argument("--force", action="store_true", help="poll now, whatever the schedule")
    with_config(
        command(
            "check-config",
            cmd_check_config,
            "validate the config and print a summary (exit 2 on error)",
            "monitor check-config -c monitor.yaml",
        )
    )
    p = with_config(
        command(
            "db",
            cmd_db,
            "database schema: upgrade to the latest, or show it",
            "monitor db upgrade -c monitor.yaml",
        )
    )
    p.add_argument("db_command", choices=["upgrade", "current"])
    with_config(
        command(
            "status",
            cmd_status,
            "feed health: last success, errors, next poll",
            "monitor status -c monitor.yaml",
        )
    )
    p = with_config(
        command(
            "alerts",
            cmd_alerts,
            "list alerts, or queue failed ones again",
            "monitor alerts -c monitor.yaml --status failed --since 24h",
        )
    )
    p.add_argument("--status", choices=["pending", "sending", "sent", "failed"])
    p.add_argument("--since", metavar="DURATION", help="only alerts newer than this (24h, 7d)")
    p.add_argument("--retry", action="store_true", help="queue failed alerts again")
    p = with_config(
        command(
            "history",
            cmd_history,
            "what was reported about one figure or actor:topic, oldest first, with dispositions",
            "monitor history -c monitor.yaml --watch gaza-ceasefire death_toll",
        )
    )
    p.add_argument("--watch", required=True, metavar="NAME")
    p.add_argument("--limit", type=int, default=200, help="at most this many reports")
    p.add_argument("key", metavar="KEY", help="a metric name, or Actor:topic")
    p = with_config(
        command(
            "send-test-email",
            cmd_send_test_email,
            "send a test email through the configured transport",
            "monitor send-test-email -c monitor.yaml --to you@example.org",
        )
    )
    p.add_argument("--to", metavar="ADDRESS", help="send to this address instead")
    p = with_config(
        command(
            "extract",
            cmd_extract,
            "show the figures and positions found in article files",
            "monitor extract -c monitor.yaml --json article.html",
        )
    )
    p.add_argument("--watch", metavar="NAME", help="only this watch")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("files", nargs="+", metavar="FILE")
    p = with_config(
        command(
            "replay",
            cmd_replay,
            "run article files through extraction and diff on a throwaway "
            "database, oldest first, and print the changes that would alert",
            "monitor replay -c monitor.yaml --json day1.txt day2.txt",
        )
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("files", nargs="+", metavar="FILE")
    p = command(
        "demo", cmd_demo, "run the whole pipeline offline on the bundled story", "monitor demo"
    )
    p.add_argument("--dir", metavar="DIR", help="keep the demo's database and emails here")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "apscheduler", "trafilatura", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        _err(f"{getattr(args, 'config', 'config')}: {len(exc.problems)} problem(s):")
        for problem in exc.problems:
            _err(f"  {problem}")
        return EXIT_USAGE
    except SchemaOutdatedError as exc:
        _err(str(exc))
        return EXIT_FAILURE
    except MonitorError as exc:
        _err(str(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
