"""article.clean -> article.enriched: entities and claims, one ``nlp.pipe`` pass per batch."""

from __future__ import annotations

from streams.nlp.claims import extract_claims
from streams.nlp.entities import extract_entities
from streams.nlp.errors import InputError
from streams.nlp.model import load_nlp
from streams.settings import Settings
from streams.stages.base import Record, carry

# spaCy's tokenizer peels prefixes and suffixes off a word one at a time, each time copying
# the rest: a 30,000-character run like ")))))..." takes minutes. No real word is this long.
MAX_WORD_CHARS = 2000


def warm(settings: Settings) -> None:
    load_nlp()


def enrich(records: list[Record], settings: Settings) -> list[Record]:
    """The document-level entity and claim logic per article, over one model pass."""
    for record in records:
        longest = max(map(len, record["text"].split()), default=0)
        if longest > MAX_WORD_CHARS:
            raise InputError(
                f"text has a {longest}-character run without spaces (limit {MAX_WORD_CHARS})"
            )
    nlp = load_nlp()
    out = []
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        entities = extract_entities(
            doc, title=record["title"], publisher=record["source"]["domain"]
        )
        enriched = carry(record, "article.enriched")
        enriched["entities"] = entities
        enriched["claims"] = extract_claims(doc, entities)
        out.append(enriched)
    return out
