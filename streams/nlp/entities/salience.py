"""How central an entity is to its article: mention share, first position, title and lede."""

from __future__ import annotations

from spacy.tokens import Doc

from streams.nlp.entities.linking import Cluster
from streams.nlp.entities.normalize import norm_key

W_COUNT, W_POSITION, W_TITLE, W_LEDE = 0.4, 0.25, 0.2, 0.15
LEDE_SENTENCES = 2


def _length(doc: Doc) -> int:
    """Length of ``doc.text`` without building the string."""
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


def lede_end(doc: Doc, headline: list[bool]) -> int:
    """Character offset where the lede (first sentences after any headline) ends."""
    seen = 0
    for sent in doc.sents:
        if all(headline[t.i] for t in sent if not t.is_space):
            continue
        seen += 1
        if seen == LEDE_SENTENCES:
            return sent.end_char
    return _length(doc)


def salience(
    doc: Doc, clusters: list[Cluster], title: str | None, headline: list[bool]
) -> list[float]:
    """One score in [0, 1] per cluster, in cluster order."""
    if not clusters:
        return []
    max_n = max(len(c.mentions) for c in clusters)
    length = max(_length(doc), 1)
    lede = lede_end(doc, headline)
    title_key = f" {norm_key(title)} " if title else ""
    scores = []
    for cl in clusters:
        first = min(m.start for m in cl.mentions)
        first_char = doc[first].idx
        in_title = any(headline[m.start] for m in cl.mentions) or bool(
            title_key
            and any(f" {norm_key(doc[m.start : m.end].text)} " in title_key for m in cl.mentions)
        )
        in_lede = any(doc[m.start].idx < lede and not headline[m.start] for m in cl.mentions)
        s = (
            W_COUNT * len(cl.mentions) / max_n
            + W_POSITION * (1 - first_char / length)
            + W_TITLE * in_title
            + W_LEDE * in_lede
        )
        scores.append(round(min(1.0, max(0.0, s)), 4))
    return scores
