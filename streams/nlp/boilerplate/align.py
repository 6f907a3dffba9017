"""Map an extractor's output back onto the page's visible paragraphs.

Extractors return normalised text with no offsets. Matching by word n-grams tells, for each
visible paragraph, how much of it the extractor kept, which lets several extractors vote per
paragraph and keeps removed spans exact against the visible text.
"""

from __future__ import annotations

from collections.abc import Sequence

from streams.nlp.boilerplate.language import WORD

N = 4


def ngram_index(text: str) -> set[tuple[str, ...]]:
    """All word 1..4-grams of ``text``: short paragraphs are matched by their whole tuple."""
    tokens = WORD.findall(text)
    grams: set[tuple[str, ...]] = set()
    for n in range(1, N + 1):
        for i in range(len(tokens) - n + 1):
            grams.add(tuple(tokens[i : i + n]))
    return grams


def coverage(paragraph: str, index: set[tuple[str, ...]]) -> float:
    """Share of the paragraph's word 4-grams (or its whole tuple if shorter) in ``index``."""
    tokens = WORD.findall(paragraph)
    if not tokens:
        return 0.0
    if len(tokens) < N:
        return 1.0 if tuple(tokens) in index else 0.0
    total = len(tokens) - N + 1
    hits = sum(1 for i in range(total) if tuple(tokens[i : i + N]) in index)
    return hits / total


def coverages(page: str, spans: Sequence[tuple[int, int]], extracted: str) -> list[float]:
    """Coverage of each visible paragraph by one extractor's output."""
    index = ngram_index(extracted)
    return [coverage(page[s:e], index) for s, e in spans]
