"""Plain-text cleaning: keep the article's main block, cut cue-matched lines and sentences.

Upstream scrapers hand us the whole page's visible text. Menus, teasers and footers are short
lines with few function words; article prose is long with many. Each paragraph gets a signed
weight from that contrast and the article is the contiguous run with the largest total weight
(a maximum-sum segment), which keeps short in-article paragraphs that sit between prose and
drops the long prose of a comment section far away from the main block only if weaker.
Inside the kept block, rules from data/boilerplate/rules.json remove appeals, captions,
bylines and the like at line and sentence level, so an appeal glued to the lede goes and the
lede stays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from streams.nlp.boilerplate import guards, segment
from streams.nlp.boilerplate.language import WORD, detect_stoplist, word_count
from streams.nlp.boilerplate.logistic import Model, load_model
from streams.nlp.boilerplate.publisher import credit_spans, cues, is_appeal_block, is_teaser
from streams.nlp.boilerplate.rules import classify, is_comments_start, is_section_end
from streams.nlp.boilerplate.spans import Cleaned, Removed, build_cleaned
from streams.nlp.boilerplate.title import headline
from streams.nlp.errors import InputError
from streams.resources import data_dir

SECTION_SHARE = 0.5
PROSE_BEFORE_END = 800.0
RUN_FLOOR = 0.2  # inside the article run, a paragraph the model gives less than this goes
OUTSIDE_KEEP = 0.9  # outside the run, a paragraph stays only when the model is this sure
_TERMINAL = tuple(".!?…。！？")
_CLOSING = "\"'”’»)」』 "


@dataclass(frozen=True)
class Block:
    """One paragraph of the input with the features the main-block search reads."""

    start: int
    end: int
    words: int
    stop_density: float
    terminal: bool
    rule: str | None
    inline: tuple[Removed, ...]
    teaser: bool
    capitals: float  # share of its words that start with a capital letter
    numeric: float  # share of its tokens that are numbers


def describe(text: str, spans: list[tuple[int, int]], stops: frozenset[str]) -> list[Block]:
    """Compute per-paragraph features."""
    blocks: list[Block] = []
    for start, end in spans:
        chunk = text[start:end]
        tokens = WORD.findall(chunk)
        n = word_count(chunk, tokens)
        hits = sum(1 for t in tokens if t.lower() in stops) if stops else 0
        density = hits / n if n else 0.0
        inline = tuple(inline_removals(text, start, end))
        junk = sum(r.end - r.start for r in inline)
        rule = inline[0].reason if inline and junk > 0.5 * (end - start) else None
        terminal = chunk.rstrip(_CLOSING).endswith(_TERMINAL)
        alpha = [t for t in tokens if t[0].isalpha()]
        capitals = sum(1 for t in alpha if t[0].isupper()) / len(alpha) if alpha else 0.0
        numeric = sum(1 for t in tokens if t.isdigit()) / len(tokens) if tokens else 0.0
        blocks.append(
            Block(
                start, end, n, density, terminal, rule, inline, is_teaser(chunk), capitals, numeric
            )
        )
    return blocks


def weight(block: Block, has_stops: bool) -> float:
    """Signed evidence that a paragraph is article prose (+) or page furniture (-)."""
    chars = block.end - block.start
    if block.rule or block.teaser:
        return -(chars * 0.5 + 25.0)
    density_ok = block.stop_density >= 0.22 if has_stops else True
    if block.words >= 12 and density_ok and (block.terminal or block.words >= 25):
        return float(chars)
    if block.words >= 6 and block.terminal and (block.stop_density >= 0.15 or not has_stops):
        return 0.5 * chars
    return -(chars * 0.5 + 25.0)


def main_block(weights: list[float]) -> tuple[int, int]:
    """Indices ``[i, j)`` of the maximum-sum contiguous run of paragraph weights."""
    best, best_i, best_j = 0.0, 0, 0
    run, run_i = 0.0, 0
    for k, w in enumerate(weights):
        if run <= 0:
            run, run_i = 0.0, k
        run += w
        if run > best:
            best, best_i, best_j = run, run_i, k + 1
    return best_i, best_j


def demote_after_section_end(text: str, blocks: list[Block], weights: list[float]) -> list[float]:
    """Count everything after the first comment-thread header as furniture.

    Only a header that follows real prose (PROSE_BEFORE_END chars of positive weight) counts,
    so a comment-count link under the headline does not sink the article.
    """
    seen = 0.0
    for k, block in enumerate(blocks):
        if seen >= PROSE_BEFORE_END and block.end - block.start <= 300:
            if is_comments_start(text[block.start : block.end]):
                return weights[:k] + [-abs(w) - 25.0 for w in weights[k:]]
        seen += max(weights[k], 0.0)
    return weights


def cut_at_section_end(
    text: str, blocks: list[Block], weights: list[float], first: int, last: int
) -> int:
    """End the main block at a comments/"more stories" header once most prose is behind.

    Comment threads are prose too and can outweigh the gaps before them; their header line is
    the reliable boundary. A header before most of the article's weight is ignored (it is
    usually a comment-count link under the headline).
    """
    total = sum(w for w in weights[first:last] if w > 0)
    seen = 0.0
    for k in range(first, last):
        block = blocks[k]
        if k > first and seen >= SECTION_SHARE * total and block.end - block.start <= 300:
            if is_section_end(text[block.start : block.end]):
                return k
        seen += max(weights[k], 0.0)
    return last


def inline_removals(text: str, start: int, end: int) -> list[Removed]:
    """Cue-matched lines and sentences inside one kept paragraph; a paragraph or sentence in
    which the publisher asks for support in its own voice; inline photo credits."""
    other = classify(text[start:end]) if end - start <= 400 else None
    if other in (None, "appeal") and is_appeal_block(text[start:end]):
        return [Removed(start, end, "appeal")]
    out: list[Removed] = [Removed(s, e, "caption") for s, e in credit_spans(text, start, end)]
    for ls, le in segment.lines(text, start, end):
        sents = segment.sentences(text, ls, le)
        reason = classify(text[ls:le], full_only=len(sents) > 1) if le - ls <= 400 else None
        if reason:
            out.append(Removed(ls, le, reason))
            continue
        if len(sents) < 2:
            continue
        for ss, se in sents:
            reason = classify(text[ss:se]) or ("appeal" if is_appeal_block(text[ss:se]) else None)
            if reason:
                out.append(Removed(ss, se, reason))
    return out


TEXT_MODEL_FILE = data_dir("boilerplate") / "text_combine.json"

TEXT_FEATURES = (
    "bias",
    "in_main",
    "positive",
    "ctx_positive",
    "dist_main",
    "log_words",
    "short",
    "stop_density",
    "terminal",
    "rule",
    "teaser",
    "junk_share",
    "position",
    "repeated",
    "title_case",
    "numeric",
    "first_person_plural",
    "ask",
)


@dataclass(frozen=True)
class Analysis:
    """A text's paragraphs, the max-sum main block ``[first, last)`` and the feature rows."""

    blocks: list[Block]
    first: int
    last: int
    rows: list[list[float]]


