"""Figure + current state -> what it means: baseline, change, correction, or nothing new.

Pure: no clock (the caller passes `observed_at`), no database. The rules, in order:

1. A windowed or planned figure ("104 killed since Friday", "would release 20") is stored and
   never compared with the metric: `windowed`.
2. No current state: the first report is the `baseline` (stored, not alerted).
3. A different unit than the state's (dollars against euros) cannot be compared: `incomparable`.
4. Another outlet stating the same value with the same bound word corroborates it, whenever
   it was published: `corroborated` (its source is added to the state).
5. An article published before the report that set the state (an older article fetched late)
   changes nothing: `older`. A new version of an article already behind the state never is;
   nor is anything when the state's report carries no publication time.
6. The *current* state is read with its implied interval and the *new* report literally (see
   metrics.py). Overlap is not news: `same` (the state takes the new report when that is more
   precise, "67,074" after "about 67,000").
7. No overlap and lower, on a cumulative metric: `stale` from another outlet, `correction` when
   the outlet (or the very article) behind the state lowers its own figure. On any metric, a
   report from an article that recounts the metric's earlier values (`Figure.recount`: "had
   first offered $80bn, before raising it to $100bn") is `stale` when it falls back on a value
   the metric has left (the state keeps the intervals it moved away from).
8. A move smaller than min_change is `below_threshold`: stored, but the state keeps the value a
   reader was last told, so that small moves add up against it and are never hidden forever.
9. Anything else is a `change` (alerted).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from monitor.facts.figures import Figure
from monitor.facts.metrics import MetricSpec, MinChange
from monitor.facts.model import Source, parse_timestamp, source_from_dict, source_to_dict

__all__ = [
    "DISPOSITIONS",
    "FigureChange",
    "FigureDiff",
    "FigureState",
    "diff_figure",
    "state_from_dict",
    "state_from_figure",
    "state_to_dict",
]

DISPOSITIONS = (
    "baseline",
    "change",
    "correction",
    "same",
    "corroborated",
    "stale",
    "older",
    "below_threshold",
    "windowed",
    "incomparable",
)


@dataclass(frozen=True, slots=True)
class FigureState:
    """The current state of one metric of one watch; the store keeps it as JSON."""

    value: float
    low: float | None
    high: float | None
    bound: str
    unit: str
    display: str
    evidence: str
    source: Source
    observed_at: datetime
    sources: tuple[Source, ...] = ()  # every outlet that reported this value, the first included
    # The intervals of earlier states, newest first: values the metric has moved away from.
    left: tuple[tuple[float | None, float | None], ...] = ()


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A move a reader must be told about."""

    key: str
    label: str
    kind: str  # "figure" | "correction"
    old: FigureState | None
    new: FigureState
    delta: float | None  # new.value - old.value
    significance: float  # 0..1, for ordering and subjects
    summary: str  # "Gaza death toll: more than 66,600 -> 67,074 (+474)"


@dataclass(frozen=True, slots=True)
class FigureDiff:
    """What one figure means against the current state, and the state to store."""

    disposition: str
    change: FigureChange | None  # set for change and correction only (these are alerted)
    state: FigureState | None  # the new current state; None keeps the current one


def state_from_figure(fig: Figure, source: Source, observed_at: datetime) -> FigureState:
    """The state a figure sets when it becomes the current value."""
    return FigureState(
        value=fig.value,
        low=fig.low,
        high=fig.high,
        bound=fig.bound,
        unit=fig.unit,
        display=fig.display,
        evidence=fig.evidence,
        source=source,
        observed_at=observed_at,
        sources=(source,),
    )


