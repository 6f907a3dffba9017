"""`newsstream eval boilerplate`: token-level P/R/F1 of the cleaner against peer extractors.

Scoring follows the benchmark README: word 4-gram shingles (sh4, primary) and lowercased
unigram bags (bow1), multiset overlap per page, precision averaged over non-empty outputs,
recall over all pages, F1 from the two averages. All systems get the same input in one run.
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from tqdm import tqdm

from streams.evals import read_records
from streams.nlp.boilerplate import clean_html, clean_text, visible_text
from streams.nlp.boilerplate.segment import paragraphs
from streams.nlp.errors import InputError

WORD = re.compile(r"\w+")
SYSTEMS = (
    "newsstream",
    "trafilatura",
    "trafilatura-no-comments",
    "readability-lxml",
    "justext",
    "baseline",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --data, --field, --json, --limit, --systems, --bootstrap."""
    parser.add_argument(
        "--data",
        required=True,
        nargs="+",
        action="extend",
        help="JSONL(.gz) with html/text_noisy/text_gold; several files: one table per set",
    )
    parser.add_argument("--field", choices=("html", "text_noisy"), default="html")
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    parser.add_argument("--limit", type=int, default=None, help="score the first N docs only")
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help=f"comma list from {','.join(SYSTEMS)}"
    )
    parser.add_argument("--bootstrap", type=int, default=1000, help="resamples for F1 ± (0=off)")


# ---------------------------------------------------------------- scoring


def sh4_units(text: str) -> Counter[tuple[str, ...]]:
    """Word 4-gram shingles, case kept; a 1-3 token text is one shingle."""
    tokens = WORD.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def bow1_units(text: str) -> Counter[tuple[str, ...]]:
    """Lower-cased unigram bag."""
    return Counter((t.lower(),) for t in WORD.findall(text))


def page_pr(gold: Counter, pred: Counter) -> tuple[float | None, float]:
    """Page precision (None for an empty prediction) and recall from multiset overlap."""
    tp = sum((gold & pred).values())
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    precision = None if not pred else (1.0 if fp == 0 else tp / (tp + fp))
    recall = 1.0 if fn == 0 else tp / (tp + fn)
    return precision, recall


def aggregate(pages: list[tuple[float | None, float]]) -> dict[str, float]:
    """Macro P over non-empty predictions, macro R over all pages, F1 of the two."""
    ps = [p for p, _ in pages if p is not None]
    precision = sum(ps) / len(ps) if ps else 0.0
    recall = sum(r for _, r in pages) / len(pages) if pages else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def bootstrap_f1(pages: list[tuple[float | None, float]], n: int) -> float:
    """Standard deviation of F1 over page resamples (seed 0)."""
    if n <= 0 or not pages:
        return 0.0
    rng = random.Random(0)
    f1s = [aggregate([rng.choice(pages) for _ in pages])["f1"] for _ in range(n)]
    return statistics.pstdev(f1s)


# ---------------------------------------------------------------- systems


def wrap_as_html(text: str) -> str:
    """Plain text as a minimal page: one <p> per paragraph, <br> per line."""
    body = "".join(
        "<p>" + "<br>".join(htmllib.escape(x) for x in text[s:e].split("\n")) + "</p>\n"
        for s, e in paragraphs(text)
    )
    return f"<html><body>{body}</body></html>"


