"""Train the plain-text paragraph model (``streams/data/boilerplate/text_combine.json``).

    python -m streams.evals.train_text --data A.jsonl.gz B.jsonl.gz [--write]

The same procedure as the HTML combiner (``streams.evals.train_boilerplate``), on the
``text_noisy`` field: each paragraph of the scraped text is labelled "article" when at least
half of its word n-grams are in the gold text, described by ``text.features`` (the max-sum
main block's verdict and the paragraph's own shape), and a weighted logistic regression is
cross-validated with folds grouped by site. Pages are scored the way ``clean_text`` decides:
the model's probabilities read as one article run (``text.article_run``), the max-sum block
when that keeps nothing. The printed figures are the held-out pages' sh4 F1 per set;
``--write`` then fits on all pages and writes the model with those figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from streams.evals import read_records
from streams.evals.boilerplate import set_name
from streams.evals.train_boilerplate import (
    FOLDS,
    Page,
    fit,
    fold_of,
    label_paragraphs,
    score,
    site,
    stack,
)
from streams.nlp.boilerplate import text
from streams.nlp.boilerplate.spans import Removed, build_cleaned


def page_of(record: dict[str, Any], label: str) -> Page | None:
    page = record["text_noisy"]
    found = text.analyse(page)
    if not found.blocks:
        return None
    spans = [(b.start, b.end) for b in found.blocks]
    labels, weights = label_paragraphs(page, spans, record["text_gold"])
    texts = [_kept(page, b) for b in found.blocks]
    raw = [page[s:e] for s, e in spans]
    return Page(label, site(record), record["text_gold"], found.rows, labels, weights, texts, raw)


def _kept(page: str, block: text.Block) -> str:
    if block.rule:
        return ""
    local = [Removed(r.start - block.start, r.end - block.start, r.reason) for r in block.inline]
    return build_cleaned(page[block.start : block.end], local).text


def predict(page: Page, beta: np.ndarray, threshold: float) -> str:
    """The page's text as ``clean_text`` keeps it under weights ``beta``."""
    z = np.clip(np.asarray(page.rows) @ beta, -30, 30)
    probs = [float(p) for p in 1.0 / (1.0 + np.exp(-z))]
    kept = text.article_run(probs, [len(r) for r in page.raw], threshold)
    if not any(kept):
        main = text.TEXT_FEATURES.index("in_main")
        kept = [row[main] > 0 for row in page.rows]
    return "\n\n".join(t for t, k in zip(page.texts, kept, strict=True) if k and t)


def cross_validate(pages: list[Page], threshold: float) -> dict[str, dict[str, float]]:
    """sh4 per set of each page predicted by a model fitted without its site's pages."""
    outputs = [""] * len(pages)
    for fold in range(FOLDS):
        beta = fit(*stack([p for p in pages if fold_of(p.group) != fold]))
        for i, p in enumerate(pages):
            if fold_of(p.group) == fold:
                outputs[i] = predict(p, beta, threshold)
    return score(pages, outputs)


def report(pages: list[Page], threshold: float, *, write: bool) -> None:
    """Print the cross-validated (by site) and in-sample sh4 figures per set and the weights
    fitted on all pages; with ``write``, save those weights as the text model."""
    groups = {p.group for p in pages}
    print(f"pages {len(pages)}, sites {len(groups)}, paragraphs {sum(len(p.rows) for p in pages)}")
    cv = cross_validate(pages, threshold)
    beta = fit(*stack(pages))
    insample = score(pages, [predict(p, beta, threshold) for p in pages])
    for name in cv:
        c, s = cv[name], insample[name]
        print(
            f"{name:<14} cross-validated sh4 P {c['precision']:.3f} R {c['recall']:.3f} "
            f"F1 {c['f1']:.4f}   (in-sample F1 {s['f1']:.4f})"
        )
    for f, b in zip(text.TEXT_FEATURES, beta, strict=True):
        print(f"  {f:<22}{b:8.3f}")
    if not write:
        return
    model = {
        "_doc": "Paragraph model for clean_text; retrain: "
        "python -m streams.evals.train_text --data <sets> --write",
        "features": list(text.TEXT_FEATURES),
        "weights": [round(float(b), 5) for b in beta],
        "threshold": threshold,
        "trained_on": sorted(cv),
        "cross_validated_sh4_f1": {k: round(v["f1"], 4) for k, v in cv.items()},
        "folds": FOLDS,
        "grouped_by": "site (URL domain)",
    }
    text.TEXT_MODEL_FILE.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {text.TEXT_MODEL_FILE}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", required=True)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--write", action="store_true", help="write the model file")
    args = parser.parse_args(argv)
    pages = [
        page
        for path in args.data
        for rec in read_records(path)
        if (page := page_of(rec, set_name(path))) is not None
    ]
    report(pages, args.threshold, write=args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
