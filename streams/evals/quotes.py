"""``newsstream eval quotes``: quote span F1 and speaker accuracy on the PolNeAR-style bench.

Runs spaCy once per document and scores two systems side by side: ``newsstream``
(:func:`streams.nlp.claims.extract_claims`) and ``baseline`` (double-quoted spans within a
paragraph, speaker = nearest spaCy PERSON/ORG outside the quote in an overlapping sentence).
The scoring rule follows the bench README: one-to-one greedy overlap matching of quotes as
character sets, and end-to-end speaker accuracy by span overlap or normalised name match.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from streams.evals import read_records

PRONOUNS = frozenset(
    "he she they it we i you his her their its him them us our who this that".split()
)
_BASELINE_QUOTE = re.compile(r"\u201c[^\u201d\n]*\u201d|\"[^\"\n]*\"")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the quotes eval."""
    parser.add_argument("--data", required=True, help="bench JSONL(.gz) with text and quotes")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--limit", type=int, default=None, help="score the first N docs only")
    parser.add_argument("--batch-size", type=int, default=32, help="spaCy nlp.pipe batch size")
    parser.add_argument(
        "--parses",
        default=None,
        help="spaCy DocBin file of the parses: read when it holds the same texts, else "
        "written after parsing (reruns then skip spaCy; delete it after a change of the "
        "model or of streams.nlp.pieces)",
    )


def _chars(q: dict, key: str) -> set[int]:
    frs = q.get(key + "_fragments") or ([q[key]] if q.get(key) else [])
    out: set[int] = set()
    for f in frs:
        out.update(range(f["start"], f["end"]))
    return out


def norm_name(x: str | None) -> str:
    """Normalise a speaker name for comparison (NFKC, lower case, end punctuation off)."""
    if not x:
        return ""
    x = unicodedata.normalize("NFKC", x).lower().replace("\u2019", "'").replace("\u2018", "'")
    x = re.sub(r"\s+", " ", x).strip()
    x = re.sub(r"^[^\w]+|[^\w]+$", "", x)
    return re.sub(r"'s$", "", x)


def names_match(a: str | None, b: str | None) -> bool:
    """Equal names, or the shorter (not a pronoun) inside the longer as whole words."""
    a, b = norm_name(a), norm_name(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if short in PRONOUNS:
        return False
    return re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", long_) is not None


def match_doc(golds: list[dict], preds: list[dict]) -> dict[int, int]:
    """Greedy one-to-one matching by decreasing character overlap: gold index -> pred index."""
    gs = [_chars(q, "quote") for q in golds]
    ps = [_chars(q, "quote") for q in preds]
    pairs = []
    for i, p in enumerate(ps):
        lo, hi = (min(p), max(p)) if p else (0, -1)
        for j, g in enumerate(gs):
            if not g or max(g) < lo or min(g) > hi:
                continue
            ov = len(p & g)
            if ov:
                pairs.append((-ov, j, i))
    pairs.sort()
    used_p: set[int] = set()
    m: dict[int, int] = {}
    for _, j, i in pairs:
        if i not in used_p and j not in m:
            used_p.add(i)
            m[j] = i
    return m


def score(gold_docs: list[dict], preds: dict[str, list[dict]]) -> dict:
    """Overlap P/R/F1 and speaker accuracy (end-to-end and over matched quotes)."""
    n_pred = n_gold = tp = 0
    spk_total = spk_ok = spk_matched = 0
    for doc in gold_docs:
        golds = doc["quotes"]
        ps = preds.get(doc["id"], [])
        m = match_doc(golds, ps)
        n_pred += len(ps)
        n_gold += len(golds)
        tp += len(m)
        for j, g in enumerate(golds):
            if not g.get("speaker"):
                continue
            spk_total += 1
            if j not in m:
                continue
            spk_matched += 1
            p = ps[m[j]]
            ok = bool(p.get("speaker") and (_chars(p, "speaker") & _chars(g, "speaker")))
            spk_ok += ok or names_match(p.get("speaker_name"), g.get("speaker_name"))
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "quote_precision": round(prec, 4),
        "quote_recall": round(rec, 4),
        "quote_f1": round(f1, 4),
        "speaker_accuracy": round(spk_ok / spk_total, 4) if spk_total else 0.0,
        "speaker_accuracy_matched": round(spk_ok / spk_matched, 4) if spk_matched else 0.0,
        "pred": n_pred,
        "gold": n_gold,
        "matched": tp,
    }


