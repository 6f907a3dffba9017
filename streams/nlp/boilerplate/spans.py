"""Result types of the clean stage and helpers that keep removed spans exact.

Every removal is reported as a character span of the input so the sink can show what was cut
and why. Kept text is copied verbatim in pieces; ``Cleaned.segments`` records where each piece
sits in the input, so later steps (source memory) can cut more without the input at hand and
still report offsets into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_STRENGTH = {" ": 0, "\n": 1, "\n\n": 2}


@dataclass(frozen=True)
class Removed:
    """A removed span ``[start, end)`` of the input and why it went (e.g. ``"appeal"``)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Cleaned:
    """Cleaned article text plus every span removed from the input.

    ``segments`` (extension, optional): input span of each verbatim piece of ``text``, in
    order; pieces are joined by one separator each (space, newline or blank line).
    ``title``: the headline the input names (a page's metadata, a text's first line), if any.
    """

    text: str
    removed: list[Removed]
    removed_chars: int
    segments: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)
    title: str | None = field(default=None, compare=False)


Piece = tuple[int, str]  # (offset in the input, verbatim text)


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


def separator(gap: str) -> str:
    """The seam left by a cut: blank line if the cut crossed one, newline, else a space."""
    if _BLANK_LINE.search(gap):
        return "\n\n"
    return "\n" if "\n" in gap else " "


def _stronger(a: str | None, b: str) -> str:
    return b if a is None or _STRENGTH[b] > _STRENGTH[a] else a


def cut(pieces: Sequence[Piece], seps: Sequence[str], spans: Sequence[Removed]) -> Cleaned:
    """Remove ``spans`` (input offsets, merged) from verbatim pieces and reassemble."""
    out: list[Piece] = []
    out_seps: list[str] = []
    pending: str | None = None
    j = 0
    for k, (offset, text) in enumerate(pieces):
        end = offset + len(text)
        pos = offset
        while j < len(spans) and spans[j].end <= offset:
            j += 1
        local = j
        bounds: list[tuple[int, int]] = []
        while local < len(spans) and spans[local].start < end:
            bounds.append((max(spans[local].start, offset), min(spans[local].end, end)))
            local += 1
        bounds.append((end, end))
        for cut_start, cut_end in bounds:
            kept = text[pos - offset : cut_start - offset]
            stripped = kept.strip()
            if stripped:
                lead = len(kept) - len(kept.lstrip())
                if lead:
                    pending = _stronger(pending, separator(kept[:lead]))
                if out:
                    out_seps.append(pending if pending is not None else " ")
                out.append((pos + lead, stripped))
                pending = None
                tail = kept[len(kept.rstrip()) :]
                if cut_end > cut_start or tail:
                    pending = separator(tail + text[cut_start - offset : cut_end - offset])
            elif cut_end > cut_start or kept:
                gap = kept + text[cut_start - offset : cut_end - offset]
                pending = _stronger(pending, separator(gap))
            pos = max(pos, cut_end)
        if k < len(seps):
            pending = _stronger(pending, seps[k])
    return assemble(out, out_seps, spans)


def assemble(pieces: Sequence[Piece], seps: Sequence[str], spans: Sequence[Removed]) -> Cleaned:
    """Join pieces with their separators into a Cleaned with segment offsets."""
    parts: list[str] = []
    for k, (_, text) in enumerate(pieces):
        if k:
            parts.append(seps[k - 1])
        parts.append(text)
    return Cleaned(
        text="".join(parts),
        removed=list(spans),
        removed_chars=sum(s.end - s.start for s in spans),
        segments=tuple((o, o + len(t)) for o, t in pieces),
    )


def build_cleaned(source: str, removed: Iterable[Removed]) -> Cleaned:
    """Cut ``removed`` out of ``source``; offsets in the result index ``source``."""
    return cut([(0, source)], [], merge_removed(removed))


def pieces_of(cleaned: Cleaned) -> tuple[list[Piece], list[str]] | None:
    """Recover verbatim pieces and separators from a Cleaned, None if it has no segments."""
    if not cleaned.segments:
        return None
    pieces: list[Piece] = []
    seps: list[str] = []
    pos = 0
    for k, (start, end) in enumerate(cleaned.segments):
        if k:
            sep = "\n\n" if cleaned.text.startswith("\n\n", pos) else cleaned.text[pos]
            seps.append(sep)
            pos += len(sep)
        pieces.append((start, cleaned.text[pos : pos + end - start]))
        pos += end - start
    return pieces, seps