def diff_figure(
    fig: Figure,
    source: Source,
    current: FigureState | None,
    spec: MetricSpec,
    *,
    observed_at: datetime,
) -> FigureDiff:
    """Compares one figure with the metric's current state; see the module docstring."""
    if fig.window is not None:
        return FigureDiff("windowed", None, None)
    new = state_from_figure(fig, source, observed_at)
    if current is None:
        return FigureDiff("baseline", None, new)
    if new.unit != current.unit:
        return FigureDiff("incomparable", None, None)
    direction = _direction(current, new)
    if (
        direction == 0
        and new.value == current.value
        and new.bound == current.bound
        and not _same_outlet(source, current)
    ):
        sources = current.sources or (current.source,)
        return FigureDiff("corroborated", None, replace(current, sources=(*sources, source)))
    if _is_older(source, current):
        return FigureDiff("older", None, None)
    if direction == 0:
        if _width(new) < _width(current):
            return FigureDiff("same", None, replace(new, left=current.left))
        return FigureDiff("same", None, None)
    if fig.recount and _left_behind(new, current):
        return FigureDiff("stale", None, None)
    new = replace(new, left=((current.low, current.high), *current.left)[:_LEFT_KEPT])
    kind = "figure"
    if direction < 0 and spec.cumulative:
        if not _same_outlet(source, current):
            return FigureDiff("stale", None, None)
        kind = "correction"
    if _below(abs(new.value - current.value), current.value, spec.min_change):
        return FigureDiff("below_threshold", None, None)
    change = _change(spec, kind, current, new)
    return FigureDiff("correction" if kind == "correction" else "change", change, new)


# --- intervals ------------------------------------------------------------------------------
# Which ends of a bound's interval are open (see metrics.py): "more than 66,600" excludes
# 66,600; "at least 10" [10, 11) excludes the next step; "fewer than 50" excludes 50.
_LOW_OPEN = frozenset({"more_than"})
_HIGH_OPEN = frozenset({"at_least", "fewer_than", "vague"})


def _implied(s: FigureState) -> tuple[float, bool, float, bool]:
    low = s.low if s.low is not None else -math.inf
    high = s.high if s.high is not None else math.inf
    if low > high:
        low, high = high, low
    return low, s.bound in _LOW_OPEN, high, s.bound in _HIGH_OPEN


def _literal(s: FigureState) -> tuple[float, bool, float, bool]:
    """A new report read as written: one-sided bounds are open on their far side."""
    low, low_open, high, high_open = _implied(s)
    if s.bound in ("more_than", "at_least"):
        return s.value, s.bound == "more_than", math.inf, False
    if s.bound in ("up_to", "fewer_than"):
        return -math.inf, False, s.value, s.bound == "fewer_than"
    return low, low_open, high, high_open


def _direction(current: FigureState, new: FigureState) -> int:
    """+1 when the new report lies wholly above the current state, -1 below, 0 overlap."""
    c_low, c_low_open, c_high, c_high_open = _implied(current)
    n_low, n_low_open, n_high, n_high_open = _literal(new)
    if n_low > c_high or (n_low == c_high and (n_low_open or c_high_open)):
        return 1
    if n_high < c_low or (n_high == c_low and (n_high_open or c_low_open)):
        return -1
    return 0


_LEFT_KEPT = 8


def _left_behind(new: FigureState, current: FigureState) -> bool:
    """The new report overlaps a value the metric has moved away from."""
    n_low, _, n_high, _ = _literal(new)
    for low, high in current.left:
        lo = -math.inf if low is None else low
        hi = math.inf if high is None else high
        if n_low <= hi and lo <= n_high:
            return True
    return False


def _width(s: FigureState) -> float:
    low, _, high, _ = _implied(s)
    return high - low


# --- sources and time -----------------------------------------------------------------------
def _outlets(s: FigureState) -> list[Source]:
    return [s.source, *s.sources]


