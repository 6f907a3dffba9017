"""`newsstream process` (no broker) and the Kafka pipeline give the same records."""

from __future__ import annotations

from typing import Any

import pytest

from streams.inprocess import process_items
from streams.kafka.ingest import ingest
from streams.messages import topics
from streams.messages.inputs import discover, read_items
from streams.resources import data_dir
from streams.settings import Settings
from tests.integration.kafkautil import collect, have_ids

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
