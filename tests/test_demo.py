"""The offline demo end to end: the bundled story, the real pipeline, emails on disk."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

from monitor.demo import load_story, run_demo, seeds_dir


def test_the_demo_tells_the_gold_changes_and_writes_readable_emails(tmp_path: Path) -> None:
    lines: list[str] = []
    assert run_demo(workdir=tmp_path, out=lines.append) == 0
    text = "\n".join(lines)
    story = load_story(seeds_dir() / "gaza")
    summary = re.search(
        r"summary: (\d+) feed polls, (\d+) articles, (\d+) versions, "
        r"(\d+) revisions found",
        text,
    )
    assert summary is not None, text
    assert int(summary.group(2)) == len(story.items)
    assert int(summary.group(4)) == len(story.revisions)
    gold = re.search(r"gold: (\d+) of (\d+) changes .* alerted, (\d+) alerts beyond them", text)
    assert gold is not None, text
    assert gold.group(1) == gold.group(2)
    # Rounding, stale repeats, windowed counts and reinforcements raise nothing.
    assert gold.group(3) == "0", text
    assert "Gaza death toll: more than 66,600 -> 67,074 (+474)" in text
    emls = sorted((tmp_path / "outbox").glob("*.eml"))
    assert emls
    subjects = [line.removeprefix("    email: ") for line in lines if "email: [" in line]
    assert len(subjects) == len(emls)
    for path in emls:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message["Subject"].startswith("[gaza-ceasefire]")
        kinds = {part.get_content_type() for part in message.walk()}
        assert {"text/plain", "text/html"} <= kinds
