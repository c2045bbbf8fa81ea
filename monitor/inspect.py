"""The extract and replay commands: what the engine sees in files, and what it would alert."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.analysis import WatchSpec, analyse, is_relevant, watch_specs
from monitor.config import Config
from monitor.documents import Document, read_document
from monitor.store.db import make_engine, session_factory, transaction, upgrade
from monitor.store.facts import (
    ChangeRecord,
    Finding,
    ObservationRecord,
    StateCache,
    record_findings,
)


def _watches(config: Config, name: str | None) -> tuple[WatchSpec, ...]:
    specs = watch_specs(config)
    if name is None:
        return specs
    chosen = tuple(w for w in specs if w.name == name)
    if not chosen:
        from monitor.errors import ConfigError

        raise ConfigError([f"no watch named {name!r} (known: {', '.join(w.name for w in specs)})"])
    return chosen


def _base(obs: ObservationRecord) -> dict[str, Any]:
    return {
        "kind": obs.kind,
        "watch": obs.watch,
        "key": obs.key,
        "label": obs.label,
        "url": obs.url,
        "source": obs.source_name,
        "published": obs.published_at.isoformat() if obs.published_at else None,
        "evidence": obs.evidence,
    }


def observation_record(obs: ObservationRecord) -> dict[str, Any]:
    record = _base(obs)
    if obs.kind == "figure":
        record.update(
            value=obs.value,
            bound=obs.bound,
            low=obs.low,
            high=obs.high,
            unit=obs.unit,
            display=obs.display,
            window=obs.window,
        )
    else:
        record.update(actor=obs.actor, topic=obs.topic, stance=obs.stance, claim=obs.claim)
    return record


def change_record(obs: ObservationRecord, change: ChangeRecord) -> dict[str, Any]:
    record = _base(obs)
    record.update(change=change.kind, summary=change.summary, old=change.old, new=change.new)
    if obs.kind == "figure":
        record.update(
            old_value=change.old_value,
            new_value=change.new_value,
            bound=obs.bound,
            unit=obs.unit,
        )
    else:
        p = change.payload
        record.update(
            actor=obs.actor,
            topic=obs.topic,
            old_stance=p.get("old_stance"),
            new_stance=p.get("new_stance"),
            old_claim=p.get("old_claim"),
            new_claim=p.get("new_claim"),
        )
    return record


def extract_files(
    config: Config, paths: Sequence[Path], *, watch: str | None = None
) -> list[dict[str, Any]]:
    """Observations per file, each file seen on its own (no history)."""
    watches = _watches(config, watch)
    out: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for path in paths:
        doc = read_document(path)
        relevant = [w for w in watches if is_relevant(w, doc.text, title=doc.title)]
        findings = analyse(
            doc.text,
            source=doc.source,
            watches=relevant,
            states=lambda *_: None,
            observed_at=now,
            all_mentions=True,
        )
        out.extend(observation_record(f.observation) for f in findings)
    return out


def _order(docs: list[Document]) -> list[Document]:
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(docs, key=lambda d: (d.source.published_at or far, str(d.path)))


def replay_files(config: Config, paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The changes a timeline of files would alert, oldest first, on a throwaway database."""
    docs = _order([read_document(p) for p in paths])
    watches = watch_specs(config)
    with tempfile.TemporaryDirectory(prefix="monitor-replay-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'replay.db'}")
        try:
            upgrade(engine)
            factory = session_factory(engine)
            out: list[dict[str, Any]] = []
            for doc in docs:
                now = doc.source.published_at or datetime.now(UTC)
                relevant = [w for w in watches if is_relevant(w, doc.text, title=doc.title)]
                with transaction(factory) as session:
                    cache = StateCache(session)
                    findings: list[Finding] = analyse(
                        doc.text,
                        source=doc.source,
                        watches=relevant,
                        states=cache.get,
                        prefetch=cache.prefetch,
                        observed_at=now,
                    )
                    record_findings(session, None, findings, now=now, routes={}, cache=cache)
                out.extend(
                    change_record(f.observation, f.change)
                    for f in findings
                    if f.change is not None and f.change.alerted
                )
            return out
        finally:
            engine.dispose()
