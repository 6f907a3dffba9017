"""Map an extractor's output back onto the page's visible text.

Extractors return normalised text with no offsets. Matching word n-grams tells how much of
each visible paragraph the extractor kept; mixed paragraphs are resolved sentence by sentence.
N-grams are consumed as they are matched (a multiset), so text the page repeats (teasers,
hidden mobile copies) is kept once, as the extractor did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from streams.nlp.boilerplate import segment
from streams.nlp.boilerplate.language import WORD

N = 4
WHOLE = 0.9
NONE = 0.1
KEEP = 0.5


def word_grams(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """Word 4-grams of a token list (one shorter gram for a text of 1-3 words)."""
    if len(tokens) < N:
        return [tuple(tokens)] if tokens else []
    if N == 4:  # spelled out: the generic zip costs as much again on short token lists
        return list(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))
    return list(zip(*(tokens[i:] for i in range(N)), strict=False))


def paragraph_grams(page: str, spans: Sequence[tuple[int, int]]) -> list[list[tuple[str, ...]]]:
    """Word 4-grams of each paragraph, to align several extractors' outputs with one pass."""
    return [word_grams(WORD.findall(page[start:end])) for start, end in spans]


def ngram_bag(text: str) -> Counter[tuple[str, ...]]:
    """Word 4-grams of ``text`` plus all shorter n-grams, so short units can match too."""
    tokens = WORD.findall(text)
    bag: Counter[tuple[str, ...]] = Counter()
    for n in range(1, N + 1):
        bag.update(zip(*(tokens[i:] for i in range(n)), strict=False))
    return bag


Need = set[tuple[str, ...]] | Counter[tuple[str, ...]]


def needs(grams: list[tuple[str, ...]]) -> Need:
    """The n-grams a unit needs from the output: their set when each occurs once (nearly
    always, and cheaper to build than a ``Counter``), else their counts."""
    distinct = set(grams)
    return distinct if len(distinct) == len(grams) else Counter(grams)


def _coverage(
    grams: list[tuple[str, ...]],
    bag: Counter[tuple[str, ...]],
    need: Need | None = None,
) -> float:
    if not grams:
        return 0.0
    if need is None:
        need = needs(grams)
    if isinstance(need, set):
        # each n-gram once, and the bag holds no zero counts (_consume)
        return len(bag.keys() & need) / len(grams)
    common = need.keys() & bag.keys()
    return sum(min(need[g], bag[g]) for g in common) / len(grams)


def _consume(grams: list[tuple[str, ...]], bag: Counter[tuple[str, ...]]) -> None:
    """Take ``grams`` out of ``bag`` once each while there are any; a count that reaches
    zero is deleted, so every n-gram the bag holds is there at least once."""
    for g in grams:
        n = bag.get(g, 0)
        if n > 1:
            bag[g] = n - 1
        elif n == 1:
            bag.pop(g)  # dict's own (Counter's __delitem__ is Python code)


def kept_units(page: str, spans: Sequence[tuple[int, int]], extracted: str) -> list[bool]:
    """Per visible paragraph: True (kept whole), False (dropped); see :func:`kept_spans`."""
    return [bool(k) for k in kept_spans(page, spans, extracted)]


def kept_spans(
    page: str,
    spans: Sequence[tuple[int, int]],
    extracted: str,
    grams_of: Sequence[list[tuple[str, ...]]] | None = None,
    needs_of: list[Need | None] | None = None,
) -> list[list[tuple[int, int]]]:
    """For each visible paragraph, the sub-spans (whole, some sentences, or none) to keep;
    ``grams_of``: the paragraphs' :func:`paragraph_grams`, when already computed, and
    ``needs_of`` a list, one entry per paragraph, where their :func:`needs` are kept once
    computed (None until then), to align several outputs with them."""
    bag = ngram_bag(extracted)
    if not bag:
        return [[] for _ in spans]
    if grams_of is None:
        grams_of = paragraph_grams(page, spans)
    out: list[list[tuple[int, int]]] = []
    for k, ((start, end), grams) in enumerate(zip(spans, grams_of, strict=True)):
        if bag.keys().isdisjoint(grams):
            out.append([])  # coverage 0: none of its n-grams is in the output (or it has none)
            continue
        need = None
        if needs_of is not None:
            need = needs_of[k]
            if need is None:
                need = needs_of[k] = needs(grams)
        cov = _coverage(grams, bag, need)
        if cov >= WHOLE:
            _consume(grams, bag)
            out.append([(start, end)])
            continue
        if cov <= NONE:
            out.append([])
            continue
        keep: list[tuple[int, int]] = []
        for ls, le in segment.lines(page, start, end):
            for ss, se in segment.sentences(page, ls, le):
                sg = word_grams(WORD.findall(page[ss:se]))
                if sg and _coverage(sg, bag) >= KEEP:
                    _consume(sg, bag)
                    keep.append((ss, se))
        out.append(keep)
    return out
