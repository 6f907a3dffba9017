"""Fault tests against real brokers: the accounting invariant (every ingested article ends
in the sink or the DLQ; duplicates counted, none lost) under kill -9 of each stage's worker,
the loss of one broker of three, a consumer-group rebalance of the extract stage, and a sink
that refuses writes for a while. docs/reliability.md has the guarantee and the figures.

Each test prints its figures (ingested, in sink, in DLQ, duplicates, lost) in the terminal
summary. Run them alone with ``bin/test -m faults`` (add ``-s`` to follow them live)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from streams import flow
from streams.kafka.agent import EXIT_UNDELIVERED
from streams.kafka.clients import client_options
from streams.kafka.ingest import ingest
from streams.messages import topics
from streams.settings import Settings
from tests.faults.accounting import Accounting, lag, settle, topic_count
from tests.faults.articles import generate, write_jsonl
from tests.faults.harness import Cluster, running_pipeline
from tests.integration.kafkautil import send_raw

pytestmark = pytest.mark.faults

ARTICLES = 3000
BAD_EVERY = 100  # one raw record in a hundred fails the clean stage's schema check -> DLQ
SETTLE_IDLE_S = 180.0  # settle gives up after this long without progress
UNTIL_CAP_S = 900.0

STAGE_OUT = {stage.name: stage.output for stage in flow.STAGES}


def say(message: str) -> None:
    print(message, flush=True)


async def ingest_articles(settings: Settings, path: Path, start: int, count: int) -> list[str]:
    """Ingest ``count`` generated articles through ``streams.ingest``, and straight to the raw
    topic one bad record per BAD_EVERY (keyed by its id, so its dead letter names it); half
    of the bad records go before the articles and half after. Returns every id sent."""
    items = generate(count, start=start)
    bad = [
        (f"fault-bad-{i:05d}".encode(), b'{"schema": "newsstream.article.raw/v1"}')
        for i in range(start, start + count, BAD_EVERY)
    ]
    await send_raw(settings, topics.RAW, bad[::2])
    summary = await ingest(settings, [str(write_jsonl(path, items))], progress=False)
    await send_raw(settings, topics.RAW, bad[1::2])
    assert summary.dead == 0 and summary.ingested == count
    return summary.article_ids + [key.decode() for key, _ in bad]


async def until(
    probe: Callable[[], object], done: Callable[[int], bool], idle: float, what: str
) -> int:
    """Poll ``probe`` until ``done``; fail after ``idle`` seconds in which its value did not
    change (a loaded machine is slow, not stuck), or after UNTIL_CAP_S in all."""
    started = last_move = time.monotonic()
    value = await probe()  # type: ignore[misc]
    while not done(value):
        now = time.monotonic()
        if now - last_move > idle or now - started > UNTIL_CAP_S:
            raise AssertionError(
                f"gave up after {now - started:.0f}s waiting for {what} (at {value}, "
                f"unchanged for {now - last_move:.0f}s)"
            )
        await asyncio.sleep(0.3)
        previous, value = value, await probe()  # type: ignore[misc]
        if value != previous:
            last_move = time.monotonic()
    return value  # type: ignore[return-value]


def counter(settings: Settings, base: str) -> Callable[[], object]:
    return lambda: topic_count(settings, base)


async def stage_lag(settings: Settings, stage: str) -> int:
    return (await lag(settings))[stage]


def check(figures: Accounting, ids: list[str], label: str, started: float, log: list[str]) -> None:
    line = figures.line(label) + f" runtime={time.monotonic() - started:.0f}s"
    log.append(line)
    say("\nACCOUNTING " + line)
    assert figures.lost == 0, f"articles lost: {line}"
    assert figures.strays == 0, f"records for ids never ingested: {line}"
    bad = sum(i.startswith("fault-bad-") for i in ids)
    assert (figures.sink_ids, figures.dlq_ids) == (len(ids) - bad, bad), f"misrouted: {line}"


async def test_kill9_each_stage_mid_stream(
    kafka: Settings, tmp_path: Path, figures: list[str]
) -> None:
    """SIGKILL the worker of each stage while thousands of articles are in flight, then start
    it again: nothing is lost, and the killed worker's NLP pool process exits too."""
    started = time.monotonic()
    async with running_pipeline(kafka, tmp_path) as (settings, workers):
        ids = await ingest_articles(settings, tmp_path / "in.jsonl", 0, ARTICLES)
        say(f"\ningested {len(ids)} articles in {time.monotonic() - started:.0f}s")
        for stage, out in STAGE_OUT.items():
            probe = counter(settings, out)
            before = await probe()  # type: ignore[misc]
            at = await until(probe, lambda n, b=before: n >= b + 150, 240, f"{stage} output")
            # Kill it mid-stream: a stage that drained its input (its upstream restarting)
            # gets some first.
            await until(lambda s=stage: stage_lag(settings, s), lambda n: n > 0, 240, stage)
            workers.kill(stage)
            behind = await stage_lag(settings, stage)
            say(
                f"kill -9 {stage} worker at {time.monotonic() - started:.0f}s with {at} records"
                f" of its output written, {behind} to do"
            )
            assert behind > 0, f"{stage} had finished its input before it was killed"
            await asyncio.sleep(1.0)
            workers.start(stage)
        result = await settle(settings, ids, SETTLE_IDLE_S, on_tick=say)
        assert all(workers.alive().values()), workers.alive()
        orphans = [p for pgid in workers.killed for p in workers.group(pgid)]
        assert not orphans, f"processes of killed workers still running: {orphans}"
    check(result, ids, "kill -9 each stage", started, figures)


