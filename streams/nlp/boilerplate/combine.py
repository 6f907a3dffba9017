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

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml.html import HtmlElement

from streams.nlp.boilerplate import extractors, logistic, segment, visible
from streams.nlp.boilerplate.align import Need, kept_spans, word_grams
from streams.nlp.boilerplate.language import WORD, detect_stoplist, word_count
from streams.nlp.boilerplate.logistic import Model, sigmoid
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
    "ctx2_precise",
    "ctx2_readability",
)


def load_model(path: Path = MODEL_FILE) -> Model | None:
    """The shipped model, or None when no model file is there (then trafilatura decides)."""
    return logistic.load_model(path, FEATURES)


@dataclass(frozen=True)
class Analysis:
    """A page's visible text, paragraphs, rule removals per paragraph and feature rows."""

    page: str
    spans: list[tuple[int, int]]
    removals: list[list[Removed]]
    rows: list[list[float]]


@dataclass(frozen=True)
class Evidence:
    """What the extractors and the page say about each visible paragraph, before the rules."""

    page: str
    spans: list[tuple[int, int]]
    tokens: list[list[str]]  # each paragraph's words (language.WORD)
    covs: tuple[list[float], list[float], list[float]]
    stops: frozenset[str]
    headings: frozenset[str]
    title: str | None


def gather(markup: str, url: str | None) -> Evidence:
    """Parse the page once; render its visible text and run both extractors on that tree."""
    parsed = visible.load(markup)
    root = parsed.root
    page = visible.render(root)  # first: it refuses pages nested too deep for the extractors
    spans = segment.paragraphs(page)
    stops = detect_stoplist(page)
    links = "\n".join(a.text_content() for a in root.iter("a"))
    headings = frozenset(" ".join(h.text_content().split()) for h in root.iter("h1", "h2", "h3"))
    title = extractors.page_title(parsed.tree) if parsed.tree is not None else None
    precise, readable = extract_both(parsed, url)  # last: trafilatura changes the tree
    tokens = [WORD.findall(page, start, end) for start, end in spans]
    grams = [word_grams(t) for t in tokens]
    needs: list[Need | None] = [None] * len(spans)  # built when needed
    covs = (
        coverage(page, spans, precise, grams, needs),
        coverage(page, spans, readable, grams, needs),
        coverage(page, spans, links, grams, needs),
    )
    return Evidence(page, spans, tokens, covs, stops, headings, title)


def extract_both(parsed: visible.Parsed, url: str | None) -> tuple[str, str]:
    """trafilatura's and readability-lxml's text of a parsed page, in that order.

    readability-lxml runs first, on a copy of the tree, and its article is rendered before
    trafilatura may tidy it: trafilatura compares its own extraction with that article, given
    instead of re-run. trafilatura then works on the tree itself, which it changes."""
    article = extractors.readability_tree(parsed.root)
    readable = visible.render(article) if article is not None else ""
    if parsed.tree is None:
        return "", readable
    given = article if article is not None else HtmlElement()
    return extractors.extract_trafilatura(parsed.tree, url, given, spend=True), readable


def analyse(markup: str, url: str | None) -> Analysis:
    """Run the extractors on a page and describe each visible paragraph: every feature and
    the rule removals of every paragraph (what training reads)."""
    ev = gather(markup, url)
    page, spans = ev.page, ev.spans
    removals = [merge_removed(inline_removals(page, s, e)) for s, e in spans]
    junk = [sum(r.end - r.start for r in rem) for rem in removals]
    rows = features(page, spans, ev.covs, junk, ev.stops, ev.headings)
    return Analysis(page, spans, removals, rows)


# Features that need the line/sentence rules or the publisher cues, the costly part of a row;
# each lies in [0, 1].
_COSTLY = ("rule", "junk_share", "first_person_plural", "ask")
_RULE, _JUNK_SHARE, _FPP, _ASK = _COSTLY_INDEX = tuple(FEATURES.index(name) for name in _COSTLY)


@dataclass(frozen=True)
class Decision:
    """A page's visible text, paragraphs and, per paragraph, the rule removals to apply when
    the model keeps it (None when it drops it); the page's title from its metadata."""

    page: str
    spans: list[tuple[int, int]]
    kept: list[list[Removed] | None]
    title: str | None


