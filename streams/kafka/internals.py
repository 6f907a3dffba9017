"""Every place newsstream reaches into faust-streaming, aiokafka or concurrent.futures
internals, fenced in one module: the versions these were written against are checked at
start-up (:func:`check_versions`), and ``tests/unit/test_internals.py`` fails on an upgrade
that moves them.

1. :func:`refetch_undelivered` makes Faust fetch again the records it fetched but did not
   deliver. faust-streaming 0.15's consumer can take records from aiokafka for a partition it
   is not delivering at that moment (paused while a table recovers after a rebalance, or flow
   stopped) and then drop them without moving the partition back. aiokafka's position is then
   past them. Faust's later "seek to committed offsets" puts it right only for a partition
   whose committed offset is above 0; on a partition with no commit yet the records are
   skipped (``docs/upstream-refetch-bug.md`` is the upstream bug report). The fix wraps the
   consumer's ``getmany``: it remembers the offsets of every fetch and, once the batch is
   handed on, seeks each partition back to its first offset that was not delivered, so the
   records come again (at-least-once: a re-delivered record is processed twice, never lost).
2. :func:`keep_queues_on_resume` stops Faust's flow-control *resume* from emptying the
   agents' input queues (mode-streaming's ``FlowControlEvent``): table recovery resumes flow
   after stream records may already be queued, and the records it threw away were never
   processed, never acknowledged, and then committed past (see the function). mode-streaming
   is not in :data:`PINNED` (a dependency of faust's, not ours); the unit tests check the
   behaviour on the installed release.
3. :func:`commit_behind_in_flight` keeps a commit from passing a record that a stream took but
   has not acknowledged. Faust commits the first run of acknowledged offsets and lets one
   missing offset at the committed position through (and any number when nothing is committed
   yet), so with two actors on one agent (``concurrency``) a fast batch acknowledged after a
   slow one that started before it is committed over the slow one: lost if the worker dies
   (faust-streaming issue #606).
4. :func:`kill_pool` kills a process pool's workers: a stuck article cannot be cancelled.
5. :func:`refresh_metadata` asks aiokafka for fresh topic metadata (no public call).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from typing import Any, TypeVar, cast

import faust
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import IllegalStateError
from faust.transport.consumer import Consumer
from faust.types import TP

# The releases whose internals this module was written and tested against.
PINNED = {"faust-streaming": "0.15.3", "aiokafka": "0.14.0"}


class UnsupportedVersion(RuntimeError):
    """An installed library is not the release whose internals we patch."""


def check_versions() -> None:
    """Refuse to start on a faust-streaming or aiokafka release these patches were not
    checked against: their private attributes may have moved and the fixes would silently
    stop working."""
    for package, pinned in PINNED.items():
        installed = metadata.version(package)
        if installed != pinned:
            raise UnsupportedVersion(
                f"{package} {installed} is installed, but streams/kafka/internals.py was "
                f"checked against {pinned}; re-check the patches there (and their tests) "
                "before changing the pin"
            )


def keep_queues_on_resume(app: faust.App) -> None:
    """Make ``app.flow_control.resume()`` lift the suspension without clearing the queues.

    mode's ``FlowControlEvent.resume`` also clears every queue made with ``clear_on_resume``,
    which is every agent's input channel. Table recovery ends with
    ``Recovery.on_recovery_completed``: it resumes the stream partitions, awaits the seek to
    committed offsets, and only then calls ``flow_control.resume()``, while the consumer's flow
    is already running (turned on to read the changelogs). Stream records fetched during that
    await are queued for the agent, and the resume throws them away: never processed, never
    acknowledged. If their fetch came after the seek nothing fetches them again, and the next
    commit moves past them (Faust counts a hole in the offsets it handed on as done, and lets
    one missing offset at the committed position through). The fault test lost an article this
    way after a ``kill -9`` of the clean worker. Faust clears the queues itself where they can
    hold records of partitions it gives up (on revocation and on stop it calls
    ``flow_control.clear()``), so resuming only has to lift the suspension.
    """
    flow_control = app.flow_control
    # mode-streaming 0.7: resume() is ``_suspend.clear(); _resume.set(); self.clear()``.
    suspended, resumed = flow_control._suspend, flow_control._resume

    def resume() -> None:
        suspended.clear()
        resumed.set()

    # Replacing the method on this one instance is the point of the patch.
    flow_control.resume = resume  # type: ignore[method-assign]


def commit_behind_in_flight(app: faust.App) -> None:
    """Install the commit guard on ``app``'s consumer: no new offset for a partition while a
    record of it that precedes every acknowledged offset is still in flight."""
    consumer = cast(Consumer, app.consumer)
    new_offset = consumer._new_offset

    def guarded(tp: TP) -> int | None:
        acked = consumer._acked[tp]
        if acked:
            committed = consumer._committed_offset[tp]
            in_flight = oldest_in_flight(consumer._unacked_messages, tp, committed)
            if in_flight is not None and in_flight < min(acked):
                return None  # commit once it is acknowledged
        return new_offset(tp)

    # Replacing the method on this one instance is the point of the patch.
    consumer._new_offset = guarded  # type: ignore[method-assign]


def oldest_in_flight(unacked: Iterable[Any], tp: TP, committed: int | None) -> int | None:
    """The lowest offset of ``tp`` among records taken by a stream and not acknowledged, at or
    past the committed offset (Faust never counts an acknowledgement below it)."""
    floor = -1 if committed is None else committed
    offsets = [
        message.offset
        for message in list(unacked)
        if message.tp == tp and not message.acked and message.offset >= floor
    ]
    return min(offsets, default=None)


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Kill ``pool``'s processes and shut it down without waiting (uses ``_processes``)."""
    for process in list((pool._processes or {}).values()):  # noqa: SLF001
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


