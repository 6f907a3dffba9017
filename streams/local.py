"""The whole pipeline in one process with no broker: ``newsstream process`` and tests.

It runs exactly the stage code the Faust agents run, in the same order, with a per-source
memory held in a dict for the duration of the run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from streams import pipeline
from streams.dlq import Failure, dead_letter
from streams.ingest import Item, to_raw
from streams.nlp.source_memory import SourceMemory
from streams.records import encode
from streams.settings import Settings


def process_items(
    items: Iterable[Item], settings: Settings, batch_size: int = 16
) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Yield ``(sink record, None)`` or ``(None, dead letter)`` per input, in input order."""
    memory = SourceMemory(
        {}, min_articles=settings.learn_min_articles, half_life_days=settings.learn_half_life_days
    )
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _batch(batch, settings, memory)
            batch = []
    if batch:
        yield from _batch(batch, settings, memory)


def _batch(
    items: list[Item], settings: Settings, memory: SourceMemory
) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    outcomes = [to_raw(item, settings.max_article_bytes) for item in items]
    raws = [o.raw for o in outcomes if o.raw is not None]
    cleaned = pipeline.run_clean([encode(r) for r in raws])
    results: list[Any] = [pipeline.learn(r, memory, time.time()) for r in cleaned]
    failed_in = ["clean" if isinstance(r, Failure) else "" for r in results]
    for stage in ("extract", "geotag"):
        live = [i for i, r in enumerate(results) if not isinstance(r, Failure)]
        done = pipeline.RUNNERS[stage]([encode(results[i]) for i in live])
        for i, result in zip(live, done, strict=True):
            results[i] = result
            if isinstance(result, Failure):
                failed_in[i] = stage
    done_iter = iter(zip(raws, results, failed_in, strict=True))
    for outcome in outcomes:
        if outcome.raw is None:
            yield None, outcome.letter
            continue
        raw, result, stage = next(done_iter)
        if isinstance(result, Failure):
            letter = dead_letter(stage, result, encode(raw), source_ref=outcome.source_ref)
            yield None, letter
        else:
            yield result, None
