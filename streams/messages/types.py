"""The message shapes that cross module boundaries, as TypedDicts for the type checker.

They mirror the JSON schemas in ``streams/messages/schemas/`` (which stay the authority: every
message is validated against them at runtime); a field here is required exactly when the
schema requires it, and ``X | None`` is the schema's ``["X", "null"]``. Where the schema has an
enum that the code passes around as a plain ``str`` (a dead letter's ``stage``, a stage
stamp's ``name``) the field is ``str`` and the schema's enum is named in a comment.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

# -- article.raw.v1.json: $defs/source, $defs/header and the raw message --------------------


class Source(TypedDict):
    """Where an article came from (``source``)."""

    url: str | None
    domain: str | None


class ArticleHeader(TypedDict):
    """The fields every article message carries from ingest on, unchanged."""

    article_id: str  # 1..512 characters
    source: Source
    title: str | None
    published_at: str | None  # as given by the input; not parsed
    ingested_at: str  # ISO 8601 date-time


class RawArticle(ArticleHeader):
    """An ``article.raw`` message (topic articles.raw)."""

    schema: str  # "newsstream.article.raw/v1"
    format: Literal["html", "text"]
    content: str


# -- article.clean.v1.json: $defs/pipeline and the fields every later record adds ------------


class StageStamp(TypedDict):
    """One stage's entry in ``pipeline.stages``."""

    name: str  # enum: clean, extract, geotag
    at: str  # ISO 8601 date-time
    ms: float


class PipelineStamp(TypedDict):
    """``pipeline``: the code version and the stages a record went through, in order."""

    version: str
    stages: list[StageStamp]


class ArticleRecord(ArticleHeader):
    """The fields common to every record after the clean stage (article.clean, .enriched and
    .geo): the header plus the cleaned text, what was removed and the pipeline stamp."""

    text: str  # every later offset indexes this string
    boilerplate: dict[str, Any]  # $defs/boilerplate: removed_chars, removed, kept, ...
    pipeline: PipelineStamp


# -- dead_letter.v1.json ----------------------------------------------------------------------

# "class" is a keyword, hence the functional form.
DeadLetterError = TypedDict("DeadLetterError", {"class": str, "message": str})


class InputRef(TypedDict):
    """Where a dead letter's payload was read from."""

    topic: str
    partition: int
    offset: int


class DeadLetter(TypedDict):
    """A ``dead_letter`` message (topic articles.dlq)."""

    schema: str  # "newsstream.dead_letter/v1"
    article_id: str | None
    stage: str  # enum: ingest, clean, extract, geotag
    error: DeadLetterError  # class: decode, json, schema, oversize, input, exception, timeout
    input: InputRef | None  # None for ingest
    source_ref: str | None  # for ingest: "path:line" or "path"
    payload: str | None  # None when oversize or not UTF-8
    payload_b64: str | None  # the bytes, base64, when not UTF-8 and not oversize
    payload_bytes: int
    failed_at: str  # ISO 8601 date-time
