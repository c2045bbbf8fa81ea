"""The command line in-process: extract, replay, alerts, send-test-email."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from monitor.cli import main
from monitor.demo import run_demo
from tests.support.smtpd import SmtpServer

ROOT = Path(__file__).resolve().parents[1]
DAY_ONE = ROOT / "seeds" / "gaza" / "pages" / "example-news" / "talks-day-two.html"


def demo_config(tmp_path: Path) -> Path:
    source = (ROOT / "seeds" / "gaza" / "config.yaml").read_text(encoding="utf-8")
    source = re.sub(r"\$\{DEMO_BASE_URL(:-[^}]*)?\}", "http://127.0.0.1:9", source)
    source = re.sub(r"\$\{DEMO_DIR(:-[^}]*)?\}", str(tmp_path), source)
    path = tmp_path / "monitor.yaml"
    path.write_text(source, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_on_the_first_day_finds_the_story_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "extract", "-c", str(demo_config(tmp_path)), "--json", str(DAY_ONE))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    for record in records:
        assert {"kind", "watch", "key", "label", "url", "source", "published", "evidence"} <= set(
            record
        )
    figures = {
        (r["key"], r["value"], r["bound"])
        for r in records
        if r["kind"] == "figure" and not r["window"]
    }
    assert ("death_toll", 66600, "more_than") in figures
    assert ("captives_held", 48, "exact") in figures
    assert ("captives_alive", 20, "exact") in figures
    cumulative = [r for r in records if r["kind"] == "figure" and r["key"] == "death_toll"]
    assert all(r["value"] not in (10, 104) for r in cumulative)
    windowed = {r["value"] for r in records if r["kind"] == "figure" and r["window"]}
    assert {10, 104} <= windowed
    positions = {(r["actor"], r["topic"], r["stance"]) for r in records if r["kind"] == "position"}
    assert ("Hamas", "governance", "reject") in positions
    assert ("Israel", "hostages", "vow") in positions


def test_replay_prints_each_change_once_oldest_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def article(name: str, published: str, body: str) -> str:
        path = tmp_path / name
        path.write_text(
            f"---\nurl: https://wire.test/{name}\npublished: {published}\nsource: Wire\n---\n"
            f"{body}\n",
            encoding="utf-8",
        )
        return str(path)

    files = [
        # Given out of order on purpose: replay sorts by published time.
        article(
            "c.txt",
            "2025-10-09T10:00:00Z",
            "The death toll in Gaza since the war began reached 67,194, officials said.",
        ),
        article(
            "a.txt",
            "2025-10-07T10:00:00Z",
            "The death toll in Gaza since the war began has passed 66,600, officials said.",
        ),
        article(
            "b.txt",
            "2025-10-08T10:00:00Z",
            "Officials said the overall death toll in Gaza had risen to 67,074.",
        ),
        article(
            "d.txt",
            "2025-10-09T12:00:00Z",
            "The death toll in Gaza is about 67,000, officials said on Thursday.",
        ),
    ]
    code, out, _ = run(capsys, "replay", "-c", str(demo_config(tmp_path)), "--json", *files)
    assert code == 0
    changes = [json.loads(line) for line in out.splitlines()]
    moves = [(c["key"], c["old_value"], c["new_value"]) for c in changes]
    assert moves == [("death_toll", 66600, 67074), ("death_toll", 67074, 67194)]
    assert changes[0]["url"] == "https://wire.test/b.txt"
    assert changes[0]["evidence"].startswith("Officials said the overall death toll")


def test_alerts_lists_and_requeues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_demo(workdir=tmp_path, out=lambda _: None) == 0
    config = str(demo_config(tmp_path))
    code, out, _ = run(capsys, "alerts", "-c", config, "--status", "sent")
    assert code == 0
    sent = [line for line in out.splitlines() if line.startswith("#")]
    assert sent
    assert all(" sent " in line for line in sent)
    engine = create_engine(f"sqlite:///{tmp_path / 'monitor.db'}")
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE alert SET status = 'failed', last_error = 'notify: boom' "
                "WHERE id = (SELECT min(id) FROM alert)"
            )
        )
    engine.dispose()
    code, out, _ = run(capsys, "alerts", "-c", config, "--status", "failed")
    assert "last error: notify: boom" in out
    code, out, _ = run(capsys, "alerts", "-c", config, "--retry")
    assert "1 failed alerts queued again" in out
    code, out, _ = run(capsys, "alerts", "-c", config, "--status", "pending")
    assert len([line for line in out.splitlines() if line.startswith("#")]) == 1


def test_send_test_email_through_smtp(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    smtp_server_factory: Callable[..., SmtpServer],
) -> None:
    server = smtp_server_factory()
    config = tmp_path / "m.yaml"
    config.write_text(
        f"email: {{transport: smtp, host: 127.0.0.1, port: {server.port}, security: none, "
        "sender: 'Desk <desk@example.org>'}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "send-test-email", "-c", str(config), "--to", "me@example.org")
    assert code == 0
    assert "accepted for me@example.org" in out
    (received,) = server.received
    assert list(received.rcpt_tos) == ["me@example.org"]


def test_send_test_email_reports_a_dead_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], refused_port: int
) -> None:
    config = tmp_path / "m.yaml"
    config.write_text(
        f"email: {{transport: smtp, host: 127.0.0.1, port: {refused_port}, security: none}}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "send-test-email", "-c", str(config), "--to", "me@example.org")
    assert code == 1
    assert err.startswith("notify: smtp 127.0.0.1")


def test_history_shows_every_report_of_a_fact_with_its_disposition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_demo(workdir=tmp_path, out=lambda _: None) == 0
    config = str(demo_config(tmp_path))
    code, out, _ = run(capsys, "history", "-c", config, "--watch", "gaza-ceasefire", "death_toll")
    assert code == 0
    lines = [line for line in out.splitlines() if not line.startswith("    ")]
    assert lines[0].startswith("2025-10-07")
    assert any("67,074" in line and "; change)" in line for line in lines)
    assert any("; stale)" in line for line in lines)
    assert out.index("more than 66,600") < out.index("67,194")
