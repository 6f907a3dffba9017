"""Building and encoding topic messages: ids, timestamps, JSON via orjson."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlsplit

import orjson

from streams.nlp.errors import InputError
from streams.schemas import schema_id

INPUT_FIELDS = {"id", "url", "title", "published_at", "html", "text"}


def now_iso() -> str:
    """UTC now as ISO 8601 with milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode(message: dict[str, Any]) -> bytes:
    return orjson.dumps(message)


def decode(payload: bytes) -> Any:
    """Parse a JSON payload; raises ``orjson.JSONDecodeError`` (a ValueError) on bad input."""
    return orjson.loads(payload)


def domain_of(url: str | None) -> str | None:
    """Host of ``url`` without a leading ``www.``; None when there is no usable host."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def article_id(item: dict[str, Any], content: str) -> str:
    """Stable id: the given ``id``, else a hash of the URL, else a hash of the content."""
    given = item.get("id")
    if given is not None and str(given).strip():
        return str(given).strip()[:512]
    url = item.get("url")
    basis = f"url:{url}" if url else f"content:{content}"
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def raw_from_item(item: Any, *, ingested_at: str | None = None) -> dict[str, Any]:
    """Turn one input article (``id?, url?, title?, published_at?`` and ``html`` or ``text``)
    into an ``article.raw`` message. Raises :class:`InputError` with the reason."""
    if not isinstance(item, dict):
        raise InputError(f"an article must be a JSON object, got {type(item).__name__}")
    unknown = set(item) - INPUT_FIELDS
    if unknown:
        raise InputError(f"unknown fields: {', '.join(sorted(unknown))}")
    has_html, has_text = item.get("html") is not None, item.get("text") is not None
    if has_html == has_text:
        raise InputError("exactly one of 'html' or 'text' is required")
    fmt = "html" if has_html else "text"
    content = item[fmt]
    if not isinstance(content, str):
        raise InputError(f"'{fmt}' must be a string, got {type(content).__name__}")
    if not content.strip():
        raise InputError(f"'{fmt}' is empty")
    for key in ("id", "url", "title", "published_at"):
        value = item.get(key)
        if value is not None and not isinstance(value, str | int):
            raise InputError(f"'{key}' must be a string, got {type(value).__name__}")
    url = _opt_str(item.get("url"))
    return {
        "schema": schema_id("article.raw"),
        "article_id": article_id(item, content),
        "source": {"url": url, "domain": domain_of(url)},
        "title": _opt_str(item.get("title")),
        "published_at": _opt_str(item.get("published_at")),
        "ingested_at": ingested_at or now_iso(),
        "format": fmt,
        "content": content,
    }


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