def analyse(text: str) -> Analysis:
    """Describe each paragraph of scraped text for the keep/drop decision."""
    spans = segment.paragraphs(text)
    stops = detect_stoplist(text)
    blocks = describe(text, spans, stops)
    weights = [weight(b, bool(stops)) for b in blocks]
    weights = demote_after_section_end(text, blocks, weights)
    first, last = main_block(weights)
    last = cut_at_section_end(text, blocks, weights, first, last)
    return Analysis(blocks, first, last, features(text, blocks, weights, first, last, stops))


def features(
    text: str,
    blocks: list[Block],
    weights: list[float],
    first: int,
    last: int,
    stops: frozenset[str],
) -> list[list[float]]:
    """One row of :data:`TEXT_FEATURES` per paragraph: the max-sum block's verdict and its
    neighbourhood, plus the paragraph's own shape (length, function words, punctuation,
    capitals, digits, repeats elsewhere on the page, publisher voice)."""
    n = len(blocks)
    chunks = [" ".join(text[b.start : b.end].split()) for b in blocks]
    seen: dict[str, int] = {}
    for chunk in chunks:
        seen[chunk] = seen.get(chunk, 0) + 1
    positive = [1.0 if w > 0 else 0.0 for w in weights]
    rows: list[list[float]] = []
    for k, block in enumerate(blocks):
        chunk = chunks[k]
        around = [j for j in (k - 2, k - 1, k + 1, k + 2) if 0 <= j < n]
        near = [positive[j] for j in around]
        dist = 0 if first <= k < last else min(abs(k - first), abs(k - (last - 1)))
        fpp, ask, _, cue_words = cues(chunk) if len(chunk) <= 2000 else (0, 0, 0, 1)
        rows.append(
            [
                1.0,
                1.0 if first <= k < last else 0.0,
                positive[k],
                sum(near) / len(near) if near else 0.0,
                min(1.0, dist / 5.0),
                math.log1p(block.words) / 5.0,
                1.0 if block.words < 8 else 0.0,
                block.stop_density if stops else 0.0,
                1.0 if block.terminal else 0.0,
                1.0 if block.rule else 0.0,
                1.0 if block.teaser else 0.0,
                min(1.0, sum(r.end - r.start for r in block.inline) / max(1, len(chunk))),
                k / max(1, n - 1),
                1.0 if seen[chunk] > 1 else 0.0,
                block.capitals,
                block.numeric,
                min(1.0, 10.0 * fpp / max(1, cue_words)),
                min(1.0, 10.0 * ask / max(1, cue_words)),
            ]
        )
    return rows


