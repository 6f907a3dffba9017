"""``newsstream replay``: re-run a time range of history through the stages while the live
pipeline keeps running (design and measurements: docs/replay.md).

A replay is a process of its own. It reads ``[since, until)`` of a stage's input topic with a
group-less consumer (assign + seek: no live group's offsets move), runs each batch through
the same stage code the agents run (:func:`streams.stages.base.execute`, then the stage's
``post`` hook with a private copy of its table read once from the live changelog) and writes
the results to the live sink or to a shadow topic (``--to``). The live workers are not
involved: the cost to them is the CPU the replay takes, bounded by ``--rate`` and ``nice``.

Exactly once across interruptions: every batch's outputs, its dead letters and the replay's
checkpoint (its position per partition and its counts, in the compacted ``articles.replays``
topic, keyed by replay id) are written in one Kafka transaction. A replay resumed by id
fences its earlier incarnation (same ``transactional.id``), whose open transaction is then
aborted, and continues from the last committed checkpoint: read_committed consumers see each
replayed article once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from tqdm import tqdm

from streams import flow
from streams.kafka.clients import client_options, consumer, producer
from streams.kafka.topic_reader import partitions
from streams.messages import topics
from streams.messages.codec import decode, encode, now_iso
from streams.messages.dead_letters import Failure, dead_letter
from streams.messages.types import InputRef
from streams.nlp.source_memory import normalise_domain
from streams.settings import Settings
from streams.stages.base import Result, Stage, execute

COUNTS = ("read", "filtered", "written", "unchanged", "dead_letters")
EXIT_INTERRUPTED = 130


@dataclass
class Plan:
    """What a replay covers: the input topic's offsets ``[starts, ends)`` per partition."""

    topic: str
    starts: dict[int, int]
    ends: dict[int, int]

    @property
    def total(self) -> int:
        return sum(max(0, self.ends[p] - self.starts[p]) for p in self.ends)


@dataclass
class Checkpoint:
    """A replay's state, as stored (JSON) in ``articles.replays`` under its id."""

    id: str
    since: str | None
    until: str | None
    from_stage: str
    sources: list[str]
    to: str | None  # full topic name of the shadow sink; None: the live sink
    version: str
    rate: float | None
    input: str
    starts: dict[int, int]
    ends: dict[int, int]
    positions: dict[int, int]
    state: str = "running"  # running, interrupted, done
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)

    def to_json(self) -> bytes:
        value = dict(self.__dict__)
        for name in ("starts", "ends", "positions"):
            value[name] = {str(p): o for p, o in value[name].items()}
        return orjson.dumps(value)

    @classmethod
    def from_json(cls, payload: bytes) -> Checkpoint:
        value = orjson.loads(payload)
        for name in ("starts", "ends", "positions"):
            value[name] = {int(p): o for p, o in value[name].items()}
        return cls(**value)

    @property
    def remaining(self) -> int:
        return sum(max(0, self.ends[p] - self.positions.get(p, self.ends[p])) for p in self.ends)

    @property
    def total(self) -> int:
        return sum(max(0, self.ends[p] - self.starts[p]) for p in self.ends)


def parse_time(text: str | None) -> dt.datetime | None:
    """ISO 8601 (``Z`` or an offset; naive means UTC), or None."""
    if not text:
        return None
    stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def to_millis(stamp: dt.datetime | None) -> int | None:
    return None if stamp is None else int(stamp.timestamp() * 1000)


def new_id() -> str:
    return f"replay-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:4]}"


def transactional_id(settings: Settings, replay_id: str) -> str:
    return f"{settings.topic_prefix}newsstream-replay-{replay_id}"


def range_offsets(found: Mapping[int, int | None], ends: Mapping[int, int]) -> dict[int, int]:
    """Per partition, the first offset at or after a time (``offsets_for_times``), or the
    partition's end when no record is that recent."""
    out = {}
    for p, end in ends.items():
        at = found.get(p)
        out[p] = end if at is None else min(at, end)
    return out


