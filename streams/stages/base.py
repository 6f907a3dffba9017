"""What a stage is, and how any stage runs a batch of payloads.

A :class:`Stage` names its input and output topics and message kinds, the pure batch function
that turns input records into output records, an optional warm-up for the NLP processes and an
optional ``post`` hook that runs where the stage's state table lives. :func:`execute` is the
one way a batch runs, under Faust and in-process alike: decode, validate, run, stamp, validate.
It never raises: each payload becomes its output record or a :class:`Failure`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import orjson

from streams.messages.codec import decode, now_iso
from streams.messages.dead_letters import Failure
from streams.messages.topics import MAX_MESSAGE_BYTES
from streams.messages.types import PipelineStamp, StageStamp
from streams.messages.validation import SchemaError, schema_id, validate
from streams.nlp.errors import InputError
from streams.settings import Settings

Record = dict[str, Any]
Result = Record | Failure
# (records, settings) -> records; a stage with ``share`` also takes each record's shares.
Run = Callable[..., list[Record]]
# (payload, share, shares, settings) -> one share of a long article's model work, done in
# another NLP process ahead of ``run`` (streams.stages.extract.parse_share).
Share = Callable[[bytes, int, int, Settings], Any]
Warm = Callable[[Settings], None]
# (results of a batch, the stage's state table, settings) -> results; runs on the event loop.
Post = Callable[[list[Result], MutableMapping[str, Any], Settings], list[Result]]
# The window of a stage's windowed table, from the settings (a ``faust.types.windows.WindowT``).
MakeWindow = Callable[[Settings], Any]
# A post hook may attach extra records to a result under this field, as a list of
# {"key": str, "value": record} with an optional "timestamp" (epoch seconds: the Kafka
# timestamp): the agent removes them and sends them to the stage's ``side`` topic (the stories
# stage's mentions, the trends stage's other windows).
SIDE = "_side"


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: ``input`` topic -> ``run`` -> ``output`` topic."""

    name: str
    input: str  # topic base names (see streams.messages.topics)
    output: str
    input_kind: str  # message kinds (see streams.messages.validation)
    output_kind: str
    run: Run  # pure, batched; runs in the NLP processes, off the event loop
    warm: Warm | None = None  # loads models in each NLP process before the first batch
    post: Post | None = None  # runs after ``run`` with the stage's state table
    table: str | None = None  # name of that table (a Faust GlobalTable, changelog in Kafka)
    # When set, that table is a Faust windowed table of this window (keys ``(key, (start,
    # end))``, windows dropped ``expires`` after they end), a dict in-process.
    window: MakeWindow | None = None
    key: str = "article_id"  # the output field that keys the output records
    run_kind: str | None = None  # kind of what ``run`` returns when ``post`` makes the output
    side: str | None = None  # topic of the extra records ``post`` attaches under SIDE
    heavy: bool = False  # runs the language model: its NLP processes get the machine's cores
    inline: bool = False  # ``run`` is trivial: the agent runs it on the loop, no NLP processes
    # A payload that ``spread`` picks has its model work shared out over the NLP processes
    # first (``share``), each share in whichever process is free.
    share: Share | None = None
    spread: Callable[[bytes], bool] | None = None


def execute(
    stage: Stage,
    payloads: list[bytes],
    settings: Settings,
    shared: list[list[Any]] | None = None,
) -> list[Result]:
    """Run ``stage`` over raw payloads; one bad article never sinks the batch. ``shared[i]``
    holds the shares of ``payloads[i]`` (``stage.share``) when they were done ahead."""
    results: list[Result] = [_parse(p, stage.input_kind) for p in payloads]
    ready = [i for i, r in enumerate(results) if not isinstance(r, Failure)]
    records: list[Record] = [results[i] for i in ready]  # type: ignore[misc]

    def run(which: list[int]) -> list[Record]:
        batch = [records[j] for j in which]
        if shared is None:
            return stage.run(batch, settings)
        return stage.run(batch, settings, [shared[ready[j]] for j in which])

    started = time.perf_counter()
    try:
        outputs = run(list(range(len(records))))
    except Exception:  # redo them one at a time to find the one that fails
        outputs = None
    if outputs is not None:
        ms = (time.perf_counter() - started) * 1000 / max(1, len(ready))
        for i, output in zip(ready, outputs, strict=True):
            results[i] = _finish(stage, output, ms)
        return results
    for j, (i, record) in enumerate(zip(ready, records, strict=True)):
        started = time.perf_counter()
        try:
            output = run([j])[0]
        except InputError as exc:
            results[i] = Failure(exc.error_class, str(exc), record.get("article_id"))
            continue
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            results[i] = Failure("exception", message, record.get("article_id"))
            continue
        results[i] = _finish(stage, output, (time.perf_counter() - started) * 1000)
    return results


def carry(record: Record, kind: str) -> Record:
    """Copy the metadata (and earlier stages' results) forward under the new schema id."""
    out = {k: v for k, v in record.items() if k not in ("format", "content")}
    out["schema"] = schema_id(kind)
    if "pipeline" in out:
        stamp: PipelineStamp = {
            "version": out["pipeline"]["version"],
            "stages": list(out["pipeline"]["stages"]),
        }
        out["pipeline"] = stamp
    return out


def _parse(payload: bytes, kind: str) -> Result:
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


def _finish(stage: Stage, output: Record, ms: float) -> Result:
    stamp: StageStamp = {"name": stage.name, "at": now_iso(), "ms": round(ms, 3)}
    if "pipeline" in output:  # articles carry it; a mention does not
        output["pipeline"]["stages"].append(stamp)
    size = len(orjson.dumps(output))
    if size > MAX_MESSAGE_BYTES:  # the broker would refuse to take it
        return Failure(
            "oversize",
            f"{stage.name} output of {size} bytes exceeds the message limit of {MAX_MESSAGE_BYTES}",
            output["article_id"],
        )
    kind = stage.run_kind or stage.output_kind
    try:
        validate(kind, output)
    except SchemaError as exc:
        message = f"{stage.name} produced an invalid {kind}: {exc}"
        return Failure("schema", message, output["article_id"])
    return output
