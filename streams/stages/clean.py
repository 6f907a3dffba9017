"""article.raw -> article.clean: boilerplate removal by the input's format, then per-source
learning of the lines a site repeats (its state is the stage's table)."""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

from streams.messages.dead_letters import Failure
from streams.messages.validation import SchemaError, validate
from streams.nlp.boilerplate import Cleaned, Removed, clean_html, clean_text
from streams.nlp.errors import InputError, LanguageError
from streams.nlp.language import detect, pipeline_language
from streams.nlp.model import MODELS
from streams.nlp.source_memory import SourceMemory
from streams.settings import Settings
from streams.stages.base import Record, Result, carry
from streams.stages.versioning import VERSION, pipeline_version


def clean(records: list[Record], settings: Settings) -> list[Record]:
    version = pipeline_version(settings)
    out = [clean_record(record, version) for record in records]
    if settings.other_languages == "dlq":
        for record in out:
            check_language(record)
    return out


def warm(settings: Settings) -> None:
    detect("warm")  # loads the language model


def check_language(record: Record) -> None:
    """Refuse (class ``language``) an article in a language the pipeline has no model for."""
    language = pipeline_language(record.get("language"))
    if language not in MODELS:
        found = record["language"]
        raise LanguageError(
            f"the article is in language {found['code']!r} (score {found['score']}), which the "
            f"pipeline has no model for (models: {', '.join(sorted(MODELS))}); "
            "NEWSSTREAM_OTHER_LANGUAGES=dlq sends such articles here"
        )


def clean_record(raw: Record, version: str = VERSION) -> Record:
    """One raw article's boilerplate removed; the title, when missing, taken from the page
    (HTML) or from a headline-looking first line (text);
    ``version`` becomes its ``pipeline.version``."""
    record = carry(raw, "article.clean")
    if raw["format"] == "html":
        cleaned = clean_html(raw["content"], url=raw["source"]["url"])
    else:
        try:
            cleaned = clean_text(raw["content"])
        except InputError as exc:  # name the language when it is not the pipeline's
            found = detect(raw["content"])
            if pipeline_language(found) == "en":
                raise
            raise InputError(
                f"{exc} (the text is in language {found['code']!r}, score {found['score']})"
            ) from exc
    record["title"] = raw["title"] or cleaned.title
    record["text"] = cleaned.text
    record["language"] = detect(cleaned.text)
    record["boilerplate"] = boilerplate_field(cleaned)
    record["pipeline"] = {"version": version, "stages": []}
    return record


def learn(
    results: list[Result], table: MutableMapping[str, Any], settings: Settings
) -> list[Result]:
    """Per-source learning over a batch's results, in order, with the source memory in
    ``table``; runs where the table is (on the event loop, after the pool)."""
    memory = SourceMemory(
        table,
        min_articles=settings.learn_min_articles,
        half_life_days=settings.learn_half_life_days,
    )
    now = time.time()
    return [learn_one(result, memory, now) for result in results]


def learn_one(result: Result, memory: SourceMemory, now: float) -> Result:
    """One clean-stage result after learning; never raises. Failures pass through; records
    without a source domain pass unchanged. The output is validated again here."""
    if isinstance(result, Failure):
        return result
    try:
        out = _learn(result, memory, now)
        validate("article.clean", out)
    except InputError as exc:
        return Failure("input", str(exc), result["article_id"])
    except SchemaError as exc:
        message = f"per-source learning produced an invalid article.clean: {exc}"
        return Failure("schema", message, result["article_id"])
    return out


def _learn(record: Record, memory: SourceMemory, now: float) -> Record:
    """Remove what this source repeats in many articles, then count this article's sentences."""
    domain = record["source"]["domain"]
    if not domain:
        return record
    boiler = record["boilerplate"]
    cleaned = Cleaned(
        text=record["text"],
        removed=[Removed(r["start"], r["end"], r["reason"]) for r in boiler["removed"]],
        removed_chars=boiler["removed_chars"],
        segments=tuple((k["start"], k["end"]) for k in boiler["kept"]),
    )
    applied = memory.apply(domain, cleaned, now)
    memory.observe(domain, record["article_id"], cleaned.text, now)
    if not applied.text.strip():
        raise InputError("nothing is left after removing this source's repeated boilerplate")
    return record | {"text": applied.text, "boilerplate": boilerplate_field(applied)}


def boilerplate_field(cleaned: Cleaned) -> dict[str, Any]:
    return {
        "removed_chars": cleaned.removed_chars,
        "removed": [{"start": r.start, "end": r.end, "reason": r.reason} for r in cleaned.removed],
        "kept": [{"start": start, "end": end} for start, end in cleaned.segments],
    }