def source_of(value: Any) -> str:
    """The normalised source domain of a decoded record ('' when it has none)."""
    if not isinstance(value, dict):
        return ""
    source = value.get("source")
    domain = source.get("domain") if isinstance(source, dict) else None
    return normalise_domain(domain) if isinstance(domain, str) and domain else ""


def wanted(value: Any, sources: Sequence[str]) -> bool:
    """Whether a record passes the ``--source`` filter (none given: every record does);
    ``example.com`` also matches its subdomains."""
    if not sources:
        return True
    domain = source_of(value)
    return any(domain == s or domain.endswith("." + s) for s in map(normalise_domain, sources))


async def plan(
    settings: Settings, from_stage: str, since: dt.datetime | None, until: dt.datetime | None
) -> Plan:
    """The offsets of ``[since, until)`` on ``from_stage``'s input topic (until: now)."""
    topic = topics.name(settings, flow.stage(from_stage).input)
    async with consumer(settings, enable_auto_commit=False) as cons:
        parts = [TopicPartition(topic, p) for p in await partitions(cons, topic)]
        ends = {tp.partition: o for tp, o in (await cons.end_offsets(parts)).items()}
        begins = {tp.partition: o for tp, o in (await cons.beginning_offsets(parts)).items()}

        async def at(stamp: int | None, default: dict[int, int]) -> dict[int, int]:
            if stamp is None:
                return dict(default)
            found = await cons.offsets_for_times({tp: stamp for tp in parts})
            return range_offsets(
                {tp.partition: (f.offset if f else None) for tp, f in found.items()}, ends
            )

        starts = await at(to_millis(since), begins)
        stops = await at(to_millis(until), ends)
    return Plan(topic, starts, {p: max(starts[p], stops[p]) for p in stops})


async def scan(settings: Settings, checkpoint: Checkpoint) -> tuple[Counter, Counter]:
    """For --dry-run: records per partition and per source that the replay would process."""
    per_partition: Counter = Counter()
    per_source: Counter = Counter()
    cp = checkpoint
    async for messages, values in read_range(settings, cp.input, cp.positions, cp.ends, 500):
        for msg, val in zip(messages, values, strict=True):
            if wanted(val, checkpoint.sources):
                per_partition[msg.partition] += 1
                per_source[source_of(val) or "(none)"] += 1
    return per_partition, per_source


async def read_range(
    settings: Settings,
    topic: str,
    positions: Mapping[int, int],
    ends: Mapping[int, int],
    batch: int,
) -> Any:
    """Yield ``(messages, decoded values)`` batches of at most ``batch`` records from
    ``positions`` up to ``ends`` (exclusive) per partition, group-less."""
    todo = {p for p in ends if positions.get(p, ends[p]) < ends[p]}
    if not todo:
        return
    async with consumer(
        settings, enable_auto_commit=False, isolation_level="read_committed"
    ) as cons:
        await partitions(cons, topic)
        tps = {p: TopicPartition(topic, p) for p in todo}
        cons.assign(list(tps.values()))
        for p, tp in tps.items():
            cons.seek(tp, positions[p])
        while todo:
            wanted_tps = [tps[p] for p in todo]
            fetched = await cons.getmany(*wanted_tps, timeout_ms=500, max_records=batch)
            messages = [
                m for tp, ms in sorted(fetched.items()) for m in ms if m.offset < ends[tp.partition]
            ]
            for p in list(todo):
                if await cons.position(tps[p]) >= ends[p]:
                    todo.discard(p)
                    cons.pause(tps[p])
            if messages:
                values = []
                for m in messages:
                    try:
                        values.append(decode(m.value))
                    except ValueError:
                        values.append(None)
                yield messages, values