def keep(found: Analysis, model: Model | None) -> list[bool]:
    """Per paragraph, whether it is article text: the trained model's probabilities read as
    one article block (:func:`article_run`) where a model ships, else (and when that keeps
    nothing) membership of the max-sum main block."""
    main = [found.first <= k < found.last for k in range(len(found.blocks))]
    if model is None:
        return main
    probs = [model.probability(row) for row in found.rows]
    sizes = [b.end - b.start for b in found.blocks]
    verdicts = article_run(probs, sizes, model.threshold)
    return verdicts if any(verdicts) else main


def article_run(probs: list[float], sizes: list[int], threshold: float) -> list[bool]:
    """Keep the article as one block: the maximum-sum run of ``(p - threshold) * chars``.

    An article is contiguous, so a teaser or comment the model half-believes in, cut off from
    the body by furniture it does not believe in, stays out, while a subhead or short line
    inside the body stays in unless the model all but rules it out (below RUN_FLOOR). A
    paragraph outside the run stays only when the model is sure of it (OUTSIDE_KEEP), so an
    article split by a long block of furniture keeps its far part.
    """
    first, last = main_block([(p - threshold) * n for p, n in zip(probs, sizes, strict=True)])
    return [
        (first <= k < last and p >= RUN_FLOOR) or p >= OUTSIDE_KEEP for k, p in enumerate(probs)
    ]


def clean_text(text: str) -> Cleaned:
    """Clean scraped article text; removed offsets index ``text`` exactly; the title is the
    first line when it looks like a headline (:func:`~streams.nlp.boilerplate.title.headline`)."""
    guards.check_text(text, kind="text", max_chars=guards.MAX_TEXT_CHARS)
    found = analyse(text)
    kept = keep(found, load_model(TEXT_MODEL_FILE, TEXT_FEATURES))
    if not any(kept):
        raise InputError("no article text found: no paragraph looks like prose")
    removed: list[Removed] = []
    for block, keep_it in zip(found.blocks, kept, strict=True):
        if block.rule:
            removed.append(Removed(block.start, block.end, block.rule))
        elif not keep_it:
            removed.append(Removed(block.start, block.end, "outside-main"))
        else:
            removed.extend(block.inline)
    cleaned = build_cleaned(text, removed)
    if not cleaned.text:
        raise InputError("no article text left after removing boilerplate")
    return replace(cleaned, title=headline(text))
