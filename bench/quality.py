"""Figure and position engine quality on seeds/ and bench/corpus/: `python -m bench.quality`.

Every story runs through the real path of the daemon: each article version (a page revised in
place is a second version of the same URL) is checked with `is_relevant`, then `analyse`d against
the states the earlier versions left, in published order, exactly as the pipeline stores them.
The seeds story is read from story.yaml: pages extracted by trafilatura, the outlet's title as
source name, one stable URL per article as the demo serves it, items at their `published` time,
revisions at their `updated` time. A corpus story is its articles/ folder (front matter files).

Scores (micro-averaged over stories for the overall row):

- figures: extraction of cumulative/current figures per article, as a set (a number repeated in
  headline and body is one figure). A prediction matches a gold figure on article, metric, value
  (relative tolerance 1e-6; a range on its low and high ends) and bound. Extraction is what
  `monitor extract` lists (every mention, not only the one sent to the diff).
- windowed: figures tied to a window, an event or a part ("104 killed since Friday"), scored
  apart from the above and matched on value and bound only (their metric is informative).
  A gold windowed figure found as a current one counts as a miss here and a false figure above.
- changes: alerted figure changes (kind figure or correction) matched on article, metric and new
  value. A second alert for the same gold change is a false one.
- round/stale: false figure alerts caused by rounding, repeats, corroboration, min_change or stale
  reports (the figure was right, the diff alerted it). Seeds name the reason in gold.yaml
  (`silent`); in the corpus a false alert is rounding when the article's gold has that value for
  that metric (and the old value too, in any article), stale when it is also lower than the old
  value on a cumulative metric, window when the gold has it as a windowed count, else an
  extraction error.
- positions: (article, actor, topic, stance) sets; a predicted `other` is ignored.
- shifts: alerted position changes of kind shift, matched on article, actor, topic, new stance.
  Refinements are counted apart and never penalised (see bench/corpus/README.md).

Seeds gold lists changes, baselines and silent reports rather than every figure of every
article: extraction there is scored on the first version of each article against the baselines,
changes and silent reports that name it; a silent report for every outlet (`outlet: "*"`) is
allowed anywhere but not required. Corpus stories without gold.yaml yet are skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from monitor.analysis import WatchSpec, analyse, is_relevant, watch_specs
from monitor.articles import extract_article, normalise_text
from monitor.config import load_config
from monitor.documents import Document, DocumentError, read_document
from monitor.errors import MonitorError
from monitor.facts.model import Source
from monitor.store.facts import Finding

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPUS = ROOT / "bench" / "corpus"
DEMO_BASE = "http://127.0.0.1:8000"
ROUNDING = frozenset({"rounding", "repeat", "corroboration", "min_change"})
_METRICS = (
    "figures",
    "windowed",
    "changes",
    "positions",
    "shifts",
    "positions_configured",
    "shifts_configured",
)


# --- gold ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GoldFigure:
    metric: str | None  # None: any metric (windowed figures)
    value: float
    high: float | None = None
    bound: str | None = "exact"  # None: any bound
    window: bool = False


@dataclass(frozen=True, slots=True)
class GoldChange:
    article: str
    metric: str
    new_value: float
    correction: bool = False


@dataclass(frozen=True, slots=True)
class GoldPosition:
    actor: str
    topic: str
    stance: str | None  # None: any stance (allowed, not required)


@dataclass(frozen=True, slots=True)
class GoldShift:
    article: str
    actor: str
    topic: str
    new_stance: str


@dataclass(frozen=True, slots=True)
class Silent:
    """A report that must not alert, and why (seeds gold)."""

    article: str  # "*": any article
    metric: str
    value: float
    why: str


@dataclass
class Gold:
    figures: dict[str, list[GoldFigure]] = field(default_factory=dict)  # judged articles only
    allowed_figures: list[GoldFigure] = field(default_factory=list)  # anywhere, not required
    positions: dict[str, list[GoldPosition]] = field(default_factory=dict)
    figure_changes: list[GoldChange] = field(default_factory=list)
    shifts: list[GoldShift] = field(default_factory=list)
    silent: list[Silent] = field(default_factory=list)
    judges_shifts: bool = False


@dataclass(frozen=True, slots=True)
class Version:
    """One article version as the pipeline would analyse it."""

    article: str  # the id gold uses: a file name, or outlet/slug
    label: str
    text: str
    title: str
    source: Source
    scored: bool  # extraction is scored on this version


@dataclass
class Story:
    name: str
    watches: tuple[WatchSpec, ...]
    versions: list[Version]
    gold: Gold

    def configured(self, actor: object, topic: object) -> bool:
        """Gold annotates only the watch's own actors and topics; an engine may find others."""
        actors = {a.name for w in self.watches for a in w.actors}
        topics = {t.name for w in self.watches for t in w.topics}
        return actor in actors and topic in topics


