"""Publisher names in bylines, credits and datelines are metadata, not entities of the story."""

from __future__ import annotations

from spacy.tokens import Doc

from streams.nlp.entities.linking import Cluster
from streams.nlp.entities.normalize import norm_key
from streams.nlp.entities.resources import credit_cues


def _same_outlet(key: str, pub: str) -> bool:
    return key == pub or (len(key) >= 3 and (key in pub.split() or pub in key.split()))


def drop_publisher_credits(doc: Doc, clusters: list[Cluster], publisher: str) -> None:
    """Remove publisher mentions in parentheses, credit lines or the article's last line."""
    pub = norm_key(publisher)
    if not pub:
        return
    cues = credit_cues()
    text = doc.text
    last_line_start = text.rstrip().rfind("\n") + 1
    for cl in clusters:
        keep = []
        for m in cl.mentions:
            span = doc[m.start : m.end]
            if not _same_outlet(norm_key(span.text), pub):
                keep.append(m)
                continue
            in_parens = (
                m.start > 0
                and doc[m.start - 1].text == "("
                and m.end < len(doc)
                and doc[m.end].text == ")"
            )
            line_a = text.rfind("\n", 0, span.start_char) + 1
            line_b = text.find("\n", span.end_char)
            line = text[line_a : line_b if line_b >= 0 else len(text)].lower()
            credit = any(c in line for c in cues)
            if not (in_parens or credit or span.start_char >= last_line_start):
                keep.append(m)
        cl.mentions = keep
