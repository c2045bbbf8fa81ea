"""Article text + watches + current fact states -> findings (observations, diffs, changes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from monitor.config import Config, FigureConfig, WatchConfig
from monitor.diff import (
    FigureChange,
    FigureDiff,
    FigureState,
    diff_figure,
    state_from_dict,
    state_to_dict,
)
from monitor.facts.figures import Figure, find_figures
from monitor.facts.metrics import BUILTIN_METRICS, MetricSpec, MinChange
from monitor.facts.model import Source, source_to_dict
from monitor.facts.positions import ActorSpec, Position, TopicSpec, find_positions
from monitor.position_diff import (
    PositionChange,
    PositionDiff,
    PositionState,
    diff_position,
    position_state_from_dict,
    position_state_to_dict,
)
from monitor.store.facts import ChangeRecord, Finding, ObservationRecord

StateReader = Callable[[str, str, str], dict[str, Any] | None]
# Loads the states of many keys at once, so that `states` then answers from memory.
Prefetch = Callable[[str, str, Collection[str]], None]


@dataclass(frozen=True, slots=True)
class WatchSpec:
    """A watch as the engines need it."""

    name: str
    label: str
    match: tuple[str, ...]
    feeds: tuple[str, ...]
    metrics: tuple[MetricSpec, ...]
    use_builtins: bool
    actors: tuple[ActorSpec, ...]
    topics: tuple[TopicSpec, ...]
    discover_actors: bool
    digest: bool = False

    def spec_for(self, key: str) -> MetricSpec | None:
        for spec in self.metrics:
            if spec.name == key:
                return spec
        if self.use_builtins:
            for spec in BUILTIN_METRICS:
                if spec.name == key:
                    return spec
        return None


def _min_change(value: str | float | None) -> MinChange:
    if value is None:
        return MinChange()
    if isinstance(value, str) and value.endswith("%"):
        return MinChange(relative=float(value[:-1]) / 100.0)
    return MinChange(absolute=float(value))


def _metric(figure: FigureConfig) -> MetricSpec:
    return MetricSpec(
        name=figure.name,
        label=figure.label or figure.name.replace("_", " ").capitalize(),
        terms=tuple(figure.terms),
        exclude=tuple(figure.exclude),
        context=tuple(figure.context),
        unit=figure.unit,
        cumulative=figure.cumulative,
        min_change=_min_change(figure.min_change),
    )


def watch_spec(watch: WatchConfig) -> WatchSpec:
    return WatchSpec(
        name=watch.name,
        label=watch.label or watch.name,
        match=tuple(watch.match),
        feeds=tuple(watch.feeds),
        metrics=tuple(_metric(f) for f in watch.figures),
        use_builtins=watch.builtin_figures,
        actors=tuple(ActorSpec(name=n, aliases=tuple(a)) for n, a in watch.actors.items()),
        topics=tuple(TopicSpec(name=n, terms=tuple(t)) for n, t in watch.topics.items()),
        discover_actors=watch.discover_actors,
        digest=watch.mode == "digest",
    )


def watch_specs(config: Config) -> tuple[WatchSpec, ...]:
    return tuple(watch_spec(w) for w in config.watches)


@lru_cache(maxsize=256)
def _match_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def is_relevant(watch: WatchSpec, text: str, *, title: str = "", feed: str | None = None) -> bool:
    """A watch reads an article from its feeds when any match term appears (word boundaries)."""
    if watch.feeds and feed is not None and feed not in watch.feeds:
        return False
    if not watch.match:
        return True
    pattern = _match_pattern(watch.match)
    return bool(pattern.search(title) or pattern.search(text))


def analyse(
    text: str,
    *,
    source: Source,
    watches: Sequence[WatchSpec],
    states: StateReader,
    observed_at: datetime,
    all_mentions: bool = False,
    revision_of: str | None = None,
    prefetch: Prefetch | None = None,
) -> list[Finding]:
    """Every figure and position the relevant watches see, diffed against current state.

    By default one figure per metric per article goes to the diff (two values of one metric in
    one article would otherwise alert against each other); `all_mentions` lists every one.
    `revision_of` names the earlier version when the text is an article revised in place.
    """
    findings: list[Finding] = []
    # The diff of a later figure in the same article sees the state an earlier one left.
    local: dict[tuple[str, str, str], dict[str, Any] | None] = {}

    def read(watch: str, kind: str, key: str) -> dict[str, Any] | None:
        slot = (watch, kind, key)
        if slot not in local:
            local[slot] = states(watch, kind, key)
        return local[slot]

    for watch in watches:
        figures = find_figures(
            text, watch.metrics, use_builtins=watch.use_builtins, all_mentions=all_mentions
        )
        if prefetch is not None and figures:
            prefetch(watch.name, "figure", {f.key for f in figures})
        for figure in figures:
            spec = watch.spec_for(figure.key)
            if spec is None:
                continue
            raw = read(watch.name, "figure", figure.key)
            current = state_from_dict(raw) if raw else None
            outcome = diff_figure(figure, source, current, spec, observed_at=observed_at)
            finding = _figure_finding(watch.name, figure, source, outcome)
            if finding.state is not None:
                local[(watch.name, "figure", figure.key)] = finding.state
            findings.append(finding)
        if not (watch.actors or watch.discover_actors):
            continue
        positions = find_positions(
            text,
            watch.actors,
            watch.topics,
            discover_actors=watch.discover_actors,
            published=source.published_at.date() if source.published_at else None,
        )
        if prefetch is not None and positions:
            prefetch(watch.name, "position", {f"{p.actor}:{p.topic}" for p in positions})
        for position in positions:
            key = f"{position.actor}:{position.topic}"
            raw = read(watch.name, "position", key)
            pcurrent = position_state_from_dict(raw) if raw else None
            poutcome = diff_position(position, source, pcurrent, observed_at=observed_at)
            finding = _position_finding(watch, key, position, source, poutcome)
            if finding.state is not None:
                local[(watch.name, "position", key)] = finding.state
            findings.append(finding)
    if revision_of:
        findings = [_with_revision(f, revision_of) for f in findings]
    return findings


def _with_revision(finding: Finding, revision_of: str) -> Finding:
    if finding.change is None:
        return finding
    payload = {**finding.change.payload, "revision_of": revision_of}
    return replace(finding, change=replace(finding.change, payload=payload))


def _figure_finding(watch: str, figure: Figure, source: Source, outcome: FigureDiff) -> Finding:
    observation = ObservationRecord(
        watch=watch,
        kind="figure",
        key=figure.key,
        label=figure.label,
        evidence=figure.evidence,
        offset=figure.offset,
        source_name=source.name,
        url=source.url,
        published_at=source.published_at,
        disposition=outcome.disposition,
        value=figure.value,
        low=figure.low,
        high=figure.high,
        bound=figure.bound,
        unit=figure.unit,
        display=figure.display,
        window=figure.window,
    )
    change = _figure_change(outcome.change, figure) if outcome.change else None
    return Finding(
        observation=observation,
        state=state_to_dict(outcome.state) if outcome.state is not None else None,
        change=change,
        corroborates=outcome.disposition == "corroborated",
    )


def _figure_change(change: FigureChange, figure: Figure) -> ChangeRecord:
    old: FigureState | None = change.old
    new: FigureState = change.new
    delta = change.delta
    payload: dict[str, Any] = {
        "kind": change.kind,
        "key": change.key,
        "label": change.label,
        "old": old.display if old else None,
        "new": new.display,
        "delta": _format_delta(delta, new.unit) if delta is not None else None,
        "evidence": new.evidence,
        "highlight": figure.display if figure.display in new.evidence else None,
        "source": source_to_dict(new.source),
        "previous": (
            {
                "evidence": old.evidence,
                "display": old.display,
                "source": source_to_dict(old.source),
            }
            if old
            else None
        ),
        "old_value": old.value if old else None,
        "new_value": new.value,
        "bound": new.bound,
        "unit": new.unit,
        "low": new.low,
        "high": new.high,
    }
    return ChangeRecord(
        kind=change.kind,
        label=change.label,
        summary=change.summary,
        old=old.display if old else None,
        new=new.display,
        old_value=old.value if old else None,
        new_value=new.value,
        significance=change.significance,
        payload=payload,
    )


def _format_delta(delta: float, unit: str) -> str:
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    magnitude = abs(delta)
    text = f"{magnitude:,.0f}" if magnitude == int(magnitude) else f"{magnitude:,.2f}"
    if unit == "percent":
        return f"{sign}{text} points"
    return f"{sign}{text}"


def _position_finding(
    watch: WatchSpec, key: str, position: Position, source: Source, outcome: PositionDiff
) -> Finding:
    observation = ObservationRecord(
        watch=watch.name,
        kind="position",
        key=key,
        label=f"{position.actor} on {position.topic}",
        evidence=position.evidence,
        offset=position.offset,
        source_name=source.name,
        url=source.url,
        published_at=source.published_at,
        disposition=outcome.disposition,
        actor=position.actor,
        topic=position.topic,
        stance=position.stance,
        claim=position.claim,
    )
    change = None
    if outcome.change is not None:
        # A refinement (same stance, new terms) goes to digests only: see position_diff.
        alerted = outcome.change.kind != "refinement" or watch.digest
        change = replace(_position_change(outcome.change, position), alerted=alerted)
    return Finding(
        observation=observation,
        state=position_state_to_dict(outcome.state) if outcome.state is not None else None,
        change=change,
        corroborates=False,
    )


def _position_change(change: PositionChange, position: Position) -> ChangeRecord:
    old: PositionState | None = change.old
    new: PositionState = change.new
    old_display = f"{old.stance}: {old.claim}" if old else None
    new_display = f"{new.stance}: {new.claim}"
    payload: dict[str, Any] = {
        "kind": change.kind,
        "key": f"{change.actor}:{change.topic}",
        "label": f"{change.actor} on {change.topic}",
        "actor": change.actor,
        "topic": change.topic,
        "old": old_display,
        "new": new_display,
        "old_stance": old.stance if old else None,
        "new_stance": new.stance,
        "old_claim": old.claim if old else None,
        "new_claim": new.claim,
        "delta": None,
        "evidence": new.evidence,
        "highlight": position.claim if position.claim in new.evidence else None,
        "source": source_to_dict(new.source),
        "previous": (
            {
                "evidence": old.evidence,
                "display": old_display,
                "source": source_to_dict(old.source),
            }
            if old
            else None
        ),
    }
    return ChangeRecord(
        kind=change.kind,
        label=f"{change.actor} on {change.topic}",
        summary=change.summary,
        old=old_display,
        new=new_display,
        old_value=None,
        new_value=None,
        significance=change.significance,
        payload=payload,
    )
