"""Acronyms repair the names they abbreviate.

An article that writes "FEMA" and "the Federal Emergency Management Agency" tells us where the
long name starts and ends, even when the model cut it short ("Federal Emergency") or missed it:
a run of capitalised words whose initials spell an acronym of the article is the full name.
Such runs become (or widen) mentions, and bare acronym tokens the model missed become mentions
too, so the linker (``linking.cluster_mentions``) joins every "FEMA" to the long form, whether
or not the article introduces the acronym in parentheses.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from streams.nlp.doctext import text_of
from streams.nlp.entities.spans import Mention, Regions, annotate

_CONNECT = frozenset({"of", "and", "for", "the", "on", "in", "&"})
_MIN_LEN, _MAX_LEN = 2, 6
_LABELS = frozenset({"ORG", "GPE", "FAC", "LOC", "NORP"})


def _acronym(tok: Token) -> str | None:
    a = tok.text.replace(".", "")
    return a if _MIN_LEN <= len(a) <= _MAX_LEN and a.isalpha() and a.isupper() else None


def _capital(tok: Token) -> bool:
    t = tok.text
    return t[:1].isupper() and not tok.is_upper and (tok.is_alpha or t.endswith("."))


def _runs(doc: Doc) -> list[tuple[int, int]]:
    """Maximal runs of capitalised words, with lower-case connectors inside them."""
    out, i, n = [], 0, len(doc)
    while i < n:
        if not _capital(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < n and (
            _capital(doc[j])
            or (
                doc[j].lower_ in _CONNECT and j + 1 < n and _capital(doc[j + 1]) and doc[j].is_lower
            )
        ):
            j += 1
        out.append((i, j))
        i = j
    return out


def _initials(doc: Doc, a: int, b: int) -> str:
    return "".join(t.text[0] for t in doc[a:b] if _capital(t))


_ACRONYM_TEXT = re.compile(r"\b[A-Z](?:\.?[A-Z]){1,5}\b")


def long_forms(doc: Doc, regions: Regions) -> dict[str, tuple[int, int]]:
    """Acronym -> the token range of its long form, for acronyms written in the body."""
    acronyms = set()
    for m in _ACRONYM_TEXT.finditer(text_of(doc)):  # cheap: most texts have few or none
        tok = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if tok is not None and len(tok) == 1 and not regions.headline[tok[0].i]:
            short = _acronym(tok[0])
            if short is not None:
                acronyms.add(short)
    if not acronyms:
        return {}
    found: dict[str, tuple[int, int]] = {}
    for a, b in _runs(doc):
        if regions.headline[a]:
            continue
        for s in range(a, b):  # the longest tail of the run that spells an acronym
            if doc[s].is_lower:
                continue
            ini = _initials(doc, s, b)
            if len(ini) >= 2 and ini in acronyms and ini not in found:
                found[ini] = (s, b)
                break
    return found


def repair(doc: Doc, mentions: list[Mention], regions: Regions) -> list[Mention]:
    """Widen mentions to the long forms acronyms spell, add missed long forms and acronyms."""
    forms = long_forms(doc, regions)
    if not forms:
        return mentions
    out = list(mentions)
    spans = set(forms.values())
    for acr, (a, b) in forms.items():
        inside = [m for m in out if a <= m.start and m.end <= b and m.label in _LABELS]
        crossing = [m for m in out if m.start < b and a < m.end and m not in inside]
        if crossing:
            continue  # another reading claims part of the run: leave it to the model
        label = inside[0].label if inside else _acronym_label(doc, out, acr)
        if label is None:
            continue
        if inside and any((m.start, m.end) == (a, b) for m in inside):
            continue
        for m in inside:
            out.remove(m)
        weight = max((m.weight for m in inside), default=0.5)
        out.append(annotate(Mention(a, b, label, weight=weight), regions, doc))
    taken = {k for m in out for k in range(m.start, m.end)}
    labels = {acr: _label_at(out, a) for acr, (a, _) in forms.items()}
    for tok in doc:
        short = _acronym(tok)
        if short is None or short not in forms or tok.i in taken or regions.headline[tok.i]:
            continue
        if any(a <= tok.i < b for a, b in spans) or labels.get(short) is None:
            continue
        tag = labels[short]
        assert tag is not None
        out.append(annotate(Mention(tok.i, tok.i + 1, tag, source="acronym"), regions, doc))
    out.sort(key=lambda m: m.start)
    return out


def _label_at(mentions: list[Mention], start: int) -> str | None:
    return next((m.label for m in mentions if m.start == start), None)


def _acronym_label(doc: Doc, mentions: list[Mention], acr: str) -> str | None:
    """The label the model gave the acronym elsewhere, if any (a long form it missed)."""
    for m in mentions:
        if m.end - m.start == 1 and _acronym(doc[m.start]) == acr and m.label in _LABELS:
            return m.label
    return None
