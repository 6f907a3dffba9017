"""Validation of every topic's messages against the versioned JSON Schemas shipped in
``streams/messages/schemas/`` (``schemas/`` at the repository root points there)."""

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
}


class SchemaError(ValueError):
    """A message does not match its schema; the message names the first violation."""


@functools.cache
def schema(kind: str) -> dict[str, Any]:
    """The parsed schema document for ``kind``."""
    return orjson.loads((SCHEMA_DIR / FILES[kind]).read_bytes())


@functools.cache
def validator(kind: str) -> jsonschema_rs.Draft202012Validator:
    """A compiled validator (Rust-backed: every stage validates every message twice)."""
    return jsonschema_rs.Draft202012Validator(schema(kind), validate_formats=True)


def schema_id(kind: str) -> str:
    """The ``schema`` field value for ``kind``, e.g. ``newsstream.article.geo/v1``."""
    return f"newsstream.{kind}/v1"


def validate(kind: str, message: Any) -> None:
    """Raise :class:`SchemaError` if ``message`` is not a valid ``kind`` message."""
    error = next(iter(validator(kind).iter_errors(message)), None)
    if error is not None:
        raise SchemaError(_describe(error))


def _describe(error: jsonschema_rs.ValidationError) -> str:
    where = "/".join(str(p) for p in error.instance_path) or "(root)"
    message = error.message if len(error.message) < 300 else error.message[:300] + "…"
    return f"{where}: {message}"
