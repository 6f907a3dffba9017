"""Plain-Python copies of the token attributes the rules read in loops.

Each ``doc[i]`` builds a new Token object; reading lists built in one pass keeps the
post-processing a small fraction of the model's time.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc


@dataclass(slots=True)
class TokenTable:
    """Per-token attributes of one Doc, index-aligned with it."""

    text: list[str]
    lower: list[str]
    ws: list[str]
    is_alpha: list[bool]
    is_space: list[bool]
    idx: list[int]
    sent_start: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> TokenTable:
        """Read every token once."""
        rows = [
            (t.text, t.lower_, t.whitespace_, t.is_alpha, t.is_space, t.idx, bool(t.is_sent_start))
            for t in doc
        ]
        if not rows:
            return cls([], [], [], [], [], [], [])
        cols = list(zip(*rows, strict=True))
        return cls(*(list(c) for c in cols))

    def span_text(self, a: int, b: int) -> str:
        """``doc[a:b].text`` without building Token objects."""
        if a >= b:
            return ""
        return "".join(self.text[k] + self.ws[k] for k in range(a, b - 1)) + self.text[b - 1]

    def lines(self) -> list[tuple[int, int]]:
        """Token ranges of the text's lines: a line ends at a token that holds or is followed
        by a newline."""
        out = []
        a = 0
        n = len(self.text)
        for i in range(n):
            if "\n" in self.ws[i] or (self.is_space[i] and "\n" in self.text[i]):
                out.append((a, i + 1))
                a = i + 1
        if a < n:
            out.append((a, n))
        return out
