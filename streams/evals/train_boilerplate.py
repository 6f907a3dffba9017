"""Train the HTML paragraph combiner (``streams/data/boilerplate/combine.json``).

    python -m streams.evals.train_boilerplate --data A.jsonl.gz B.jsonl.gz [--write]

Every page of the development sets is run through the extractors once (features cached in
``--cache``); each visible paragraph is labelled "article" when at least half of its word
n-grams are in the gold text. A logistic regression (Newton / IRLS, L2, paragraphs weighted by
their share of the page's words, so each page counts alike as in the sh4 score) is
cross-validated with folds grouped by site (the URL's domain; a page without one is its own
group), so no site is in both the training and the validation fold. The printed figure is the
sh4 F1 of the held-out pages, per set; ``--write`` then fits on all pages and writes the model
with those cross-validated figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from streams.evals import read_records
from streams.evals.boilerplate import aggregate, page_pr, set_name, sh4_units
from streams.nlp.boilerplate import combine
from streams.nlp.boilerplate.align import NONE, _consume, _coverage, ngram_bag, word_grams
from streams.nlp.boilerplate.language import WORD
from streams.nlp.boilerplate.spans import Removed, build_cleaned
from streams.nlp.errors import InputError

FOLDS = 5
L2 = 1.0


@dataclass
class Page:
    """One development page: its set, site, paragraph features, labels and kept texts."""

    set: str
    group: str
    gold: str
    rows: list[list[float]]
    labels: list[float]
    weights: list[float]
    texts: list[str]  # each paragraph after the line/sentence rules
    raw: list[str]  # each paragraph as on the page


def site(record: dict[str, Any]) -> str:
    """The page's site for grouping folds: its URL's domain, else its own id."""
    host = urlsplit(record.get("url") or "").hostname or ""
    host = host.removeprefix("www.")
    return host or f"id:{record['id']}"


def page_of(record: dict[str, Any], label: str) -> Page | None:
    try:
        found = combine.analyse(record["html"], record.get("url"))
    except InputError:
        return None
    if not found.spans:
        return None
    page = found.page
    texts = [
        _kept(page, s, e, rem) for (s, e), rem in zip(found.spans, found.removals, strict=True)
    ]
    raw = [page[s:e] for s, e in found.spans]
    labels, weights = label_paragraphs(page, found.spans, record["text_gold"])
    return Page(label, site(record), record["text_gold"], found.rows, labels, weights, texts, raw)


def label_paragraphs(
    page: str, spans: list[tuple[int, int]], gold: str
) -> tuple[list[float], list[float]]:
    """Per paragraph, the label (1.0 when at least half its word n-grams are in the gold
    text, each gold n-gram used once) and the training weight (its share of the page's
    n-grams, so each page counts alike, as in the sh4 score)."""
    bag = ngram_bag(gold)
    labels: list[float] = []
    counts: list[int] = []
    for start, end in spans:
        grams = word_grams(WORD.findall(page[start:end]))
        cov = _coverage(grams, bag)
        if cov > NONE:
            _consume(grams, bag)
        labels.append(1.0 if cov >= 0.5 else 0.0)
        counts.append(max(1, len(grams)))
    total = sum(counts)
    return labels, [c / total for c in counts]


def _kept(page: str, start: int, end: int, removed: list[Removed]) -> str:
    local = [Removed(r.start - start, r.end - start, r.reason) for r in removed]
    return build_cleaned(page[start:end], local).text


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2) -> np.ndarray:
    """Weighted L2 logistic regression by Newton steps (IRLS); the bias is not penalised."""
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        grad = x.T @ (w * (p - y)) + penalty * beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return beta


def predict_text(page: Page, beta: np.ndarray, threshold: float) -> str:
    z = np.asarray(page.rows) @ beta
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return "\n\n".join(t for t, q in zip(page.texts, p, strict=True) if q >= threshold and t)


def fold_of(group: str) -> int:
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % FOLDS


def stack(pages: list[Page]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray([r for p in pages for r in p.rows])
    y = np.asarray([v for p in pages for v in p.labels])
    w = np.asarray([v for p in pages for v in p.weights])
    return x, y, w


def score(pages: list[Page], outputs: list[str]) -> dict[str, dict[str, float]]:
    by_set: dict[str, list] = {}
    for page, out in zip(pages, outputs, strict=True):
        by_set.setdefault(page.set, []).append(page_pr(sh4_units(page.gold), sh4_units(out)))
    return {k: aggregate(v) for k, v in sorted(by_set.items())}


# A page's kept text under weights and threshold: how the cleaner decides from the rows.
Predict = Callable[[Page, np.ndarray, float], str]


def cross_validate(
    pages: list[Page], threshold: float, predict: Predict = predict_text
) -> dict[str, dict[str, float]]:
    """sh4 per set of each page predicted by a model fitted without its site's pages."""
    outputs = [""] * len(pages)
    for fold in range(FOLDS):
        train = [p for p in pages if fold_of(p.group) != fold]
        beta = fit(*stack(train))
        for i, p in enumerate(pages):
            if fold_of(p.group) == fold:
                outputs[i] = predict(p, beta, threshold)
    return score(pages, outputs)


def fit_and_report(
    pages: list[Page],
    threshold: float,
    features: tuple[str, ...],
    model_file: Path,
    doc: str,
    *,
    write: bool,
    predict: Predict = predict_text,
) -> None:
    """Print the cross-validated (by site) and in-sample sh4 figures per set and the weights
    fitted on all pages; with ``write``, save those weights to ``model_file``."""
    groups = {p.group for p in pages}
    print(f"pages {len(pages)}, sites {len(groups)}, paragraphs {sum(len(p.rows) for p in pages)}")
    cv = cross_validate(pages, threshold, predict)
    beta = fit(*stack(pages))
    insample = score(pages, [predict(p, beta, threshold) for p in pages])
    for name in cv:
        c, s = cv[name], insample[name]
        print(
            f"{name:<14} cross-validated sh4 P {c['precision']:.3f} R {c['recall']:.3f} "
            f"F1 {c['f1']:.4f}   (in-sample F1 {s['f1']:.4f})"
        )
    for f, b in zip(features, beta, strict=True):
        print(f"  {f:<22}{b:8.3f}")
    if write:
        model = {
            "_doc": doc,
            "features": list(features),
            "weights": [round(float(b), 5) for b in beta],
            "threshold": threshold,
            "trained_on": sorted(cv),
            "cross_validated_sh4_f1": {k: round(v["f1"], 4) for k, v in cv.items()},
            "folds": FOLDS,
            "grouped_by": "site (URL domain)",
        }
        model_file.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {model_file}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", required=True)
    parser.add_argument("--cache", default=None, help="pickle of the page features")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--threshold", type=float, default=0.4)
    parser.add_argument("--write", action="store_true", help="write the model file")
    args = parser.parse_args(argv)
    pages: list[Page]
    if args.cache and Path(args.cache).exists():
        pages = pickle.loads(Path(args.cache).read_bytes())
    else:
        pages = []
        for path in args.data:
            for i, rec in enumerate(read_records(path, args.limit)):
                page = page_of(rec, set_name(path))
                if page is not None:
                    pages.append(page)
                if i % 50 == 0:
                    print(f"{set_name(path)}: {i}", file=sys.stderr)
        if args.cache:
            Path(args.cache).write_bytes(pickle.dumps(pages))
    fit_and_report(
        pages,
        args.threshold,
        combine.FEATURES,
        combine.MODEL_FILE,
        "Paragraph combiner for clean_html; retrain: "
        "python -m streams.evals.train_boilerplate --data <sets> --write",
        write=args.write,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
