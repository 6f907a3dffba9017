"""Direct quotations found from quote marks.

News text marks direct speech with double quote marks. A quotation that runs over several
paragraphs leaves each paragraph open and re-opens the next one, so an unclosed quote is
continued when the next paragraph starts with an opening mark.
"""

from __future__ import annotations

OPEN_MARKS = "\u201c\u201e\u00ab\u201f"
CLOSE_MARKS = "\u201d\u00bb"
STRAIGHT = '"'
TYPEWRITER = ("``", "''")  # double marks typed as two characters: ``quote'' or ''quote''
ALL_MARKS = OPEN_MARKS + CLOSE_MARKS + STRAIGHT + "'`"


def has_quote_marks(s: str) -> bool:
    """True when s holds a double quote mark (curly, straight or typewriter '' / ``)."""
    single = OPEN_MARKS + CLOSE_MARKS + STRAIGHT
    return any(c in single for c in s) or any(pair in s for pair in TYPEWRITER)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line; news paragraphs are separated by newlines."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of double-quoted passages, marks included, in text order."""
    spans: list[tuple[int, int]] = []
    paras = _paragraphs(text)
    open_at: int | None = None
    for k, (ps, pe) in enumerate(paras):
        i = ps
        if open_at is not None:
            # continuation paragraph: skip its re-opening mark
            lead = len(text[ps:pe]) - len(text[ps:pe].lstrip())
            if text[ps + lead : ps + lead + 2] in TYPEWRITER:
                i = ps + lead + 2
            elif ps + lead < pe and text[ps + lead] in OPEN_MARKS + STRAIGHT:
                i = ps + lead + 1
        while i < pe:
            ch = text[i]
            pair = text[i : i + 2]
            if pair in TYPEWRITER:
                if open_at is None:
                    open_at = i
                elif pair == "''":
                    spans.append((open_at, i + 2))
                    open_at = None
                i += 2
                continue
            if ch in OPEN_MARKS:
                if open_at is None:
                    open_at = i
                elif text[i - 1] in ",.!?" and (i + 1 >= pe or text[i + 1].isspace()):
                    # "... problems for her here,“ said X": an opening mark typed for a closing
                    spans.append((open_at, i + 1))
                    open_at = None
            elif ch in CLOSE_MARKS:
                if open_at is not None:
                    spans.append((open_at, i + 1))
                    open_at = None
            elif ch == STRAIGHT:
                if open_at is None:
                    open_at = i
                else:
                    spans.append((open_at, i + 1))
                    open_at = None
            i += 1
        if open_at is not None:
            nxt = paras[k + 1] if k + 1 < len(paras) else None
            nxt_text = text[nxt[0] : nxt[1]].lstrip() if nxt else ""
            if not (
                nxt_text and (nxt_text[0] in OPEN_MARKS + STRAIGHT or nxt_text[:2] in TYPEWRITER)
            ):
                # unclosed at paragraph end: the quote ends with the paragraph
                if pe - open_at > 1:
                    spans.append((open_at, pe))
                open_at = None
    # a quote right after "=" is a markup attribute value, not speech
    return [
        s
        for s in spans
        if any(c.isalnum() for c in text[s[0] : s[1]]) and not text[: s[0]].rstrip().endswith("=")
    ]


def word_count(text: str, span: tuple[int, int]) -> int:
    """Number of whitespace words inside a span, quote marks ignored."""
    inner = text[span[0] : span[1]].strip(ALL_MARKS + " ")
    return len(inner.split())


# Function words that stay lower case in a title ("The Art of the Deal").
_TITLE_SMALL = frozenset(
    "a an the of and or nor but in on at to for by with from as into over is are be vs".split()
)


def is_title(text: str, span: tuple[int, int], max_words: int = 4) -> bool:
    """A short quoted passage in Title Case ("The Walking Dead", "Make Deals Great"): the name
    of a work, show or slogan, not something said."""
    words = text[span[0] : span[1]].strip(ALL_MARKS + " ,.").split()
    if not words or len(words) > max_words:
        return False
    alpha = [w for w in words if w[:1].isalpha()]
    return bool(alpha) and all(w[:1].isupper() or w.lower() in _TITLE_SMALL for w in alpha)
