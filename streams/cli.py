"""The ``newsstream`` command line."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import signal
import subprocess
import sys
import time
from typing import Any

import orjson

from streams import topics
from streams.settings import REPO_ROOT, Settings, load

SAMPLE = REPO_ROOT / "streams" / "data" / "sample"
EVALS = ("boilerplate", "ner", "quotes", "geo")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except (RuntimeError, FileNotFoundError, ValueError) as exc:
        print(f"newsstream: error: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsstream",
        description="Event-streaming text pipeline for news on Kafka: "
        "clean -> entities and claims -> geo-tags.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    broker = sub.add_parser("broker", help="start, stop or inspect the embedded Kafka broker")
    broker.add_argument("action", choices=("start", "stop", "status"))
    broker.set_defaults(func=cmd_broker)

    worker = sub.add_parser("worker", help="run stage workers (Faust)")
    worker.add_argument("--stage", choices=(*topics.STAGES, "all"), default="all")
    worker.set_defaults(func=cmd_worker)

    ingest = sub.add_parser("ingest", help="send articles to articles.raw")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help=".jsonl/.html/.txt, dirs, or -")
    ingest.set_defaults(func=cmd_ingest)

    run = sub.add_parser("run", help="the main job: broker, workers, ingest, wait, summary")
    run.add_argument("paths", nargs="*", metavar="PATH", help="default: the bundled sample")
    run.add_argument("--timeout", type=float, default=900.0, help="seconds to wait (900)")
    run.set_defaults(func=cmd_run)

    tail = sub.add_parser("tail", help="print sink records as JSON lines")
    tail.add_argument("-n", type=int, default=10, help="the last N records (10)")
    tail.add_argument("--follow", "-f", action="store_true")
    tail.set_defaults(func=cmd_tail)

    process = sub.add_parser("process", help="run the stages in-process, no broker")
    process.add_argument("paths", nargs="*", metavar="PATH", help="default: stdin (JSONL)")
    process.set_defaults(func=cmd_process)

    replay = sub.add_parser("replay", help="re-process articles from articles.raw (backfill)")
    replay.add_argument("--since", help="ISO time to replay from (default: the beginning)")
    replay.add_argument("--stage", choices=tuple(topics.STAGES), default="clean")
    replay.set_defaults(func=cmd_replay)

    dlq = sub.add_parser("dlq", help="inspect and re-drive dead letters")
    dlq.add_argument("action", choices=("list", "show", "replay"))
    dlq.add_argument("offsets", nargs="*", metavar="PARTITION:OFFSET", help="for show/replay")
    dlq.set_defaults(func=cmd_dlq)

    evals = sub.add_parser("eval", help="score a stage on a benchmark file", add_help=False)
    evals.add_argument("bench", choices=EVALS, help="which benchmark")
    evals.add_argument("rest", nargs=argparse.REMAINDER, help="the benchmark's options (--help)")
    evals.set_defaults(func=cmd_eval)
    return parser


def ensure_broker(settings: Settings) -> None:
    """Make sure a broker answers and the topics exist: the embedded one is started if needed."""
    from streams.broker import Broker
    from streams.kafka import ensure_topics, wait_for_broker

    if settings.embedded:
        Broker.from_settings(settings).start(settings)
    else:
        asyncio.run(wait_for_broker(settings, timeout=30))
    asyncio.run(ensure_topics(settings))


def cmd_broker(args: argparse.Namespace) -> int:
    from streams.broker import Broker
    from streams.kafka import wait_for_broker

    settings = load()
    if not settings.embedded and args.action != "status":
        raise RuntimeError("NEWSSTREAM_BROKER is set: that broker is not ours to start or stop")
    broker = Broker.from_settings(settings)
    if args.action == "start":
        ensure_broker(settings)
        print(f"broker up at {settings.bootstrap} (data in {broker.home})")
    elif args.action == "stop":
        stopped = broker.stop()
        print("broker stopped" if stopped else "broker was not running")
    else:
        try:
            asyncio.run(wait_for_broker(settings, timeout=3))
            up = True
        except RuntimeError:
            up = False
        print(f"{settings.bootstrap} {'up' if up else 'down'}")
        return 0 if up else 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from streams.worker import run_all, run_stage

    settings = load()
    ensure_broker(settings)
    if args.stage == "all":
        return run_all(settings)
    run_stage(args.stage, settings)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from streams.ingest import ingest

    settings = load()
    ensure_broker(settings)
    summary = asyncio.run(ingest(settings, args.paths))
    print(f"ingested {summary.ingested}, dead-lettered {summary.dead}", file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from streams.ingest import ingest
    from streams.reader import end_offsets
    from streams.worker import stage_command

    settings = load()
    ensure_broker(settings)
    started = time.monotonic()
    sink, dlq = topics.name(settings, topics.SINK), topics.name(settings, topics.DLQ)
    starts = {t: asyncio.run(end_offsets(settings, t)) for t in (sink, dlq)}
    log_path = settings.home / "logs" / "workers.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupt)  # so that `finally` stops the workers
    with open(log_path, "ab") as log:
        workers = subprocess.Popen(stage_command("all"), stdout=log, stderr=subprocess.STDOUT)
    print(f"workers started (log: {log_path})", file=sys.stderr)
    try:
        summary = asyncio.run(ingest(settings, args.paths or [str(SAMPLE)]))
        found = asyncio.run(
            _await_accounted(settings, starts, set(summary.article_ids), args.timeout)
        )
    finally:
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


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


async def _await_accounted(
    settings: Settings, starts: dict[str, dict[int, int]], expected: set[str], timeout: float
) -> dict[str, dict[str, Any]]:
    """Follow the sink and the DLQ from ``starts`` until every expected id shows up in one."""
    from tqdm import tqdm

    from streams.reader import records

    found: dict[str, dict[str, Any]] = {}
    bar = tqdm(total=len(expected), desc="processed", unit="article", file=sys.stderr)

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


def cmd_tail(args: argparse.Namespace) -> int:
    from streams.reader import end_offsets, records

    settings = load()
    ensure_broker(settings)
    topic = topics.name(settings, topics.SINK)

    def emit(value: dict[str, Any]) -> None:
        sys.stdout.buffer.write(orjson.dumps(value) + b"\n")
        sys.stdout.flush()

    async def go() -> None:
        ends = await end_offsets(settings, topic)
        recent = [
            (m.timestamp, m.partition, m.offset, v)
            async for m, v in records(settings, topic, last=args.n)
        ]
        for *_, value in sorted(recent, key=lambda r: r[:3])[-args.n :]:
            emit(value)
        if args.follow:
            async for _message, value in records(settings, topic, start=ends, follow=True):
                emit(value)

    asyncio.run(go())
    return 0


def cmd_process(args: argparse.Namespace) -> int:
    from streams.ingest import discover, read_items
    from streams.local import process_items

    settings = load()
    items = read_items(discover(args.paths or ["-"]))
    dead = 0
    for record, letter in process_items(items, settings):
        if record is not None:
            sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
            sys.stdout.flush()
        else:
            dead += 1
            sys.stderr.buffer.write(orjson.dumps(letter) + b"\n")
    if dead:
        print(f"{dead} input(s) failed; their dead letters are on stderr", file=sys.stderr)
    return 1 if dead else 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Each benchmark module brings its own options; import it only when it is asked for."""
    module = importlib.import_module(f"streams.evals.{args.bench}")
    parser = argparse.ArgumentParser(
        prog=f"newsstream eval {args.bench}", description=(module.__doc__ or "").strip()
    )
    module.add_arguments(parser)
    return module.run(parser.parse_args(args.rest))


def cmd_replay(args: argparse.Namespace) -> int:
    import datetime as dt

    from streams.replay import rewind

    settings = load()
    ensure_broker(settings)
    since = dt.datetime.fromisoformat(args.since) if args.since else None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    offsets = asyncio.run(rewind(settings, args.stage, since))
    print(
        f"{args.stage} stage rewound to {offsets}; start its workers to re-process",
        file=sys.stderr,
    )
    return 0


def cmd_dlq(args: argparse.Namespace) -> int:
    from streams.dlqtool import dlq_command

    settings = load()
    ensure_broker(settings)
    return asyncio.run(dlq_command(settings, args.action, args.offsets))


if __name__ == "__main__":
    raise SystemExit(main())
