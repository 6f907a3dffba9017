"""``newsstream run``: the main job on one machine, from articles to a summary."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from typing import Any

from tqdm import tqdm

from streams import flow
from streams.kafka.clients import client_options
from streams.kafka.ingest import ingest
from streams.kafka.topic_reader import end_offsets, records
from streams.kafka.workers import stage_command
from streams.messages import topics
from streams.resources import data_dir
from streams.settings import Settings


def run(settings: Settings, paths: list[str], timeout: float) -> int:
    """Ingest ``paths`` (default: the bundled sample), wait until every article is in the
    sink or the dead-letter topic, print a summary. Stage workers that are already running
    (``newsstream worker``) are used and left running; otherwise ``run`` starts them and
    stops them at the end."""
    started = time.monotonic()
    sink, dlq = topics.name(settings, topics.SINK), topics.name(settings, topics.DLQ)
    starts = {t: asyncio.run(end_offsets(settings, t)) for t in (sink, dlq)}
    log_path = settings.home / "logs" / "workers.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupt)  # so that `finally` stops the workers
    workers = None
    if asyncio.run(_all_stages_running(settings)):
        print("reusing the running stage workers (they keep running)", file=sys.stderr)
    else:
        with open(log_path, "ab") as log:
            command = stage_command("all")
            workers = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        print(f"workers started (log: {log_path})", file=sys.stderr)
    try:
        summary = asyncio.run(ingest(settings, paths or [str(data_dir("sample"))]))
        found = asyncio.run(_await_accounted(settings, starts, set(summary.article_ids), timeout))
    finally:
        if workers is not None:
            workers.send_signal(signal.SIGTERM)
            try:
                workers.wait(60)
            except subprocess.TimeoutExpired:
                workers.kill()
    in_sink = [r for r in found.values() if r.get("schema", "").startswith("newsstream.article")]
    in_dlq = len(found) - len(in_sink)
    missing = len(set(summary.article_ids)) - len(found)
    print(
        f"articles {len(set(summary.article_ids)) + summary.dead}: "
        f"in sink {len(in_sink)}, dead letters {in_dlq + summary.dead} "
        f"(at ingest {summary.dead}), missing {missing}\n"
        f"entities {sum(len(r['entities']) for r in in_sink)}, "
        f"claims {sum(len(r['claims']) for r in in_sink)}, "
        f"places {sum(len(r['places']) for r in in_sink)}\n"
        f"took {time.monotonic() - started:.1f}s; read the sink with `newsstream tail`; "
        f"stop the broker with `newsstream broker stop`"
    )
    return 0 if missing == 0 else 1


async def _all_stages_running(settings: Settings) -> bool:
    """True when every stage's consumer group has members (``newsstream worker`` is up).
    Only the groups are described: nothing else of the status is needed here."""
    from aiokafka.admin import AIOKafkaAdminClient

    groups = [topics.app_id(settings, stage.name) for stage in flow.STAGES]
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=5000)
    try:
        await admin.start()
        for group in groups:  # one group per request: aiokafka 0.14 misreads a multi-group reply
            [response] = await admin.describe_consumer_groups([group])
            [(_error, _id, _state, _ptype, _protocol, members, *_)] = response.groups
            if not members:
                return False
    except Exception:  # noqa: BLE001 - then start workers of our own
        return False
    finally:
        await admin.close()
    return True


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


async def _await_accounted(
    settings: Settings, starts: dict[str, dict[int, int]], expected: set[str], timeout: float
) -> dict[str, dict[str, Any]]:
    """Follow the sink and the DLQ from ``starts`` until every expected id shows up in one."""
    found: dict[str, dict[str, Any]] = {}
    bar = tqdm(total=len(expected), desc="processed", unit=" articles", file=sys.stderr)

    async def follow(topic: str) -> None:
        async for _message, value in records(settings, topic, start=starts[topic], follow=True):
            article_id = value.get("article_id")
            if article_id in expected and article_id not in found:
                found[article_id] = value
                bar.update(1)
                if len(found) == len(expected):
                    return

    tasks = [asyncio.create_task(follow(t)) for t in starts]
    try:
        deadline = time.monotonic() + timeout
        while len(found) < len(expected) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        bar.close()
    if len(found) < len(expected):
        left = sorted(expected - set(found))
        print(f"timed out after {timeout:.0f}s; not accounted: {left[:20]}", file=sys.stderr)
    return found
