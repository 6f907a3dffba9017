"""The private-API fence (streams/kafka/internals.py): where the consumer seeks back after a
fetch whose records were not all delivered, the version check, the faust, aiokafka and
concurrent.futures internals the patches rely on, and the flow-control resume that must not
empty the agents' queues, checked on the installed libraries so that an upgrade that moves
them fails here."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import cast

import faust
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.client import AIOKafkaClient
from faust.transport.consumer import Consumer as FaustConsumer
from faust.transport.drivers.aiokafka import Consumer as AIOKafkaDriverConsumer
from faust.types import TP, Message
from mode.utils.queues import ThrowableQueue

from streams.kafka import internals
from streams.kafka.app import create_app
from streams.kafka.internals import first_undelivered
from streams.settings import load


def test_a_partition_dropped_whole_is_fetched_again_from_its_first_record() -> None:
    fetched = {"raw-0": [0, 1, 2], "raw-1": [5, 6]}
    assert first_undelivered(fetched, {"raw-1": {5, 6}}) == {"raw-0": 0}


def test_a_partition_dropped_part_way_is_fetched_again_from_the_first_missed_record() -> None:
    assert first_undelivered({"raw-0": [3, 4, 5, 6]}, {"raw-0": {3, 4}}) == {"raw-0": 5}


def test_a_gap_before_delivered_records_wins_over_them_at_the_cost_of_a_duplicate() -> None:
    assert first_undelivered({"raw-0": [3, 4, 5]}, {"raw-0": {4, 5}}) == {"raw-0": 3}


def test_nothing_to_seek_when_everything_was_delivered() -> None:
    assert first_undelivered({"raw-0": [0, 1]}, {"raw-0": {0, 1}}) == {}
    assert first_undelivered({}, {}) == {}


# -- The version fence ----------------------------------------------------------------------


def test_the_installed_versions_are_the_pinned_ones() -> None:
    internals.check_versions()  # raises UnsupportedVersion otherwise
    assert internals.PINNED == {"faust-streaming": "0.15.3", "aiokafka": "0.14.0"}


@pytest.mark.parametrize("package", sorted(internals.PINNED))
def test_a_different_version_is_refused_naming_the_package(
    package: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = metadata.version

    def version(name: str) -> str:
        return "99.0.0" if name == package else real(name)

    monkeypatch.setattr(internals.metadata, "version", version)
    with pytest.raises(internals.UnsupportedVersion, match=f"^{package} 99.0.0 is installed"):
        internals.check_versions()


# -- The private attributes the patches rely on, on the installed libraries -----------------


def _params(function: object) -> list[str]:
    return [p for p in inspect.signature(function).parameters if p != "self"]  # type: ignore[arg-type]


def test_the_app_consumer_is_faust_s_aiokafka_consumer_which_has_the_patched_methods() -> None:
    app = faust.App("internals-test", broker="kafka://127.0.0.1:1")
    consumer_class = app.transport.Consumer
    assert consumer_class is AIOKafkaDriverConsumer
    assert issubclass(consumer_class, FaustConsumer)
    # _wait_next_records and getmany live on faust.transport.consumer.Consumer; getmany calls
    # self._wait_next_records, which is what lets the wrapper see every fetch.
    assert "_wait_next_records" in vars(FaustConsumer)
    assert "getmany" in vars(FaustConsumer)
    assert "self._wait_next_records(" in inspect.getsource(FaustConsumer.getmany)


def test_wait_next_records_is_a_coroutine_taking_timeout_returning_records_and_partitions() -> None:
    method = AIOKafkaDriverConsumer._wait_next_records
    assert inspect.iscoroutinefunction(method)
    assert _params(method) == ["timeout"]
    assert "return records, active_partitions" in inspect.getsource(method)


def test_getmany_is_an_async_generator_taking_timeout() -> None:
    method = AIOKafkaDriverConsumer.getmany
    assert inspect.isasyncgenfunction(method)
    assert _params(method) == ["timeout"]


def test_seek_wait_is_a_coroutine_taking_a_mapping_of_partitions_to_offsets() -> None:
    method = AIOKafkaDriverConsumer.seek_wait
    assert inspect.iscoroutinefunction(method)
    assert _params(method) == ["partitions"]


def test_the_app_has_a_consumer_generation_id() -> None:
    app = faust.App("internals-test", broker="kafka://127.0.0.1:1")
    assert isinstance(app.consumer_generation_id, int)


async def test_aiokafka_client_force_metadata_update_returns_an_awaitable() -> None:
    # Not a coroutine function in aiokafka 0.14: a plain method returning a shielded future,
    # which refresh_metadata awaits.
    method = AIOKafkaClient.force_metadata_update
    assert callable(method) and _params(method) == []
    assert "_client" in inspect.getsource(AIOKafkaConsumer.__init__)
    client = AIOKafkaClient(bootstrap_servers="127.0.0.1:1")
    try:
        result = client.force_metadata_update()
        assert inspect.isawaitable(result)
        result.cancel()
    finally:
        await client.close()


def test_a_process_pool_has_processes_after_a_task_was_submitted() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(abs, -1).result(timeout=60) == 1
        processes = pool._processes  # noqa: SLF001
        assert isinstance(processes, dict) and processes
        assert all(hasattr(p, "kill") and hasattr(p, "is_alive") for p in processes.values())


def test_kill_pool_kills_a_worker_stuck_in_a_task_within_seconds() -> None:
    pool = ProcessPoolExecutor(max_workers=1)
    stuck = pool.submit(time.sleep, 60)
    deadline = time.monotonic() + 30
    while not stuck.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stuck.running()
    processes = list((pool._processes or {}).values())  # noqa: SLF001
    assert processes and all(p.is_alive() for p in processes)
    started = time.monotonic()
    internals.kill_pool(pool)
    for process in processes:
        assert _dies_within(process.pid, 5)
    assert time.monotonic() - started < 3


def _dies_within(pid: int | None, seconds: float) -> bool:
    """Whether the process ``pid`` is gone or a zombie within ``seconds``. Read from /proc, not
    with ``Process.is_alive``: the pool's manager thread may reap the process first, and then
    ``is_alive`` still answers True."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


