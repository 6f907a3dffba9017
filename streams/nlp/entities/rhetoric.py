"""Title-Case rhetoric inside quotations is not a name.

Politicians' posts capitalise ordinary nouns ("protect our Great Farmers, end the Open Borders
Agenda"), and the model tags such phrases PERSON, ORG, GPE or WORK_OF_ART. The test is a
comparison with the lower-case form: the phrase is lower-cased inside its sentence and the
model's tagger and recogniser read the sentence again. A real name stays a name ("the white
house", "maria chen" are still proper nouns or entities); rhetoric becomes common words ("our
great farmers": JJ NNS, no entity). Only multi-word Title-Case model spans inside a quotation
are tested, so ordinary text costs nothing, and a phrase the article also writes outside
quotes is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from streams.nlp import doctext
from streams.nlp.entities.spans import Mention

_CONNECTORS = frozenset("of the and for a an in on to at by with & de".split())
# the components that tag and recognise; the parser and lemmatizer are not needed here
_PARTS = ("tok2vec", "tagger", "attribute_ruler", "ner")
_PROPER = frozenset({"NNP", "NNPS"})


def _candidate(doc: Doc, m: Mention) -> bool:
    if not m.in_quote or m.source != "model" or m.in_headline:
        return False
    content = [t for t in doc[m.start : m.end] if t.is_alpha and t.lower_ not in _CONNECTORS]
    return len(content) >= 2 and all(
        t.text[0].isupper() and not t.is_upper and t.text[1:].islower() for t in content
    )


def rhetoric(doc: Doc, mentions: Sequence[Mention]) -> dict[int, tuple[int, int, str] | None]:
    """Mentions that are Title-Case common phrases inside quotations, by index: None to drop
    one, or the (start, end, label) of the real name inside it ("Crooked Joe Biden" -> "Joe
    Biden", PERSON), read off the lower-cased sentence."""
    cands = [i for i, m in enumerate(mentions) if _candidate(doc, m)]
    if not cands:
        return {}
    text = doctext.text_of(doc)
    outside = {text_of(doc, m) for m in mentions if not m.in_quote}
    cands = [i for i in cands if text_of(doc, mentions[i]) not in outside]
    by_sent: dict[tuple[int, int], list[int]] = {}
    for i in cands:
        sent = doc[mentions[i].start].sent
        by_sent.setdefault((sent.start_char, sent.end_char), []).append(i)
    if not by_sent:
        return {}
    from streams.nlp.model import load_nlp

    nlp = load_nlp()
    texts = []
    for (s0, s1), idx in by_sent.items():
        chars = list(text[s0:s1])
        for i in idx:
            a, b = doc[mentions[i].start].idx - s0, _end_char(doc, mentions[i]) - s0
            chars[a:b] = list(text[s0 + a : s0 + b].lower())
        texts.append("".join(chars))
    docs = [nlp.make_doc(t) for t in texts]
    for name in _PARTS:
        if name in nlp.pipe_names:
            component = nlp.get_pipe(name)
            batch = getattr(component, "pipe", None)
            docs = list(batch(docs)) if batch is not None else [component(d) for d in docs]
    out: dict[int, tuple[int, int, str] | None] = {}
    for ((s0, _), idx), low in zip(by_sent.items(), docs, strict=True):
        for i in idx:
            a, b = doc[mentions[i].start].idx - s0, _end_char(doc, mentions[i]) - s0
            span = low.char_span(a, b, alignment_mode="expand")
            if span is None:
                continue
            inner = [e for e in low.ents if a <= e.start_char and e.end_char <= b]
            named = [e for e in low.ents if e.start_char < b and a < e.end_char]
            rest = [
                t
                for t in span
                if t.lower_ not in _CONNECTORS
                and not any(e.start_char <= t.idx < e.end_char for e in inner)
            ]
            if any(t.tag_ in _PROPER for t in rest) or (named and not inner):
                # still a name in lower case; common words before it are not part of it
                # ("Crooked Hank Morrow" -> "Hank Morrow")
                first = next((t for t in span if t.tag_ in _PROPER), None)
                lead = [t for t in span if first is not None and t.i < first.i]
                if first is not None and lead and all(t.tag_ not in _PROPER for t in lead):
                    part = doc.char_span(s0 + first.idx, s0 + b)
                    label = next(
                        (e.label_ for e in named if e.start_char <= first.idx < e.end_char),
                        mentions[i].label,
                    )
                    if part is not None:
                        out[i] = (part.start, part.end, label)
                continue
            if not inner:
                out[i] = None
            elif len(inner) == 1 and (inner[0].start_char, inner[0].end_char) != (a, b):
                e = inner[0]
                part = doc.char_span(s0 + e.start_char, s0 + e.end_char)
                if part is not None and e.label_ in _NAME_LABELS:
                    out[i] = (part.start, part.end, e.label_)
    return out


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})


def _end_char(doc: Doc, m: Mention) -> int:
    last = doc[m.end - 1]
    return last.idx + len(last.text)


def text_of(doc: Doc, m: Mention) -> str:
    return doc[m.start : m.end].text