def decide(markup: str, url: str | None, model: Model) -> Decision:
    """Score every visible paragraph with ``model``; the same verdicts as scoring the rows
    of :func:`analyse`, but the rules and publisher cues run only on paragraphs that the
    model could keep: with those features set to their most favourable values (0 or 1, by
    the sign of their weights), a paragraph still below the threshold is dropped unseen.
    Before that, a paragraph whose score cannot reach the threshold whatever its text
    features (:meth:`_Rows.ceilings`, from the coverages and its word count) is dropped
    without computing its row."""
    ev = gather(markup, url)
    page, spans = ev.page, ev.spans
    rows = _Rows(page, spans, ev.covs, ev.stops, ev.headings, ev.tokens)
    kept: list[list[Removed] | None] = []
    ceilings = rows.ceilings(model.weights)
    for k, (start, end) in enumerate(spans):
        if sigmoid(ceilings[k] + _MARGIN) < model.threshold:
            kept.append(None)
            continue
        row = rows.row(k, None)
        for i in _COSTLY_INDEX:
            row[i] = 1.0 if model.weights[i] > 0 else 0.0
        if model.probability(row) < model.threshold:
            kept.append(None)
            continue
        removals = merge_removed(inline_removals(page, start, end))
        row = rows.row(k, sum(r.end - r.start for r in removals))
        kept.append(removals if model.probability(row) >= model.threshold else None)
    return Decision(page, spans, kept, ev.title)


# Added to a score's upper bound before it is compared: far above the rounding error of
# summing 20 products, so a bound below the threshold means a score below it.
_MARGIN = 1e-6


def coverage(
    page: str,
    spans: Sequence[tuple[int, int]],
    extracted: str,
    grams: Sequence[list[tuple[str, ...]]] | None = None,
    needs: list[Need | None] | None = None,
) -> list[float]:
    """Per paragraph, the share of its characters an extractor's output covers (``grams``:
    the paragraphs' word n-grams, when already computed; ``needs``: their sets or counts, as
    :func:`streams.nlp.boilerplate.align.kept_spans` keeps them)."""
    out: list[float] = []
    keeps = kept_spans(page, spans, extracted, grams, needs)
    for (start, end), keep in zip(spans, keeps, strict=True):
        out.append(sum(e - s for s, e in keep) / max(1, end - start) if keep else 0.0)
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
    rows = _Rows(page, spans, covs, stops, headings)
    return [rows.row(k, junk[k]) for k in range(len(spans))]


