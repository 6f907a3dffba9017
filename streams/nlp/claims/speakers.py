"""Speaker mentions and their link to the record's entities.

The mention is the local phrase the text uses ("he", "the president", "Sen. Warren"); the
link resolves it to an entity: directly when an entity mention overlaps it, otherwise the
latest earlier entity of a compatible label (pronouns, role nouns).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Token

from streams.nlp.doctext import text_of

from .lexicon import pronoun_labels, role_nouns

SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity_id: str
    name: str
    label: str


class EntityIndex:
    """Entity mentions sorted by offset, for overlap and look-back queries."""

    def __init__(self, entities: list[dict]) -> None:
        ms = [
            Mention(m["start"], m["end"], e["id"], e["name"], e["label"])
            for e in entities
            for m in e.get("mentions", [])
        ]
        self.mentions = sorted(ms, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]

    def overlapping(self, start: int, end: int) -> list[Mention]:
        """Mentions that share a character with [start, end)."""
        hi = bisect.bisect_left(self.starts, end)
        return [m for m in self.mentions[max(0, hi - 40) : hi] if m.end > start]

    def before(
        self,
        pos: int,
        labels: tuple[str, ...],
        skip: tuple[int, int] | None = None,
        window: int = 3000,
    ) -> list[Mention]:
        """Mentions with one of labels ending before pos, nearest first, inside a window."""
        hi = bisect.bisect_left(self.starts, pos)
        out = []
        for m in reversed(self.mentions[:hi]):
            if m.end > pos:
                continue
            if pos - m.end > window:
                break
            if skip and skip[0] <= m.start < skip[1]:
                continue
            if m.label in labels:
                out.append(m)
        return out


def mention_span(tok: Token) -> tuple[int, int]:
    """Character span of the noun phrase a source token heads (without relative clauses)."""
    doc = tok.doc
    if tok.ent_type_:
        a = b = tok.i
        while a > 0 and doc[a].ent_iob_ == "I":
            a -= 1
        while b + 1 < len(doc) and doc[b + 1].ent_iob_ == "I":
            b += 1
        return doc[a].idx, doc[b].idx + len(doc[b])
    left = tok
    for c in tok.lefts:
        if c.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "punct"):
            left = c.left_edge if c.left_edge.i < left.i else left
            break
    return doc[left.i].idx, tok.idx + len(tok)


def link(
    tok: Token, span: tuple[int, int], index: EntityIndex, skip: tuple[int, int] | None = None
) -> Mention | None:
    """Entity the speaker mention refers to, or None when the text gives none."""
    direct = index.overlapping(*span)
    if direct:
        head = [m for m in direct if m.start <= tok.idx < m.end]
        return (head or direct)[-1]
    low = tok.lower_
    pron = pronoun_labels().get(low)
    if pron is not None and tok.pos_ == "PRON":
        cands = index.before(span[0], pron, skip)
        return cands[0] if cands else None
    role = role_nouns().get(tok.lemma_.lower())
    if role is not None and tok.pos_ in ("NOUN", "PROPN"):
        if role == "GROUP" or tok.tag_ in ("NNS", "NNPS"):
            return None  # "officials", "volunteers": a group, no one entity of the record
        cands = index.before(span[0], (role,), skip, window=6000)
        text = text_of(tok.doc)
        word = tok.lower_
        forms = {word, *_ABBREVIATIONS.get(word, ())}
        for m in cands:  # only an entity introduced with this role ("President Obama") ...
            before = text[max(0, m.start - 30) : m.start].lower().split()[-3:]
            after = text[m.end : m.end + 40].lower()
            if forms & set(before) or (after.startswith(",") and word in after.split()[:5]):
                return m
            if role != "PERSON" and word in m.name.lower().split():
                return m  # ... or named by it ("the ministry" -> "Ministry of Health")
        return None  # never the nearest unrelated entity: the role itself is the speaker
    return None


# Written forms of role nouns before a name ("Sen. Warren" ... "the senator said").
_ABBREVIATIONS = {
    "senator": ("sen.",),
    "representative": ("rep.",),
    "governor": ("gov.",),
    "general": ("gen.",),
    "president": ("pres.",),
    "professor": ("prof.",),
    "doctor": ("dr.",),
    "secretary": ("sec.",),
}


def role_speaker(tok: Token, span: tuple[int, int]) -> dict | None:
    """A role noun or group as the speaker when no entity of the record is meant: entity_id
    null, ``name`` the phrase as written without its article ("officials", "the ministry" ->
    "ministry", "local police"), ``role`` the noun's lemma ("official", "ministry")."""
    lemma = tok.lemma_.lower()
    if tok.pos_ not in ("NOUN", "PROPN") or tok.ent_type_ or lemma not in role_nouns():
        return None
    name = text_of(tok.doc)[span[0] : span[1]].strip()
    words = name.split()
    if words and words[0].lower() in ("the", "a", "an", "some", "many", "several"):
        name = " ".join(words[1:])
    if name and name[:1].isupper() and tok.pos_ != "PROPN" and not name[1:2].isupper():
        name = name[:1].lower() + name[1:]  # "Officials said" at a sentence start
    return {"entity_id": None, "name": name or tok.text, "role": lemma}
