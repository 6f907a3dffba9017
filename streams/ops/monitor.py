"""What the dashboard shows, read from Kafka without joining any consumer group.

:class:`Board` holds the figures (pure, no I/O): offset samples per stage over the last
minutes, dead letters counted by stage and error class, the latest sink articles and the
places they mention. :class:`Monitor` fills it: every ``interval`` seconds it reads the end
offsets of each stage's input and output topics and each stage group's committed offsets
(admin API, read-only), and in a second task it follows the sink and the dead-letter topic
with a group-less consumer, as ``newsstream tail`` does.

Throughput of a stage is the growth of its output topic per second between two samples; lag
is its input's end offsets minus what its group has committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams import flow
from streams.kafka.clients import client_options, consumer
from streams.kafka.internals import refresh_metadata
from streams.messages import topics
from streams.messages.codec import decode
from streams.nlp.stories.trends import latest_window
from streams.settings import Settings

log = logging.getLogger(__name__)

HISTORY_S = 600.0  # ten minutes of samples
ARTICLES = 25  # latest sink articles kept
PLACES = 400  # latest place mentions kept for the map
VIEWS = 5000  # latest stories and trend windows kept (the top ones are shown)


@dataclass
class Sample:
    """One reading of the offsets: per stage, records in its output topic (``out``), in its
    input topic (``end``), and committed by its group (``done``)."""

    at: float
    out: dict[str, int]
    end: dict[str, int]
    done: dict[str, int]


@dataclass
class Board:
    """The dashboard's figures; ``state()`` is what ``/api/state`` returns."""

    stages: tuple[str, ...] = flow.NAMES
    history_s: float = HISTORY_S
    samples: deque[Sample] = field(default_factory=deque)
    letters: Counter[tuple[str, str]] = field(default_factory=Counter)
    last_letter: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    articles: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=ARTICLES))
    places: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=PLACES))
    sink_seen: int = 0
    # The stories stage's views: latest record per story_id and per trend key.
    stories: dict[str, dict[str, Any]] = field(default_factory=dict)
    trends: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    error_at: float | None = None
    started: float = field(default_factory=time.time)

    def add_sample(self, sample: Sample) -> None:
        self.samples.append(sample)
        while self.samples and self.samples[0].at < sample.at - self.history_s:
            self.samples.popleft()
        self.error = None

    def add_letter(self, letter: dict[str, Any], at: float) -> None:
        error = letter.get("error")
        error = error if isinstance(error, dict) else {}
        key = (str(letter.get("stage") or "?"), str(error.get("class") or "?"))
        self.letters[key] += 1
        self.last_letter[key] = {
            "at": at,
            "article_id": letter.get("article_id"),
            "message": str(error.get("message") or "")[:200],
        }

    def add_sink(self, record: dict[str, Any], at: float) -> None:
        """A sink record: it replaces an older version of the same article."""
        article = summarize(record, at)
        self.sink_seen += 1
        for old in [a for a in self.articles if a["article_id"] == article["article_id"]]:
            self.articles.remove(old)
        self.articles.appendleft(article)
        for place in article["places"]:
            self.places.append(place | {"article_id": article["article_id"], "at": at})

    def add_view(self, topic: str, record: dict[str, Any]) -> None:
        """A story or trend record: the latest per key wins; old ones are dropped."""
        if topic == "story" and isinstance(record.get("story_id"), str):
            self.stories.pop(record["story_id"], None)
            self.stories[record["story_id"]] = record
            while len(self.stories) > VIEWS:
                self.stories.pop(next(iter(self.stories)))
        elif topic == "trend" and isinstance(record.get("key"), str):
            self.trends.pop(record["key"], None)
            self.trends[record["key"]] = record
            while len(self.trends) > VIEWS:
                self.trends.pop(next(iter(self.trends)))

    def top_stories(self, n: int = 8) -> list[dict[str, Any]]:
        ranked = sorted(
            self.stories.values(),
            key=lambda s: (len(s.get("sources", ())), s.get("size", 0), s.get("last_seen", "")),
            reverse=True,
        )
        return [
            {k: s.get(k) for k in ("story_id", "title", "size", "sources", "last_seen", "numbers")}
            for s in ranked[:n]
        ]

    def top_trends(self, n: int = 12) -> list[dict[str, Any]]:
        """The latest window's names (the window covering the last window size of event
        time), by rising score."""
        return latest_window(list(self.trends.values()))[1][:n]

    def fail(self, exc: BaseException) -> None:
        self.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.error_at = time.time()

    def stage_figures(self) -> list[dict[str, Any]]:
        samples = list(self.samples)
        out = []
        for name in self.stages:
            series = []
            for before, after in zip(samples, samples[1:], strict=False):
                dt = after.at - before.at
                grown = after.out.get(name, 0) - before.out.get(name, 0)
                rate = max(0, grown) / dt if dt > 0 else 0.0
                series.append([round(after.at, 3), round(rate, 3), lag(after, name)])
            last = samples[-1] if samples else None
            out.append(
                {
                    "name": name,
                    "out_total": last.out.get(name, 0) if last else 0,
                    "in_total": last.end.get(name, 0) if last else 0,
                    "committed": last.done.get(name, 0) if last else 0,
                    "lag": lag(last, name) if last else 0,
                    "rate": series[-1][1] if series else 0.0,
                    "rate_1m": mean_rate(samples, name, 60.0),
                    "rate_peak": max((s[1] for s in series), default=0.0),
                    "series": series,
                }
            )
        return out

    def state(self) -> dict[str, Any]:
        letters = [
            {"stage": stage, "class": cls, "count": n, **self.last_letter[(stage, cls)]}
            for (stage, cls), n in sorted(self.letters.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return {
            "now": time.time(),
            "started": self.started,
            "history_s": self.history_s,
            "error": self.error,
            "error_at": self.error_at,
            "stages": self.stage_figures(),
            "dead_letters": {"total": sum(self.letters.values()), "classes": letters},
            "articles": list(self.articles),
            "sink_seen": self.sink_seen,
            "places": map_places(self.places),
            "stories": self.top_stories(),
            "trends": self.top_trends(),
        }


def lag(sample: Sample, stage: str) -> int:
    return max(0, sample.end.get(stage, 0) - sample.done.get(stage, 0))


def mean_rate(samples: list[Sample], stage: str, window: float) -> float:
    """Output records per second over the last ``window`` seconds of samples."""
    if len(samples) < 2:
        return 0.0
    last = samples[-1]
    first = next((s for s in samples if s.at >= last.at - window), samples[0])
    dt = last.at - first.at
    return round(max(0, last.out.get(stage, 0) - first.out.get(stage, 0)) / dt, 3) if dt else 0.0


def summarize(record: dict[str, Any], at: float) -> dict[str, Any]:
    """The few fields of a sink record that the page shows."""
    source = record.get("source")
    source = source if isinstance(source, dict) else {}
    entities = sorted(
        (e for e in record.get("entities") or [] if isinstance(e, dict)),
        key=lambda e: -float(e.get("salience") or 0),
    )
    claims = [c for c in record.get("claims") or [] if isinstance(c, dict)]
    places = []
    for place in record.get("places") or []:
        try:
            lat, lon = float(place["lat"]), float(place["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        places.append(
            {
                "name": str(place.get("name") or ""),
                "lat": lat,
                "lon": lon,
                "country_code": place.get("country_code"),
                "feature": place.get("feature"),
            }
        )
    return {
        "article_id": str(record.get("article_id") or ""),
        "title": str(record.get("title") or "")[:300],
        "source": source.get("domain") or "",
        "url": source.get("url"),
        "published_at": record.get("published_at"),
        "at": at,
        "entities": [
            {"name": str(e.get("name") or ""), "label": e.get("label")} for e in entities[:8]
        ],
        "entity_count": len(entities),
        "claims": [
            {"kind": c.get("kind"), "text": str(c.get("text") or "")[:240]} for c in claims[:3]
        ],
        "claim_count": len(claims),
        "places": places,
    }


def map_places(recent: deque[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recent place mentions merged by point: one marker each, with a mention count."""
    merged: dict[tuple[str, float, float], dict[str, Any]] = {}
    for place in recent:
        key = (place["name"], round(place["lat"], 3), round(place["lon"], 3))
        if key in merged:
            merged[key]["count"] += 1
            merged[key]["at"] = max(merged[key]["at"], place["at"])
            merged[key]["article_id"] = place["article_id"]
        else:
            merged[key] = {
                "name": place["name"],
                "lat": place["lat"],
                "lon": place["lon"],
                "country_code": place.get("country_code"),
                "count": 1,
                "at": place["at"],
                "article_id": place["article_id"],
            }
    return sorted(merged.values(), key=lambda p: p["at"])


class Monitor:
    """Fills a :class:`Board` from Kafka in two background tasks until :meth:`stop`."""

    def __init__(
        self,
        settings: Settings,
        *,
        interval: float = 2.0,
        board: Board | None = None,
    ) -> None:
        self.settings = settings
        self.interval = interval
        self.board = board or Board()
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.tasks = [
            asyncio.create_task(self._forever(self._sample_loop), name="dashboard-sample"),
            asyncio.create_task(self._forever(self._follow), name="dashboard-follow"),
            asyncio.create_task(self._forever(self._follow_views), name="dashboard-views"),
        ]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks = []

    async def _forever(self, loop: Any) -> None:
        """Run ``loop``; on a broker error show it on the page and try again shortly."""
        while True:
            try:
                await loop()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a broker may go away and come back
                log.warning("dashboard: %s", exc)
                self.board.fail(exc)
            await asyncio.sleep(max(self.interval, 2.0))

    async def _sample_loop(self) -> None:
        settings = self.settings
        names = {
            stage.name: (topics.name(settings, stage.input), topics.name(settings, stage.output))
            for stage in flow.STAGES
        }
        admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=10000)
        await admin.start()
        try:
            async with consumer(settings, enable_auto_commit=False) as cons:
                while True:
                    self.board.add_sample(await self._sample(cons, admin, names))
                    await asyncio.sleep(self.interval)
        finally:
            await admin.close()

    async def _sample(
        self, cons: Any, admin: AIOKafkaAdminClient, names: dict[str, tuple[str, str]]
    ) -> Sample:
        await refresh_metadata(cons)
        wanted = {topic for pair in names.values() for topic in pair}
        parts = [
            TopicPartition(topic, p)
            for topic in sorted(wanted)
            for p in sorted(cons.partitions_for_topic(topic) or ())
        ]
        ends = await cons.end_offsets(parts) if parts else {}
        begins = await cons.beginning_offsets(parts) if parts else {}
        at = time.time()

        def total(topic: str) -> int:
            return sum(offset for tp, offset in ends.items() if tp.topic == topic)

        out, end, done = {}, {}, {}
        for stage, (source, target) in names.items():
            out[stage] = total(target)
            end[stage] = total(source)
            committed = await admin.list_consumer_group_offsets(topics.app_id(self.settings, stage))
            # No commit yet on a partition: everything from its first retained offset is lag.
            done[stage] = sum(
                max(committed[tp].offset, begins[tp])
                if tp in committed and committed[tp].offset >= 0
                else begins[tp]
                for tp in ends
                if tp.topic == source
            )
        return Sample(at=at, out=out, end=end, done=done)

    async def _follow(self) -> None:
        """Read the latest ARTICLES records per sink partition and every dead letter, then
        follow both topics. A restart (after a broker error) starts the counts afresh."""
        settings = self.settings
        sink, dlq = topics.name(settings, topics.SINK), topics.name(settings, topics.DLQ)
        async with consumer(settings, enable_auto_commit=False) as cons:
            from streams.kafka.topic_reader import partitions

            parts = [
                TopicPartition(topic, p)
                for topic in (sink, dlq)
                for p in await partitions(cons, topic)
            ]
            cons.assign(parts)
            ends = await cons.end_offsets(parts)
            begins = await cons.beginning_offsets(parts)
            fresh = Board(stages=self.board.stages, history_s=self.board.history_s)
            self.board.letters, self.board.last_letter = fresh.letters, fresh.last_letter
            self.board.articles.clear()
            self.board.places.clear()
            for tp in parts:
                start = begins[tp] if tp.topic == dlq else max(begins[tp], ends[tp] - ARTICLES)
                cons.seek(tp, start)
            while True:
                batch = await cons.getmany(timeout_ms=1000, max_records=500)
                messages = sorted(
                    (m for ms in batch.values() for m in ms), key=lambda m: m.timestamp
                )
                for message in messages:
                    try:
                        value = decode(message.value)
                    except ValueError:
                        continue
                    if not isinstance(value, dict):
                        continue
                    at = message.timestamp / 1000.0
                    if message.topic == sink:
                        self.board.add_sink(value, at)
                    else:
                        self.board.add_letter(value, at)

    async def _follow_views(self) -> None:
        """Read the compacted stories and trends topics from the start, then follow them."""
        settings = self.settings
        kinds = {
            topics.name(settings, topics.STORIES): "story",
            topics.name(settings, topics.TRENDS): "trend",
        }
        async with consumer(settings, enable_auto_commit=False) as cons:
            from streams.kafka.topic_reader import partitions

            parts = [TopicPartition(t, p) for t in kinds for p in await partitions(cons, t)]
            cons.assign(parts)
            begins = await cons.beginning_offsets(parts)
            for tp in parts:
                cons.seek(tp, begins[tp])
            while True:
                batch = await cons.getmany(timeout_ms=1000, max_records=500)
                for message in (m for ms in batch.values() for m in ms):
                    try:
                        value = decode(message.value)
                    except ValueError:
                        continue
                    if isinstance(value, dict):
                        self.board.add_view(kinds[message.topic], value)
