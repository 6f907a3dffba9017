"""``newsstream rewind``: point a *stopped* stage's consumer group back at an earlier
position of its input topic, so that its workers process those records again when started.

Backfills are ``newsstream replay`` (streams/kafka/replay.py): it never touches a live group.
Rewind remains for operations on a group whose workers are down anyway, e.g. re-deriving an
intermediate topic that was lost or truncated, or a stage whose output must be rebuilt in
place in flow order (docs/replay.md). It refuses while the group has members.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import GroupCoordinatorNotAvailableError, KafkaError

from streams import flow
from streams.kafka.clients import client_options, consumer
from streams.kafka.topic_reader import partitions
from streams.messages import topics
from streams.settings import Settings


async def rewind(settings: Settings, stage: str, since: dt.datetime | None) -> dict[int, int]:
    """Commit offsets at ``since`` (or the beginning) for ``stage``'s group; returns them.

    The group must have no running members, or Kafka refuses the commit.
    """
    topic = topics.name(settings, flow.stage(stage).input)
    group = topics.app_id(settings, stage)
    members = await group_members(settings, group)
    if members:
        raise RuntimeError(
            f"group {group} has {members} active member(s): stop the {stage} workers first "
            "(a killed worker stays until its session times out), or use `newsstream replay`, "
            "which runs beside the live workers"
        )
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


async def group_members(settings: Settings, group: str) -> int:
    """How many members ``group`` has now (0 for an empty or unknown group)."""
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=30000)
    await admin.start()
    try:
        for _ in range(20):
            try:
                [described] = await admin.describe_consumer_groups([group])
            except GroupCoordinatorNotAvailableError:  # no group has ever existed here yet
                await asyncio.sleep(0.5)
                continue
            [(_err, _gid, _state, _ptype, _protocol, members, *_)] = described.groups
            return len(members)
        raise RuntimeError(f"no group coordinator answers for {group}")
    finally:
        await admin.close()