async def read_latest(
    settings: Settings, topic: str, *, wait_s: float = 120.0
) -> dict[bytes, tuple[Any, bytes | None]]:
    """Key -> (message, value) of the latest committed record per key of ``topic``, read to
    the high watermark taken now: open transactions are waited for (up to ``wait_s``), so a
    checkpoint committed after one of them is not missed."""
    latest: dict[bytes, tuple[Any, bytes | None]] = {}
    async with consumer(settings, enable_auto_commit=False) as probe:
        parts = [TopicPartition(topic, p) for p in await partitions(probe, topic)]
        highs = await probe.end_offsets(parts)  # read_uncommitted: the high watermark
    async with consumer(
        settings, enable_auto_commit=False, isolation_level="read_committed"
    ) as cons:
        cons.assign(parts)
        await cons.seek_to_beginning(*parts)
        deadline = time.monotonic() + wait_s
        while True:
            done = [await cons.position(tp) >= highs[tp] for tp in parts]
            if all(done):
                return latest
            if time.monotonic() > deadline:
                raise RuntimeError(f"{topic}: an open transaction did not finish in {wait_s}s")
            fetched = await cons.getmany(timeout_ms=500)
            for messages in fetched.values():
                for m in messages:
                    if m.key is not None:
                        latest[m.key] = (m, m.value)


async def latest_records(
    settings: Settings, topic: str, since: dt.datetime | None = None
) -> dict[str, dict[str, Any]]:
    """article_id -> latest sink record of ``topic`` (ingested at or after ``since``)."""
    out = {}
    for key, (_message, value) in (await read_latest(settings, topic)).items():
        if value is None:
            continue
        try:
            record = decode(value)
        except ValueError:
            continue
        if not isinstance(record, dict) or "article_id" not in record:
            continue
        if since is not None and not _at_or_after(record.get("ingested_at"), since):
            continue
        out[key.decode("utf-8", "replace")] = record
    return out


def _at_or_after(stamp: Any, since: dt.datetime) -> bool:
    """True when ``stamp`` is at or after ``since``, or is no readable time."""
    try:
        when = parse_time(str(stamp))
    except ValueError:
        return True
    return when is None or when >= since


async def load_checkpoints(settings: Settings) -> dict[str, Checkpoint]:
    topic = topics.name(settings, topics.REPLAYS)
    out = {}
    for key, (_message, value) in (await read_latest(settings, topic)).items():
        if value is not None:
            out[key.decode()] = Checkpoint.from_json(value)
    return out


async def read_table(settings: Settings, stage: Stage) -> dict[str, Any]:
    """A private copy of ``stage``'s live table, read from its changelog once (the replay
    never writes to the live changelog)."""
    assert stage.table is not None
    topic = topics.changelog(settings, stage.name, stage.table)
    table: dict[str, Any] = {}
    try:
        found = await read_latest(settings, topic)
    except RuntimeError:  # the stage never ran here: its table is empty
        print(f"note: {topic} does not exist; {stage.name} starts empty", file=sys.stderr)
        return table
    for key, (_message, value) in found.items():
        try:
            name = orjson.loads(key)
        except orjson.JSONDecodeError:
            continue
        if value is None:
            table.pop(name, None)
        else:
            table[name] = orjson.loads(value)
    return table


async def ensure_replay_topics(settings: Settings, to: str | None) -> None:
    """The checkpoint topic, and for a shadow replay its sink and dead-letter topics."""
    common = {
        "min.insync.replicas": str(min(2, settings.replication)),
        "max.message.bytes": str(topics.MAX_MESSAGE_BYTES),
    }
    wanted_topics = {
        topics.name(settings, topics.REPLAYS): (1, common | {"cleanup.policy": "compact"}),
    }
    if to is not None:
        wanted_topics[to] = (settings.partitions, common | {"cleanup.policy": "compact"})
        wanted_topics[f"{to}.dlq"] = (settings.partitions, common | {"retention.ms": "-1"})
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=30000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(name, n, settings.replication, topic_configs=config)
            for name, (n, config) in wanted_topics.items()
            if name not in existing
        ]
        if new:
            try:
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


