"""How much of one article the extract stage's models and scanners read.

spaCy's cost grows with tokens, the numeric-claim scanner's with numbers times sentence length,
the quote matcher's with quote marks, entity clustering with mentions. A news article of
10,000 words stays under every limit; a hostile one (a megabyte of "1,000,000 ") is read up to
the first limit it reaches, cut at the paragraph or sentence before it, so offsets into the
record's ``text`` stay valid and the record says where the analysis stopped and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(r"\w+|[^\w\s]")  # about one spaCy token each
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
QUOTE_MARK = re.compile('["\u201c\u201d\u00ab\u00bb\u300c\u300d]')
SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f][\"'\u201d\u2019)\]]*\s")
# How far back from a limit a cut looks for a paragraph or sentence boundary.
_LOOKBACK = 5000


@dataclass(frozen=True)
class Cut:
    """Analysis stops at ``at`` (a character offset into the text) because of ``reason``."""

    at: int
    reason: str

    def field(self) -> dict[str, object]:
        return {"at": self.at, "reason": self.reason}


def _nth_start(pattern: re.Pattern[str], text: str, n: int) -> int | None:
    """Offset of the ``n``-th match (1-based) of ``pattern`` in ``text``; None if fewer."""
    for k, match in enumerate(pattern.finditer(text), start=1):
        if k == n:
            return match.start()
    return None


def boundary_before(text: str, limit: int) -> int:
    """The last paragraph break, else sentence end, else space before ``limit``; else limit."""
    floor = max(0, limit - _LOOKBACK)
    para = text.rfind("\n\n", floor, limit)
    if para > 0:
        return para
    last = None
    for match in SENTENCE_END.finditer(text, floor, limit):
        last = match.end() - 1
    if last:
        return last
    space = max(text.rfind(" ", floor, limit), text.rfind("\n", floor, limit))
    return space if space > 0 else limit


def analysis_cut(
    text: str, *, max_chars: int, max_tokens: int, max_numbers: int, max_quotes: int
) -> Cut | None:
    """Where to stop reading ``text`` under the limits, or None when all of it fits.

    Each count is taken on the first ``max_chars`` characters only, so this costs one linear
    pass over at most that many characters whatever the article's size.
    """
    head = text[:max_chars]
    limits: list[tuple[int, str]] = []
    if len(text) > max_chars:
        limits.append((max_chars, f"text over {max_chars} characters (NEWSSTREAM_MAX_TEXT_CHARS)"))
    checks = (
        (TOKEN, max_tokens + 1, f"over {max_tokens} tokens (NEWSSTREAM_MAX_TOKENS)"),
        (NUMBER, max_numbers + 1, f"over {max_numbers} numbers (NEWSSTREAM_MAX_NUMBERS)"),
        (
            QUOTE_MARK,
            2 * max_quotes + 1,
            f"over {max_quotes} quotes (NEWSSTREAM_MAX_QUOTES)",
        ),
    )
    for pattern, n, reason in checks:
        at = _nth_start(pattern, head, n)
        if at is not None:
            limits.append((at, reason))
    if not limits:
        return None
    limit, reason = min(limits)
    return Cut(boundary_before(text, limit), reason)


def entity_cut(starts: list[int], text: str, max_entities: int) -> Cut | None:
    """Where to stop when the model found more than ``max_entities`` entity mentions
    (``starts``: their character offsets, in order)."""
    if len(starts) <= max_entities:
        return None
    reason = f"over {max_entities} entity mentions (NEWSSTREAM_MAX_ENTITIES)"
    return Cut(boundary_before(text, starts[max_entities]), reason)
