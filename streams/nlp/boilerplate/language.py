"""Stop-word density, the language-independent signal that separates prose from navigation.

jusText ships stop-word lists for about 100 languages; the page's language is guessed as the
list with the most hits, so non-English pages are scored by their own function words.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import justext

WORD = re.compile(r"\w+")
# Scripts written without spaces between words (CJK, kana, Thai, Lao, Khmer, Myanmar): there
# a `\w+` run is a whole phrase, so words are counted as characters / 2 (a rough mean).
UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"
)
_SAMPLE_TOKENS = 4000


@functools.cache
def _stoplists() -> dict[str, frozenset[str]]:
    return {lang: frozenset(justext.get_stoplist(lang)) for lang in justext.get_stoplists()}


@functools.cache
def _index() -> tuple[tuple[str, ...], dict[str, tuple[int, ...]]]:
    """The languages in a fixed order, and for each stop word the languages that list it.
    English first (the pipeline's language), then by name: jusText's own order is a
    frozenset's, which changes with the hash seed, and with it the winner of a tie."""
    langs = tuple(sorted(_stoplists(), key=lambda lang: (lang != "English", lang)))
    index: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        for word in _stoplists()[lang]:
            index.setdefault(word, []).append(i)
    return langs, {word: tuple(ids) for word, ids in index.items()}


def detect_stoplist(text: str) -> frozenset[str]:
    """Return the stop-word set of the language whose function words the text uses most
    (English, else the first by name, on a tie)."""
    tokens = WORD.findall(text[:60_000])[:_SAMPLE_TOKENS]
    if not tokens:
        return frozenset()
    counts = Counter(map(str.lower, tokens))
    langs, index = _index()
    hits = [0] * len(langs)
    for tok in counts.keys() & index.keys():  # only the stop words of some language
        n = counts[tok]
        for i in index[tok]:
            hits[i] += n
    best = max(range(len(langs)), key=hits.__getitem__)
    if hits[best] < 0.05 * len(tokens):
        return frozenset()
    return _stoplists()[langs[best]]


def word_count(chunk: str, tokens: list[str]) -> int:
    """Words in ``chunk`` (its ``WORD`` tokens): a token count, except in scripts written
    without spaces, where it is estimated from the number of their characters."""
    unspaced = len(UNSPACED.findall(chunk))
    if unspaced * 2 < len(chunk.replace(" ", "")):
        return len(tokens)
    return len(tokens) + unspaced // 2
