"""The ``newsstream`` command line."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from typing import Any

import orjson

from streams import flow
from streams.messages import topics
from streams.settings import Settings, SettingsError, load

EVALS = {
    "boilerplate": "the clean stage vs trafilatura, readability, jusText (sh4 F1)",
    "ner": "entities on CoNLL-2003 (micro F1)",
    "quotes": "quotes and their speakers on PolNeAR",
    "geo": "toponyms: recognition F1, accuracy at 161 km, AUC",
    "stories": "story clustering: B-cubed P/R/F1 vs a TF-IDF single-pass baseline",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["eval"] and argv[1:2] and argv[1] in EVALS:
            return run_eval(argv[1], argv[2:])  # each benchmark parses its own options
        args = build_parser().parse_args(argv)
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except (RuntimeError, FileNotFoundError, ValueError, SettingsError) as exc:
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
    broker.add_argument("action", choices=("start", "stop", "status", "jars"))
    broker.set_defaults(func=cmd_broker)

    worker = sub.add_parser("worker", help="run stage workers (Faust)")
    worker.add_argument("--stage", choices=(*flow.NAMES, "all"), default="all")
    worker.set_defaults(func=cmd_worker)

    ingest = sub.add_parser("ingest", help="send articles to articles.raw")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help=".jsonl/.html/.txt, dirs, or -")
    ingest.set_defaults(func=cmd_ingest)

    run = sub.add_parser("run", help="the main job: broker, workers, ingest, wait, summary")
    run.add_argument("paths", nargs="*", metavar="PATH", help="default: the bundled sample")
    run.add_argument("--timeout", type=float, default=900.0, help="seconds to wait (900)")
    run.set_defaults(func=cmd_run)

    tail = sub.add_parser("tail", help="print sink records as JSON lines")
    tail.add_argument("-n", type=int, default=10, help="the last N records in all (10)")
    tail.add_argument("--follow", "-f", action="store_true")
    tail.set_defaults(func=cmd_tail)

    stories = sub.add_parser("stories", help="print the top stories (one event across outlets)")
    stories.add_argument("-n", type=int, default=10, help="the top N stories (10)")
    stories.add_argument("--follow", "-f", action="store_true", help="then print each update")
    stories.add_argument("--article", metavar="ID", help="the story of this article id")
    stories.add_argument("--json", action="store_true", help="story records as JSON lines")
    stories.set_defaults(func=cmd_stories)

    trends = sub.add_parser("trends", help="print the trending entities and places")
    trends.add_argument(
        "--window", help="window size: 1h, 15m, 1d, 3600 (default: the largest on the topic)"
    )
    trends.add_argument("-n", type=int, default=20, help="the top N names (20)")
    trends.add_argument("--json", action="store_true", help="trend records as JSON lines")
    trends.set_defaults(func=cmd_trends)

    process = sub.add_parser("process", help="run the stages in-process, no broker")
    process.add_argument("paths", nargs="*", metavar="PATH", help="default: stdin (JSONL)")
    process.set_defaults(func=cmd_process)

    replay = sub.add_parser(
        "replay",
        help="re-run a time range through the stages beside the live pipeline (backfill)",
        description="Re-run [--since, --until) of a stage's input topic through that stage and "
        "the later ones, in a process of its own beside the live workers (docs/replay.md). "
        "Resumable by --id; --list shows replays.",
    )
    replay.add_argument("--since", help="ISO time to replay from (required for a new replay)")
    replay.add_argument("--until", help="ISO time to stop before (default: now)")
    replay.add_argument(
        "--source",
        nargs="+",
        action="extend",
        default=[],
        metavar="DOMAIN",
        help="only articles from these source domains (and their subdomains)",
    )
    replay.add_argument(
        "--from-stage",
        choices=[stage.name for stage in flow.TO_SINK],
        default="clean",
        help="the stage to start from: its input topic is read (clean)",
    )
    replay.add_argument(
        "--to", metavar="TOPIC", help="write to this shadow sink topic instead of the live sink"
    )
    replay.add_argument("--rate", type=float, help="at most N articles/s (default: no limit)")
    replay.add_argument("--id", help="name of the replay: resumes it when it exists")
    replay.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be replayed, per partition and source",
    )
    replay.add_argument("--list", action="store_true", help="list replays and their state")
    replay.add_argument("--nice", type=int, default=10, help="CPU niceness of the replay (10)")
    replay.add_argument("--stage", help=argparse.SUPPRESS)  # the old rewind: now `rewind`
    replay.set_defaults(func=cmd_replay)

    rewind = sub.add_parser(
        "rewind", help="move a stopped stage's consumer group back (refuses while it runs)"
    )
    rewind.add_argument("--stage", choices=flow.NAMES, required=True)
    rewind.add_argument("--since", help="ISO time to rewind to (default: the beginning)")
    rewind.set_defaults(func=cmd_rewind)

    diff = sub.add_parser("diff", help="what changed per article between two sink topics")
    diff.add_argument("topic_a", metavar="TOPIC_A", help="e.g. the live sink, articles.geo")
    diff.add_argument("topic_b", metavar="TOPIC_B", help="e.g. a shadow sink written by replay")
    diff.add_argument("--since", help="only articles ingested at or after this ISO time")
    diff.add_argument("--limit", type=int, help="show at most N changed articles")
    diff.add_argument("--json", action="store_true", help="one JSON document")
    diff.set_defaults(func=cmd_diff)

    dlq = sub.add_parser("dlq", help="inspect and re-drive dead letters")
    dlq.add_argument("action", choices=("list", "show", "replay"))
    dlq.add_argument("offsets", nargs="*", metavar="PARTITION:OFFSET", help="for show/replay")
    dlq.set_defaults(func=cmd_dlq)

    status = sub.add_parser("status", help="broker, topics, stage groups and lag, dead letters")
    status.add_argument("--watch", "-w", action="store_true", help="refresh every 2 s")
    status.set_defaults(func=cmd_status)

    dashboard = sub.add_parser("dashboard", help="live web page: throughput, lag, DLQ, map")
    dashboard.add_argument("--host", default="127.0.0.1", help="address to listen on")
    dashboard.add_argument("--port", type=int, default=8080, help="port (8080)")
    dashboard.add_argument("--interval", type=float, default=2.0, help=argparse.SUPPRESS)
    dashboard.set_defaults(func=cmd_dashboard)

    evals = sub.add_parser(
        "eval",
        help="score a stage on a benchmark file",
        description="Score a stage on a benchmark file, beside peers or baselines in the same "
        "run. `newsstream eval BENCH --help` lists a benchmark's options.",
    )
    benches = evals.add_subparsers(dest="bench", required=True, metavar="BENCH")
    for bench, summary in EVALS.items():
        benches.add_parser(bench, help=summary)  # for this help only: see main()
    return parser


def ensure_broker(settings: Settings) -> None:
    """Make sure a broker answers and the topics exist: the embedded one is started if needed."""
    from streams.kafka.broker import Broker
    from streams.kafka.clients import ensure_topics, wait_for_broker

    if settings.embedded:
        Broker.from_settings(settings).start(settings)
    else:
        asyncio.run(wait_for_broker(settings, timeout=30))
    asyncio.run(ensure_topics(settings))


def require_broker(settings: Settings) -> None:
    """For commands that only read or re-drive: a broker that is down is an error, never a
    reason to start one."""
    from streams.kafka.clients import BrokerError, wait_for_broker

    try:
        asyncio.run(wait_for_broker(settings, timeout=5))
    except BrokerError as exc:
        start = "; start it with `newsstream broker start`" if settings.embedded else ""
        raise RuntimeError(f"{exc}{start}") from None


def cmd_broker(args: argparse.Namespace) -> int:
    from streams.kafka.broker import Broker, ensure_jars
    from streams.kafka.clients import wait_for_broker

    settings = load()
    if args.action == "jars":
        print(ensure_jars(settings.cache))
        return 0
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
    from streams.kafka.workers import run_all, run_stage

    settings = load()
    ensure_broker(settings)
    if args.stage == "all":
        return run_all(settings)
    run_stage(args.stage, settings)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from streams.kafka.ingest import ingest

    settings = load()
    ensure_broker(settings)
    summary = asyncio.run(ingest(settings, args.paths))
    print(f"ingested {summary.ingested}, dead-lettered {summary.dead}", file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from streams.cli.run import run

    settings = load()
    ensure_broker(settings)
    return run(settings, args.paths, args.timeout)


def cmd_stories(args: argparse.Namespace) -> int:
    from streams.cli.stories import stories_command

    settings = load()
    require_broker(settings)
    return stories_command(settings, args)


def cmd_trends(args: argparse.Namespace) -> int:
    from streams.cli.stories import trends_command

    settings = load()
    require_broker(settings)
    return trends_command(settings, args)


def cmd_tail(args: argparse.Namespace) -> int:
    from streams.kafka.topic_reader import end_offsets, records

    settings = load()
    require_broker(settings)
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
    from streams.inprocess import process_items
    from streams.messages.inputs import discover, read_items

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


def run_eval(bench: str, argv: list[str]) -> int:
    """Each benchmark module brings its own options; import it only when it is asked for."""
    module = importlib.import_module(f"streams.evals.{bench}")
    parser = argparse.ArgumentParser(
        prog=f"newsstream eval {bench}", description=(module.__doc__ or "").strip()
    )
    module.add_arguments(parser)
    return module.run(parser.parse_args(argv))


def cmd_replay(args: argparse.Namespace) -> int:
    from streams.cli.replay import replay_command

    if args.stage:
        raise RuntimeError(
            "`replay --stage` moved a live group's offsets; it is now `newsstream rewind "
            "--stage S [--since T]` (stopped workers only). `replay --since T` runs beside them"
        )
    settings = load()
    require_broker(settings)
    return replay_command(settings, args)


def cmd_rewind(args: argparse.Namespace) -> int:
    from streams.kafka.replay import parse_time
    from streams.kafka.rewind import rewind

    settings = load()
    require_broker(settings)
    offsets = asyncio.run(rewind(settings, args.stage, parse_time(args.since)))
    print(
        f"{args.stage} stage rewound to {offsets}; start its workers to re-process",
        file=sys.stderr,
    )
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from streams.kafka.diff import diff_topics, render
    from streams.kafka.replay import parse_time

    settings = load()
    require_broker(settings)
    report = asyncio.run(
        diff_topics(settings, args.topic_a, args.topic_b, parse_time(args.since), args.limit)
    )
    if args.json:
        document = report.totals() | {"articles": [a.to_json() for a in report.articles]}
        print(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    else:
        print(render(report))
    return 0


def cmd_dlq(args: argparse.Namespace) -> int:
    from streams.cli.dlq import dlq_command

    settings = load()
    require_broker(settings)
    return asyncio.run(dlq_command(settings, args.action, args.offsets))


def cmd_status(args: argparse.Namespace) -> int:
    """Read-only: it never starts a broker (a down broker is part of the status)."""
    from streams.cli.status import status_command

    return status_command(load(), args.watch)


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard; it reads the broker but never starts one."""
    from streams.kafka.clients import BrokerError, ensure_topics, wait_for_broker
    from streams.ops.dashboard import serve

    settings = load()

    async def go() -> None:
        try:
            await wait_for_broker(settings, timeout=5)
        except BrokerError as exc:
            start = "; start it with `newsstream broker start`" if settings.embedded else ""
            raise RuntimeError(f"{exc}{start}") from None
        await ensure_topics(settings)
        try:
            await serve(settings, args.host, args.port, interval=args.interval)
        except OSError as exc:
            raise RuntimeError(f"cannot listen on {args.host}:{args.port}: {exc}") from None

    asyncio.run(go())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
