"""The one Faust agent every stage runs: a batch of events in, the stage's pure code off the
event loop, one record or dead letter out per event.

The NLP runs in a process pool so the event loop keeps heartbeats and commits going (an
``inline`` stage, whose ``run`` is trivial, runs it on the loop without a pool). Every
event ends as exactly one output record or one dead letter; offsets are committed (acked) only
after those sends are delivered, so a crash re-processes rather than loses (at-least-once,
with outputs keyed by ``article_id``).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar, cast

import faust

from streams.kafka import metrics
from streams.kafka.internals import kill_pool
from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.dead_letters import Failure, dead_letter
from streams.settings import Settings
from streams.stages.base import SIDE, Result, Stage, execute

log = logging.getLogger(__name__)
T = TypeVar("T")

# Exit status of a worker that stopped because a batch's outputs could not be delivered.
EXIT_UNDELIVERED = 75  # EX_TEMPFAIL: a supervisor should start the worker again


def _warm(stage: Stage, settings: Settings) -> None:
    """Pool initializer: load models before the first batch arrives."""
    _exit_with_parent()
    if stage.warm is not None:
        stage.warm(settings)


def nlp_processes(stage: Stage, settings: Settings) -> int:
    """NLP processes for ``stage``: the setting, else every core for the heavy stage (the
    language model is the pipeline's one real cost) and one for each cheap stage, whose work
    is a small share of the model's and fits in beside it."""
    if settings.nlp_processes is not None:
        return settings.nlp_processes
    return len(os.sched_getaffinity(0)) if stage.heavy else 1


def _ready() -> None:
    """A no-op task: its completion says a pool process has loaded its models."""


def _exit_with_parent() -> None:
    """Make this pool process exit when the worker that started it is gone: after a kill -9
    of the worker it would otherwise wait on its task queue forever, holding the models."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class StageAgent:
    """Runs one stage over batches of Faust events and routes the results."""

    def __init__(self, app: faust.App, stage: Stage, settings: Settings) -> None:
        self.stage = stage
        self.name = stage.name
        self.settings = settings
        self.input = app.topic(topics.name(settings, stage.input))
        self.output = app.topic(topics.name(settings, stage.output))
        self.side = app.topic(topics.name(settings, stage.side)) if stage.side else None
        self.dlq = app.topic(topics.name(settings, topics.DLQ))
        self.table: Any = None
        if stage.table is not None:
            self.table = app.GlobalTable(
                stage.table,
                schema=faust.Schema(key_serializer="json", value_serializer="json"),
                partitions=settings.partitions,
                use_partitioner=True,
            )
            if stage.window is not None:
                # A windowed table: keys (key, (start, end)); its changelog compact,delete
                # with retention = the window's expires, and Faust drops expired windows.
                # The post hook gets the table itself and reads and writes windowed keys.
                self.table.using_window(stage.window(settings))
        self.processes = 0 if stage.inline else nlp_processes(stage, settings)
        # One actor per NLP process, each with its own batches, so a process that finishes
        # takes the next batch instead of waiting for the slowest article of the last one.
        # A stage with a table keeps one actor: its post hook reads and writes the table in
        # input order.
        self.actors = max(1, self.processes) if self.table is None else 1
        self._pool: ProcessPoolExecutor | None = None
        self._in_flight = 0  # pool tasks submitted by this worker's actors and not yet done
        self.last = stage.output == topics.SINK  # observes the end-to-end latency

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
                initargs=(self.stage, self.settings),
            )
        return self._pool

    def register(self, app: faust.App) -> None:
        """Register the stage's agent on ``app``, and a task that starts the NLP processes
        (loading their models) while the worker joins its group, not at the first batch."""

        if not self.stage.inline:

            @app.task
            async def warm_pool() -> None:
                loop = asyncio.get_running_loop()
                ready = [loop.run_in_executor(self.pool, _ready) for _ in range(self.processes)]
                await asyncio.gather(*ready)
                log.info("%s: %d NLP process(es) ready", self.name, self.processes)

        @app.agent(self.input, name=f"{self.name}-agent", concurrency=self.actors)
        async def process(stream: faust.StreamT) -> None:
            batches = cast(faust.Stream, stream).take_events(  # StreamT's stub lacks it
                self.settings.batch_size, within=self.settings.batch_within_s
            )
            async for events in batches:
                try:
                    await self.handle(events)
                except Exception:  # noqa: BLE001 - whatever it was, the batch is not done
                    self._stop_unacked(events)

    def _stop_unacked(self, events: Sequence[faust.EventT]) -> None:
        """Exit the process now, without acknowledging ``events``.

        When ``handle`` raises (an output or dead letter the broker refused, a bug), Faust's
        ``take_events`` would still ack the whole batch as the agent crashes, its offsets get
        committed, and the restarted agent loses further events too: articles in neither the
        sink nor the DLQ. Exiting before any other coroutine runs leaves the batch uncommitted,
        so whoever gets the partitions next (this worker, restarted by its supervisor, or
        another one after the rebalance) processes it again.
        """
        log.critical(
            "%s: a batch of %d was not delivered; exiting with status %d without acking it",
            self.name,
            len(events),
            EXIT_UNDELIVERED,
            exc_info=True,
        )
        logging.shutdown()
        self._reset_pool()
        os._exit(EXIT_UNDELIVERED)

    async def handle(self, events: Sequence[faust.EventT]) -> None:
        metrics.batch_taken(self.name, len(events))
        limit = self.settings.max_article_bytes
        todo = [i for i, e in enumerate(events) if len(e.value or b"") <= limit]
        results: list[Result | None] = [None] * len(events)
        for i, event in enumerate(events):
            if i not in todo:
                results[i] = Failure(
                    "oversize",
                    f"payload of {len(event.value)} bytes exceeds the limit of {limit} bytes "
                    "(NEWSSTREAM_MAX_ARTICLE_BYTES); read the original at the input offset",
                    _key(event),
                )
        started = time.perf_counter()
        done = await self._in_pool([events[i].value or b"" for i in todo])
        metrics.batch_processed(self.name, time.perf_counter() - started)
        if self.stage.post is not None:  # on the loop, where the table is
            done = self.stage.post(done, self.table, self.settings)
        for i, result in zip(todo, done, strict=True):
            results[i] = result
        futures = [
            await self._send(event, result) for event, result in zip(events, results, strict=True)
        ]
        await asyncio.gather(*futures)
        metrics.delivered(self.name, results, last=self.last)
        for event, outcome in zip(events, results, strict=True):
            _log_result(self.name, event, outcome)

    async def _in_pool(self, payloads: list[bytes]) -> list[Result]:
        """Run the stage in the pool; a batch that overruns the timeout is retried one by one
        so that only the slow article goes to the dead-letter topic."""
        if not payloads:
            return []
        if self.stage.inline:  # trivial: no pool, no timeout
            return execute(self.stage, payloads, self.settings)
        try:
            return await self._call(payloads)
        except TimeoutError:
            self._reset_pool()
        results: list[Result] = []
        for payload in payloads:
            try:
                results.extend(await self._call([payload]))
            except TimeoutError:
                self._reset_pool()
                results.append(
                    Failure("timeout", f"{self.name} took over {self.settings.stage_timeout_s}s")
                )
        return results

    async def _call(self, payloads: list[bytes]) -> list[Result]:
        """Run ``payloads`` in the pool, split into one chunk per NLP process this actor has
        (all of them with one actor, one with an actor per process); a long article spread
        over the free processes (``_shares``) is a chunk of its own."""
        free = self.processes - self._in_flight
        spread = [self._shares(payload, free) for payload in payloads]
        whole = [i for i, shares in enumerate(spread) if shares == 1]
        size = max(1, -(-len(whole) // max(1, self.processes // self.actors)))
        groups = [whole[i : i + size] for i in range(0, len(whole), size)]
        groups += [[i] for i, shares in enumerate(spread) if shares > 1]
        pool = self.pool
        futures = [self._run(pool, [payloads[i] for i in g], spread[g[0]]) for g in groups]
        try:
            done = await asyncio.wait_for(asyncio.gather(*futures), self.settings.stage_timeout_s)
        except Exception as exc:  # a crashed pool process: fail the batch, keep the worker
            if isinstance(exc, TimeoutError):
                raise
            if pool is not self._pool:  # another actor reset the pool under this batch
                return await self._call(payloads)
            log.exception("%s pool failed", self.name)
            self._reset_pool()
            return [Failure("exception", f"worker process failed: {exc!r}") for _ in payloads]
        results: list[Result | None] = [None] * len(payloads)
        for group, chunk in zip(groups, done, strict=True):
            for i, result in zip(group, chunk, strict=True):
                results[i] = result
        return cast(list[Result], results)

    def _shares(self, payload: bytes, free: int) -> int:
        """How many NLP processes share ``payload``'s model work: the ``free`` ones for a long
        article of a stage that can spread one (extract), else one. With fewer than two free
        (the pipeline at full rate), spreading would only add the pieces' shipping cost."""
        if not self.settings.spread_long_articles or free < 2 or self.stage.spread is None:
            return 1
        return free if self.stage.spread(payload) else 1

    async def _run(
        self, pool: ProcessPoolExecutor, chunk: list[bytes], shares: int
    ) -> list[Result]:
        """``execute`` in a pool process; a long article's shares are done first, at once, in
        the free processes, so it is not held by one process for its whole length."""
        shared = None
        if shares > 1 and self.stage.share is not None:
            (payload,) = chunk
            metrics.article_spread(self.name)
            share = self.stage.share
            parts = [
                self._submit(pool, share, payload, k, shares, self.settings) for k in range(shares)
            ]
            shared = [list(await asyncio.gather(*parts))]
        return await self._submit(pool, execute, self.stage, chunk, self.settings, shared)

    async def _submit(self, pool: ProcessPoolExecutor, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a pool process, counted in ``_in_flight`` while it runs."""
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        finally:
            self._in_flight -= 1

    def _reset_pool(self) -> None:
        """Kill the pool's processes (a stuck article cannot be cancelled otherwise)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        metrics.pool_restarted(self.name)
        kill_pool(pool)

    async def _send(self, event: faust.EventT, result: Result | None) -> Any:
        if isinstance(result, dict):
            side = result.pop(SIDE, None)
            if side and self.side is not None:  # extra records a post hook attached
                sent = [
                    await self.side.send(
                        key=s["key"].encode(),
                        value=encode(s["value"]),
                        timestamp=s.get("timestamp"),  # None: now
                    )
                    for s in side
                ]
                await asyncio.gather(*sent)
            key = result[self.stage.key].encode()
            return await self.output.send(key=key, value=encode(result))
        assert isinstance(result, Failure)
        message = event.message
        failure = (
            result
            if result.article_id
            else Failure(result.error_class, result.message, _key(event))
        )
        oversize = failure.error_class == "oversize"
        letter = dead_letter(
            self.name,
            failure,
            None if oversize else (event.value or b""),
            input_ref={
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
            },
            payload_bytes=len(event.value or b""),
        )
        key = failure.article_id.encode() if failure.article_id else None
        return await self.dlq.send(key=key, value=encode(letter))


def _log_result(stage: str, event: faust.EventT, result: Result | None) -> None:
    """One log line per article: a warning for a dead letter, debug for a delivered record;
    the fields (stage, article_id, topic/partition/offset) are in the JSON log format."""
    level = logging.WARNING if isinstance(result, Failure) else logging.DEBUG
    if not log.isEnabledFor(level):
        return
    message = event.message
    fields: dict[str, Any] = {
        "stage": stage,
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
    }
    if isinstance(result, Failure):
        fields["article_id"] = result.article_id or _key(event)
        fields["error_class"] = result.error_class
        text = f"dead letter ({result.error_class}): {result.message[:300]}"
        log.warning("%s: %s %s", stage, fields["article_id"], text, extra=fields)
    elif result is not None:
        fields["article_id"] = result.get("article_id")
        log.debug("%s: %s delivered", stage, fields["article_id"], extra=fields)


def _key(event: faust.EventT) -> str | None:
    key = event.key
    if isinstance(key, bytes):
        return key.decode("utf-8", "replace") or None
    return key or None
