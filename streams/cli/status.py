"""``newsstream status [--watch]``: the pipeline at a glance, from the broker itself.

Broker up or down; every topic with its end offsets; each stage's consumer group with its
members and lag; dead letters by stage and error class; the sink's size. ``--watch`` redraws
it every few seconds (dead letters are read incrementally between refreshes).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from streams import flow
from streams.messages import topics
from streams.settings import Settings


@dataclass
class Member:
    client_id: str
    host: str
    partitions: list[int]


@dataclass
class StageStatus:
    name: str
    group: str
    topic: str
    state: str
    members: list[Member]
    lag: dict[int, int]  # input partition -> end offset minus committed offset

    @property
    def total_lag(self) -> int:
        return sum(self.lag.values())


@dataclass
class Status:
    broker: str
    up: bool
    error: str = ""
    topics: dict[str, dict[int, int]] = field(default_factory=dict)  # name -> partition -> end
    stages: list[StageStatus] = field(default_factory=list)
    dead_letters: Counter[tuple[str, str]] = field(default_factory=Counter)
    sink_records: int = 0
    taken_at: float = 0.0


class StatusReader:
    """Reads the status; kept between refreshes so the DLQ is read only from where it was."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dlq_positions: dict[int, int] = {}
        self.dead_letters: Counter[tuple[str, str]] = Counter()

    async def read(self) -> Status:
        from aiokafka.admin import AIOKafkaAdminClient

        from streams.kafka.clients import client_options

        status = Status(broker=self.settings.bootstrap, up=False, taken_at=time.time())
        admin = AIOKafkaAdminClient(**client_options(self.settings), request_timeout_ms=5000)
        try:
            await asyncio.wait_for(admin.start(), 10)
            await admin.describe_cluster()
            status.up = True
            existing = set(await admin.list_topics())
            for base in topics.ALL:
                name = topics.name(self.settings, base)
                if name in existing:
                    status.topics[name] = await _ends(self.settings, name)
            for stage in flow.STAGES:
                status.stages.append(await self._stage(admin, stage, status.topics))
            sink = status.topics.get(topics.name(self.settings, topics.SINK), {})
            status.sink_records = sum(sink.values())
            dlq = topics.name(self.settings, topics.DLQ)
            if dlq in status.topics:
                await self._read_dead_letters(dlq, status.topics[dlq])
            status.dead_letters = Counter(self.dead_letters)
        except Exception as exc:  # noqa: BLE001 - shown as "down" with the reason
            kind = type(exc).__name__
            status.error = str(exc) if str(exc).startswith(kind) else f"{kind}: {exc}"
        finally:
            await admin.close()
        return status

    async def _stage(self, admin: Any, stage: Any, ends: dict[str, dict[int, int]]) -> StageStatus:
        group = topics.app_id(self.settings, stage.name)
        topic = topics.name(self.settings, stage.input)
        state, members = "unknown", []
        try:
            [described] = await admin.describe_consumer_groups([group])
            [(_err, _gid, state, _ptype, _protocol, raw_members, *_)] = described.groups
            members = [_member(m, topic) for m in raw_members]
        except Exception:  # noqa: BLE001, S110 - the group may not exist yet
            pass
        committed = await admin.list_consumer_group_offsets(group)
        done = {
            tp.partition: meta.offset
            for tp, meta in committed.items()
            if tp.topic == topic and meta.offset >= 0
        }
        lag = {p: max(0, end - done.get(p, 0)) for p, end in ends.get(topic, {}).items()}
        return StageStatus(stage.name, group, topic, state, members, lag)

    async def _read_dead_letters(self, topic: str, ends: dict[int, int]) -> None:
        from streams.kafka.topic_reader import records

        if all(self.dlq_positions.get(p, 0) >= end for p, end in ends.items()):
            return
        async for message, value in records(self.settings, topic, start=self.dlq_positions):
            self.dlq_positions[message.partition] = message.offset + 1
            error = value.get("error") or {}
            self.dead_letters[(str(value.get("stage")), str(error.get("class")))] += 1


