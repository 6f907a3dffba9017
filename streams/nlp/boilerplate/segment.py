"""Paragraph, line and sentence segmentation with exact character offsets.

Removed spans must index the input, so every unit here is a ``(start, end)`` pair into the
original string; nothing is re-joined or normalised on the way.
"""

from __future__ import annotations

import re

_PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE = re.compile(r"[^\n]+")
# A sentence ends at . ! ? … (plus closing quotes/brackets) followed by space and an
# upper-case letter, digit or opening quote. Fixed-width look-behind keeps it linear.
_SENT_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9À-ÖØ-Þ])")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|St|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|"
    r"U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.)$"
)


def spans_of(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink ``[start, end)`` to exclude surrounding whitespace; None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks of ``text`` as stripped spans."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        span = spans_of(text, pos, m.start())
        if span:
            out.append(span)
        pos = m.end()
    span = spans_of(text, pos, len(text))
    if span:
        out.append(span)
    return out


def lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-empty lines inside ``[start, end)`` as stripped spans."""
    out: list[tuple[int, int]] = []
    for m in _LINE.finditer(text, start, end):
        span = spans_of(text, m.start(), m.end())
        if span:
            out.append(span)
    return out


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences inside one line ``[start, end)``: a fast splitter, no model needed."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        if _ABBREV.search(text, max(pos, m.start() - 8), m.start()):
            continue
        span = spans_of(text, pos, m.start())
        if span:
            out.append(span)
        pos = m.end()
    span = spans_of(text, pos, end)
    if span:
        out.append(span)
    return out