async def refresh_metadata(consumer: AIOKafkaConsumer) -> None:
    """Fetch the cluster's topic metadata now (aiokafka's client has no public call)."""
    await consumer._client.force_metadata_update()  # noqa: SLF001


K = TypeVar("K", bound=Hashable)


def first_undelivered(
    fetched: Mapping[K, Iterable[int]], delivered: Mapping[K, set[int]]
) -> dict[K, int]:
    """Per partition, the lowest fetched offset that was not delivered (where to seek back)."""
    seeks: dict[K, int] = {}
    for tp, offsets in fetched.items():
        missed = [o for o in offsets if o not in delivered.get(tp, set())]
        if missed:
            seeks[tp] = min(missed)
    return seeks


def refetch_undelivered(app: faust.App) -> None:
    """Install the wrapper on ``app``'s consumer (before the worker starts)."""
    # app.consumer is typed as the ConsumerT interface; the object is faust's aiokafka driver
    # Consumer, a subclass of faust.transport.consumer.Consumer, where the patched methods live.
    consumer = cast(Consumer, app.consumer)
    wait_next_records = consumer._wait_next_records
    getmany = consumer.getmany
    fetched: dict[TP, list[int]] = {}

    async def recording(timeout: float) -> tuple[Any, Any]:
        records, active = await wait_next_records(timeout)
        for tp, batch in (records or {}).items():
            fetched.setdefault(tp, []).extend(record.offset for record in batch)
        return records, active

    async def getmany_refetching(timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        fetched.clear()
        generation = app.consumer_generation_id
        delivered: dict[TP, set[int]] = {}
        async for tp, message in getmany(timeout=timeout):
            delivered.setdefault(tp, set()).add(message.offset)
            yield tp, message
        if app.consumer_generation_id != generation:
            return  # a new assignment resets every position to the committed offset anyway
        assigned = consumer.assignment()
        seeks = {tp: o for tp, o in first_undelivered(fetched, delivered).items() if tp in assigned}
        if seeks:
            consumer.log.info("Fetching again records fetched but not delivered: %r", seeks)
            try:
                await consumer.seek_wait(seeks)
            except IllegalStateError:  # revoked meanwhile: its next owner starts from a commit
                consumer.log.info("Partitions were revoked before the seek; not needed")

    # Replacing methods on this one instance is the point of the patch.
    consumer._wait_next_records = recording  # type: ignore[method-assign]
    consumer.getmany = getmany_refetching  # type: ignore[method-assign]