async def _ends(settings: Settings, topic: str) -> dict[int, int]:
    from streams.kafka.topic_reader import end_offsets

    return await end_offsets(settings, topic)


def _member(raw: Any, topic: str) -> Member:
    """A group member from DescribeGroups: ``(member_id, [instance_id,] client_id, host,
    metadata, assignment)``, with its partitions of ``topic`` (the stage's input; Faust also
    assigns changelog and other topics) decoded from the consumer protocol."""

    client_id, host, assignment = raw[-4], raw[-3], raw[-1]
    partitions: list[int] = []
    try:
        from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

        decoded = ConsumerProtocolMemberAssignment.decode(assignment)
        for name, parts in decoded.assignment:
            if name == topic:
                partitions.extend(parts)
    except Exception:  # noqa: BLE001, S110 - an assignment we cannot read: no partitions shown
        pass
    return Member(str(client_id), str(host).lstrip("/"), sorted(partitions))


def render(status: Status) -> Group:
    """The status as rich tables."""
    when = time.strftime("%H:%M:%S", time.localtime(status.taken_at))
    head = Text.assemble(
        ("broker ", "bold"),
        status.broker,
        " ",
        ("up", "bold green") if status.up else ("down", "bold red"),
        f"  {status.error}" if status.error else "",
        f"   ({when})",
    )
    parts: list[Any] = [head]
    if not status.up:
        return Group(*parts)

    stages = Table(title="stages", title_justify="left")
    for column in ("stage", "group", "state", "members", "input topic", "lag by partition"):
        stages.add_column(column)
    stages.add_column("lag", justify="right")
    for st in status.stages:
        members = "\n".join(f"{m.client_id}@{m.host} {m.partitions}" for m in st.members) or "none"
        by_partition = " ".join(f"{p}:{n}" for p, n in sorted(st.lag.items()))
        lag = Text(str(st.total_lag), style="green" if st.total_lag == 0 else "yellow")
        stages.add_row(st.name, st.group, st.state, members, st.topic, by_partition, lag)
    parts.append(stages)

    table = Table(title="topics", title_justify="left")
    table.add_column("topic")
    table.add_column("end offsets by partition")
    table.add_column("records", justify="right")
    for name, ends in status.topics.items():
        by_partition = " ".join(f"{p}:{n}" for p, n in sorted(ends.items()))
        table.add_row(name, by_partition, str(sum(ends.values())))
    parts.append(table)

    dead = Table(title="dead letters", title_justify="left")
    dead.add_column("stage")
    dead.add_column("error class")
    dead.add_column("count", justify="right")
    for (stage, error_class), count in sorted(status.dead_letters.items()):
        dead.add_row(stage, error_class, str(count))
    if not status.dead_letters:
        dead.add_row("-", "-", "0")
    parts.append(dead)
    parts.append(Text.assemble(("sink ", "bold"), f"{status.sink_records} records written"))
    return Group(*parts)


def status_command(settings: Settings, watch: bool, interval: float = 2.0) -> int:
    """Print the status once (exit 1 if the broker is down), or redraw it until Ctrl-C."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # a down broker is shown, not logged
    reader = StatusReader(settings)
    console = Console()
    if not watch:
        status = asyncio.run(reader.read())
        console.print(render(status))
        return 0 if status.up else 1

    async def loop() -> None:
        if not console.is_terminal:  # a pipe or a file: one snapshot after the other
            while True:
                console.print(render(await reader.read()))
                await asyncio.sleep(interval)
        with Live(render(await reader.read()), console=console, auto_refresh=False) as live:
            while True:
                await asyncio.sleep(interval)
                live.update(render(await reader.read()), refresh=True)

    asyncio.run(loop())
    return 0