def run_stages(
    stages: Sequence[Stage],
    payloads: list[bytes],
    keys: list[str | None],
    tables: MutableMapping[str, dict[str, Any]],
    settings: Settings,
) -> list[tuple[Result, str, bytes]]:
    """Each payload through ``stages`` in order, as the agents would: per payload its final
    result, the stage it ended in and that stage's input payload (for a dead letter)."""
    limit = settings.max_article_bytes
    out: list[tuple[Result, str, bytes]] = []
    live, inputs = [], {}
    for i, (payload, key) in enumerate(zip(payloads, keys, strict=True)):
        if len(payload) > limit:
            failure = Failure("oversize", f"payload of {len(payload)} bytes exceeds {limit}", key)
            out.append((failure, stages[0].name, payload))
        else:
            out.append((Failure("exception", "not run", key), stages[0].name, payload))
            live.append(i)
            inputs[i] = payload
    for stage in stages:
        if not live:
            break
        done = execute(stage, [inputs[i] for i in live], settings)
        if stage.post is not None:
            done = stage.post(done, tables.setdefault(stage.name, {}), settings)
        still = []
        for i, result in zip(live, done, strict=True):
            if isinstance(result, Failure) and not result.article_id:
                result = Failure(result.error_class, result.message, keys[i])
            out[i] = (result, stage.name, inputs[i])
            if not isinstance(result, Failure):
                inputs[i] = encode(result)
                still.append(i)
        live = still
    return out


@dataclass
class Outcome:
    checkpoint: Checkpoint
    interrupted: bool = False
    seconds: float = 0.0


