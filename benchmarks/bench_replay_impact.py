"""Live throughput with and without a replay running beside the live workers.

Starts an embedded broker and one worker per stage, then measures live throughput (articles/s
from ingest until the last one is in the sink) three times over fresh articles: with no
replay, with an unthrottled replay at nice 10 over the first batch's time range, and with one
at ``--rate`` articles/s. Prints articles/s per phase and the slow-down (docs/replay.md).

Usage (from the repository root, it reuses the test helpers):
    PYTHONPATH=. .venv/bin/python benchmarks/bench_replay_impact.py [--articles 150] [--rate 5]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from streams.kafka.broker import Broker
from streams.kafka.clients import ensure_topics
from streams.kafka.ingest import ingest
from streams.messages import topics
from streams.settings import Settings, load
from tests.conftest import Workers, free_port, settings_env
from tests.integration.kafkautil import collect, have_ids
from tests.integration.test_replay import write_articles


def live_phase(settings: Settings, home: Path, tag: str, n: int) -> tuple[float, str, str]:
    """Ingest ``n`` new articles; seconds until all are in the sink, and their time range."""
    path = home / f"{tag}.jsonl"
    ids = set(write_articles(path, tag, n))
    since = dt.datetime.now(dt.UTC).isoformat()
    started = time.monotonic()
    asyncio.run(ingest(settings, [str(path)], progress=False))
    until = dt.datetime.now(dt.UTC).isoformat()
    seen = asyncio.run(collect(settings, topics.SINK, have_ids(ids), timeout=1800))
    assert ids <= {v["article_id"] for v in seen}
    return time.monotonic() - started, since, until


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100, help="live articles per phase")
    parser.add_argument("--history", type=int, default=600, help="articles the replays read")
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    broker = Broker(home=home / "kafka", port=free_port(), controller_port=free_port())
    settings = load().replace(
        broker=f"kafka://{broker.bootstrap}", home=home, metrics_port=0, topic_prefix="b.",
        batch_within_s=0.2,
    )  # fmt: skip
    broker.start(settings, timeout=120)
    workers = Workers(settings, home)
    modes = {
        "no replay": None,
        "replay, nice 10, no rate limit": [],
        f"replay, nice 10, --rate {args.rate:g}": ["--rate", str(args.rate)],
    }
    results: dict[str, list[float]] = {mode: [] for mode in modes}
    try:
        asyncio.run(ensure_topics(settings))
        for stage in ("clean", "extract", "geotag"):
            workers.start(stage)
        _, since, until = live_phase(settings, home, "history", args.history)
        for round_ in range(args.rounds):
            for index, (mode, extra) in enumerate(modes.items()):
                replay = None
                if extra is not None:  # a replay of the whole history, running throughout
                    replay = subprocess.Popen(
                        [sys.executable, "-m", "streams", "replay", "--since", since,
                         "--until", until, "--to", f"b.shadow-{round_}-{index}", "--nice", "10",
                         *extra],
                        env=settings_env(settings), stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )  # fmt: skip
                    time.sleep(8)  # models loaded, replaying
                seconds, _, _ = live_phase(settings, home, f"live{round_}-{index}", args.articles)
                results[mode].append(args.articles / seconds)
                if replay is not None:
                    alive = replay.poll() is None
                    replay.terminate()
                    replay.wait(120)
                    assert alive, "the replay ended before the live phase did: raise --history"
    finally:
        workers.stop_all()
        broker.stop()
    base = statistics.median(results["no replay"])
    for mode, rates in results.items():
        rate = statistics.median(rates)
        each = ", ".join(f"{r:.1f}" for r in rates)
        print(f"{mode:<34} {rate:6.1f} articles/s median ({100 * (rate / base - 1):+.0f}%; {each})")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
