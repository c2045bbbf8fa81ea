"""Speed and memory, measured on demand (never in tests): `python -m bench.speed`.

Every workload runs several times; medians with min and max are printed, and ratios are taken
between workloads measured side by side in this one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    name: str
    samples: tuple[float, ...]
    unit: str = "ms"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def line(self) -> str:
        return (
            f"{self.name:58} median {self.median:9.3f} {self.unit}  "
            f"(min {min(self.samples):.3f}, max {max(self.samples):.3f}, n={len(self.samples)})"
        )


def timed(name: str, fn: Callable[[], object], *, repeat: int, per: int = 1) -> Timing:
    """Milliseconds per item: `fn` handles `per` items each call."""
    fn()  # warm caches and compiled patterns
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0 / per)
    return Timing(name, tuple(samples))


def _boilerplate(size: int) -> bytes:
    """What real news pages wrap around ~5 KB of text: scripts and state, styles, menus."""
    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
    teasers = "".join(
        f'<div class="teaser"><a href="/story/{i}"><h3>Related story {i}</h3></a>'
        f"<span>{i} min read</span></div>"
        for i in range(30)
    )
    head = f"<header><nav><ul>{menu}</ul></nav></header><aside>{teasers}</aside>"
    style = "<style>" + ".c{margin:0;padding:1px;color:#333}" * 400 + "</style>"
    state = '{"id":12345,"tags":["world","middle-east"],"ads":{"slot":"top"}},'
    script = '<script type="application/json">[' + state * 10 + "{}]</script>"
    out = head + style
    while len(out) < size:
        out += script
    return out.encode()


def pages(realistic: bool = True) -> list[tuple[str, bytes]]:
    """The seed pages; `realistic` pads each to ~100 KB with boilerplate, as sites serve them
    (BENCHMARKS.md quotes trafilatura at 20-26 ms on ~100 KB pages)."""
    found = sorted((ROOT / "seeds").rglob("*.html"))
    if not found:
        sys.exit("bench: no pages under seeds/ to measure")
    out = []
    pad = _boilerplate(95_000) if realistic else b""
    for path in found:
        html = path.read_bytes()
        padded = re.sub(rb"(<body[^>]*>)", lambda m: m.group(1) + pad, html, count=1)
        out.append((path.name, padded))
    return out


def bench_extraction(repeat: int) -> list[Timing]:
    """R2: our figure + position extraction and diff, against bare trafilatura.extract."""
    import trafilatura

    from monitor.analysis import analyse, watch_specs
    from monitor.articles import extract_article
    from monitor.config import load_config
    from monitor.facts.model import Source

    config = load_config(
        ROOT / "seeds" / "gaza" / "config.yaml",
        env={"DEMO_BASE_URL": "http://127.0.0.1:1", "DEMO_DIR": tempfile.gettempdir()},
    )
    watches = watch_specs(config)
    docs = pages()
    texts = []
    for name, html in docs:
        article = extract_article(html, url=f"https://example.test/{name}")
        texts.append(article.text if article else "")
    source = Source(name="bench", url="https://example.test/", published_at=datetime.now(UTC))
    now = datetime.now(UTC)

    def bare() -> None:
        for _, html in docs:
            trafilatura.extract(html.decode("utf-8", "replace"))

    def ours_extract() -> None:
        for name, html in docs:
            extract_article(html, url=f"https://example.test/{name}")

    def engines() -> None:
        for text in texts:
            analyse(text, source=source, watches=watches, states=lambda *_: None, observed_at=now)

    figure_watches = [
        dataclasses.replace(w, actors=(), topics=(), discover_actors=False) for w in watches
    ]

    def figures_only() -> None:
        for text in texts:
            analyse(
                text,
                source=source,
                watches=figure_watches,
                states=lambda *_: None,
                observed_at=now,
            )

    n = len(docs)
    return [
        timed("trafilatura.extract (bare), per page", bare, repeat=repeat, per=n),
        timed(
            "extract_article (trafilatura + metadata + guards)", ours_extract, repeat=repeat, per=n
        ),
        timed("figures + positions + diff (analyse), per article", engines, repeat=repeat, per=n),
        timed("figures + diff only (issue 3), per article", figures_only, repeat=repeat, per=n),
    ]


def bench_diff_lookup(sizes: Sequence[int], repeat: int) -> list[Timing]:
    """R5: a metric's current state is an index lookup, whatever the stored history."""
    from sqlalchemy import insert

    from monitor.store.db import make_engine, session_factory, upgrade
    from monitor.store.models import FactStateRow, ObservationRow

    out = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            upgrade(engine)
            factory = session_factory(engine)
            now = datetime.now(UTC)
            keys = 300  # a watch's facts: metrics and actor:topic pairs; history grows
            with engine.begin() as conn:
                batch = []
                for i in range(size):
                    batch.append(
                        {
                            "watch": "w",
                            "kind": "figure",
                            "key": f"m{i % keys}",
                            "label": "x",
                            "value": float(i),
                            "evidence": "e",
                            "offset": 0,
                            "observed_at": now - timedelta(seconds=i),
                            "disposition": "same",
                        }
                    )
                    if len(batch) == 50_000:
                        conn.execute(insert(ObservationRow), batch)
                        batch = []
                if batch:
                    conn.execute(insert(ObservationRow), batch)
                conn.execute(
                    insert(FactStateRow),
                    [
                        {
                            "watch": "w",
                            "kind": "figure",
                            "key": f"m{k}",
                            "state": {"v": k},
                            "updated_at": now,
                        }
                        for k in range(keys)
                    ],
                )
            probe = [f"m{(k * 7919) % keys}" for k in range(200)]

            lookups = _lookup_probe(factory, probe)
            out.append(
                timed(
                    f"state lookup with {size:>9,} stored figures",
                    lookups,
                    repeat=repeat,
                    per=len(probe),
                )
            )
            engine.dispose()
    return out