class Replay:
    """One replay run (new or resumed) of ``checkpoint``."""

    def __init__(self, settings: Settings, checkpoint: Checkpoint, *, progress: bool = True):
        self.settings = settings
        self.cp = checkpoint
        self.progress = progress
        names = [stage.name for stage in flow.TO_SINK]  # the stages that make the sink
        self.stages = flow.TO_SINK[names.index(checkpoint.from_stage) :]
        self.sink = checkpoint.to or topics.name(settings, topics.SINK)
        self.dlq = f"{checkpoint.to}.dlq" if checkpoint.to else topics.name(settings, topics.DLQ)
        self.replays = topics.name(settings, topics.REPLAYS)
        self.stop = asyncio.Event()
        self.old_hashes: dict[str, str] = {}

    async def run(self) -> Outcome:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        started = time.monotonic()
        tables: dict[str, dict[str, Any]] = {}
        for stage in self.stages:
            if stage.table is not None:
                tables[stage.name] = await read_table(self.settings, stage)
            if stage.warm is not None:
                stage.warm(self.settings)
        self.old_hashes = await self._live_hashes()
        prod = producer(
            self.settings,
            transactional_id=transactional_id(self.settings, self.cp.id),
            transaction_timeout_ms=120_000,
        )
        await prod.start()  # fences an earlier run of this id and aborts its open transaction
        try:
            if self.cp.state != "done":
                self.cp.state = "running"
                await self._commit(prod, [])
                await self._loop(prod, tables)
        finally:
            await prod.stop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
        return Outcome(self.cp, self.cp.state == "interrupted", time.monotonic() - started)

    async def _live_hashes(self) -> dict[str, str]:
        """article_id -> content_hash of the live sink now: what 'unchanged' is measured
        against (for a shadow replay too: it is what the shadow would replace)."""
        live = topics.name(self.settings, topics.SINK)
        found = await latest_records(self.settings, live)
        return {key: r["content_hash"] for key, r in found.items() if r.get("content_hash")}

    async def _loop(self, prod: Any, tables: dict[str, dict[str, Any]]) -> None:
        cp = self.cp
        bar = tqdm(
            total=cp.total,
            initial=cp.total - cp.remaining,
            desc=f"replay {cp.id}",
            unit=" records",
            disable=not self.progress,
            file=sys.stderr,
        )
        rate_start, rate_read = time.monotonic(), 0
        settings = self.settings.replace(pipeline_version=cp.version)
        batches = read_range(settings, cp.input, cp.positions, cp.ends, settings.batch_size)
        try:
            async for messages, values in batches:
                if self.stop.is_set():
                    break
                chosen = [i for i, v in enumerate(values) if wanted(v, cp.sources)]
                keys = [_key(messages[i]) for i in chosen]
                payloads = [messages[i].value or b"" for i in chosen]
                results = await asyncio.to_thread(
                    run_stages, self.stages, payloads, keys, tables, settings
                )
                sends = []
                for i, (result, stage_name, payload) in zip(chosen, results, strict=True):
                    sends.append(self._output(messages[i], result, stage_name, payload))
                for m in messages:
                    cp.positions[m.partition] = max(cp.positions.get(m.partition, 0), m.offset + 1)
                cp.counts["read"] += len(messages)
                cp.counts["filtered"] += len(messages) - len(chosen)
                await self._commit(prod, sends)
                bar.update(len(messages))
                bar.set_postfix(
                    written=cp.counts["written"],
                    unchanged=cp.counts["unchanged"],
                    dead=cp.counts["dead_letters"],
                    refresh=False,
                )
                rate_read += len(chosen)
                await self._throttle(rate_start, rate_read)
        finally:
            await batches.aclose()  # closes its consumer now, not when collected
            bar.close()
        if self.stop.is_set() and cp.remaining:
            cp.state = "interrupted"
        else:
            cp.positions = dict(cp.ends)
            cp.state = "done"
        await self._commit(prod, [])

    def _output(
        self, message: Any, result: Result, stage_name: str, payload: bytes
    ) -> tuple[str, bytes | None, bytes]:
        cp = self.cp
        if isinstance(result, dict):
            article_id = result["article_id"]
            if self.old_hashes.get(article_id) == result.get("content_hash"):
                cp.counts["unchanged"] += 1
            cp.counts["written"] += 1
            return self.sink, article_id.encode(), encode(result)
        assert isinstance(result, Failure)
        first = stage_name == self.stages[0].name
        letter = dead_letter(
            stage_name,
            result,
            None if result.error_class == "oversize" else payload,
            input_ref=_ref(message) if first else None,
            payload_bytes=len(payload),
        )
        cp.counts["dead_letters"] += 1
        key = result.article_id.encode() if result.article_id else None
        return self.dlq, key, encode(letter)

    async def _commit(self, prod: Any, sends: Iterable[tuple[str, bytes | None, bytes]]) -> None:
        """One transaction: the batch's records and the checkpoint that says they are done."""
        self.cp.updated_at = now_iso()
        async with prod.transaction():
            for topic, key, value in sends:
                await prod.send(topic, value, key=key)
            await prod.send(self.replays, self.cp.to_json(), key=self.cp.id.encode())

    async def _throttle(self, started: float, done: int) -> None:
        rate = self.cp.rate
        if rate:
            ahead = started + done / rate - time.monotonic()
            if ahead > 0:
                try:
                    await asyncio.wait_for(self.stop.wait(), ahead)
                except TimeoutError:
                    pass


def _ref(message: Any) -> InputRef:
    return {"topic": message.topic, "partition": message.partition, "offset": message.offset}


def _key(message: Any) -> str | None:
    key = message.key
    if isinstance(key, bytes):
        return key.decode("utf-8", "replace") or None
    return key or None


def lower_priority(niceness: int) -> None:
    """Give the live workers the CPU first (0: leave as is)."""
    if niceness > 0:
        try:
            os.nice(niceness)
        except OSError:
            pass
