"""A plain-text article's headline: its first line, when that line looks like one.

Text files carry no metadata, so the title of a ``.txt`` article is its first line if the line
is short, stands on its own, has no sentence-final period and is capitalised like a headline
(Title Case or sentence case). Menu words, bylines, dates and other furniture do not count.
"""

from __future__ import annotations

import re

from streams.nlp.boilerplate.rules import classify

MIN_WORDS = 3
MAX_WORDS = 25
MAX_CHARS = 200
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w,.:%-]*")
_SMALL = frozenset(
    "a an and as at but by for from in into is of on or over per the to up via vs with".split()
)


def headline(text: str) -> str | None:
    """The first non-empty line of ``text`` if it looks like a headline, else None."""
    lines = text.lstrip().split("\n", 1)
    first = lines[0].strip()
    if not first or len(first) > MAX_CHARS:
        return None
    if len(lines) < 2 or not lines[1].strip():  # a headline is followed by the article
        return None
    if first.endswith((".", ",", ";", ":", "…", "|")):
        return None
    words = _WORD.findall(first)
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return None
    if not (first[0].isupper() or first[0].isdigit() or first[0] in "\"'“‘"):
        return None
    if classify(first):  # "Sign up for our newsletter", "By Jane Doe", "March 3, 2024"
        return None
    letters = [w for w in words if w[0].isalpha()]
    if not letters:
        return None
    if first.isupper() and len(letters) > 1:  # ALL CAPS is a kicker or a section label
        return None
    small = sum(1 for w in letters if w.lower() in _SMALL)
    if all(w[0].isupper() for w in letters) and not small and len(letters) >= 4:
        return None  # "Home News Sports Opinion": a menu row, not a headline
    return first
