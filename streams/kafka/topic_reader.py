"""Reading the sink and dead-letter topics without a consumer group: for ``run``, ``tail``
and ``dlq``, which must not disturb the stages' offsets.

Reads are ``read_committed``: ``newsstream replay`` writes to the sink in transactions, and a
replay killed half-way leaves an aborted one that no reader may count (docs/replay.md). On a
topic without transactions this is the same as reading everything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import TopicPartition

from streams.kafka.clients import consumer
from streams.kafka.internals import refresh_metadata
from streams.messages.codec import decode
from streams.settings import Settings

COMMITTED = {"isolation_level": "read_committed"}


async def end_offsets(settings: Settings, topic: str) -> dict[int, int]:
    """Partition -> next offset to be written."""
    async with consumer(settings, enable_auto_commit=False, **COMMITTED) as cons:
        parts = await partitions(cons, topic)
        ends = await cons.end_offsets([TopicPartition(topic, p) for p in parts])
    return {tp.partition: offset for tp, offset in ends.items()}


async def partitions(cons: Any, topic: str) -> list[int]:
    for _ in range(50):
        parts = cons.partitions_for_topic(topic)
        if parts:
            return sorted(parts)
        await refresh_metadata(cons)
        await asyncio.sleep(0.1)
    raise RuntimeError(f"topic {topic} does not exist (was the pipeline set up?)")


async def records(
    settings: Settings,
    topic: str,
    *,
    start: dict[int, int] | None = None,
    last: int | None = None,
    follow: bool = False,
) -> AsyncIterator[tuple[Any, dict[str, Any]]]:
    """Yield ``(message, decoded value)`` from ``start`` offsets (default: the beginning), or
    the ``last`` N per partition; stop at the end unless ``follow``."""
    async with consumer(settings, enable_auto_commit=False, **COMMITTED) as cons:
        parts = [TopicPartition(topic, p) for p in await partitions(cons, topic)]
        cons.assign(parts)
        ends = await cons.end_offsets(parts)
        begins = await cons.beginning_offsets(parts)
        for tp in parts:
            if start is not None:
                offset = start.get(tp.partition, 0)
            elif last is not None:
                offset = max(begins[tp], ends[tp] - last)
            else:
                offset = begins[tp]
            cons.seek(tp, offset)
        while True:
            # A list, not a generator: ``await`` inside a generator expression makes it an
            # async generator, which ``all()`` cannot iterate.
            if not follow and all([await cons.position(tp) >= ends[tp] for tp in parts]):
                return
            batch = await cons.getmany(timeout_ms=500)
            for messages in batch.values():
                for message in messages:
                    try:
                        value = decode(message.value)
                    except ValueError:
                        value = {"undecodable": True}
                    yield message, value