def _trafilatura(markup: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(markup, url=url) or ""


def _trafilatura_no_comments(markup: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(markup, url=url, include_comments=False) or ""


def _readability(markup: str, url: str | None) -> str:
    from readability import Document

    return visible_text(Document(markup).summary(html_partial=True))


def _justext(markup: str, url: str | None) -> str:
    import justext

    paras = justext.justext(markup, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paras if not p.is_boilerplate)


def system_fn(name: str, field: str) -> Callable[[dict[str, Any]], str]:
    """A function from a benchmark record to the system's output text."""
    if name == "newsstream":
        if field == "html":
            return lambda r: clean_html(r["html"], r.get("url")).text
        return lambda r: clean_text(r["text_noisy"]).text
    if name == "baseline":
        if field == "html":
            return lambda r: visible_text(r["html"])
        return lambda r: r["text_noisy"]
    peer = {
        "trafilatura": _trafilatura,
        "trafilatura-no-comments": _trafilatura_no_comments,
        "readability-lxml": _readability,
        "justext": _justext,
    }[name]
    if field == "html":
        return lambda r: peer(r["html"], r.get("url"))
    return lambda r: peer(wrap_as_html(r["text_noisy"]), r.get("url"))


# ---------------------------------------------------------------- driver


def set_name(path: str) -> str:
    """A benchmark file's short name: its folder (``boilerplate2`` for
    ``.../boilerplate2/dev.jsonl.gz``), or the file name without suffixes."""
    parts = path.replace("\\", "/").rstrip("/").split("/")
    stem = parts[-1].split(".")[0]
    return parts[-2] if len(parts) > 1 and stem in ("dev", "holdout", "test") else stem


def run(args: argparse.Namespace) -> int:
    """Score every system on each --data set; one table per set (and JSON with --json: the
    set's result for one set, ``{set name: result}`` for several)."""
    names = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(names) - set(SYSTEMS)
    if unknown:
        print(f"unknown systems: {sorted(unknown)}", file=sys.stderr)
        return 2
    paths = [args.data] if isinstance(args.data, str) else list(args.data)
    results: dict[str, dict[str, Any]] = {}
    for path in paths:
        records = list(read_records(path, args.limit))
        if not records:
            print(f"no records in {path}", file=sys.stderr)
            return 2
        results[set_name(path)] = score_set(records, names, args, set_name(path))
    if args.json:
        out = next(iter(results.values())) if len(results) == 1 else results
        print(json.dumps(out, sort_keys=True))
    return 0


def score_set(
    records: list[dict[str, Any]], names: list[str], args: argparse.Namespace, label: str
) -> dict[str, dict[str, Any]]:
    """Score every system on the same documents of one set and print its table."""
    fns = {n: system_fn(n, args.field) for n in names}
    sh4: dict[str, list] = {n: [] for n in names}
    bow: dict[str, list] = {n: [] for n in names}
    times: dict[str, list[float]] = {n: [] for n in names}
    errors: Counter[str] = Counter()
    for rec in tqdm(records, desc=f"{label}[{args.field}]", file=sys.stderr):
        gold = rec["text_gold"]
        for n, fn in fns.items():
            t0 = time.perf_counter()
            try:
                out = fn(rec)
            except InputError:
                out = ""
                errors[n] += 1
            times[n].append((time.perf_counter() - t0) * 1000)
            sh4[n].append(page_pr(sh4_units(gold), sh4_units(out)))
            bow[n].append(page_pr(bow1_units(gold), bow1_units(out)))
    result: dict[str, dict[str, Any]] = {}
    print(f"boilerplate eval, set={label}, field={args.field}, docs={len(records)}")
    print(
        f"{'system':<24}{'P':>7}{'R':>7}{'F1':>7}{'±':>7}{'bowP':>7}{'bowR':>7}{'bowF1':>7}"
        f"{'ms/doc':>9}{'errors':>8}"
    )
    for n in names:
        s, b = aggregate(sh4[n]), aggregate(bow[n])
        ms = statistics.median(times[n])
        sd = bootstrap_f1(sh4[n], args.bootstrap)
        print(
            f"{n:<24}{s['precision']:7.3f}{s['recall']:7.3f}{s['f1']:7.3f}{sd:7.3f}"
            f"{b['precision']:7.3f}{b['recall']:7.3f}{b['f1']:7.3f}{ms:9.1f}{errors[n]:8d}"
        )
        result[n] = {
            "precision": round(s["precision"], 4),
            "recall": round(s["recall"], 4),
            "f1": round(s["f1"], 4),
            "ms_per_doc": round(ms, 2),
            "f1_std": round(sd, 4),
            "bow1": {k: round(v, 4) for k, v in b.items()},
        }
    return result
