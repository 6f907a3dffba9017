"""`newsstream eval ner`: entity-level exact-match P/R/F1 on CoNLL-style JSONL.

Runs spaCy once per document and scores both the raw model and the project's extractor on the
same Doc, so the difference is the post-processing alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tqdm import tqdm

from streams.evals import read_records

# Bench label scheme (CoNLL-2003) for spaCy's OntoNotes labels; others are dropped.
LABEL_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
LABELS = ("PER", "ORG", "LOC", "MISC")
SYSTEMS = ("newsstream", "spacy")
Span = tuple[int, int, str]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """CLI options of the NER eval."""
    parser.add_argument("--data", required=True, help="JSONL(.gz): {id, text, entities}")
    parser.add_argument("--json", action="store_true", help="print one JSON summary line last")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N docs")
    parser.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size")
    parser.add_argument(
        "--errors",
        type=int,
        default=0,
        help="print up to N false positives/negatives of the extractor",
    )


def headline_of(text: str) -> str:
    """The bench's first line is the headline (README: "usually the first line")."""
    return text.split("\n", 1)[0]


def spacy_spans(doc) -> set[Span]:
    """Raw model output mapped to bench labels."""
    return {
        (e.start_char, e.end_char, LABEL_MAP[e.label_]) for e in doc.ents if e.label_ in LABEL_MAP
    }


def project_spans(entities: Iterable[dict]) -> set[Span]:
    """Every mention of every extracted entity, with the entity's voted label."""
    return {
        (m["start"], m["end"], LABEL_MAP[e["label"]])
        for e in entities
        for m in e["mentions"]
        if e["label"] in LABEL_MAP
    }


def prf(tp: int, pred: int, gold: int) -> dict[str, float]:
    """Precision, recall and F1 from counts."""
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def summarise(tp: Counter, pred: Counter, gold: Counter) -> dict:
    """Overall micro scores and the per-label map."""
    out: dict[str, Any] = prf(sum(tp.values()), sum(pred.values()), sum(gold.values()))
    out.update(tp=sum(tp.values()), pred=sum(pred.values()), gold=sum(gold.values()))
    out["labels"] = {
        lab: {
            **prf(tp[lab], pred[lab], gold[lab]),
            "tp": tp[lab],
            "pred": pred[lab],
            "gold": gold[lab],
        }
        for lab in LABELS
    }
    return out


def run(args: argparse.Namespace) -> int:
    """Score raw spaCy and the extractor side by side; print a table (and JSON last)."""
    from streams.nlp.entities import extract_entities
    from streams.nlp.model import load_nlp
    from streams.nlp.pieces import parse

    nlp = load_nlp()
    records = list(read_records(args.data, args.limit))
    if not records:
        print("no records", file=sys.stderr)
        return 2
    counts: dict[str, tuple[Counter, Counter, Counter]] = {
        s: (Counter(), Counter(), Counter()) for s in SYSTEMS
    }
    shown = 0
    docs = parse(nlp, [r["text"] for r in records], batch_size=args.batch_size)
    for rec, doc in tqdm(
        zip(records, docs, strict=True), total=len(records), desc="ner", unit="doc", file=sys.stderr
    ):
        gold = {(e["start"], e["end"], e["label"]) for e in rec["entities"]}
        ents = extract_entities(doc, title=headline_of(rec["text"]))
        preds = {"newsstream": project_spans(ents), "spacy": spacy_spans(doc)}
        for system, pred in preds.items():
            tp, npred, ngold = counts[system]
            tp.update(s[2] for s in gold & pred)
            npred.update(s[2] for s in pred)
            ngold.update(s[2] for s in gold)
        if shown < args.errors:
            text = rec["text"]
            ours = preds["newsstream"]
            for kind, spans in (("FP", ours - gold), ("FN", gold - ours)):
                for s, e, lab in sorted(spans):
                    if shown < args.errors:
                        print(f"{kind} {rec['id']} {lab:4} {text[s:e]!r}")
                        shown += 1

    result = {s: summarise(*counts[s]) for s in SYSTEMS}
    print(f"NER eval on {args.data} ({len(records)} docs), entity-level exact match, micro")
    print(
        f"{'system':<11} {'label':<6} {'P':>7} {'R':>7} {'F1':>7} {'tp':>6} {'pred':>6} {'gold':>6}"
    )
    for system in SYSTEMS:
        res = result[system]
        for lab in (*LABELS, "micro"):
            m = res if lab == "micro" else res["labels"][lab]
            print(
                f"{system:<11} {lab:<6} {m['precision']:>7.4f} {m['recall']:>7.4f} "
                f"{m['f1']:>7.4f} {m['tp']:>6} {m['pred']:>6} {m['gold']:>6}"
            )
    if args.json:
        print(json.dumps(result, sort_keys=True))
    return 0