async def test_broker_loss_in_three_node_cluster(
    cluster: Cluster, tmp_path: Path, figures: list[str]
) -> None:
    """Kill -9 one of three brokers mid-stream (replication 3, min.insync.replicas 2), keep
    ingesting while it is down, then bring it back: the pipeline keeps flowing, nothing lost."""
    started = time.monotonic()
    half = ARTICLES // 2
    async with running_pipeline(cluster.settings, tmp_path, replication=3) as (settings, workers):
        ids = await ingest_articles(settings, tmp_path / "a.jsonl", 0, half)
        sink = counter(settings, topics.SINK)
        at = await until(sink, lambda n: n >= 200, 240, "the first sink records")
        victim = 0  # the first bootstrap server: clients must also find the others
        cluster.kill(victim)
        down = time.monotonic()
        say(f"\nkill -9 broker {cluster.brokers[victim].node_id} with {at} records in the sink")
        ids += await ingest_articles(settings, tmp_path / "b.jsonl", half, ARTICLES - half)
        say(f"ingested {ARTICLES - half} more with the broker down")
        grown = await until(sink, lambda n: n >= at + 300, 180, "the sink to grow, broker down")
        say(f"sink grew {at} -> {grown} in {time.monotonic() - down:.0f}s with a broker down")
        await cluster.restart(victim)
        say(f"broker back after {time.monotonic() - down:.0f}s")
        result = await settle(settings, ids, SETTLE_IDLE_S, on_tick=say)
        assert all(workers.alive().values()), workers.alive()
    check(result, ids, "broker loss (1 of 3)", started, figures)
    assert grown >= at + 300


async def group_members(settings: Settings, stage: str) -> int:
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=10000)
    await admin.start()
    try:
        described = await admin.describe_consumer_groups([topics.app_id(settings, stage)])
    finally:
        await admin.close()
    groups = described[0].groups if described else []
    return sum(len(group[5]) for group in groups)  # (error, id, state, type, protocol, members)


async def test_extract_rebalance_under_load(
    kafka: Settings, tmp_path: Path, figures: list[str]
) -> None:
    """Add a second extract worker under load, then remove the first (graceful stop): the
    group rebalances twice and nothing is lost."""
    started = time.monotonic()
    async with running_pipeline(kafka, tmp_path) as (settings, workers):
        ids = await ingest_articles(settings, tmp_path / "in.jsonl", 0, ARTICLES)
        enriched = counter(settings, topics.ENRICHED)
        at = await until(enriched, lambda n: n >= 200, 240, "extract output")
        workers.start("extract", "extract-b")
        say(f"\nadded extract-b with {at}/{ARTICLES} enriched")
        await until(
            lambda: group_members(settings, "extract"), lambda n: n >= 2, 120, "two members"
        )
        at = await enriched()  # type: ignore[misc]
        say(f"extract group has 2 members with {at}/{ARTICLES} enriched")
        await until(enriched, lambda n, a=at: n >= a + 300, 240, "extract output, 2 workers")
        at = await enriched()  # type: ignore[misc]
        workers.stop("extract")
        say(f"removed the first extract worker with {at}/{ARTICLES} enriched")
        assert at < ARTICLES, "extract had finished before the rebalance"
        result = await settle(settings, ids, SETTLE_IDLE_S, on_tick=say)
        assert all(workers.alive().values()), workers.alive()
    check(result, ids, "extract rebalance", started, figures)


async def set_topic_config(settings: Settings, base: str, changes: dict[str, str]) -> None:
    """Set a pipeline topic's whole configuration to its spec plus ``changes``."""
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    name = topics.name(settings, base)
    spec = next(s for s in topics.specs(settings, []) if s.name == name)
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=10000)
    await admin.start()
    try:
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, configs=spec.config | changes)]
        )
    finally:
        await admin.close()


async def test_rejected_output_is_not_acked(
    kafka: Settings, tmp_path: Path, figures: list[str]
) -> None:
    """The sink refuses writes for a while (its max.message.bytes set too small, a
    non-retriable error): the geotag worker must not acknowledge the batches whose outputs
    were refused. It exits instead (status EXIT_UNDELIVERED), and once the sink is fixed a
    supervisor starts it again: the unacknowledged batches are processed again."""
    started = time.monotonic()
    count = 1000
    async with running_pipeline(kafka, tmp_path) as (settings, workers):
        ids = await ingest_articles(settings, tmp_path / "in.jsonl", 0, count)
        sink = counter(settings, topics.SINK)
        at = await until(sink, lambda n: n >= 100, 240, "the first sink records")
        await set_topic_config(settings, topics.SINK, {"max.message.bytes": "64"})
        say(f"\nsink refuses writes from {at}/{count}")
        await asyncio.sleep(8)
        await set_topic_config(settings, topics.SINK, {})
        exited = workers.restart_dead()
        say(f"sink accepts writes again; workers that exited (restarted): {exited}")
        assert exited == {"geotag": EXIT_UNDELIVERED}, workers.tail("geotag")
        result = await settle(settings, ids, SETTLE_IDLE_S, on_tick=say)
    check(result, ids, "sink refuses writes", started, figures)