def _same_outlet(source: Source, current: FigureState) -> bool:
    name = source.name.casefold()
    return any(
        (name and o.name.casefold() == name) or (source.url and o.url == source.url)
        for o in _outlets(current)
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _is_older(source: Source, current: FigureState) -> bool:
    """Published before the report behind the state; a revision of that article never is."""
    if source.published_at is None:
        return False
    if source.url and any(o.url == source.url for o in _outlets(current)):
        return False
    reference = current.source.published_at
    return reference is not None and _utc(source.published_at) < _utc(reference)


# --- thresholds, change -----------------------------------------------------------------------
def _below(magnitude: float, reference: float, threshold: MinChange) -> bool:
    if threshold.absolute is not None and magnitude < threshold.absolute:
        return True
    if threshold.relative is not None:
        return magnitude < threshold.relative * abs(reference)
    return False


def _change(spec: MetricSpec, kind: str, old: FigureState, new: FigureState) -> FigureChange:
    delta = new.value - old.value
    relative = abs(delta) / max(abs(old.value), 1.0)
    significance = 0.25 + 0.75 * min(1.0, relative / 0.10)
    if kind == "correction":
        significance = max(significance, 0.6)
    label = spec.label or spec.name
    head = f"{label} (corrected)" if kind == "correction" else label
    moved = f" ({_format_delta(delta, new.unit)})" if delta else ""
    return FigureChange(
        key=spec.name,
        label=label,
        kind=kind,
        old=old,
        new=new,
        delta=delta,
        significance=round(significance, 3),
        summary=f"{head}: {old.display} -> {new.display}{moved}",
    )


def _format_delta(delta: float, unit: str) -> str:
    sign = "+" if delta > 0 else "-"
    magnitude = abs(delta)
    if magnitude >= 1e9 and magnitude % 1e7 == 0:
        text = f"{magnitude / 1e9:,.2f}".rstrip("0").rstrip(".") + "bn"
    elif magnitude >= 1e6 and magnitude % 1e4 == 0:
        text = f"{magnitude / 1e6:,.2f}".rstrip("0").rstrip(".") + "m"
    elif magnitude == int(magnitude):
        text = f"{int(magnitude):,}"
    else:
        text = f"{magnitude:,.3f}".rstrip("0").rstrip(".")
    if unit in ("percent", "percentage_point"):
        return f"{sign}{text} points"
    if unit.startswith("currency:"):
        return f"{sign}{unit.split(':', 1)[1]} {text}"
    return sign + text


# --- JSON -------------------------------------------------------------------------------------
def _number(value: object, name: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"diff: figure state field {name} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"diff: figure state field {name} must be finite")
    return number


def _left(value: object) -> tuple[tuple[float | None, float | None], ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ValueError("diff: figure state field left must be a list")
    out: list[tuple[float | None, float | None]] = []
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise ValueError("diff: figure state field left holds [low, high] pairs")
        out.append(
            (_number(item[0], "left", optional=True), _number(item[1], "left", optional=True))
        )
    return tuple(out[:_LEFT_KEPT])


def state_to_dict(s: FigureState) -> dict[str, object]:
    """A JSON-safe dict (plain numbers, ISO timestamps); state_from_dict reads it back."""
    return {
        "value": s.value,
        "low": s.low,
        "high": s.high,
        "bound": s.bound,
        "unit": s.unit,
        "display": s.display,
        "evidence": s.evidence,
        "source": source_to_dict(s.source),
        "observed_at": s.observed_at.isoformat(),
        "sources": [source_to_dict(o) for o in s.sources],
        "left": [[low, high] for low, high in s.left],
    }


def state_from_dict(d: Mapping[str, object]) -> FigureState:
    """The inverse of state_to_dict; raises ValueError naming the field that is wrong."""
    try:
        value = _number(d["value"], "value")
        source = source_from_dict(d["source"], stage="diff")
        raw_sources = d.get("sources") or []
        if not isinstance(raw_sources, list | tuple):
            raise ValueError("diff: figure state field sources must be a list")
        assert value is not None
        return FigureState(
            value=value,
            low=_number(d.get("low"), "low", optional=True),
            high=_number(d.get("high"), "high", optional=True),
            bound=str(d.get("bound") or "exact"),
            unit=str(d.get("unit") or "count"),
            display=str(d.get("display") or ""),
            evidence=str(d.get("evidence") or ""),
            source=source,
            observed_at=parse_timestamp(d["observed_at"], stage="diff"),
            sources=tuple(source_from_dict(o, stage="diff") for o in raw_sources) or (source,),
            left=_left(d.get("left")),
        )
    except KeyError as exc:
        raise ValueError(f"diff: figure state lacks field {exc.args[0]}") from None
