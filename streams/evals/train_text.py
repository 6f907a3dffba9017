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
import sys
from typing import Any

import numpy as np

from streams.evals import read_records
from streams.evals.boilerplate import set_name
from streams.evals.train_boilerplate import Page, fit_and_report, label_paragraphs, site
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
    fit_and_report(
        pages,
        args.threshold,
        text.TEXT_FEATURES,
        text.TEXT_MODEL_FILE,
        "Paragraph model for clean_text; retrain: "
        "python -m streams.evals.train_text --data <sets> --write",
        write=args.write,
        predict=predict,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