# -- The wrapper, on a stand-in for faust's consumer ----------------------------------------


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str, *args: object) -> None:
        self.lines.append(message % args if args else message)


class _Record:
    def __init__(self, offset: int) -> None:
        self.offset = offset


class _FakeConsumer:
    """Faust's shape: getmany calls self._wait_next_records, then yields only the records of
    partitions it is delivering (``deliver``)."""

    def __init__(self, fetches: list[dict[str, list[int]]], deliver: set[str]) -> None:
        self.fetches = fetches
        self.deliver = deliver
        self.log = _Log()
        self.seeks: list[dict[str, int]] = []

    async def _wait_next_records(self, timeout: float) -> tuple[object, object]:
        batch = self.fetches.pop(0)
        return {tp: [_Record(o) for o in offsets] for tp, offsets in batch.items()}, None

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[str, _Record]]:
        records, _ = await self._wait_next_records(timeout)
        for tp, batch in records.items():  # type: ignore[attr-defined]
            if tp in self.deliver:
                for record in batch:
                    yield tp, record

    def assignment(self) -> set[str]:
        return {"raw-0", "raw-1"}

    async def seek_wait(self, partitions: dict[str, int]) -> None:
        self.seeks.append(dict(partitions))


class _FakeApp:
    def __init__(self, consumer: _FakeConsumer) -> None:
        self.consumer = consumer
        self.consumer_generation_id = 1


async def _drain(consumer: _FakeConsumer) -> list[tuple[str, int]]:
    return [(tp, record.offset) async for tp, record in consumer.getmany(timeout=1.0)]


async def test_records_fetched_for_a_paused_partition_are_fetched_again() -> None:
    consumer = _FakeConsumer([{"raw-0": [0, 1], "raw-1": [7]}], deliver={"raw-1"})
    internals.refetch_undelivered(_FakeApp(consumer))  # type: ignore[arg-type]
    assert await _drain(consumer) == [("raw-1", 7)]
    assert consumer.seeks == [{"raw-0": 0}]
    assert any("Fetching again" in line for line in consumer.log.lines)


async def test_no_seek_when_every_fetched_record_was_delivered() -> None:
    consumer = _FakeConsumer([{"raw-0": [0, 1]}], deliver={"raw-0"})
    internals.refetch_undelivered(_FakeApp(consumer))  # type: ignore[arg-type]
    assert await _drain(consumer) == [("raw-0", 0), ("raw-0", 1)]
    assert consumer.seeks == []


# -- Flow control: resuming must not empty the agents' input queues -------------------------


def _agent_queue(app: faust.App) -> ThrowableQueue:
    """A channel's queue, as every agent's input gets one (``clear_on_resume=True``), holding
    one event that has not been taken yet."""
    queue = app.channel().queue
    queue.put_nowait("an event fetched but not yet taken")
    return queue


