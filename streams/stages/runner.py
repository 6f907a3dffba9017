"""What every stage agent does with a batch of events.

The NLP runs in a process pool so the event loop keeps heartbeats and commits going. Every
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
from typing import Any

import faust

from streams import pipeline, topics
from streams.dlq import Failure, dead_letter
from streams.records import encode
from streams.settings import Settings

log = logging.getLogger(__name__)

Result = dict[str, Any] | Failure
PostHook = Callable[[list[Result]], list[Result]]

# Exit status of a worker that stopped because a batch's outputs could not be delivered.
EXIT_UNDELIVERED = 75  # EX_TEMPFAIL: a supervisor should start the worker again


def _warm(stage: str) -> None:
    """Pool initializer: load models before the first batch arrives."""
    _exit_with_parent()
    if stage == "extract":
        from streams.nlp.model import load_nlp

        load_nlp()
    elif stage == "geotag":
        from streams.nlp.geo import load_gazetteer

        load_gazetteer()


def _exit_with_parent() -> None:
    """Make this pool process exit when the worker that started it is gone: after a kill -9
    of the worker it would otherwise wait on its task queue forever, holding the models."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class StageRunner:
    """Runs one stage's pure code over batches of Faust events and routes the results."""

    def __init__(self, app: faust.App, stage: str, settings: Settings) -> None:
        self.stage = stage
        self.settings = settings
        in_base, out_base = topics.STAGES[stage]
        self.input = app.topic(topics.name(settings, in_base))
        self.output = app.topic(topics.name(settings, out_base))
        self.dlq = app.topic(topics.name(settings, topics.DLQ))
        self.run = pipeline.RUNNERS[stage]
        self._pool: ProcessPoolExecutor | None = None

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.settings.nlp_processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
                initargs=(self.stage,),
            )
        return self._pool

    def agent(self, app: faust.App, post: PostHook | None = None) -> None:
        """Register the stage's agent on ``app``; ``post`` runs on the loop after the pool."""

        @app.agent(self.input, name=f"{self.stage}-agent")
        async def process(stream: faust.StreamT) -> None:
            async for events in stream.take_events(
                self.settings.batch_size, within=self.settings.batch_within_s
            ):
                try:
                    await self.handle(events, post)
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
            self.stage,
            len(events),
            EXIT_UNDELIVERED,
            exc_info=True,
        )
        logging.shutdown()
        self._reset_pool()
        os._exit(EXIT_UNDELIVERED)

    async def handle(self, events: Sequence[faust.EventT], post: PostHook | None) -> None:
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
        done = await self._in_pool([events[i].value or b"" for i in todo])
        if post is not None:
            done = post(done)
        for i, result in zip(todo, done, strict=True):
            results[i] = result
        futures = [
            await self._send(event, result) for event, result in zip(events, results, strict=True)
        ]
        await asyncio.gather(*futures)

    async def _in_pool(self, payloads: list[bytes]) -> list[Result]:
        """Run the stage in the pool; a batch that overruns the timeout is retried one by one
        so that only the slow article goes to the dead-letter topic."""
        if not payloads:
            return []
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
                    Failure("timeout", f"{self.stage} took over {self.settings.stage_timeout_s}s")
                )
        return results

    async def _call(self, payloads: list[bytes]) -> list[Result]:
        """Run ``payloads`` in the pool, split into one chunk per NLP process, in order."""
        loop = asyncio.get_running_loop()
        size = -(-len(payloads) // max(1, self.settings.nlp_processes))
        chunks = [payloads[i : i + size] for i in range(0, len(payloads), size)]
        futures = [loop.run_in_executor(self.pool, self.run, chunk) for chunk in chunks]
        try:
            done = await asyncio.wait_for(asyncio.gather(*futures), self.settings.stage_timeout_s)
            return [result for chunk in done for result in chunk]
        except Exception as exc:  # a crashed pool process: fail the batch, keep the worker
            if isinstance(exc, TimeoutError):
                raise
            log.exception("%s pool failed", self.stage)
            self._reset_pool()
            return [Failure("exception", f"worker process failed: {exc!r}") for _ in payloads]

    def _reset_pool(self) -> None:
        """Kill the pool's processes (a stuck article cannot be cancelled otherwise)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    async def _send(self, event: faust.EventT, result: Result | None) -> Any:
        if isinstance(result, dict):
            key = result["article_id"].encode()
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
            self.stage,
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


def _key(event: faust.EventT) -> str | None:
    key = event.key
    if isinstance(key, bytes):
        return key.decode("utf-8", "replace") or None
    return key or None
