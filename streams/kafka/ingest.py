"""``newsstream ingest``: produce input articles to ``articles.raw`` (keyed by article_id),
and every input that cannot become one to ``articles.dlq`` with its reason."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from streams.kafka.clients import producer
from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.inputs import discover, read_items, to_raw
from streams.settings import Settings


@dataclass
class Summary:
    ingested: int = 0
    dead: int = 0
    article_ids: list[str] = field(default_factory=list)


async def ingest(settings: Settings, paths: list[str], *, progress: bool = True) -> Summary:
    """Produce every input to ``articles.raw`` or ``articles.dlq``; never stops on a bad one."""
    files = discover(paths)
    summary = Summary()
    raw_topic = topics.name(settings, topics.RAW)
    dlq_topic = topics.name(settings, topics.DLQ)
    async with producer(settings) as prod:
        pending: list[Any] = []
        bar = tqdm(desc="ingest", unit=" inputs", disable=not progress, file=sys.stderr)
        for item in read_items(files):
            outcome = to_raw(item, settings.max_article_bytes)
            if outcome.raw is not None:
                key = outcome.raw["article_id"].encode()
                pending.append(await prod.send(raw_topic, encode(outcome.raw), key=key))
                summary.ingested += 1
                summary.article_ids.append(outcome.raw["article_id"])
            else:
                assert outcome.letter is not None
                given = outcome.letter["article_id"]
                letter_key = given.encode() if given else None
                pending.append(await prod.send(dlq_topic, encode(outcome.letter), key=letter_key))
                summary.dead += 1
            bar.set_postfix(articles=summary.ingested, dead_letters=summary.dead, refresh=False)
            bar.update(1)
            if len(pending) >= 500:
                await _delivered(pending)
        await _delivered(pending)
        bar.close()
    return summary


async def _delivered(pending: list[Any]) -> None:
    await asyncio.gather(*pending)
    pending.clear()
