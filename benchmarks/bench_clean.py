"""Throughput of the clean stage's pure functions on a benchmark file.

Usage: python benchmarks/bench_clean.py --data FILE [--limit N] [--repeat R] [--cpu]
    [--trafilatura] [--floor] [--json]
Reports per-document median latency and median docs/s for clean_html, clean_text and the
SourceMemory observe+apply pair (the part that runs on the event loop). ``--cpu`` times CPU
time of this process (``time.process_time``) instead of wall time, which a loaded machine
disturbs less; ``--trafilatura`` adds trafilatura alone (default settings, from the string)
as the peer; ``--floor`` adds the two extractors clean_html runs, alone on the shared parse
(readability-lxml and its article's text, then trafilatura handed that article): what the
HTML path costs before any step of its own. The HTML functions take turns on each page (their
order reversed on every other page), so a load that drifts during the run weighs on all of them
alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from streams.evals import read_records
from streams.nlp.boilerplate import clean_html, clean_text, combine, visible
from streams.nlp.errors import InputError
from streams.nlp.source_memory import SourceMemory

Timed = Callable[[dict[str, Any]], object]


def _best(fn: Timed, rec: dict[str, Any], repeat: int, clock: Callable[[], float]) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        try:
            fn(rec)
        except InputError:
            pass
        best = min(best, clock() - t0)
    return best


def _summary(per_doc: list[float]) -> dict[str, Any]:
    med = statistics.median(per_doc)
    return {
        "median_ms": round(med * 1000, 3),
        "docs_per_s": round(1 / med, 1) if med else None,
        "total_s": round(sum(per_doc), 3),
    }


def _time(
    fn: Timed,
    records: list[dict[str, Any]],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    return _summary([_best(fn, rec, repeat, clock) for rec in records])


def _take_turns(
    fns: dict[str, Timed], records: list[dict[str, Any]], repeat: int, clock: Callable[[], float]
) -> dict[str, dict[str, Any]]:
    """Each function on each page in turn, the order reversed on every other page."""
    per_doc: dict[str, list[float]] = {name: [] for name in fns}
    for i, rec in enumerate(records):
        names = list(fns) if i % 2 == 0 else list(reversed(fns))
        for name in names:
            per_doc[name].append(_best(fns[name], rec, repeat, clock))
    return {name: _summary(times) for name, times in per_doc.items()}


def extractors_alone(markup: str, url: str | None) -> None:
    """The extractors of clean_html on one page, without its own steps: the shared parse,
    then :func:`streams.nlp.boilerplate.combine.extract_both`."""
    combine.extract_both(visible.load(markup), url)


def main(argv: list[str] | None = None) -> int:
    """Time each cleaner over the records and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cpu", action="store_true", help="time CPU, not wall time")
    parser.add_argument("--trafilatura", action="store_true", help="time trafilatura too")
    parser.add_argument("--floor", action="store_true", help="time the extractors alone too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    clock = time.process_time if args.cpu else time.perf_counter
    records = list(read_records(args.data, args.limit))
    memory = SourceMemory({}, min_articles=5)
    prepared = []
    for i, rec in enumerate(records):
        try:
            prepared.append((i, rec, clean_text(rec["text_noisy"])))
        except InputError:
            continue

    def learn(item: dict[str, Any]) -> None:
        i, rec, cleaned = item["item"]
        memory.observe("bench.example", str(i), cleaned.text, now=float(i))
        memory.apply("bench.example", cleaned, now=float(i))

    html: dict[str, Timed] = {"clean_html": lambda r: clean_html(r["html"], r.get("url"))}
    if args.trafilatura:
        import trafilatura

        html["trafilatura"] = lambda r: trafilatura.extract(r["html"], url=r.get("url"))
    if args.floor:
        html["extractors"] = lambda r: extractors_alone(r["html"], r.get("url"))
    results = _take_turns(html, records, args.repeat, clock)
    results["clean_text"] = _time(
        lambda r: clean_text(r["text_noisy"]), records, args.repeat, clock
    )
    results["source_memory"] = _time(learn, [{"item": p} for p in prepared], args.repeat, clock)
    clock_name = "cpu" if args.cpu else "wall"
    print(f"docs={len(records)} repeat={args.repeat} clock={clock_name}")
    peer = results.get("trafilatura")
    print(f"{'function':<15}{'median ms':>11}{'docs/s':>9}{'total s':>9}{'÷ trafilatura':>15}")
    for name, r in results.items():
        ratio = f"{r['median_ms'] / peer['median_ms']:.2f}" if peer and name in html else ""
        print(
            f"{name:<15}{r['median_ms']:>11.2f}{r['docs_per_s']:>9.1f}{r['total_s']:>9.2f}"
            f"{ratio:>15}"
        )
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