# --- scores -------------------------------------------------------------------------------------
@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class Result:
    name: str
    scores: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in _METRICS})
    false_alerts: dict[str, int] = field(default_factory=dict)  # reason -> count
    refinements: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    judged: set[str] = field(default_factory=set)  # metrics this story's gold judges

    @property
    def rounding_stale(self) -> int:
        return sum(n for why, n in self.false_alerts.items() if why in ROUNDING | {"stale"})

    def as_dict(self) -> dict[str, Any]:
        return {
            "scores": {m: s.as_dict() for m, s in self.scores.items() if m in self.judged},
            "false_alerts": dict(sorted(self.false_alerts.items())),
            "rounding_stale_alerts": self.rounding_stale,
            "refinements": self.refinements,
            "errors": self.errors,
        }


# --- loading ------------------------------------------------------------------------------------
def _time(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _gold_figure(raw: Mapping[str, Any], *, any_bound: bool = False) -> GoldFigure:
    window = bool(raw.get("window")) or raw.get("why") == "window"
    bound = raw.get("bound", "exact")
    return GoldFigure(
        metric=None if window else str(raw["metric"]),
        value=float(raw["value"]),
        high=float(raw["high"]) if raw.get("high") is not None else None,
        bound=None if any_bound else str(bound),
        window=window,
    )


def _document(path: Path, notes: list[str]) -> Document:
    """read_document, or a lenient reading of a front matter that is not valid YAML (an unquoted
    title with a colon): the article is still worth scoring, and the note says why."""
    try:
        return read_document(path)
    except DocumentError as exc:
        if "front matter is not valid YAML" not in str(exc):
            raise
    text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    header, _, body = text[3:].partition("\n---")
    meta = {}
    for line in header.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip().strip("\"'")
    notes.append(f"{path.parent.parent.name}/{path.name}: front matter is not valid YAML")
    published = meta.get("published")
    source = Source(
        name=meta.get("source") or path.parent.name,
        url=meta.get("url") or path.resolve().as_uri(),
        published_at=_time(published.replace("Z", "+00:00")) if published else None,
        title=meta.get("title", ""),
    )
    body = body.split("\n", 1)[1] if "\n" in body else ""
    return Document(path, normalise_text(body), source.title, source)


def load_corpus_story(root: Path, notes: list[str] | None = None) -> Story | None:
    gold_path = root / "gold.yaml"
    if not gold_path.exists():
        return None
    config = load_config(root / "config.yaml", env={})
    raw = _yaml(gold_path) or {}
    watches = tuple(w for w in watch_specs(config) if w.name == raw.get("watch", w.name))
    notes = [] if notes is None else notes
    docs = [_document(p, notes) for p in sorted((root / "articles").glob("*.txt"))]
    far = datetime.max.replace(tzinfo=UTC)
    docs.sort(key=lambda d: (d.source.published_at or far, d.path.name))
    versions = [
        Version(d.path.name, d.path.name, d.text, d.title, d.source, scored=True) for d in docs
    ]
    gold = Gold()
    for name, entry in (raw.get("articles") or {}).items():
        entry = entry or {}
        if entry.get("figures") is not None:
            gold.figures[name] = [_gold_figure(f) for f in entry["figures"]]
        if entry.get("positions") is not None:
            gold.positions[name] = [
                GoldPosition(p["actor"], p["topic"], p["stance"]) for p in entry["positions"]
            ]
    for change in raw.get("changes") or []:
        if change["kind"] == "figure":
            gold.figure_changes.append(
                GoldChange(
                    change["article"],
                    change["metric"],
                    float(change["new_value"]),
                    bool(change.get("correction")),
                )
            )
        elif change["kind"] == "position":
            gold.shifts.append(
                GoldShift(change["article"], change["actor"], change["topic"], change["new_stance"])
            )
    gold.judges_shifts = bool(gold.positions) or bool(gold.shifts)
    return Story(root.name, watches, versions, gold)


def load_seeds_story(root: Path) -> Story:
    story = _yaml(root / "story.yaml")
    env = {"DEMO_BASE_URL": DEMO_BASE, "DEMO_DIR": "var/quality"}
    config = load_config(root / "config.yaml", env=env)
    raw = _yaml(root / "gold.yaml")
    watches = tuple(w for w in watch_specs(config) if w.name == raw["watch"])
    titles = {o["name"]: o.get("title", o["name"]) for o in story["outlets"]}
    versions: list[Version] = []
    first_day: dict[str, date] = {}
    for day in story["days"]:
        for item in day.get("items") or []:
            article = f"{item['outlet']}/{item['slug']}"
            published = _time(item["published"])
            first_day[article] = published.date()
            versions.append(_seed_version(root, titles, item, article, published, scored=True))
        for rev in day.get("revisions") or []:
            article = f"{rev['outlet']}/{rev['slug']}"
            versions.append(_seed_version(root, titles, rev, article, _time(rev["updated"])))
    versions.sort(key=lambda v: v.source.published_at or datetime.max.replace(tzinfo=UTC))
    return Story("seeds/" + root.name, watches, versions, _seeds_gold(raw, first_day))


def _seed_version(
    root: Path,
    titles: Mapping[str, str],
    entry: Mapping[str, Any],
    article: str,
    published: datetime,
    *,
    scored: bool = False,
) -> Version:
    url = f"{DEMO_BASE}/{article}.html"
    page = extract_article((root / entry["page"]).read_bytes(), url=url)
    if page is None:
        raise SystemExit(f"quality: no article text in {root / entry['page']}")
    title = page.title or str(entry.get("title", ""))
    source = Source(titles[entry["outlet"]], url, published, title)
    label = article if scored else f"{article} (revised {published:%d %b %H:%M})"
    return Version(article, label, page.text, title, source, scored)


def _seeds_gold(raw: Mapping[str, Any], first_day: Mapping[str, date]) -> Gold:
    """Per-article expectations from the seeds gold: baselines, changes, silent reports."""
    gold = Gold(judges_shifts=True)
    for article in first_day:
        gold.figures[article] = []
        gold.positions[article] = []

    def on_first_version(entry: Mapping[str, Any], article: str) -> bool:
        return "day" not in entry or date.fromisoformat(str(entry["day"])) == first_day[article]

    for change in raw.get("changes") or []:
        article = f"{change['outlet']}/{change['slug']}"
        first = on_first_version(change, article)
        if change["kind"] == "figure":
            gold.figure_changes.append(
                GoldChange(article, change["metric"], float(change["new_value"]))
            )
            new = GoldFigure(change["metric"], float(change["new_value"]))
            if first:
                gold.figures[article].append(new)
            for other in change.get("corroborated_by") or []:
                gold.figures[f"{other['outlet']}/{other['slug']}"].append(new)
        else:
            gold.shifts.append(
                GoldShift(article, change["actor"], change["topic"], change["new_stance"])
            )
            if first:
                gold.positions[article].append(
                    GoldPosition(change["actor"], change["topic"], change["new_stance"])
                )
    for base in raw.get("baselines") or []:
        article = f"{base['outlet']}/{base['slug']}"
        if "metric" in base:
            gold.figures[article].append(_gold_figure(base))
        else:
            gold.positions[article].append(
                GoldPosition(base["actor"], base["topic"], base["stance"])
            )
    for entry in raw.get("silent") or []:
        anywhere = entry["outlet"] == "*"
        article = "*" if anywhere else f"{entry['outlet']}/{entry['slug']}"
        if "metric" in entry:
            why = str(entry.get("why", ""))
            gold.silent.append(Silent(article, entry["metric"], float(entry["value"]), why))
            if why == "not_this_metric":
                continue
            if anywhere:
                gold.allowed_figures.append(_gold_figure(entry, any_bound=True))
            else:
                gold.figures[article].append(_gold_figure(entry))
        elif not anywhere and entry.get("why") == "reinforcement":
            stance = entry.get("stance")
            gold.positions[article].append(GoldPosition(entry["actor"], entry["topic"], stance))
    return gold


def load_stories(
    corpus: Path = CORPUS, seeds: Path = SEEDS, notes: list[str] | None = None
) -> tuple[list[Story], list[str]]:
    """Every story with gold, and those skipped with the reason (no gold.yaml, a bad file);
    `notes` collects files read leniently."""
    stories = [load_seeds_story(seeds / "gaza")]
    skipped: list[str] = []
    for root in sorted(p for p in corpus.iterdir() if p.is_dir()) if corpus.exists() else []:
        try:
            story = load_corpus_story(root, notes)
        except MonitorError as exc:  # a story being written: say so, score the others
            skipped.append(f"{root.name} ({exc})")
            continue
        if story is None:
            skipped.append(f"{root.name} (no gold.yaml)")
        else:
            stories.append(story)
    return stories, skipped


# --- running --------------------------------------------------------------------------------------
def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _figure_matches(gold: GoldFigure, obs: Any) -> bool:
    if gold.metric is not None and obs.key != gold.metric:
        return False
    if gold.bound is not None and obs.bound != gold.bound:
        return False
    if gold.high is not None or obs.bound == "range":
        return _close(obs.low, gold.value) and _close(obs.high, gold.high)
    return _close(obs.value, gold.value)


def _score_figures(result: Result, version: Version, gold: Gold, findings: list[Finding]) -> None:
    expected = gold.figures.get(version.article)
    if expected is None:
        return
    expected = list(dict.fromkeys(expected))  # gold may name one figure twice (seeds)
    seen: dict[tuple[Any, ...], Any] = {}
    for f in findings:
        obs = f.observation
        if obs.kind == "figure":
            seen.setdefault(
                (obs.key, obs.value, obs.low, obs.high, obs.bound, bool(obs.window)), obs
            )
    for windowed, metric in ((False, "figures"), (True, "windowed")):
        score = result.scores[metric]
        wanted = [g for g in expected if g.window == windowed]
        preds = [o for o in seen.values() if bool(o.window) == windowed]
        used: set[int] = set()
        for g in wanted:
            hit = next(
                (i for i, o in enumerate(preds) if i not in used and _figure_matches(g, o)), None
            )
            if hit is None:
                score.fn += 1
                near = [
                    o for o in seen.values() if _close(o.value, g.value) or _close(o.low, g.value)
                ]
                result.errors.append(
                    {
                        "type": f"missed {'windowed ' if windowed else ''}figure",
                        "article": version.label,
                        "gold": _figure_text(g),
                        "found_instead": [_obs_text(o) for o in near],
                    }
                )
            else:
                used.add(hit)
                score.tp += 1
        allowed = [*gold.allowed_figures, *(g for g in expected if g.window != windowed)]
        for i, o in enumerate(preds):
            if i in used:
                continue
            if any(g.window == windowed and _figure_matches(g, o) for g in allowed):
                continue  # allowed anywhere (seeds "*"), not required
            score.fp += 1
            result.errors.append(
                {
                    "type": f"false {'windowed ' if windowed else ''}figure",
                    "article": version.label,
                    "found": _obs_text(o),
                    "evidence": o.evidence,
                }
            )


def _figure_text(g: GoldFigure) -> str:
    high = f"-{g.high:g}" if g.high is not None else ""
    window = " (windowed)" if g.window else ""
    return f"{g.metric or '*'} {g.bound or ''} {g.value:g}{high}{window}".replace("  ", " ")


def _obs_text(o: Any) -> str:
    window = f" [window: {o.window}]" if o.window else ""
    return f"{o.key} {o.bound} {o.display} = {o.value:g}{window}"


def _score_positions(
    result: Result, story: Story, version: Version, findings: list[Finding]
) -> None:
    expected = story.gold.positions.get(version.article)
    if expected is None:
        return
    score = result.scores["positions"]
    narrow = result.scores["positions_configured"]
    preds: dict[tuple[str, str, str], Any] = {}
    for f in findings:
        obs = f.observation
        if obs.kind == "position" and obs.stance != "other":
            preds.setdefault((str(obs.actor), str(obs.topic), str(obs.stance)), obs)
    required = {(g.actor, g.topic, g.stance) for g in expected if g.stance is not None}
    loose = {(g.actor, g.topic) for g in expected if g.stance is None}
    for key in sorted(required):
        if key in preds:
            score.tp += 1
            narrow.tp += 1
        else:
            score.fn += 1
            narrow.fn += 1
            found = [f"{k[2]}: {o.evidence}" for k, o in preds.items() if k[:2] == key[:2]]
            result.errors.append(
                {
                    "type": "missed position",
                    "article": version.label,
                    "gold": " / ".join(key),
                    "found_instead": found,
                }
            )
    for key, obs in preds.items():
        if key in required or key[:2] in loose:
            continue
        score.fp += 1
        narrow.fp += story.configured(key[0], key[1])
        result.errors.append(
            {
                "type": "false position",
                "article": version.label,
                "found": " / ".join(key),
                "claim": obs.claim,
                "evidence": obs.evidence,
            }
        )


def _classify(story: Story, version: Version, obs: Any, change: Any) -> str:
    """Why a figure alert that gold does not want was raised."""
    gold = story.gold
    for s in gold.silent:
        if (
            s.article in ("*", version.article)
            and s.metric == obs.key
            and _close(s.value, change.new_value)
        ):
            return "rounding" if s.why == "rounding" else s.why
    expected = gold.figures.get(version.article, [])
    value = change.new_value
    if any(g.window and (_close(g.value, value) or _close(g.value, obs.low)) for g in expected):
        return "window"
    if any(not g.window and g.metric == obs.key and _close(g.value, value) for g in expected):
        if change.old_value is not None and not any(
            not g.window and g.metric == obs.key and _close(g.value, change.old_value)
            for figures in gold.figures.values()
            for g in figures
        ):
            return "extraction"  # the state came from a figure gold does not have
        spec = next((w.spec_for(obs.key) for w in story.watches if w.spec_for(obs.key)), None)
        lower = change.old_value is not None and value < change.old_value
        return "stale" if lower and spec is not None and spec.cumulative else "rounding"
    return "extraction"


def evaluate_story(story: Story) -> Result:
    result = Result(story.name)
    gold = story.gold
    result.judged = {"changes"}
    if gold.figures:
        result.judged |= {"figures", "windowed"}
    if gold.positions:
        result.judged |= {"positions", "positions_configured"}
    if gold.judges_shifts:
        result.judged |= {"shifts", "shifts_configured"}
    states: dict[tuple[str, str, str], dict[str, Any]] = {}
    wanted_changes = list(gold.figure_changes)
    wanted_shifts = list(gold.shifts)
    for version in story.versions:
        watches = [w for w in story.watches if is_relevant(w, version.text, title=version.title)]
        moment = version.source.published_at or datetime.now(UTC)
        if version.scored:
            mentions = analyse(
                version.text,
                source=version.source,
                watches=watches,
                states=lambda *_: None,
                observed_at=moment,
                all_mentions=True,
            )
            _score_figures(result, version, gold, mentions)
            _score_positions(result, story, version, mentions)
        findings = analyse(
            version.text,
            source=version.source,
            watches=watches,
            states=lambda w, k, key: states.get((w, k, key)),
            observed_at=moment,
        )
        for f in findings:
            obs = f.observation
            if f.state is not None:
                # The store keeps states as JSON: the round trip is part of the real path.
                states[(obs.watch, obs.kind, obs.key)] = json.loads(json.dumps(f.state))
            if f.change is None:
                continue
            if obs.kind == "figure":
                if f.change.alerted:
                    _score_change(result, story, version, obs, f.change, wanted_changes)
            elif f.change.kind == "shift":
                if gold.judges_shifts:
                    _score_shift(result, story, version, obs, f.change, wanted_shifts)
            else:
                result.refinements += 1
    result.scores["changes"].fn += len(wanted_changes)
    for g in wanted_changes:
        result.errors.append(
            {
                "type": "missed change",
                "article": g.article,
                "gold": f"{g.metric} -> {g.new_value:g}",
            }
        )
    if gold.judges_shifts:
        result.scores["shifts"].fn += len(wanted_shifts)
        result.scores["shifts_configured"].fn += len(wanted_shifts)
        for s in wanted_shifts:
            result.errors.append(
                {
                    "type": "missed shift",
                    "article": s.article,
                    "gold": f"{s.actor} / {s.topic} -> {s.new_stance}",
                }
            )
    return result


def _score_change(
    result: Result,
    story: Story,
    version: Version,
    obs: Any,
    change: Any,
    wanted: list[GoldChange],
) -> None:
    low = change.payload.get("low")
    for i, g in enumerate(wanted):
        if (
            g.article == version.article
            and g.metric == obs.key
            and (_close(g.new_value, change.new_value) or _close(g.new_value, low))
        ):
            del wanted[i]
            result.scores["changes"].tp += 1
            return
    why = _classify(story, version, obs, change)
    result.scores["changes"].fp += 1
    result.false_alerts[why] = result.false_alerts.get(why, 0) + 1
    result.errors.append(
        {
            "type": f"false change ({why})",
            "article": version.label,
            "found": change.summary,
            "evidence": obs.evidence,
        }
    )


def _score_shift(
    result: Result,
    story: Story,
    version: Version,
    obs: Any,
    change: Any,
    wanted: list[GoldShift],
) -> None:
    new_stance = change.payload.get("new_stance")
    for i, g in enumerate(wanted):
        if (g.article, g.actor, g.topic, g.new_stance) == (
            version.article,
            obs.actor,
            obs.topic,
            new_stance,
        ):
            del wanted[i]
            result.scores["shifts"].tp += 1
            result.scores["shifts_configured"].tp += 1
            return
    result.scores["shifts"].fp += 1
    result.scores["shifts_configured"].fp += story.configured(obs.actor, obs.topic)
    result.errors.append(
        {
            "type": "false shift",
            "article": version.label,
            "found": change.summary,
            "claim": obs.claim,
            "evidence": obs.evidence,
        }
    )


@dataclass
class Report:
    results: list[Result]
    skipped: list[str]
    notes: list[str] = field(default_factory=list)

    def overall(self) -> Result:
        total = Result("overall")
        for r in self.results:
            total.judged |= r.judged
            for m in _METRICS:
                if m in r.judged:
                    total.scores[m].add(r.scores[m])
            for why, n in r.false_alerts.items():
                total.false_alerts[why] = total.false_alerts.get(why, 0) + n
            total.refinements += r.refinements
        return total

    def as_dict(self) -> dict[str, Any]:
        overall = self.overall().as_dict()
        del overall["errors"]
        return {
            "stories": {r.name: r.as_dict() for r in self.results},
            "overall": overall,
            "skipped": self.skipped,
            "notes": self.notes,
        }


def evaluate(
    stories: Iterable[Story], skipped: Sequence[str] = (), notes: Sequence[str] = ()
) -> Report:
    return Report([evaluate_story(s) for s in stories], list(skipped), list(notes))


# --- output ---------------------------------------------------------------------------------------
_COLUMNS = (
    ("figures", "figures"),
    ("windowed", "windowed"),
    ("changes", "changes"),
    ("positions", "positions"),
    ("shifts", "shifts"),
)


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def table(report: Report) -> str:
    head = f"{'story':24}" + "".join(f" | {title:^17}" for _, title in _COLUMNS)
    head += " | round/stale | other false"
    sub = f"{'':24}" + " | {:>5} {:>5} {:>5}".format("P", "R", "n") * len(_COLUMNS)
    lines = [head, sub, "-" * len(head)]
    rows = [*report.results, report.overall()]
    for i, r in enumerate(rows):
        if i == len(rows) - 1:
            lines.append("-" * len(head))
        cells = []
        for metric, _ in _COLUMNS:
            if metric not in r.judged:
                cells.append(f" | {'':>17}")
                continue
            s = r.scores[metric]
            cells.append(f" | {_pct(s.precision):>5} {_pct(s.recall):>5} {s.tp + s.fn:>5}")
        other = sum(n for why, n in r.false_alerts.items() if why not in ROUNDING | {"stale"})
        lines.append(f"{r.name[:24]:24}{''.join(cells)} | {r.rounding_stale:>11} | {other:>11}")
    lines.append("P precision, R recall, n gold items; changes are alerted figure changes.")
    overall = rows[-1]
    narrow = []
    for metric in ("positions_configured", "shifts_configured"):
        if metric in overall.judged:
            score = overall.scores[metric]
            name = metric.split("_")[0]
            narrow.append(f"{name} P {_pct(score.precision)} R {_pct(score.recall)}")
    if narrow:
        lines.append(
            "overall, counting only the watch's own actors and topics (what gold annotates): "
            + ", ".join(narrow)
        )
    if report.skipped:
        lines.extend(f"skipped: {name}" for name in report.skipped)
    if report.notes:
        lines.append(f"read leniently ({len(report.notes)} files; `monitor replay` refuses them):")
        lines.extend(f"  {note}" for note in report.notes)
    return "\n".join(lines)


def errors_text(report: Report) -> str:
    lines: list[str] = []
    for r in report.results:
        if not r.errors:
            continue
        lines.append(f"\n== {r.name}")
        for e in r.errors:
            rest = {k: v for k, v in e.items() if k not in ("type", "article")}
            lines.append(f"- {e['type']}: {e['article']}")
            for k, v in rest.items():
                if v:
                    lines.append(f"    {k}: {v}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object with every score")
    parser.add_argument("--errors", action="store_true", help="list every miss and false report")
    parser.add_argument("--story", action="append", help="only these stories (repeatable)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    notes: list[str] = []
    stories, skipped = load_stories(args.corpus, notes=notes)
    if args.story:
        stories = [
            s for s in stories if s.name in args.story or s.name.split("/")[-1] in args.story
        ]
    report = evaluate(stories, skipped, notes)
    if args.json:
        data = report.as_dict()
        if not args.errors:
            for story in data["stories"].values():
                del story["errors"]
        print(json.dumps(data, indent=2))
        return 0
    print(table(report))
    if args.errors:
        print(errors_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
