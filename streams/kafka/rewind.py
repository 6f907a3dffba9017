"""Backfills: point a stage's consumer group back at an earlier position of its input topic,
so the running pipeline processes those articles again (e.g. after a pipeline version bump).

``articles.raw`` keeps everything, so replaying the clean stage from a time re-derives every
later topic. Sink records are keyed by ``article_id``: the new record replaces the old one.
"""

from __future__ import annotations

import datetime as dt

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from streams import flow
from streams.kafka.clients import consumer
from streams.kafka.topic_reader import partitions
from streams.messages import topics
from streams.settings import Settings


async def rewind(settings: Settings, stage: str, since: dt.datetime | None) -> dict[int, int]:
    """Commit offsets at ``since`` (or the beginning) for ``stage``'s group; returns them.

    The group must have no running members, or Kafka refuses the commit.
    """
    topic = topics.name(settings, flow.stage(stage).input)
    group = topics.app_id(settings, stage)
    async with consumer(settings, group_id=group, enable_auto_commit=False) as cons:
        parts = [TopicPartition(topic, p) for p in await partitions(cons, topic)]
        cons.assign(parts)
        ends = await cons.end_offsets(parts)
        if since is None:
            offsets = await cons.beginning_offsets(parts)
        else:
            stamp = int(since.timestamp() * 1000)
            found = await cons.offsets_for_times({tp: stamp for tp in parts})
            offsets = {tp: (found[tp].offset if found[tp] else ends[tp]) for tp in parts}
        try:
            await cons.commit(dict(offsets))
        except KafkaError as exc:
            raise RuntimeError(
                f"could not rewind group {group}: {exc}. Stop the {stage} workers first "
                "(a killed worker stays in the group until its session times out)."
            ) from exc
    return {tp.partition: offset for tp, offset in offsets.items()}
