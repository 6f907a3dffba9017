"""The three stages as pure functions over messages, shared by the Faust agents and by
``newsstream process``.

The ``run_*`` entry points take raw payloads and never raise: each payload becomes either its
output message or a :class:`~streams.dlq.Failure`. They run in worker processes, off the event
loop, so they decode and validate there too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson

from streams.dlq import Failure
from streams.nlp.errors import InputError
from streams.records import decode, now_iso
from streams.schemas import SchemaError, schema_id, validate
from streams.topics import MAX_MESSAGE_BYTES

VERSION = "0.1.0"
# spaCy's tokenizer peels prefixes and suffixes off a word one at a time, each time copying
# the rest: a 30,000-character run like ")))))..." takes minutes. No real word is this long.
MAX_WORD_CHARS = 2000

# Stage -> (input kind, output kind).
KINDS = {
    "clean": ("article.raw", "article.clean"),
    "extract": ("article.clean", "article.enriched"),
    "geotag": ("article.enriched", "article.geo"),
}


def clean_record(raw: dict[str, Any]) -> dict[str, Any]:
    """article.raw -> article.clean: boilerplate removal, by the input's format."""
    from streams.nlp.boilerplate import clean_html, clean_text, page_title

    record = _carry(raw, "article.clean")
    if raw["format"] == "html":
        cleaned = clean_html(raw["content"], url=raw["source"]["url"])
        record["title"] = raw["title"] or page_title(raw["content"], raw["source"]["url"])
    else:
        cleaned = clean_text(raw["content"])
    record["text"] = cleaned.text
    record["boilerplate"] = _boilerplate(cleaned)
    record["pipeline"] = {"version": VERSION, "stages": []}
    return record


def learn(result: dict[str, Any] | Failure, memory: Any, now: float) -> dict[str, Any] | Failure:
    """Per-source learning for one clean-stage result; never raises.

    ``memory`` is a :class:`streams.nlp.source_memory.SourceMemory`. Failures pass through;
    records without a source domain pass unchanged. It runs where the table is (on the event
    loop, after the pool), so its output is validated again here.
    """
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


def _learn(record: dict[str, Any], memory: Any, now: float) -> dict[str, Any]:
    """Remove what this source repeats in many articles, then count this article's sentences."""
    from streams.nlp.boilerplate import Cleaned, Removed

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
    return record | {"text": applied.text, "boilerplate": _boilerplate(applied)}


def enrich_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """article.clean -> article.enriched for a batch: one ``nlp.pipe`` pass, then the
    document-level entity and claim logic per article."""
    from streams.nlp.claims import extract_claims
    from streams.nlp.entities import extract_entities
    from streams.nlp.model import load_nlp

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
        enriched = _carry(record, "article.enriched")
        enriched["entities"] = entities
        enriched["claims"] = extract_claims(doc, entities)
        out.append(enriched)
    return out


def geotag_record(record: dict[str, Any]) -> dict[str, Any]:
    """article.enriched -> article.geo: places and the article's focus."""
    from streams.nlp.geo import geotag

    places, focus = geotag(
        record["text"], record["entities"], source_domain=record["source"]["domain"]
    )
    out = _carry(record, "article.geo")
    out["places"] = places
    out["focus"] = focus
    return out


def run_clean(payloads: list[bytes]) -> list[dict[str, Any] | Failure]:
    return _run("clean", payloads, lambda records: [clean_record(r) for r in records])


def run_extract(payloads: list[bytes]) -> list[dict[str, Any] | Failure]:
    return _run("extract", payloads, enrich_records)


def run_geotag(payloads: list[bytes]) -> list[dict[str, Any] | Failure]:
    return _run("geotag", payloads, lambda records: [geotag_record(r) for r in records])


RUNNERS: dict[str, Callable[[list[bytes]], list[dict[str, Any] | Failure]]] = {
    "clean": run_clean,
    "extract": run_extract,
    "geotag": run_geotag,
}


def _run(
    stage: str,
    payloads: list[bytes],
    apply: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> list[dict[str, Any] | Failure]:
    in_kind, out_kind = KINDS[stage]
    results: list[dict[str, Any] | Failure] = [_parse(p, in_kind) for p in payloads]
    ready = [i for i, r in enumerate(results) if not isinstance(r, Failure)]
    started = time.perf_counter()
    try:
        outputs = apply([results[i] for i in ready])  # type: ignore[misc]
    except Exception:  # one bad article must not sink the batch: redo them one at a time
        outputs = None
    if outputs is not None:
        ms = (time.perf_counter() - started) * 1000 / max(1, len(ready))
        for i, output in zip(ready, outputs, strict=True):
            results[i] = _finish(stage, output, out_kind, ms)
        return results
    for i in ready:
        record = results[i]
        started = time.perf_counter()
        try:
            output = apply([record])[0]  # type: ignore[list-item]
        except InputError as exc:
            results[i] = Failure("input", str(exc), record.get("article_id"))  # type: ignore[union-attr]
            continue
        except Exception as exc:
            results[i] = Failure(
                "exception", f"{type(exc).__name__}: {exc}", record.get("article_id")
            )  # type: ignore[union-attr]
            continue
        results[i] = _finish(stage, output, out_kind, (time.perf_counter() - started) * 1000)
    return results


def _parse(payload: bytes, kind: str) -> dict[str, Any] | Failure:
    try:
        message = decode(payload)
    except orjson.JSONDecodeError as exc:
        return Failure("json", f"payload is not valid JSON (UTF-8): {exc}")
    article_id = message.get("article_id") if isinstance(message, dict) else None
    article_id = article_id if isinstance(article_id, str) else None
    try:
        validate(kind, message)
    except SchemaError as exc:
        return Failure("schema", f"not a valid {kind} message: {exc}", article_id)
    return message


def _finish(stage: str, output: dict[str, Any], kind: str, ms: float) -> dict[str, Any] | Failure:
    output["pipeline"]["stages"].append({"name": stage, "at": now_iso(), "ms": round(ms, 3)})
    size = len(orjson.dumps(output))
    if size > MAX_MESSAGE_BYTES:  # the broker would refuse to take it
        return Failure(
            "oversize",
            f"{stage} output of {size} bytes exceeds the message limit of {MAX_MESSAGE_BYTES}",
            output["article_id"],
        )
    try:
        validate(kind, output)
    except SchemaError as exc:
        return Failure("schema", f"{stage} produced an invalid {kind}: {exc}", output["article_id"])
    return output


def _carry(record: dict[str, Any], kind: str) -> dict[str, Any]:
    """Copy the metadata (and earlier stages' results) forward under the new schema id."""
    out = {k: v for k, v in record.items() if k not in ("format", "content")}
    out["schema"] = schema_id(kind)
    if "pipeline" in out:
        out["pipeline"] = {
            "version": out["pipeline"]["version"],
            "stages": list(out["pipeline"]["stages"]),
        }
    return out


def _boilerplate(cleaned: Any) -> dict[str, Any]:
    return {
        "removed_chars": cleaned.removed_chars,
        "removed": [{"start": r.start, "end": r.end, "reason": r.reason} for r in cleaned.removed],
        "kept": [{"start": start, "end": end} for start, end in cleaned.segments],
    }
