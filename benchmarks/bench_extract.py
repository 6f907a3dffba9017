"""Throughput of entity extraction: raw ``nlp.pipe`` vs the extract stage (model + post-processing).

Usage: .venv/bin/python benchmarks/bench_extract.py --data FILE.jsonl[.gz] [--runs 3] [--limit N]
FILE holds one JSON object per line with a "text" field (e.g. the NER bench). Words are
whitespace-separated tokens. Prints the median of ``--runs`` runs and, with --json, one JSON
object last. The post-processing must cost under 15% of the model's time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from streams.evals import read_records
from streams.nlp.entities import extract_entities
from streams.nlp.model import load_nlp


def bench(texts: list[str], batch_size: int) -> dict[str, float]:
    """One run: time raw nlp.pipe, then nlp.pipe + extract_entities with the post-processing
    timed on its own."""
    nlp = load_nlp()
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    raw = time.perf_counter() - t0

    post = 0.0
    t0 = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=batch_size):
        t1 = time.perf_counter()
        extract_entities(doc, title=doc.text.split("\n", 1)[0])
        post += time.perf_counter() - t1
    stage = time.perf_counter() - t0
    return {"raw_s": raw, "stage_s": stage, "post_s": post, "model_s": stage - post}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    texts = [r["text"] for r in read_records(args.data, args.limit)]
    words = sum(len(t.split()) for t in texts)
    load_nlp()(texts[0])  # warm-up: model load is not throughput
    runs = [bench(texts, args.batch_size) for _ in range(args.runs)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    share = statistics.median(r["post_s"] / r["model_s"] for r in runs)
    result = {
        "docs": len(texts),
        "words": words,
        "runs": args.runs,
        "raw_words_per_s": round(words / med["raw_s"]),
        "raw_docs_per_s": round(len(texts) / med["raw_s"], 1),
        "stage_words_per_s": round(words / med["stage_s"]),
        "stage_docs_per_s": round(len(texts) / med["stage_s"], 1),
        "post_ms_per_doc": round(1000 * med["post_s"] / len(texts), 2),
        "post_share_of_model": round(share, 4),
    }
    print(f"{len(texts)} docs, {words} words, median of {args.runs} runs")
    print(f"{'system':<28} {'words/s':>9} {'docs/s':>8}")
    print(f"{'raw nlp.pipe':<28} {result['raw_words_per_s']:>9} {result['raw_docs_per_s']:>8}")
    print(
        f"{'extract stage (model+post)':<28} {result['stage_words_per_s']:>9} "
        f"{result['stage_docs_per_s']:>8}"
    )
    print(
        f"post-processing: {result['post_ms_per_doc']} ms/doc, "
        f"{100 * share:.1f}% of the model's time (budget 15%)"
    )
    if args.json:
        print(json.dumps(result, sort_keys=True))
    return 0 if share < 0.15 else 1


if __name__ == "__main__":
    sys.exit(main())
