"""Validation of every topic's messages against the versioned JSON Schemas shipped in
``streams/messages/schemas/`` (``schemas/`` at the repository root points there).

The schema files reference each other (``article.geo`` extends ``article.enriched``, which
extends ``article.clean``, which reuses the article header of ``article.raw``: see the
folder's README). Those ``$ref``\\ s are resolved from the shipped files only, through one
:class:`jsonschema_rs.Registry` of all of them; nothing is ever fetched over the network.
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs
import orjson

from streams.resources import package_path

SCHEMA_DIR = package_path("messages", "schemas")

# Message kind -> schema file. The kind is also the ``schema`` field's value without version.
FILES = {
    "article.raw": "article.raw.v1.json",
    "article.clean": "article.clean.v1.json",
    "article.enriched": "article.enriched.v1.json",
    "article.geo": "article.geo.v1.json",
    "dead_letter": "dead_letter.v1.json",
    "story.features": "story.features.v1.json",
    "story": "story.v1.json",
    "mention": "mention.v1.json",
    "trend": "trend.v1.json",
}


class SchemaError(ValueError):
    """A message does not match its schema; the message names the first violation."""


@functools.cache
def schema(kind: str) -> dict[str, Any]:
    """The parsed schema document for ``kind`` (its ``$ref``\\ s to sibling files unresolved)."""
    return orjson.loads((SCHEMA_DIR / FILES[kind]).read_bytes())


def _refuse_retrieval(uri: str) -> Any:
    raise LookupError(f"{uri} is not one of the schema files shipped in {SCHEMA_DIR}")


@functools.cache
def registry() -> jsonschema_rs.Registry:
    """Every shipped schema under its ``$id``: what cross-file ``$ref``\\ s resolve against."""
    return jsonschema_rs.Registry(
        [(schema(kind)["$id"], schema(kind)) for kind in FILES],
        draft=jsonschema_rs.Draft202012,
        retriever=_refuse_retrieval,
    )


@functools.cache
def validator(kind: str) -> jsonschema_rs.Draft202012Validator:
    """A compiled validator (Rust-backed: every stage validates every message twice)."""
    return jsonschema_rs.Draft202012Validator(
        schema(kind), validate_formats=True, registry=registry(), offline=True
    )


def schema_id(kind: str) -> str:
    """The ``schema`` field value for ``kind``, e.g. ``newsstream.article.geo/v1``."""
    return f"newsstream.{kind}/v1"


def validate(kind: str, message: Any) -> None:
    """Raise :class:`SchemaError` if ``message`` is not a valid ``kind`` message."""
    checker = validator(kind)
    if checker.is_valid(message):  # the common case, and much faster than iter_errors
        return
    error = next(iter(checker.iter_errors(message)), None)
    if error is not None:
        raise SchemaError(_describe(error))


def _describe(error: jsonschema_rs.ValidationError) -> str:
    where = "/".join(str(p) for p in error.instance_path) or "(root)"
    message = error.message if len(error.message) < 300 else error.message[:300] + "…"
    return f"{where}: {message}"