def baseline_quotes(doc) -> list[dict]:
    """README baseline: quoted spans (min_words=1) + nearest PERSON/ORG in the sentence."""
    text = doc.text
    out = []
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG")]
    for m in _BASELINE_QUOTE.finditer(text):
        s, e = m.span()
        if len(text[s + 1 : e - 1].split()) < 1:
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        best = None
        if span is not None and len(span):
            s0, s1 = span[0].sent.start_char, span[-1].sent.end_char
            for ent in ents:
                if ent.end_char <= s0 or ent.start_char >= s1:
                    continue
                if ent.start_char < e and ent.end_char > s:
                    continue
                d = s - ent.end_char if ent.end_char <= s else ent.start_char - e
                if best is None or d < best[0]:
                    best = (d, ent)
        q = {"quote": {"start": s, "end": e}, "speaker": None, "speaker_name": None}
        if best:
            ent = best[1]
            q["speaker"] = {"start": ent.start_char, "end": ent.end_char}
            q["speaker_name"] = ent.text
        out.append(q)
    return out


def claims_to_quotes(claims: Iterable[dict]) -> list[dict]:
    """Quote/reported claims in the bench's prediction shape (numeric claims are not quotes)."""
    out = []
    for c in claims:
        if c["kind"] not in ("quote", "reported"):
            continue
        q: dict = {"quote": dict(c["span"]), "speaker": None, "speaker_name": None}
        if c.get("fragments"):
            q["quote_fragments"] = [dict(f) for f in c["fragments"]]
        sm = c.get("speaker_mention")
        if sm:
            q["speaker"] = {"start": sm["start"], "end": sm["end"]}
            q["speaker_name"] = sm["text"]
        out.append(q)
    return out


def _entities_fn():
    """The project's entity extractor, or a minimal stand-in built on doc.ents."""
    try:
        from streams.nlp.entities import extract_entities

        return extract_entities
    except ImportError:

        def from_ents(doc) -> list[dict]:
            by_name: dict[tuple[str, str], dict] = {}
            for ent in doc.ents:
                key = (ent.text, ent.label_)
                e = by_name.setdefault(
                    key,
                    {
                        "id": f"e{len(by_name) + 1}",
                        "name": ent.text,
                        "label": ent.label_,
                        "mentions": [],
                        "salience": 0.0,
                    },
                )
                e["mentions"].append(
                    {"start": ent.start_char, "end": ent.end_char, "text": ent.text}
                )
            return list(by_name.values())

        return from_ents


def _parsed(nlp, texts: list[str], path: str | None, batch_size: int) -> Iterator:
    """The parses of ``texts``: from ``path`` (a spaCy DocBin) when it holds the same texts,
    else from spaCy, written to ``path`` at the end when one is given."""
    from spacy.tokens import DocBin

    from streams.nlp.pieces import parse

    if path and Path(path).exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            yield from docs
            return
    db = DocBin(store_user_data=True) if path else None
    for doc in parse(nlp, texts, batch_size=batch_size):
        if db is not None:
            db.add(doc)
        yield doc
    if db is not None and path:
        db.to_disk(path)


def run(args: argparse.Namespace) -> int:
    """Score newsstream and the baseline in one spaCy pass; print a table (and JSON)."""
    from streams.nlp.claims import extract_claims
    from streams.nlp.model import load_nlp

    docs = list(read_records(args.data))
    if args.limit:
        docs = docs[: args.limit]
    nlp = load_nlp()
    extract_entities = _entities_fn()
    ours: dict[str, list[dict]] = {}
    base: dict[str, list[dict]] = {}
    t_post = 0.0
    t0 = time.perf_counter()
    texts = [d["text"] for d in docs]
    bar = tqdm(
        zip(docs, _parsed(nlp, texts, getattr(args, "parses", None), args.batch_size), strict=True),
        total=len(docs),
        desc="quotes",
        file=sys.stderr,
        unit="doc",
    )
    for rec, doc in bar:
        t1 = time.perf_counter()
        ents = extract_entities(doc)
        claims = extract_claims(doc, ents)
        t_post += time.perf_counter() - t1
        ours[rec["id"]] = claims_to_quotes(claims)
        base[rec["id"]] = baseline_quotes(doc)
    elapsed = time.perf_counter() - t0
    words = sum(len(d["text"].split()) for d in docs)
    res = {"newsstream": score(docs, ours), "baseline": score(docs, base)}
    cols = [
        "quote_precision",
        "quote_recall",
        "quote_f1",
        "speaker_accuracy",
        "speaker_accuracy_matched",
        "pred",
        "matched",
    ]
    print(f"quotes eval: {len(docs)} docs, {words} words, {res['baseline']['gold']} gold quotes")
    print(f"{'system':<12}" + "".join(f"{c:>26}" for c in cols))
    for name, r in res.items():
        print(f"{name:<12}" + "".join(f"{r[c]:>26}" for c in cols))
    print(
        f"time: {elapsed:.1f}s total, {t_post:.1f}s entities+claims post-processing, "
        f"{words / elapsed:.0f} words/s"
        + (f" (parses file {args.parses})" if getattr(args, "parses", None) else "")
    )
    if args.json:
        print(json.dumps(res))
    return 0