class _Rows:
    """Feature rows of one page's paragraphs, one at a time."""

    def __init__(
        self,
        page: str,
        spans: Sequence[tuple[int, int]],
        covs: Sequence[Sequence[float]],
        stops: frozenset[str],
        headings: frozenset[str],
        tokens: Sequence[list[str]] | None = None,
    ) -> None:
        self.page, self.spans, self.stops, self.headings = page, spans, stops, headings
        self.tokens = tokens
        self.precise, self.readability, self.links = covs
        self.ctx_precise = _context(self.precise)
        self.ctx_readability = _context(self.readability)
        self.ctx2_precise = _context(self.precise, 2)
        self.ctx2_readability = _context(self.readability, 2)
        self._plain: dict[int, list[float]] = {}

    def row(self, k: int, junk: int | None) -> list[float]:
        """Row of paragraph ``k``; ``junk`` = characters the rules remove from it, or None to
        leave the costly features (:data:`_COSTLY`) at 0 without computing them."""
        row = list(self._plain_row(k))
        if junk is not None:
            start, end = self.spans[k]
            chunk = self.page[start:end]
            fpp, ask, _, cue_words = cues(chunk) if len(chunk) <= 2000 else (0, 0, 0, 1)
            row[_RULE] = 1.0 if len(chunk) <= 400 and classify(chunk) else 0.0
            row[_JUNK_SHARE] = min(1.0, junk / max(1, end - start))
            row[_FPP] = min(1.0, 10.0 * fpp / max(1, cue_words))
            row[_ASK] = min(1.0, 10.0 * ask / max(1, cue_words))
        return row

    def ceilings(self, weights: Sequence[float]) -> list[float]:
        """Per paragraph, an upper bound of the score ``weights`` give its row, whatever the
        rules and cues find: the features read from the coverages, the position and the
        last character exactly; heading, stop-word density and the costly features
        (:data:`_COSTLY`) anywhere in [0, 1]; the word count between the paragraph's token
        count and that plus half its characters (:func:`word_count`)."""
        w = dict(zip(FEATURES, weights, strict=True))
        # the page-wide part: bias and the features bounded by their most favourable value
        base = w["bias"] + max(0.0, w["heading"]) + max(0.0, w["stop_density"])
        base += sum(max(0.0, w[name]) for name in _COSTLY)
        short = max(0.0, w["short"])
        last = max(1, len(self.spans) - 1)
        page = self.page
        # the weights as locals: the sum below adds the same terms in the same order
        w_precise, w_readability, w_links = w["cov_precise"], w["cov_readability"], w["link_cov"]
        w_all, w_none, w_log, w_terminal = (
            w["agree_all"],
            w["agree_none"],
            w["log_words"],
            w["terminal"],
        )
        w_ctx_p, w_ctx_r = w["ctx_precise"], w["ctx_readability"]
        w_ctx2_p, w_ctx2_r, w_position = w["ctx2_precise"], w["ctx2_readability"], w["position"]
        log1p = math.log1p
        out: list[float] = []
        for k, ((start, end), p, r, link, cp, cr, cp2, cr2) in enumerate(
            zip(
                self.spans, self.precise, self.readability, self.links, self.ctx_precise,
                self.ctx_readability, self.ctx2_precise, self.ctx2_readability, strict=True,
            )
        ):  # fmt: skip
            low = (
                len(self.tokens[k])
                if self.tokens is not None
                else len(WORD.findall(page, start, end))
            )
            high = low + (end - start) // 2
            z = (
                base
                + w_precise * p
                + w_readability * r
                + w_links * link
                + (w_all if min(p, r) >= 0.5 else 0.0)
                + (w_none if max(p, r) < 0.5 else 0.0)
                + w_ctx_p * cp
                + w_ctx_r * cr
                + max(w_log * log1p(low) / 5.0, w_log * log1p(high) / 5.0)
                + (0.0 if low >= 8 else short)
                + (w_terminal if page[end - 1] in _TERMINAL else 0.0)
                + w_position * (k / last)
                + w_ctx2_p * cp2
                + w_ctx2_r * cr2
            )
            out.append(z)
        return out

    def _plain_row(self, k: int) -> list[float]:
        """Row of paragraph ``k`` with the costly features at 0, computed once (decide asks
        for it, then for the full row of the paragraphs the model could keep)."""
        row = self._plain.get(k)
        if row is not None:
            return row
        start, end = self.spans[k]
        n = len(self.spans)
        chunk = self.page[start:end]
        tokens = self.tokens[k] if self.tokens is not None else WORD.findall(chunk)
        words = word_count(chunk, tokens)
        stops = self.stops
        hits = sum(map(stops.__contains__, map(str.lower, tokens))) if stops else 0
        pair = (self.precise[k], self.readability[k])
        values = {
            "bias": 1.0,
            "cov_precise": self.precise[k],
            "cov_readability": self.readability[k],
            "link_cov": self.links[k],
            "heading": 1.0 if " ".join(chunk.split()) in self.headings else 0.0,
            "agree_all": 1.0 if min(pair) >= 0.5 else 0.0,
            "agree_none": 1.0 if max(pair) < 0.5 else 0.0,
            "ctx_precise": self.ctx_precise[k],
            "ctx_readability": self.ctx_readability[k],
            "log_words": math.log1p(words) / 5.0,
            "short": 1.0 if words < 8 else 0.0,
            "stop_density": hits / words if words and stops else 0.0,
            "terminal": 1.0 if chunk.endswith(_TERMINAL) else 0.0,
            "position": k / max(1, n - 1),
            "ctx2_precise": self.ctx2_precise[k],
            "ctx2_readability": self.ctx2_readability[k],
            **dict.fromkeys(_COSTLY, 0.0),
        }
        row = self._plain[k] = [values[name] for name in FEATURES]
        return row


def _context(cov: Sequence[float], reach: int = 1) -> list[float]:
    """Per paragraph, the mean coverage of its neighbours up to ``reach`` paragraphs away
    (0 for a lone paragraph). The paragraphs with ``reach`` neighbours on both sides are
    read from shifted copies of the list (one ``zip``, not two slices each); every mean sums
    the same values in the same order as at the edges, so the floats are the same."""
    cov = list(cov)
    n = len(cov)

    def edge(k: int) -> float:
        near = cov[max(0, k - reach) : k] + cov[k + 1 : k + reach + 1]
        return sum(near) / len(near) if near else 0.0

    if n <= 2 * reach:
        return [edge(k) for k in range(n)]
    lanes = [cov[i : n - 2 * reach + i] for i in range(2 * reach + 1) if i != reach]
    inner = [sum(near) / (2 * reach) for near in zip(*lanes, strict=True)]
    return [*map(edge, range(reach)), *inner, *map(edge, range(n - reach, n))]
