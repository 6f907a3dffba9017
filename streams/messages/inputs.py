"""Input articles (JSONL lines, HTML and text files, stdin) and how each becomes an
``article.raw`` message or a dead letter saying why not. Pure: no Kafka here."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import orjson

from streams.messages.codec import now_iso
from streams.messages.dead_letters import Failure, dead_letter
from streams.messages.types import DeadLetter, RawArticle
from streams.messages.validation import SchemaError, schema_id, validate
from streams.nlp.errors import InputError

INPUT_FIELDS = {"id", "url", "title", "published_at", "html", "text"}
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html", ".txt": "text"}
# The "id" of a JSON line that cannot be parsed whole (oversize, broken further on): the
# object's leading scalar fields up to "id". Only the line's first ID_SCAN_BYTES are read.
_STRING = r'"(?:[^"\\]|\\.)*"'
_SCALAR = rf"(?:{_STRING}|-?\d{{1,30}}(?:\.\d+)?|true|false|null)"
LEADING_ID = re.compile(
    rf'\{{\s*(?:{_STRING}\s*:\s*{_SCALAR}\s*,\s*)*?"id"\s*:\s*({_STRING}|-?\d{{1,30}})\s*[,}}]'
)
ID_SCAN_BYTES = 8192


@dataclass(frozen=True)
class Item:
    """One input article before validation: where it came from and its bytes."""

    source_ref: str  # "path:line" or "path"
    payload: bytes
    kind: str  # jsonl, html or text


@dataclass
class Outcome:
    """An input that became a raw message, or the dead letter saying why not."""

    source_ref: str
    raw: RawArticle | None = None
    letter: DeadLetter | None = None


def discover(paths: Iterable[str]) -> list[Path | None]:
    """Expand directories (sorted, recursively) to their article files; ``-`` is stdin (None)."""
    found: list[Path | None] = []
    for name in paths:
        if name == "-":
            found.append(None)
            continue
        path = Path(name)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.suffix.lower() in SUFFIXES)
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {name}")
    return found


def read_items(paths: list[Path | None]) -> Iterator[Item]:
    """Yield one item per JSONL line (stdin is JSONL) or per HTML/text file."""
    for path in paths:
        if path is None:
            yield from _lines(sys.stdin.buffer, "-")
            continue
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise ValueError(f"{path}: unsupported file type (use .jsonl, .html, .htm or .txt)")
        if kind == "jsonl":
            with path.open("rb") as handle:
                yield from _lines(handle, str(path))
        else:
            yield Item(str(path), path.read_bytes(), kind)


def _lines(handle: Any, name: str) -> Iterator[Item]:
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield Item(f"{name}:{number}", line.rstrip(b"\r\n"), "jsonl")


def to_raw(item: Item, max_bytes: int) -> Outcome:
    """Validate one input and build its raw message, or its dead letter; the letter names
    the article (``article_id``) whenever the input gives or implies its id."""
    obj: Any = None
    try:
        if len(item.payload) > max_bytes:
            raise _Oversize(f"{len(item.payload)} bytes exceeds the limit of {max_bytes} bytes")
        try:
            text = item.payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Bad("decode", f"input is not valid UTF-8: {exc}") from exc
        if item.kind == "jsonl":
            try:
                obj = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise _Bad("json", f"line is not valid JSON: {exc}") from exc
        else:
            obj = {item.kind: text}
        raw = raw_from_item(obj, ingested_at=now_iso())
        validate("article.raw", raw)
        return Outcome(item.source_ref, raw=raw)
    except _Oversize as exc:
        failure, payload = Failure("oversize", str(exc)), None
    except _Bad as exc:
        failure, payload = Failure(exc.error_class, str(exc)), item.payload
    except InputError as exc:
        failure, payload = Failure("input", str(exc)), item.payload
    except SchemaError as exc:
        failure, payload = Failure("schema", str(exc)), item.payload
    given = implied_id(obj) if obj is not None else None
    if given is None and item.kind == "jsonl":
        given = leading_id(item.payload)
    failure = Failure(failure.error_class, failure.message, given)
    letter = dead_letter(
        "ingest",
        failure,
        payload,
        source_ref=item.source_ref,
        payload_bytes=len(item.payload),
    )
    return Outcome(item.source_ref, letter=letter)


class _Bad(Exception):
    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


class _Oversize(Exception):
    pass


def implied_id(obj: Any) -> str | None:
    """The article id an input object gives or implies (as :func:`article_id` makes it), even
    when the object fails later checks; None when it implies none."""
    if not isinstance(obj, dict):
        return None
    given = obj.get("id")
    if isinstance(given, str | int) and not isinstance(given, bool) and str(given).strip():
        return str(given).strip()[:512]
    url = obj.get("url")
    if isinstance(url, str) and url:
        return article_id({"url": url}, "")
    content = obj.get("text") if obj.get("html") is None else obj.get("html")
    if isinstance(content, str) and content.strip() and obj.get("id") is None:
        return article_id({}, content)
    return None


def leading_id(payload: bytes) -> str | None:
    """The ``id`` of a JSON line read from its start only (for a line too large, or too
    broken, to parse): found when the fields before it are plain strings or numbers."""
    head = payload[:ID_SCAN_BYTES].decode("utf-8", "replace").lstrip()
    match = LEADING_ID.match(head)
    if match is None:
        return None
    try:
        value = orjson.loads(match.group(1))
    except orjson.JSONDecodeError:
        return None
    return implied_id({"id": value})


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


def raw_from_item(item: Any, *, ingested_at: str | None = None) -> RawArticle:
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
    fmt: Literal["html", "text"] = "html" if has_html else "text"
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
