"""The accounting invariant, read from the topics themselves.

Every ingested article must end in the sink (``articles.geo``) or in the dead-letter topic.
Under at-least-once a crash may re-process a batch, so the sink can hold more than one record
per ``(article_id, pipeline.version)`` before compaction: those are *duplicates*, counted and
shown but allowed. An ingested id in neither topic is *lost*, which is never allowed.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient

from streams import flow
from streams.kafka.clients import client_options
from streams.kafka.topic_reader import end_offsets, records
from streams.messages import topics
from streams.settings import Settings


@dataclass
class Accounting:
    ingested: int
    sink_records: int
    sink_ids: int
    dlq_records: int
    dlq_ids: int
    duplicates: int  # sink records beyond one per (article_id, pipeline.version)
    lost: int  # ingested ids in neither the sink nor the DLQ
    strays: int  # ids in the sink or DLQ that were never ingested
    lost_ids: list[str] = field(default_factory=list)
    dlq_reasons: dict[str, int] = field(default_factory=dict)

    def line(self, label: str = "") -> str:
        return (
            f"[{label}] ingested={self.ingested} in_sink={self.sink_ids} "
            f"(records={self.sink_records}) in_dlq={self.dlq_ids} (records={self.dlq_records}) "
            f"duplicates={self.duplicates} lost={self.lost} strays={self.strays}"
            + (f" dlq_reasons={self.dlq_reasons}" if self.dlq_reasons else "")
            + (f" lost_ids[:10]={self.lost_ids[:10]}" if self.lost_ids else "")
        )


async def read_all(settings: Settings, base: str) -> list[dict]:
    """Every record of ``base`` from the beginning to the current end, in partition order."""
    return [value async for _, value in records(settings, topics.name(settings, base))]


async def account(settings: Settings, ingested: Iterable[str]) -> Accounting:
    """Read the sink and the DLQ fully and count every ingested id."""
    want = set(ingested)
    sink = await read_all(settings, topics.SINK)
    letters = await read_all(settings, topics.DLQ)
    per_version = Counter(
        (r.get("article_id"), (r.get("pipeline") or {}).get("version")) for r in sink
    )
    sink_ids = {r.get("article_id") for r in sink}
    dlq_ids = {r.get("article_id") for r in letters if r.get("article_id")}
    lost = sorted(want - sink_ids - dlq_ids)
    reasons = Counter(f"{r.get('stage')}:{(r.get('error') or {}).get('class')}" for r in letters)
    return Accounting(
        ingested=len(want),
        sink_records=len(sink),
        sink_ids=len(sink_ids & want),
        dlq_records=len(letters),
        dlq_ids=len(dlq_ids & want),
        duplicates=sum(n - 1 for n in per_version.values()),
        lost=len(lost),
        strays=len((sink_ids | dlq_ids) - want),
        lost_ids=lost,
        dlq_reasons=dict(reasons),
    )


async def sink_count(settings: Settings) -> int:
    """Records written to the sink so far (sum of end offsets; cheap, no reading)."""
    return sum((await end_offsets(settings, topics.name(settings, topics.SINK))).values())


async def topic_count(settings: Settings, base: str) -> int:
    return sum((await end_offsets(settings, topics.name(settings, base))).values())


async def lag(settings: Settings) -> dict[str, int]:
    """Per stage: input records not yet committed by its consumer group."""
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=10000)
    await admin.start()
    try:
        out = {}
        for stage in flow.STAGES:
            name = topics.name(settings, stage.input)
            ends = await end_offsets(settings, name)
            committed = await admin.list_consumer_group_offsets(topics.app_id(settings, stage.name))
            done = {
                tp.partition: meta.offset
                for tp, meta in committed.items()
                if tp.topic == name and meta.offset >= 0
            }
            out[stage.name] = sum(end - done.get(p, 0) for p, end in ends.items())
        return out
    finally:
        await admin.close()


async def settle(
    settings: Settings,
    ingested: Iterable[str],
    idle: float,
    *,
    cap: float = 1800.0,
    on_tick: Callable[[str], None] = print,
) -> Accounting:
    """Wait until every ingested id is in the sink or the DLQ and every stage has committed
    its whole input (so no re-processing is still to come), then return the final figures.

    Gives up after ``idle`` seconds in which no stage's lag moved, or ``cap`` seconds in all,
    and returns the last figures; the caller asserts on them. A slow, loaded machine only
    takes longer, while a lost article stops all progress and fails after ``idle``."""
    want = list(ingested)
    started = last_move = last_report = time.monotonic()
    last_lags: dict[str, int] | str | None = None
    while (now := time.monotonic()) - last_move < idle and now - started < cap:
        lags: dict[str, int] | str
        try:
            lags = await lag(settings)
        except Exception as exc:  # noqa: BLE001 - a broker may be down mid-test
            lags = repr(exc)
        if lags != last_lags:
            last_lags, last_move = lags, now
        if isinstance(lags, dict) and not any(lags.values()):
            figures = await account(settings, want)
            if figures.lost == 0:
                return figures
        if now - last_report > 15:
            last_report = now
            on_tick(f"  waiting: sink={await sink_count(settings)} lag={lags}")
        await asyncio.sleep(2)
    on_tick(f"  gave up after {time.monotonic() - started:.0f}s (lag={last_lags})")
    return await account(settings, want)


__all__ = ["Accounting", "account", "lag", "settle", "sink_count", "topic_count"]