def _lookup_probe(factory: object, probe: list[str]) -> Callable[[], None]:
    from monitor.store.db import transaction
    from monitor.store.facts import StateCache

    def lookups() -> None:
        with transaction(factory) as session:  # type: ignore[arg-type]
            cache = StateCache(session)
            for key in probe:
                cache.get("w", "figure", key)

    return lookups


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="stored figures for the diff lookup workload",
    )
    parser.add_argument("--feeds", type=int, default=1000, help="feeds in the polling workload")
    parser.add_argument("--articles", type=int, default=300, help="articles in the cold ingest")
    args = parser.parse_args(argv)

    print("== extraction (R2) ==")
    ext = bench_extraction(args.repeat)
    for t in ext:
        print(t.line())
    bare, ours, engines, figures = (t.median for t in ext)
    print(f"R1-part extract_article / bare trafilatura: {ours / bare:.2f}")
    print(f"R2 figures+positions+diff / bare trafilatura: {engines / bare:.3f} (target <= 0.10)")
    print(f"figures+diff alone / bare trafilatura: {figures / bare:.3f} (issue 3: under 0.1)")

    print("== diff lookup (R5) ==")
    sizes = [int(s) for s in args.sizes.split(",")]
    look = bench_diff_lookup(sizes, args.repeat)
    for t in look:
        print(t.line())
    print(
        f"R5 lookup at {sizes[-1]:,} / at {sizes[0]:,}: {look[-1].median / look[0].median:.2f} "
        "(target <= 2)"
    )
    from bench.pipeline import bench_cold_ingest, bench_steady

    print("== steady polling (R4) ==")
    steady, bare_loop = bench_steady(args.feeds, args.repeat)
    print(steady.line())
    print(bare_loop.line())
    print(
        f"R4 our unchanged polls/s / bare loop: {steady.median / bare_loop.median:.2f} "
        "(target >= 0.5)"
    )
    print(f"peak RSS after steady polling: {peak_rss_mb():.0f} MB (target <= 250)")

    print("== cold ingest (R1) ==")
    pipeline, bare_extract = bench_cold_ingest(args.articles)
    print(pipeline.line())
    print(bare_extract.line())
    print(
        f"R1 pipeline per article / bare trafilatura: {pipeline.median / bare_extract.median:.2f}"
        " (target <= 1.10)"
    )
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
