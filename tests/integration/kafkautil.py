"""Reading what the pipeline wrote, for integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from streams.kafka.clients import producer
from streams.kafka.topic_reader import records
from streams.messages import topics
from streams.settings import Settings


async def collect(
    settings: Settings,
    base: str,
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 300.0,
) -> list[dict[str, Any]]:
    """Read ``base`` topic from the start (in partition order) until ``done(values)``."""
    seen: list[dict[str, Any]] = []

    async def read() -> None:
        async for message, value in records(settings, topics.name(settings, base), follow=True):
            value["_partition"], value["_offset"] = message.partition, message.offset
            seen.append(value)
            if done(seen):
                return

    try:
        await asyncio.wait_for(read(), timeout)
    except TimeoutError:
        pass
    return seen


def have_ids(ids: set[str]) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda values: ids <= {v.get("article_id") for v in values}


async def send_raw(
    settings: Settings, base: str, payloads: list[tuple[bytes | None, bytes]]
) -> None:
    """Produce ``(key, value)`` byte pairs straight to a topic, bypassing ingest's checks."""
    async with producer(settings) as prod:
        for key, value in payloads:
            await (await prod.send(topics.name(settings, base), value, key=key))
