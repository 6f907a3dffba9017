"""Publisher names in bylines, credits and datelines are metadata, not entities of the story."""

from __future__ import annotations

import functools
import json

from spacy.tokens import Doc

from streams.nlp.doctext import text_of
from streams.nlp.entities.linking import Cluster
from streams.nlp.entities.normalize import norm_key
from streams.nlp.entities.resources import DATA_DIR, credit_cues


@functools.cache
def _affixes() -> dict[str, frozenset[str]]:
    raw = json.loads((DATA_DIR / "domain_affixes.json").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if not k.startswith("_")}


def domain_label(publisher: str) -> str | None:
    """The outlet's label of a web domain ("www.bbc.co.uk" -> "bbc"); None for a plain name."""
    host = publisher.strip().lower()
    if " " in host or "." not in host:
        return None
    aff = _affixes()
    parts = [p for p in host.split(".") if p]
    while len(parts) > 2 and parts[0] in aff["host_prefixes"]:
        parts.pop(0)
    parts = parts[:-1]  # the top-level domain
    while len(parts) > 1 and parts[-1] in aff["second_level"]:
        parts.pop()
    return parts[-1].replace("-", "") if parts else None


def _matches_label(key: str, label: str) -> bool:
    """Does a mention key name the outlet behind a domain label? ("new york times", "nytimes")"""
    words = key.split()
    while len(words) > 1 and words[-1] in _affixes()["label_suffixes"]:
        words.pop()  # "BBC News" names bbc.co.uk
    if not words:
        return False
    compact = "".join(words)
    initials = "".join(w[0] for w in words)
    cands = {label, label.removeprefix("the")}
    cands |= {c.removesuffix(s) for c in list(cands) for s in _affixes()["label_suffixes"]}
    for c in cands:
        if c and (c in (compact, initials) or c == initials[:-1] + words[-1]):
            return True
    return False


def _same_outlet(key: str, pub: str, label: str | None) -> bool:
    if label is not None:
        return _matches_label(key, label)
    return key == pub or (len(key) >= 3 and (key in pub.split() or pub in key.split()))


def drop_publisher_credits(doc: Doc, clusters: list[Cluster], publisher: str) -> None:
    """Remove publisher mentions in parentheses, credit lines or the article's last line."""
    pub = norm_key(publisher)
    label = domain_label(publisher)
    if not pub:
        return
    cues = credit_cues()
    text = text_of(doc)
    last_line_start = text.rstrip().rfind("\n") + 1
    for cl in clusters:
        keep = []
        for m in cl.mentions:
            span = doc[m.start : m.end]
            if not _same_outlet(norm_key(span.text), pub, label):
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
