"""Combine several extractors per visible paragraph with a small trained model.

Each extractor (trafilatura in precision mode, readability-lxml) returns
normalised text; :func:`streams.nlp.boilerplate.align.kept_spans` maps it back onto the page's
visible paragraphs, which gives, per paragraph, the share each extractor kept. Those shares,
their agreement and a handful of text features (length, stop-word density, final
punctuation, position, rule matches, publisher voice) feed a logistic regression whose
weights ship as ``data/boilerplate/combine.json``; ``python -m streams.evals.train_boilerplate``
retrains it from the development sets (cross-validated by site).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from streams.nlp.boilerplate import segment, visible
from streams.nlp.boilerplate.align import kept_spans
from streams.nlp.boilerplate.language import WORD, detect_stoplist, word_count
from streams.nlp.boilerplate.publisher import cues
from streams.nlp.boilerplate.rules import classify
from streams.nlp.boilerplate.spans import Removed, merge_removed
from streams.nlp.boilerplate.text import inline_removals
from streams.resources import data_dir

MODEL_FILE = data_dir("boilerplate") / "combine.json"

_TERMINAL = tuple(".!?…\"'”’»)。！？」』")

FEATURES = (
    "bias",
    "cov_precise",
    "cov_readability",
    "link_cov",
    "heading",
    "agree_all",
    "agree_none",
    "ctx_precise",
    "ctx_readability",
    "log_words",
    "short",
    "stop_density",
    "terminal",
    "rule",
    "junk_share",
    "position",
    "first_person_plural",
    "ask",
)


@dataclass(frozen=True)
class Model:
    """Logistic-regression weights over :data:`FEATURES` and the keep threshold."""

    weights: tuple[float, ...]
    threshold: float

    def probability(self, row: Sequence[float]) -> float:
        z = sum(w * x for w, x in zip(self.weights, row, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@functools.cache
def load_model(path: Path = MODEL_FILE) -> Model | None:
    """The shipped model, or None when no model file is there (then trafilatura decides)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        return None
    return Model(tuple(float(w) for w in data["weights"]), float(data["threshold"]))


@dataclass(frozen=True)
class Analysis:
    """A page's visible text, paragraphs, rule removals per paragraph and feature rows."""

    page: str
    spans: list[tuple[int, int]]
    removals: list[list[Removed]]
    rows: list[list[float]]


def analyse(markup: str, url: str | None) -> Analysis:
    """Run the extractors on a page and describe each visible paragraph."""
    from streams.nlp.boilerplate import html as htmlmod

    root = visible.parse(markup)
    page = visible.render(root)
    spans = segment.paragraphs(page)
    stops = detect_stoplist(page)
    links = "\n".join(a.text_content() for a in root.iter("a"))
    headings = frozenset(" ".join(h.text_content().split()) for h in root.iter("h1", "h2", "h3"))
    covs = [
        coverage(page, spans, htmlmod.extract_trafilatura(markup, url)),
        coverage(page, spans, htmlmod.extract_readability(markup)),
        coverage(page, spans, links),
    ]
    removals = [merge_removed(inline_removals(page, s, e)) for s, e in spans]
    junk = [sum(r.end - r.start for r in rem) for rem in removals]
    return Analysis(page, spans, removals, features(page, spans, covs, junk, stops, headings))


def coverage(page: str, spans: Sequence[tuple[int, int]], extracted: str) -> list[float]:
    """Per paragraph, the share of its characters an extractor's output covers."""
    out: list[float] = []
    for (start, end), keep in zip(spans, kept_spans(page, spans, extracted), strict=True):
        out.append(sum(e - s for s, e in keep) / max(1, end - start))
    return out


def features(
    page: str,
    spans: Sequence[tuple[int, int]],
    covs: Sequence[Sequence[float]],
    junk: Sequence[int],
    stops: frozenset[str],
    headings: frozenset[str] = frozenset(),
) -> list[list[float]]:
    """One feature row per paragraph; ``covs`` = (trafilatura precision mode, readability,
    link text) coverages, ``junk`` = characters the line/sentence rules remove from each
    paragraph, ``headings`` = the page's h1-h3 texts."""
    precise, readability, links = covs
    n = len(spans)
    rows: list[list[float]] = []
    for k, (start, end) in enumerate(spans):
        chunk = page[start:end]
        tokens = WORD.findall(chunk)
        words = word_count(chunk, tokens)
        hits = sum(1 for t in tokens if t.lower() in stops) if stops else 0
        fpp, ask, _, cue_words = cues(chunk) if len(chunk) <= 2000 else (0, 0, 0, 1)
        pair = (precise[k], readability[k])

        def ctx(cov: Sequence[float], k: int = k) -> float:
            near = [cov[j] for j in (k - 1, k + 1) if 0 <= j < n]
            return sum(near) / len(near) if near else 0.0

        rows.append(
            [
                1.0,
                precise[k],
                readability[k],
                links[k],
                1.0 if " ".join(chunk.split()) in headings else 0.0,
                1.0 if min(pair) >= 0.5 else 0.0,
                1.0 if max(pair) < 0.5 else 0.0,
                ctx(precise),
                ctx(readability),
                math.log1p(words) / 5.0,
                1.0 if words < 8 else 0.0,
                hits / words if words and stops else 0.0,
                1.0 if chunk.endswith(_TERMINAL) else 0.0,
                1.0 if len(chunk) <= 400 and classify(chunk) else 0.0,
                min(1.0, junk[k] / max(1, end - start)),
                k / max(1, n - 1),
                min(1.0, 10.0 * fpp / max(1, cue_words)),
                min(1.0, 10.0 * ask / max(1, cue_words)),
            ]
        )
    return rows
