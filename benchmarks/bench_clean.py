"""Throughput of the clean stage's pure functions on a benchmark file.

Usage: python benchmarks/bench_clean.py --data FILE [--limit N] [--repeat R] [--cpu]
    [--trafilatura] [--json]
Reports per-document median latency and median docs/s for clean_html, clean_text and the
SourceMemory observe+apply pair (the part that runs on the event loop). ``--cpu`` times CPU
time of this process (``time.process_time``) instead of wall time, which a loaded machine
disturbs less; ``--trafilatura`` adds trafilatura alone (default settings, from the string)
as the peer.
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
from streams.nlp.boilerplate import clean_html, clean_text
from streams.nlp.errors import InputError
from streams.nlp.source_memory import SourceMemory


def _time(
    fn: Callable[[dict[str, Any]], object],
    records: list[dict[str, Any]],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
):
    per_doc: list[float] = []
    for rec in records:
        best = float("inf")
        for _ in range(repeat):
            t0 = clock()
            try:
                fn(rec)
            except InputError:
                pass
            best = min(best, clock() - t0)
        per_doc.append(best)
    med = statistics.median(per_doc)
    return {
        "median_ms": round(med * 1000, 3),
        "docs_per_s": round(1 / med, 1) if med else None,
        "total_s": round(sum(per_doc), 3),
    }


def main(argv: list[str] | None = None) -> int:
    """Time each cleaner over the records and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cpu", action="store_true", help="time CPU, not wall time")
    parser.add_argument("--trafilatura", action="store_true", help="time trafilatura too")
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

    results = {
        "clean_html": _time(
            lambda r: clean_html(r["html"], r.get("url")), records, args.repeat, clock
        ),
    }
    if args.trafilatura:
        import trafilatura

        results["trafilatura"] = _time(
            lambda r: trafilatura.extract(r["html"], url=r.get("url")), records, args.repeat, clock
        )
    results["clean_text"] = _time(
        lambda r: clean_text(r["text_noisy"]), records, args.repeat, clock
    )
    results["source_memory"] = _time(learn, [{"item": p} for p in prepared], args.repeat, clock)
    clock_name = "cpu" if args.cpu else "wall"
    print(f"docs={len(records)} repeat={args.repeat} clock={clock_name}")
    print(f"{'function':<15}{'median ms':>11}{'docs/s':>9}{'total s':>9}")
    for name, r in results.items():
        print(f"{name:<15}{r['median_ms']:>11.2f}{r['docs_per_s']:>9.1f}{r['total_s']:>9.2f}")
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
