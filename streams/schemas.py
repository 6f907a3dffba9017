"""Validation of every topic's messages against the versioned JSON Schemas in ``schemas/``."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from streams.settings import REPO_ROOT

SCHEMA_DIR = REPO_ROOT / "schemas"

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
def validator(kind: str) -> Draft202012Validator:
    schema = orjson.loads((SCHEMA_DIR / FILES[kind]).read_bytes())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_id(kind: str) -> str:
    """The ``schema`` field value for ``kind``, e.g. ``newsstream.article.geo/v1``."""
    return f"newsstream.{kind}/v1"


def validate(kind: str, message: Any) -> None:
    """Raise :class:`SchemaError` if ``message`` is not a valid ``kind`` message."""
    error = next(iter(validator(kind).iter_errors(message)), None)
    if error is not None:
        raise SchemaError(_describe(error))


def _describe(error: ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    message = error.message if len(error.message) < 300 else error.message[:300] + "…"
    return f"{where}: {message}"
