"""Result types of the clean stage and helpers that keep removed spans exact.

Every removal is reported as a character span of the input so the sink can show what was cut
and why; these helpers turn a list of removals into the kept text without losing offsets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Removed:
    """A removed span ``[start, end)`` of the input and why it went (e.g. ``"appeal"``)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Cleaned:
    """Cleaned article text plus every span removed from the input."""

    text: str
    removed: list[Removed]
    removed_chars: int


def merge_removed(spans: Iterable[Removed]) -> list[Removed]:
    """Sort spans and fold overlapping ones, keeping the first reason of each overlap."""
    out: list[Removed] = []
    for span in sorted(spans, key=lambda r: (r.start, r.end)):
        if span.end <= span.start:
            continue
        if out and span.start < out[-1].end:
            last = out[-1]
            if span.end > last.end:
                out[-1] = Removed(last.start, span.end, last.reason)
            continue
        out.append(span)
    return out


def build_cleaned(source: str, removed: Iterable[Removed]) -> Cleaned:
    """Cut ``removed`` out of ``source`` and tidy the seams.

    Paragraph breaks survive as one blank line, a cut inside a line leaves one space, so the
    kept sentences read as in the input. Offsets in the result index ``source``.
    """
    spans = merge_removed(removed)
    pieces: list[str] = []
    pos = 0
    for span in spans:
        pieces.append(source[pos : span.start])
        pieces.append("\n\n" if "\n" in source[span.start : span.end] else " ")
        pos = span.end
    pieces.append(source[pos:])
    text = _tidy("".join(pieces))
    return Cleaned(text=text, removed=spans, removed_chars=sum(s.end - s.start for s in spans))


def _tidy(text: str) -> str:
    """Strip each line, collapse blank-line runs and in-line double spaces left by cuts."""
    paras: list[str] = []
    for block in text.split("\n\n"):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paras.append("\n".join(lines))
    return "\n\n".join(paras)
