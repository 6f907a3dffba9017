"""Stories eval: B-cubed precision, recall and F1 over articles, newsstream vs a TF-IDF baseline.

FILE (JSONL or JSONL.gz, in arrival order) has one article per line: id, cluster (the gold
story), published_at, title, text, source (a domain). Every article goes through the pipeline
in-process (clean, extract, geotag: ``newsstream process``) and then, in order, through the
stories stage with exactly the agent's code (``execute`` then the ``post`` hook, a dict for the
table). An article the pipeline dead-letters is its own story. The baseline, in the same run:
TF-IDF (document frequencies of the articles seen so far) cosine of title and text, single pass,
each article joining the most similar story (centroid) updated within the last 3 days when the
cosine is at least the threshold, else starting a story; the default threshold was picked on
the development data (docs/stories.md).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from streams.evals import read_records
from streams.nlp.stories.features import parse_time

BASELINE_THRESHOLD = 0.5
BASELINE_WINDOW_S = 3 * 86400
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="JSONL(.gz): id, cluster, published_at, …")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument(
        "--threshold",
        type=float,
        default=BASELINE_THRESHOLD,
        help=f"the baseline's cosine threshold (default {BASELINE_THRESHOLD}, from dev data)",
    )
    parser.add_argument(
        "--sweep", action="store_true", help="also score the baseline at thresholds 0.1-0.8"
    )


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 over the articles of ``gold`` (id -> label)."""
    by_gold: defaultdict[str, set[str]] = defaultdict(set)
    by_pred: defaultdict[str, set[str]] = defaultdict(set)
    for aid, label in gold.items():
        by_gold[label].add(aid)
        by_pred[pred.get(aid, f"alone:{aid}")].add(aid)
    p = r = 0.0
    for aid, label in gold.items():
        mine = by_pred[pred.get(aid, f"alone:{aid}")]
        theirs = by_gold[label]
        both = len(mine & theirs)
        p += both / len(mine)
        r += both / len(theirs)
    n = max(1, len(gold))
    p, r = p / n, r / n
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


# ------------------------------------------------------------------------------ baseline


class TfidfBaseline:
    """Single-pass clustering on TF-IDF cosine (see the module docstring)."""

    def __init__(self, threshold: float, window_s: float = BASELINE_WINDOW_S) -> None:
        self.threshold = threshold
        self.window_s = window_s
        self.df: Counter[str] = Counter()
        self.docs = 0
        # story -> (term sums, last update time)
        self.stories: dict[str, tuple[Counter[str], float]] = {}

    def _vector(self, tf: Counter[str]) -> dict[str, float]:
        vec = {
            t: (1 + math.log(c)) * math.log((1 + self.docs) / (1 + self.df[t]))
            for t, c in tf.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def add(self, aid: str, title: str, text: str, at: float) -> str:
        tf = Counter(w.lower() for w in _WORD.findall(f"{title}\n{title}\n{text}"))
        self.docs += 1
        self.df.update(tf.keys())
        vec = self._vector(tf)
        best, best_cos = None, 0.0
        for sid, (terms, last) in self.stories.items():
            if abs(at - last) > self.window_s:
                continue
            centroid = self._vector(terms)
            cos = sum(v * centroid.get(t, 0.0) for t, v in vec.items())
            if cos > best_cos:
                best, best_cos = sid, cos
        if best is not None and best_cos >= self.threshold:
            terms, last = self.stories[best]
            terms.update(tf)
            self.stories[best] = (terms, max(last, at))
            return best
        self.stories[aid] = (Counter(tf), at)
        return aid


def baseline(rows: list[dict[str, Any]], threshold: float) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    model = TfidfBaseline(threshold)
    pred = {
        r["id"]: model.add(r["id"], r.get("title") or "", r.get("text") or "", _at(r)) for r in rows
    }
    return pred, len(rows) / max(1e-9, time.perf_counter() - started)


def _at(row: dict[str, Any]) -> float:
    return parse_time(row.get("published_at")) or 0.0


# ---------------------------------------------------------------------------- newsstream


def _items(rows: Iterable[dict[str, Any]]) -> Iterable[Any]:
    from streams.messages.inputs import Item

    for n, row in enumerate(rows):
        article = {
            "id": row["id"],
            "url": f"https://{row.get('source') or 'unknown.example'}/{row['id']}",
            "title": row.get("title"),
            "published_at": row.get("published_at"),
            "text": row.get("text") or "",
        }
        yield Item(f"eval:{n + 1}", json.dumps(article).encode(), "jsonl")


def newsstream(rows: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, float]]:
    from tqdm import tqdm

    from streams import flow
    from streams.inprocess import process_items, run_stage
    from streams.settings import load

    settings = load()
    started = time.perf_counter()
    sink = []
    for record, _letter in tqdm(
        process_items(_items(rows), settings),
        total=len(rows),
        desc="pipeline",
        file=sys.stderr,
        unit="art",
    ):
        if record is not None:
            sink.append(record)
    pipeline_s = time.perf_counter() - started
    started = time.perf_counter()
    pred: dict[str, str] = {}
    for result, _side in run_stage(flow.stage("stories"), sink, settings):
        if isinstance(result, dict):
            pred[result["update"]["article_id"]] = result["story_id"]
    stories_s = time.perf_counter() - started
    rates = {
        "pipeline_articles_per_s": round(len(rows) / max(1e-9, pipeline_s), 2),
        "stories_articles_per_s": round(len(sink) / max(1e-9, stories_s), 2),
        "dead_lettered": len(rows) - len(sink),
    }
    return pred, rates


def run(args: argparse.Namespace) -> int:
    rows = list(read_records(args.data, args.limit))
    gold = {r["id"]: str(r["cluster"]) for r in rows}
    results: dict[str, Any] = {}
    pred, rates = newsstream(rows)
    results["newsstream"] = bcubed(gold, pred) | rates
    base, rate = baseline(rows, args.threshold)
    results["baseline"] = bcubed(gold, base) | {
        "articles_per_s": round(rate, 2),
        "threshold": args.threshold,
    }
    if args.sweep:
        results["baseline_sweep"] = {
            f"{t / 20:.2f}": bcubed(gold, baseline(rows, t / 20)[0]) for t in range(2, 17)
        }
    print(f"{'system':<12} {'B3 P':>7} {'B3 R':>7} {'B3 F1':>7}  articles/s")
    ns, bl = results["newsstream"], results["baseline"]
    print(
        f"{'newsstream':<12} {ns['precision']:>7.4f} {ns['recall']:>7.4f} {ns['f1']:>7.4f}  "
        f"{ns['stories_articles_per_s']} (stories stage), "
        f"{ns['pipeline_articles_per_s']} (pipeline before it)"
    )
    print(
        f"{'tfidf':<12} {bl['precision']:>7.4f} {bl['recall']:>7.4f} {bl['f1']:>7.4f}  "
        f"{bl['articles_per_s']} (threshold {args.threshold})"
    )
    stories = len(set(gold.values()))
    print(
        f"articles: {len(rows)}, gold stories: {stories}, newsstream stories: "
        f"{len(set(pred.values())) + ns['dead_lettered']}, baseline stories: "
        f"{len(set(base.values()))}, dead-lettered (own story): {ns['dead_lettered']}"
    )
    for t, sc in results.get("baseline_sweep", {}).items():
        print(f"  baseline at {t}: P {sc['precision']:.4f} R {sc['recall']:.4f} F1 {sc['f1']:.4f}")
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 0
