"""Reading articles from files or stdin and producing them to the raw topic.

Every input line or file ends either in ``articles.raw`` or in ``articles.dlq`` with its
reason: ingest never stops on one bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams.dlq import Failure, dead_letter
from streams.nlp.errors import InputError
from streams.records import now_iso, raw_from_item
from streams.schemas import SchemaError, validate

SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html", ".txt": "text"}


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
    raw: dict[str, Any] | None = None
    letter: dict[str, Any] | None = None


@dataclass
class Summary:
    ingested: int = 0
    dead: int = 0
    article_ids: list[str] = field(default_factory=list)


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
    """Validate one input and build its raw message, or its dead letter."""
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


async def ingest(settings: Any, paths: list[str], *, progress: bool = True) -> Summary:
    """Produce every input to ``articles.raw`` (keyed by article_id) or ``articles.dlq``."""
    from tqdm import tqdm

    from streams import topics
    from streams.kafka import producer
    from streams.records import encode

    files = discover(paths)
    summary = Summary()
    raw_topic = topics.name(settings, topics.RAW)
    dlq_topic = topics.name(settings, topics.DLQ)
    async with producer(settings) as prod:
        pending = []
        bar = tqdm(desc="ingest", unit="article", disable=not progress, file=sys.stderr)
        for item in read_items(files):
            outcome = to_raw(item, settings.max_article_bytes)
            if outcome.raw is not None:
                key = outcome.raw["article_id"].encode()
                pending.append(await prod.send(raw_topic, encode(outcome.raw), key=key))
                summary.ingested += 1
                summary.article_ids.append(outcome.raw["article_id"])
            else:
                assert outcome.letter is not None
                pending.append(await prod.send(dlq_topic, encode(outcome.letter)))
                summary.dead += 1
            bar.update(1)
            if len(pending) >= 500:
                await _delivered(pending)
        await _delivered(pending)
        bar.close()
    return summary


async def _delivered(pending: list[Any]) -> None:
    import asyncio

    await asyncio.gather(*pending)
    pending.clear()
