"""Minimal reproduction: a faust-streaming worker that restarts while a GlobalTable recovers
can report "Worker ready" and then never consume records waiting on partitions that have no
committed offset.

Needs faust-streaming (0.15.3) and a Kafka broker; nothing else.

    python repro_refetch.py [--broker kafka://localhost:9092] [--rounds 10]

Each round uses a fresh consumer group and input topic (so no partition has a committed
offset), puts one record on each of its 4 partitions, starts a worker, kills it with SIGKILL
within a second, starts it again and waits for the 4 records. A round where the restarted
worker logs "Worker ready" and then sits idle with records waiting is reported as IDLE.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

import faust

PARTITIONS = 4


def make_app(name: str, broker: str) -> faust.App:
    app = faust.App(
        name,
        broker=broker,
        store="memory://",
        topic_partitions=PARTITIONS,
        topic_replication_factor=1,
        web_enabled=False,
    )
    # A GlobalTable: every worker start runs table recovery (the partitions of the agent's
    # topic are paused meanwhile), which is what opens the window.
    app.GlobalTable("state", default=int, partitions=1)
    topic = app.topic(f"{name}-in", value_serializer="raw", partitions=PARTITIONS)

    @app.agent(topic)
    async def consume(stream: faust.StreamT) -> None:
        async for event in stream.events():
            print(f"CONSUMED p{event.message.partition}@{event.message.offset}", flush=True)

    return app


def worker(name: str, broker: str) -> None:
    """Run one worker (the child process)."""
    make_app(name, broker).main()


async def produce(name: str, broker: str) -> None:
    """Create the input topic and put one record on each partition."""
    app = make_app(name, broker)
    topic = app.topic(f"{name}-in", value_serializer="raw", partitions=PARTITIONS)
    async with app.producer:
        await topic.maybe_declare()
        for partition in range(PARTITIONS):
            fut = await topic.send(key=b"k", value=b"waiting", partition=partition)
            await fut


def start(name: str, broker: str) -> subprocess.Popen[str]:
    argv = [sys.executable, __file__, "--broker", broker, "--worker", name, "worker", "-l", "info"]
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def watch(proc: subprocess.Popen[str], wait_after_ready: float, limit: float) -> tuple[bool, int]:
    """(worker became ready, records consumed) ``wait_after_ready`` s after it logged ready."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    ready_at, consumed = None, 0
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and consumed < PARTITIONS:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if "Worker ready" in line and ready_at is None:
            ready_at = time.monotonic()
            deadline = ready_at + wait_after_ready
        if "CONSUMED p" in line:  # faust redirects print to its log
            consumed += 1
    return ready_at is not None, consumed


def kill(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", default="kafka://localhost:9092")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--wait", type=float, default=20.0, help="seconds to wait after ready")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.worker:
        sys.argv = [sys.argv[0], *rest]
        worker(args.worker, args.broker)
        return 0
    run = uuid.uuid4().hex[:6]
    idle = 0
    for n in range(1, args.rounds + 1):
        name = f"refetch-repro-{run}-{n}"
        asyncio.run(produce(name, args.broker))
        first = start(name, args.broker)
        time.sleep(random.uniform(0.3, 1.0))
        kill(first)  # SIGKILL: nothing is committed
        second = start(name, args.broker)
        ready, consumed = watch(second, args.wait, limit=180)
        kill(second)
        if ready and consumed < PARTITIONS:
            idle += 1
            verdict = f"IDLE: ready, {PARTITIONS - consumed} of {PARTITIONS} records never consumed"
        elif not ready:
            verdict = "worker never became ready (inconclusive)"
        else:
            verdict = "ok"
        print(f"round {n}: consumed {consumed}/{PARTITIONS}: {verdict}", flush=True)
    print(f"{idle} of {args.rounds} restarted workers sat idle with records waiting")
    return 1 if idle else 0


if __name__ == "__main__":
    sys.exit(main())
