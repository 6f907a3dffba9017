"""Every topic name in one place, with the configurable prefix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from streams.settings import Settings

RAW = "articles.raw"
CLEAN = "articles.clean"
ENRICHED = "articles.enriched"
SINK = "articles.geo"
DLQ = "articles.dlq"
# Live cross-source views (docs/stories.md): stories (the stories stage; compacted, keyed by
# story_id); the entity and place mentions of new articles (the stories stage -> the trends
# stage; keyed by <kind>:<name>, timestamped with the article's time); trends (the trends
# stage; compacted, keyed by trend key).
STORIES = "articles.stories"
MENTIONS = "articles.mentions"
TRENDS = "articles.trends"
# Replay checkpoints (compacted, keyed by replay id; written by `newsstream replay` only).
REPLAYS = "articles.replays"

ALL = (RAW, CLEAN, ENRICHED, SINK, DLQ, STORIES, MENTIONS, TRENDS)

# Records carry the article text plus annotations, so allow well above the article size limit.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class TopicSpec:
    name: str
    config: dict[str, str]


def name(settings: Settings, base: str) -> str:
    """The full topic name for ``base`` under the configured prefix."""
    return f"{settings.topic_prefix}{base}"


def app_id(settings: Settings, stage: str) -> str:
    """A stage's Faust app id, which is also its consumer group."""
    return f"{settings.topic_prefix}newsstream-{stage}"


def changelog(settings: Settings, stage: str, table: str) -> str:
    """Faust names a table's changelog ``<app id>-<table>-changelog``; we create it up front
    so that a first start on a fresh cluster does not race Faust's own creation of it."""
    return f"{app_id(settings, stage)}-{table}-changelog"


def specs(settings: Settings, tables: Iterable[tuple[str, str, bool]]) -> list[TopicSpec]:
    """Topic configurations: raw keeps everything for replay, the sink is compacted by key;
    ``tables`` are the ``(stage, table, windowed)`` triples whose changelogs are created too.
    A windowed table's changelog is compact,delete with retention = the windows' expiry
    (NEWSSTREAM_TRENDS_KEEP_DAYS), as Faust makes it; the others are compacted."""
    common = {
        "min.insync.replicas": str(min(2, settings.replication)),
        "max.message.bytes": str(MAX_MESSAGE_BYTES),
    }
    configs = {
        RAW: {"retention.ms": str(settings.raw_retention_ms)},
        CLEAN: {"retention.ms": str(7 * 24 * 3600 * 1000)},
        ENRICHED: {"retention.ms": str(7 * 24 * 3600 * 1000)},
        SINK: {"cleanup.policy": "compact"},
        DLQ: {"retention.ms": "-1"},
        STORIES: {"cleanup.policy": "compact"},
        MENTIONS: {"retention.ms": str(7 * 24 * 3600 * 1000)},
        TRENDS: {"cleanup.policy": "compact,delete", "retention.ms": str(14 * 24 * 3600 * 1000)},
    }
    pipeline = [TopicSpec(name(settings, base), common | configs[base]) for base in ALL]
    windowed = {
        "cleanup.policy": "compact,delete",
        "retention.ms": str(int(settings.trends_keep_days * 86400 * 1000)),
    }
    changelogs = [
        TopicSpec(
            changelog(settings, stage, table),
            common | (windowed if is_windowed else {"cleanup.policy": "compact"}),
        )
        for stage, table, is_windowed in tables
    ]
    return [*pipeline, *changelogs]
