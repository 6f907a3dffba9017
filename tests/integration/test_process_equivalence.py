"""`newsstream process` (no broker) and the Kafka pipeline give the same records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.inprocess import process_items
from streams.kafka.ingest import ingest
from streams.messages import topics
from streams.messages.inputs import discover, read_items
from streams.resources import data_dir
from streams.settings import Settings
from tests.integration.kafkautil import collect, have_ids
from tests.stagehelp import article

pytestmark = pytest.mark.integration

SAMPLE = str(data_dir("sample"))


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """The record without what legitimately differs between runs: times and Kafka positions."""
    out = {k: v for k, v in record.items() if not k.startswith("_") and k != "ingested_at"}
    out["pipeline"] = {
        "version": record["pipeline"]["version"],
        "stages": [s["name"] for s in record["pipeline"]["stages"]],
    }
    return out


async def test_sample_through_kafka_equals_process(pipeline: Settings) -> None:
    local = {
        r["article_id"]: r
        for r, _letter in process_items(read_items(discover([SAMPLE])), pipeline)
        if r is not None
    }
    assert len(local) >= 13
    summary = await ingest(pipeline, [SAMPLE], progress=False)
    assert summary.dead == 0
    sink = await collect(pipeline, topics.SINK, have_ids(set(local)))
    streamed = {r["article_id"]: r for r in sink}
    for article_id, record in local.items():
        assert comparable(streamed[article_id]) == comparable(record), article_id


async def test_a_long_article_through_kafka_equals_process(
    pipeline: Settings, tmp_path: Path
) -> None:
    """The extract worker spreads a long article's pieces over its NLP processes when they are
    free (two or more on a machine of two cores); the sink holds what one process makes."""
    path = tmp_path / "long.jsonl"
    item = {"id": "long-kafka-1", "url": "https://n.example/long", "text": article(24)}
    path.write_bytes(orjson.dumps(item) + b"\n")
    (local,) = [r for r, _ in process_items(read_items(discover([str(path)])), pipeline) if r]
    summary = await ingest(pipeline, [str(path)], progress=False)
    assert summary.dead == 0
    sink = await collect(pipeline, topics.SINK, have_ids({"long-kafka-1"}))
    streamed = [r for r in sink if r["article_id"] == "long-kafka-1"]
    assert streamed and all(comparable(r) == comparable(local) for r in streamed)
