"""Entities straight from a non-English model's NER (fr_core_news_sm: PER, LOC, ORG, MISC).

The document-level logic of :func:`streams.nlp.entities.extract_entities` reads English tags,
cue words and layout grammars; for other languages the model's mentions are grouped by their
text and label only, with the sink schema's labels and a frequency salience.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

# The model's labels -> the sink's; MISC (events, works, nationalities together) is dropped.
LABELS = {"PER": "PERSON", "PERSON": "PERSON", "LOC": "LOC", "GPE": "GPE", "ORG": "ORG"}


def model_entities(doc: Doc) -> list[dict]:
    """Entities of ``doc`` as sink-schema dicts, sorted by first mention."""
    groups: dict[tuple[str, str], list[dict]] = {}
    names: dict[tuple[str, str], str] = {}
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        name = ent.text.strip()
        if label is None or not name:
            continue
        key = (label, name.casefold())
        groups.setdefault(key, []).append(
            {"start": ent.start_char, "end": ent.end_char, "text": ent.text}
        )
        names.setdefault(key, name)
    most = max((len(m) for m in groups.values()), default=1)
    out: list[dict[str, Any]] = []
    for (label, _), mentions in sorted(groups.items(), key=lambda kv: kv[1][0]["start"]):
        out.append(
            {
                "id": f"e{len(out) + 1}",
                "name": names[(label, _)],
                "label": label,
                "mentions": mentions,
                "salience": round(len(mentions) / most, 3),
            }
        )
    return out
