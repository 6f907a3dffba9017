"""A long text's model pass in pieces: runs of whole paragraphs, parsed apart and joined.

The model's cost grows with the text, so one long article holds a process for most of a
second (0.84 s for 3,680 words) while another sits idle. Cut at paragraph breaks, the pieces
of one article can be parsed by different processes (the extract stage spreads them) or in
one ``nlp.pipe`` (evals, ``newsstream process``): both join the same pieces into the same
``Doc``, so what the sink holds does not depend on where the pieces ran. The model reads a
few tokens either side of each word and every paragraph break starts a sentence
(:func:`streams.nlp.model.paragraph_starts`), so a cut there changes little.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc

# Words per piece, at least: a text under twice this is parsed whole.
PIECE_WORDS = 400
# Doc parts the pieces do not need to carry: nothing downstream reads the model's tensor.
_EXCLUDE = ["tensor", "user_data"]


def pieces(text: str) -> list[str]:
    """``text`` cut after paragraph breaks (a blank line and the whitespace after it) into
    runs of at least :data:`PIECE_WORDS` words; the pieces concatenate to ``text``."""
    total = len(text.split())
    if total < 2 * PIECE_WORDS:
        return [text]
    out: list[str] = []
    start = scanned = 0  # where the current piece starts; how far its words are counted
    words = counted = 0  # words in the current piece so far; words in the pieces before it
    at = text.find("\n\n")
    while at != -1:
        end = at + 2
        while end < len(text) and text[end].isspace():
            end += 1
        words += len(text[scanned:end].split())
        scanned = end
        if words >= PIECE_WORDS and total - counted - words >= PIECE_WORDS:
            out.append(text[start:end])
            start, counted, words = end, counted + words, 0
        at = text.find("\n\n", end)
    out.append(text[start:])
    return out


def assign(plan: Sequence[str], count: int) -> list[list[int]]:
    """The piece indices each of ``count`` processes parses: longest piece first, each to the
    share with the fewest words so far, so that the longest share (what the article waits
    for) is short. Every ``count``-th piece instead put up to a third more words in one share
    on the dev pages (the last piece holds the remainder and can be twice the others)."""
    words = [len(piece.split()) for piece in plan]
    out: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for k in sorted(range(len(plan)), key=lambda k: -words[k]):
        least = loads.index(min(loads))
        out[least].append(k)
        loads[least] += words[k]
    return [sorted(share) for share in out]


def to_bytes(doc: Doc) -> bytes:
    """A parsed piece for another process."""
    return doc.to_bytes(exclude=_EXCLUDE)


def parse(
    nlp: Language,
    texts: Sequence[str],
    *,
    batch_size: int,
    parsed: Sequence[Mapping[int, bytes]] | None = None,
) -> Iterator[Doc]:
    """One ``Doc`` per text, in order: its pieces parsed by one ``nlp.pipe`` over all of them,
    except those ``parsed[i]`` already holds (piece index -> :func:`to_bytes`)."""
    plans = [pieces(text) for text in texts]
    ready: Sequence[Mapping[int, bytes]] = parsed or [{}] * len(texts)
    todo = (
        piece
        for plan, done in zip(plans, ready, strict=True)
        for k, piece in enumerate(plan)
        if k not in done
    )
    stream = nlp.pipe(todo, batch_size=batch_size)
    for text, plan, done in zip(texts, plans, ready, strict=True):
        parts = [
            Doc(nlp.vocab).from_bytes(done[k]) if k in done else next(stream)
            for k in range(len(plan))
        ]
        yield _join(nlp, parts, text)


def _join(nlp: Language, parts: list[Doc], text: str) -> Doc:
    if len(parts) == 1:
        return parts[0]
    doc = Doc.from_docs(parts, exclude=_EXCLUDE)  # type: ignore[call-arg]  # stub lacks it
    # The pieces end in their break's whitespace token, so nothing is inserted between them;
    # should a tokenizer change ever break that, the text is parsed whole instead.
    return doc if doc.text == text else nlp(text)
