"""The whole pipeline in one process with no broker: ``newsstream process``, evals and tests.

It runs every stage of :data:`streams.flow.TO_SINK` in order with exactly the code the Faust
agents run (:func:`streams.stages.base.execute`, then the stage's ``post`` hook), with each
stage's state table held in a dict for the duration of the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any, cast

from streams import flow
from streams.messages.codec import encode
from streams.messages.dead_letters import Failure, dead_letter
from streams.messages.inputs import Item, to_raw
from streams.messages.types import DeadLetter
from streams.settings import Settings
from streams.stages.base import SIDE, Record, Result, Stage, execute

# (sink record, None) or (None, dead letter)
Outcome = tuple[dict[str, Any] | None, DeadLetter | None]


def process_items(
    items: Iterable[Item], settings: Settings, batch_size: int = 16
) -> Iterator[Outcome]:
    """Yield ``(sink record, None)`` or ``(None, dead letter)`` per input, in input order."""
    tables: dict[str, dict[str, Any]] = {s.name: {} for s in flow.TO_SINK if s.table}
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _batch(batch, settings, tables)
            batch = []
    if batch:
        yield from _batch(batch, settings, tables)


def _batch(
    items: list[Item], settings: Settings, tables: dict[str, dict[str, Any]]
) -> Iterator[Outcome]:
    outcomes = [to_raw(item, settings.max_article_bytes) for item in items]
    raws = [o.raw for o in outcomes if o.raw is not None]
    # A raw message enters the stages as the plain record it is after decode in a worker.
    results: list[Result] = list(cast(list[Record], raws))
    failed_in = [""] * len(raws)
    for stage in flow.TO_SINK:
        live = [i for i, r in enumerate(results) if not isinstance(r, Failure)]
        done = execute(stage, [encode(results[i]) for i in live], settings)  # type: ignore[arg-type]
        if stage.post is not None:
            done = stage.post(done, tables[stage.name], settings)
        for i, result in zip(live, done, strict=True):
            results[i] = result
            if isinstance(result, Failure):
                failed_in[i] = stage.name
    done_iter = iter(zip(raws, results, failed_in, strict=True))
    for outcome in outcomes:
        if outcome.raw is None:
            yield None, outcome.letter
            continue
        raw, result, stage_name = next(done_iter)
        if isinstance(result, Failure):
            yield None, dead_letter(stage_name, result, encode(raw), source_ref=outcome.source_ref)
        else:
            yield result, None


def run_stage(
    stage: Stage,
    records: Iterable[Record],
    settings: Settings,
    table: MutableMapping[str, Any] | None = None,
    batch_size: int = 16,
) -> Iterator[tuple[Result, list[Record]]]:
    """Run one stage (e.g. ``stories`` over sink records) in input order, as its agent does:
    :func:`~streams.stages.base.execute`, then the ``post`` hook with ``table`` (a dict when
    None). Yields ``(output record or Failure, side records)`` per input."""
    state: MutableMapping[str, Any] = {} if table is None else table
    batch: list[Record] = []

    def flush() -> Iterator[tuple[Result, list[Record]]]:
        done = execute(stage, [encode(r) for r in batch], settings)
        if stage.post is not None:
            done = stage.post(done, state, settings)
        for result in done:
            side = result.pop(SIDE, []) if isinstance(result, dict) else []
            yield result, [s["value"] for s in side]

    for record in records:
        batch.append(record)
        if len(batch) >= batch_size:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
