"""Stop-word density, the language-independent signal that separates prose from navigation.

jusText ships stop-word lists for about 100 languages; the page's language is guessed as the
list with the most hits, so non-English pages are scored by their own function words.
"""

from __future__ import annotations

import functools
import re

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


def detect_stoplist(text: str) -> frozenset[str]:
    """Return the stop-word set of the language whose function words the text uses most."""
    tokens = [t.lower() for t in WORD.findall(text[:60_000])][:_SAMPLE_TOKENS]
    if not tokens:
        return frozenset()
    counts: dict[str, int] = {}
    for tok in tokens:
        counts[tok] = counts.get(tok, 0) + 1
    best, best_hits = "English", -1
    for lang, stops in _stoplists().items():
        hits = sum(n for tok, n in counts.items() if tok in stops)
        if hits > best_hits:
            best, best_hits = lang, hits
    if best_hits < 0.05 * len(tokens):
        return frozenset()
    return _stoplists()[best]


def word_count(chunk: str, tokens: list[str]) -> int:
    """Words in ``chunk`` (its ``WORD`` tokens): a token count, except in scripts written
    without spaces, where it is estimated from the number of their characters."""
    unspaced = len(UNSPACED.findall(chunk))
    if unspaced * 2 < len(chunk.replace(" ", "")):
        return len(tokens)
    return len(tokens) + unspaced // 2
