"""Check-worthiness: how much a claim deserves a fact-checker's attention, 0..1.

An additive score, documented in docs/claims.md:
- base by kind: numeric 0.45, quote/reported 0.30; beliefs ("thinks", "hopes") -0.10;
- +0.15 when the speaker is a named entity of the record, +0.05 for an unnamed source;
- +0.15 when the claim text carries a number (a quantity or a digit);
- +0.10 per strong-assertion word (never, record, largest, doubled, ...), at most +0.20;
- -0.10 per opinion or courtesy marker (I think, maybe, should, great, thanks), at most -0.30;
- -0.15 for fragments under four words (scare quotes, labels), +0.05 for 12+ words.
The result is clipped to [0, 1] and rounded to 3 places.
"""

from __future__ import annotations

import re

from .lexicon import worthiness_terms

_WORD = re.compile(r"[\w']+")


def _hits(words: list[str], terms: frozenset[str]) -> int:
    """How many terms (single words or phrases) occur in the word list."""
    joined = " " + " ".join(words) + " "
    return sum(1 for t in terms if (" " + t + " ") in joined)


def score(
    text: str,
    kind: str,
    cue_class: str | None,
    named_speaker: bool,
    any_speaker: bool,
    has_number: bool,
) -> float:
    """Check-worthiness of one claim; see the module docstring for the rule."""
    words = [w.lower() for w in _WORD.findall(text)]
    terms = worthiness_terms()
    s = 0.45 if kind == "numeric" else 0.30
    if cue_class == "belief":
        s -= 0.10
    if named_speaker:
        s += 0.15
    elif any_speaker:
        s += 0.05
    if has_number or any(ch.isdigit() for ch in text):
        s += 0.15
    s += min(0.20, 0.10 * _hits(words, terms.get("strong", frozenset())))
    s -= min(0.30, 0.10 * _hits(words, terms.get("opinion", frozenset())))
    if len(words) < 4:
        s -= 0.15
    elif len(words) >= 12:
        s += 0.05
    return round(min(1.0, max(0.0, s)), 3)
