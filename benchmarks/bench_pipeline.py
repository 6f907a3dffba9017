"""End-to-end cost per article on one core: the whole newsstream pipeline in-process
(``streams.inprocess.process_items``: clean, extract, geotag, with schema checks) against a plain
trafilatura + spaCy loop over the same pages.

Usage: .venv/bin/python benchmarks/bench_pipeline.py --data PAGES.jsonl[.gz] [--runs 3] [--limit N]
PAGES holds one JSON object per line with an "html" field (e.g. the boilerplate bench). Prints
articles/s per run, the medians and the ratio; with --json one JSON object last.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from pathlib import Path

import orjson
import trafilatura

from streams.inprocess import process_items
from streams.messages.inputs import Item
from streams.nlp.model import load_nlp
from streams.settings import load


def read_pages(path: str, limit: int | None) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(Path(path), "rt", encoding="utf-8") as handle:
        pages = [json.loads(line)["html"] for line in handle if line.strip()]
    return pages[:limit]


def plain_loop(pages: list[str]) -> float:
    """trafilatura then spaCy, article by article: the floor a pipeline adds its work to."""
    nlp = load_nlp()
    start = time.perf_counter()
    for page in pages:
        nlp(trafilatura.extract(page) or "")
    return len(pages) / (time.perf_counter() - start)


def newsstream(pages: list[str]) -> tuple[float, int]:
    items = [Item(f"page:{i}", orjson.dumps({"html": p}), "jsonl") for i, p in enumerate(pages)]
    start = time.perf_counter()
    done = sum(1 for record, _ in process_items(items, load()) if record is not None)
    return len(pages) / (time.perf_counter() - start), done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    pages = read_pages(args.data, args.limit)
    newsstream(pages[:5])  # load models and the gazetteer outside the timings
    plain, ours = [], []
    for run in range(args.runs):
        plain.append(plain_loop(pages))
        rate, done = newsstream(pages)
        ours.append(rate)
        print(
            f"run {run + 1}: plain loop {plain[-1]:.2f}/s, newsstream {rate:.2f}/s "
            f"({done}/{len(pages)} in the sink)"
        )
    result = {
        "articles": len(pages),
        "plain_loop_per_s": round(statistics.median(plain), 2),
        "newsstream_per_s": round(statistics.median(ours), 2),
    }
    result["ratio"] = round(result["newsstream_per_s"] / result["plain_loop_per_s"], 3)
    print(
        f"median of {args.runs}: plain trafilatura+spaCy {result['plain_loop_per_s']} articles/s, "
        f"newsstream {result['newsstream_per_s']} articles/s (ratio {result['ratio']})"
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
