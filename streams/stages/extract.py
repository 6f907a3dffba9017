"""article.clean -> article.enriched: entities and claims, one ``nlp.pipe`` pass per batch and
language.

What the models read of one article is bounded by the settings (``max_text_chars``,
``max_tokens``, ``max_numbers``, ``max_quotes``, ``max_entities``; streams.nlp.limits): past a
limit the analysis stops at the paragraph or sentence before it and the record says so in
``truncated``. English articles get every step; an article in another language with a model
(streams.nlp.model.MODELS) gets its entities, one without a model none, and ``nlp`` says what
was skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from spacy.tokens import Doc

from streams.nlp.claims import extract_claims
from streams.nlp.entities import extract_entities
from streams.nlp.entities.simple import model_entities
from streams.nlp.errors import InputError
from streams.nlp.language import pipeline_language
from streams.nlp.limits import Cut, analysis_cut, entity_cut
from streams.nlp.model import MODELS, available, load_nlp
from streams.nlp.pieces import PIECE_WORDS, assign, parse, pieces, to_bytes
from streams.settings import Settings
from streams.stages.base import Record, carry

# spaCy's tokenizer peels prefixes and suffixes off a word one at a time, each time copying
# the rest: a 30,000-character run like ")))))..." takes minutes. No real word is this long.
MAX_WORD_CHARS = 2000
# Documents the model holds at once. A batch of 16 long articles (3,000+ words each) peaks at
# about 710 MB in one process, 4 at about 430 MB, at the same words/s.
PIPE_BATCH = 4
# A word of news text takes about 6 characters with its space, so a clean record under this
# many bytes is too short to be cut into pieces: the first test, before any decoding.
SHARE_BYTES = 2 * PIECE_WORDS * 5


def warm(settings: Settings) -> None:
    for language in sorted(available()):
        load_nlp(language)


def enrich(
    records: list[Record],
    settings: Settings,
    shared: Sequence[Sequence[Mapping[int, bytes]]] | None = None,
) -> list[Record]:
    """The document-level entity and claim logic per article, over one model pass.

    ``shared[i]`` holds pieces of ``records[i]``'s text that other processes have parsed
    (:func:`parse_share`); the rest are parsed here, and the result is the same either way.
    """
    cuts = [_cut(record, settings) for record in records]
    languages = [pipeline_language(record.get("language")) for record in records]
    for record, cut, language in zip(records, cuts, languages, strict=True):
        if language in available():  # else no tokenizer runs on it
            _check_words(_head(record, cut))
    parsed = [_merged(s) for s in shared] if shared else [{} for _ in records]
    out: list[Record | None] = [None] * len(records)
    for language in sorted(set(languages)):
        todo = [i for i, lang in enumerate(languages) if lang == language]
        if language not in available():
            for i in todo:
                out[i] = _without_model(records[i], cuts[i], language)
            continue
        docs = parse(
            load_nlp(language),
            [_head(records[i], cuts[i]) for i in todo],
            batch_size=PIPE_BATCH,
            parsed=[parsed[i] for i in todo],
        )
        for i, doc in zip(todo, docs, strict=True):
            out[i] = _enriched(records[i], doc, cuts[i], language, settings)
    return [record for record in out if record is not None]


def spread(payload: bytes) -> bool:
    """Whether a clean record's text is cut into pieces that other processes could parse at
    the same time (:func:`parse_share`); cheap enough for the event loop."""
    if len(payload) < SHARE_BYTES:
        return False
    try:
        text = orjson.loads(payload)["text"]
    except Exception:  # noqa: BLE001 - not a clean record: execute reports it
        return False
    return isinstance(text, str) and len(pieces(text)) > 1


def parse_share(payload: bytes, share: int, shares: int, settings: Settings) -> dict[int, bytes]:
    """Parse share ``share`` of ``shares`` of a clean record's pieces (:func:`assign`): the
    agent runs the shares of one long article in different NLP processes at once and hands
    them to :func:`enrich`. Anything wrong with the record is left for ``enrich`` to report."""
    try:
        record = orjson.loads(payload)
        cut = _cut(record, settings)
        text = _head(record, cut)
        language = pipeline_language(record.get("language"))
        if language not in available():
            return {}
        _check_words(text)
    except Exception:  # noqa: BLE001 - enrich, after validation, says what is wrong
        return {}
    plan = pieces(text)
    mine = assign(plan, shares)[share]
    docs = load_nlp(language).pipe((plan[k] for k in mine), batch_size=PIPE_BATCH)
    return {k: to_bytes(doc) for k, doc in zip(mine, docs, strict=True)}


def _merged(shares: Sequence[Mapping[int, bytes]]) -> dict[int, bytes]:
    return {k: data for share in shares for k, data in share.items()}


def _check_words(text: str) -> None:
    longest = max(map(len, text.split()), default=0)
    if longest > MAX_WORD_CHARS:
        raise InputError(
            f"text has a {longest}-character run without spaces (limit {MAX_WORD_CHARS})"
        )


def _cut(record: Record, settings: Settings) -> Cut | None:
    return analysis_cut(
        record["text"],
        max_chars=settings.max_text_chars,
        max_tokens=settings.max_tokens,
        max_numbers=settings.max_numbers,
        max_quotes=settings.max_quotes,
    )


def _head(record: Record, cut: Cut | None) -> str:
    return record["text"][: cut.at] if cut else record["text"]


def _enriched(
    record: Record, doc: Doc, cut: Cut | None, language: str, settings: Settings
) -> Record:
    more = entity_cut([e.start_char for e in doc.ents], doc.text, settings.max_entities)
    if more is not None:  # read only up to the sentence before the first entity over the limit
        span = doc.char_span(0, more.at, alignment_mode="contract")
        assert span is not None, "contract alignment always finds a span from 0"
        doc = span.as_doc()
        cut = more
    enriched = carry(record, "article.enriched")
    if language == "en":
        entities = extract_entities(
            doc, title=record["title"], publisher=record["source"]["domain"]
        )
        enriched["entities"] = entities
        enriched["claims"] = extract_claims(doc, entities)
    else:
        enriched["entities"] = model_entities(doc)
        enriched["claims"] = []
        enriched["nlp"] = {
            "model": MODELS[language],
            "skipped": ["claims"],
            "reason": f"claims are extracted from English only (the article is {language!r})",
        }
    if cut is not None:
        enriched["truncated"] = cut.field()
    return enriched


def _without_model(record: Record, cut: Cut | None, language: str) -> Record:
    enriched = carry(record, "article.enriched")
    enriched["entities"] = []
    enriched["claims"] = []
    enriched["nlp"] = _skipped(language)
    if cut is not None:
        enriched["truncated"] = cut.field()
    return enriched


def _skipped(language: str) -> dict[str, Any]:
    return {
        "model": None,
        "skipped": ["entities", "claims", "places"],
        "reason": f"no model for language {language!r} (models: {', '.join(sorted(MODELS))})",
    }