def test_mode_s_resume_empties_the_agents_queues_which_is_what_the_patch_undoes() -> None:
    app = faust.App("internals-test", broker="kafka://127.0.0.1:1")
    queue = _agent_queue(app)
    app.flow_control.resume()
    assert queue.empty()  # when this fails, mode stopped clearing on resume: drop the patch


async def test_resume_keeps_the_queued_events_and_still_lets_the_flow_go() -> None:
    app = faust.App("internals-test", broker="kafka://127.0.0.1:1")
    internals.keep_queues_on_resume(app)
    queue = _agent_queue(app)
    app.flow_control.suspend()
    waiting = asyncio.ensure_future(app.flow_control.acquire())  # a put blocked by the suspension
    await asyncio.sleep(0)
    assert not app.flow_control.is_active() and not waiting.done()
    app.flow_control.resume()
    await asyncio.wait_for(waiting, timeout=1)
    assert app.flow_control.is_active()
    assert queue.qsize() == 1


def test_clearing_on_revocation_still_empties_the_queues() -> None:
    app = faust.App("internals-test", broker="kafka://127.0.0.1:1")
    internals.keep_queues_on_resume(app)
    queue = _agent_queue(app)
    app.flow_control.suspend()
    app.flow_control.clear()  # what Faust does when partitions are revoked and on stop
    assert queue.empty()


def test_the_app_factory_installs_it(tmp_path: Path) -> None:
    app = create_app("clean", load().replace(home=tmp_path))
    queue = _agent_queue(app)
    app.flow_control.resume()
    assert queue.qsize() == 1


# -- commits never pass a record still in flight ----------------------------------------------

TP_0 = TP("articles.clean", 0)


def _in_flight(consumer: FaustConsumer, offset: int) -> Message:
    """A record a stream has taken (tracked) and not acknowledged."""
    message = Message("articles.clean", 0, offset, 0.0, 0, {}, b"k", b"v", None, tp=TP_0)
    consumer._unacked_messages.add(message)
    return message


def _ack(consumer: FaustConsumer, message: Message) -> None:
    """What ``Consumer.ack`` does for a topic with acks (this test app has no agents)."""
    message.acked = True
    consumer._unacked_messages.discard(message)
    consumer._acked[TP_0].append(message.offset)


def _consumer(committed: int | None, acked: list[int], *, guarded: bool) -> FaustConsumer:
    app = faust.App("internals-test", broker="kafka://127.0.0.1:1")
    if guarded:
        internals.commit_behind_in_flight(app)
    consumer = cast(FaustConsumer, app.consumer)
    consumer._committed_offset[TP_0] = committed
    consumer._acked[TP_0] = list(acked)
    return consumer


def test_faust_commits_over_one_record_in_flight_which_is_what_the_guard_stops() -> None:
    consumer = _consumer(10, [11, 12, 13], guarded=False)
    kept = _in_flight(consumer, 10)  # a slow batch of another actor
    assert consumer._new_offset(TP_0) == 14  # when this fails, Faust fixed #606: drop the guard
    assert kept.offset == 10


def test_the_guard_waits_for_the_record_in_flight_then_commits_past_all() -> None:
    consumer = _consumer(10, [11, 12, 13], guarded=True)
    slow = _in_flight(consumer, 10)
    assert consumer._new_offset(TP_0) is None
    _ack(consumer, slow)
    assert consumer._new_offset(TP_0) == 14


def test_the_guard_also_holds_before_the_first_commit() -> None:
    consumer = _consumer(None, [1, 2], guarded=True)
    slow = _in_flight(consumer, 0)
    assert consumer._new_offset(TP_0) is None
    _ack(consumer, slow)
    assert consumer._new_offset(TP_0) == 3


def test_a_record_in_flight_after_the_acknowledged_run_lets_the_run_commit() -> None:
    consumer = _consumer(10, [10, 11], guarded=True)
    later = _in_flight(consumer, 12)
    assert consumer._new_offset(TP_0) == 12
    assert later.offset == 12


def test_the_app_factory_installs_the_commit_guard(tmp_path: Path) -> None:
    app = create_app("extract", load().replace(home=tmp_path))
    consumer = cast(FaustConsumer, app.consumer)
    consumer._committed_offset[TP_0] = 10
    consumer._acked[TP_0] = [11]
    slow = _in_flight(consumer, 10)  # held: Faust keeps records in flight in a WeakSet
    assert consumer._new_offset(TP_0) is None
    assert slow.offset == 10
