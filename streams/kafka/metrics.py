"""Prometheus metrics of a stage worker (docs/operations.md lists them with what to alert on).

Every metric is defined here, in one registry (:data:`REGISTRY`), with the official
``prometheus_client``. Only the Faust worker process records: the NLP pool processes return
their results and the agent counts them on the event loop, where recording is a few dict and
lock operations. The HTTP endpoint (``/metrics``) is ``prometheus_client``'s server thread, and
consumer lag and the source-memory size are refreshed by a Faust timer every few seconds with
asyncio Kafka clients, so the event loop never waits on metrics.

Each stage serves on its own port, ``NEWSSTREAM_METRICS_PORT`` + its index in
``streams.flow.STAGES`` (9464, 9465, 9466 by default), in every mode; 0 turns metrics off.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    start_http_server,
)
from prometheus_client.metrics import MetricWrapperBase

from streams import flow
from streams.messages import topics
from streams.messages.dead_letters import Failure
from streams.settings import Settings

log = logging.getLogger(__name__)

disable_created_metrics()  # no *_created series: the names below are all there is
REGISTRY = CollectorRegistry(auto_describe=True)
LAG_INTERVAL_S = 5.0

ARTICLES_IN = Counter(
    "newsstream_articles_in",
    "Input records a stage took from its input topic.",
    ["stage"],
    registry=REGISTRY,
)
ARTICLES_OUT = Counter(
    "newsstream_articles_out",
    "Records a stage wrote (delivered) to its output topic.",
    ["stage"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "newsstream_dead_letters",
    "Dead letters a stage wrote (delivered) to the DLQ, by error class.",
    ["stage", "error_class"],
    registry=REGISTRY,
)
BATCH_DURATION = Histogram(
    "newsstream_stage_batch_duration_seconds",
    "Time a batch spent in the stage's NLP process pool.",
    ["stage"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120, 300),
    registry=REGISTRY,
)
BATCH_SIZE = Histogram(
    "newsstream_batch_size",
    "Events per batch a stage took.",
    ["stage"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
    registry=REGISTRY,
)
END_TO_END = Histogram(
    "newsstream_end_to_end_latency_seconds",
    "From an article's ingested_at to the delivery of its sink record (observed by the last "
    "stage).",
    buckets=(0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600),
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "newsstream_consumer_lag",
    "Messages not yet committed by the stage's consumer group: log-end offset minus committed "
    "offset, per input partition.",
    ["stage", "topic", "partition"],
    registry=REGISTRY,
)
POOL_RESTARTS = Counter(
    "newsstream_pool_restarts",
    "Times a stage killed and replaced its NLP process pool (timeout or crashed process).",
    ["stage"],
    registry=REGISTRY,
)
ARTICLES_SPREAD = Counter(
    "newsstream_articles_spread",
    "Long articles whose model work a stage spread over its free NLP processes.",
    ["stage"],
    registry=REGISTRY,
)
_COUNT_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500)
ENTITIES = Histogram(
    "newsstream_entities_per_article",
    "Entities per article (observed after extract).",
    ["stage"],
    buckets=_COUNT_BUCKETS,
    registry=REGISTRY,
)
CLAIMS = Histogram(
    "newsstream_claims_per_article",
    "Claims per article (observed after extract).",
    ["stage"],
    buckets=_COUNT_BUCKETS,
    registry=REGISTRY,
)
PLACES = Histogram(
    "newsstream_places_per_article",
    "Places per article (observed after geotag).",
    ["stage"],
    buckets=_COUNT_BUCKETS,
    registry=REGISTRY,
)
SOURCE_MEMORY = Gauge(
    "newsstream_source_memory_sources",
    "Sources (domains) in the clean stage's learned per-source memory.",
    registry=REGISTRY,
)
BUILD_INFO = Gauge(
    "newsstream_build_info",
    "Always 1; the labels say which newsstream, spaCy model and gazetteer index run.",
    ["version", "model", "gazetteer"],
    registry=REGISTRY,
)

METRICS: tuple[MetricWrapperBase, ...] = (
    ARTICLES_IN, ARTICLES_OUT, DEAD_LETTERS, BATCH_DURATION, BATCH_SIZE, END_TO_END,
    CONSUMER_LAG, POOL_RESTARTS, ARTICLES_SPREAD, ENTITIES, CLAIMS, PLACES, SOURCE_MEMORY,
    BUILD_INFO,
)  # fmt: skip

# Which per-article counts are known after which stage's output.
_COUNTS = {"extract": ((ENTITIES, "entities"), (CLAIMS, "claims")), "geotag": ((PLACES, "places"),)}


def metric_names() -> set[str]:
    """Every metric name defined here, with the names of its series: a counter ``x`` as
    ``x_total``, a histogram ``h`` as ``h``, ``h_bucket``, ``h_sum`` and ``h_count``."""
    names: set[str] = set()
    for family in (f for metric in METRICS for f in metric.describe()):
        base, kind = family.name, family.type
        if kind == "counter":
            names |= {f"{base}_total"}
        elif kind == "histogram":
            names |= {base, f"{base}_bucket", f"{base}_sum", f"{base}_count"}
        else:
            names.add(base)
    return names


def port(settings: Settings, stage: str) -> int:
    """The port ``stage`` serves /metrics on (0: metrics off)."""
    if not settings.metrics_port:
        return 0
    return settings.metrics_port + flow.NAMES.index(stage)


def url(settings: Settings, stage: str) -> str:
    return f"http://127.0.0.1:{port(settings, stage)}/metrics"


# -- recording, called by the agent on the event loop --------------------------------------


def batch_taken(stage: str, size: int) -> None:
    ARTICLES_IN.labels(stage).inc(size)
    BATCH_SIZE.labels(stage).observe(size)


def batch_processed(stage: str, seconds: float) -> None:
    BATCH_DURATION.labels(stage).observe(seconds)


def pool_restarted(stage: str) -> None:
    POOL_RESTARTS.labels(stage).inc()


def article_spread(stage: str) -> None:
    ARTICLES_SPREAD.labels(stage).inc()


def delivered(stage: str, results: Sequence[Any], *, last: bool) -> None:
    """Count a batch's results once their records and dead letters are delivered; ``last``:
    the stage writes the sink, so the end-to-end latency is observed too."""
    now = dt.datetime.now(dt.UTC)
    out = 0
    for result in results:
        if isinstance(result, Failure):
            DEAD_LETTERS.labels(stage, result.error_class).inc()
            continue
        out += 1
        for histogram, field in _COUNTS.get(stage, ()):
            histogram.labels(stage).observe(len(result.get(field) or ()))
        if last:
            seconds = _since(result.get("ingested_at"), now)
            if seconds is not None:
                END_TO_END.observe(seconds)
    if out:
        ARTICLES_OUT.labels(stage).inc(out)


def _since(iso: Any, now: dt.datetime) -> float | None:
    if not isinstance(iso, str):
        return None
    try:
        then = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=dt.UTC)
    return max(0.0, (now - then).total_seconds())


# -- serving, in the worker process ---------------------------------------------------------


def build_labels(settings: Settings) -> dict[str, str]:
    from importlib import metadata

    from streams.nlp.geo.build import cache_path
    from streams.nlp.model import MODEL

    try:
        version = metadata.version("newsstream")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        model = f"{MODEL}-{metadata.version(MODEL.replace('_', '-'))}"
    except metadata.PackageNotFoundError:
        model = MODEL
    return {"version": version, "model": model, "gazetteer": cache_path(settings.cache).stem}


def serve(app: Any, stage: str, settings: Settings) -> int:
    """Start ``stage``'s /metrics endpoint (a thread) and the timer that refreshes lag and the
    source-memory size on ``app``; returns the port, or 0 when metrics are off or the port is
    taken (the worker then runs without metrics rather than not at all)."""
    number = port(settings, stage)
    if not number:
        return 0
    BUILD_INFO.labels(**build_labels(settings)).set(1)
    spec = flow.stage(stage)
    if spec.table is None:  # unlabelled metrics only where they mean something
        REGISTRY.unregister(SOURCE_MEMORY)
    if spec.output != topics.SINK:
        REGISTRY.unregister(END_TO_END)
    for metric in (ARTICLES_IN, ARTICLES_OUT, POOL_RESTARTS, BATCH_DURATION, BATCH_SIZE):
        metric.labels(stage)  # the series exist, at 0, from the start
    try:
        start_http_server(number, addr="0.0.0.0", registry=REGISTRY)  # noqa: S104 - scraped
    except OSError as exc:
        log.error("%s: metrics port %d is taken (%s); running without metrics", stage, number, exc)
        return 0
    refresher = LagRefresher(stage, settings, app)
    app.timer(LAG_INTERVAL_S, name=f"{stage}-metrics-refresh")(refresher.refresh)
    app.on_before_shutdown.connect(refresher.close)
    return number


class LagRefresher:
    """Reads the stage group's committed offsets and its input's log-end offsets with
    asyncio Kafka clients (kept open between refreshes) and sets the lag gauges."""

    def __init__(self, stage: str, settings: Settings, app: Any) -> None:
        spec = flow.stage(stage)
        self.stage = stage
        self.settings = settings
        self.app = app
        self.topic = topics.name(settings, spec.input)
        self.group = topics.app_id(settings, stage)
        self.table = spec.table
        self._admin: Any = None
        self._consumer: Any = None
        self._failed = False

    async def refresh(self) -> None:
        try:
            await self._refresh_lag()
        except Exception as exc:  # noqa: BLE001 - a broker hiccup: try again next time
            level = logging.INFO if self._failed else logging.WARNING
            self._failed = True
            log.log(level, "%s: consumer lag refresh failed: %r", self.stage, exc)
            await self._close()
        else:
            self._failed = False
        if self.table is not None:
            SOURCE_MEMORY.set(source_count(self.app.tables.get(self.table) or {}))

    async def _refresh_lag(self) -> None:
        from aiokafka import TopicPartition
        from aiokafka.admin import AIOKafkaAdminClient

        from streams.kafka.clients import client_options, consumer
        from streams.kafka.topic_reader import partitions

        if self._admin is None:
            self._admin = AIOKafkaAdminClient(**client_options(self.settings))
            await self._admin.start()
            self._consumer = consumer(self.settings, enable_auto_commit=False)
            await self._consumer.start()
        parts = await partitions(self._consumer, self.topic)
        ends = await self._consumer.end_offsets([TopicPartition(self.topic, p) for p in parts])
        committed = await self._admin.list_consumer_group_offsets(self.group)
        done = {
            tp.partition: meta.offset
            for tp, meta in committed.items()
            if tp.topic == self.topic and meta.offset >= 0
        }
        for tp, end in ends.items():
            lag = max(0, end - done.get(tp.partition, 0))
            CONSUMER_LAG.labels(self.stage, self.topic, str(tp.partition)).set(lag)

    async def close(self, *_args: Any, **_kwargs: Any) -> None:
        """Close the clients (connected to the app's before-shutdown signal)."""
        await self._close()

    async def _close(self) -> None:
        for client in (self._consumer, self._admin):
            if client is not None:
                try:
                    await client.close() if client is self._admin else await client.stop()
                except Exception:  # noqa: BLE001, S110 - closing a broken client
                    pass
        self._admin = self._consumer = None


def source_count(table: Any) -> int:
    """Distinct source domains among the memory's keys (``domain|sentence-hash``)."""
    return len({key.partition("|")[0] for key in list(table.keys()) if isinstance(key, str)})
