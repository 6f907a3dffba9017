"""``newsstream run`` decides whether stage workers are already up from their groups."""

from __future__ import annotations

import asyncio
from pathlib import Path

from streams.cli.run import _all_stages_running
from streams.kafka.clients import ensure_topics
from streams.settings import Settings
from tests.conftest import module_settings


def test_no_workers_on_fresh_topics(kafka: Settings, tmp_path: Path) -> None:
    settings = module_settings(kafka, tmp_path)
    assert not asyncio.run(_all_stages_running(settings))  # before the topics exist
    asyncio.run(ensure_topics(settings))
    assert not asyncio.run(_all_stages_running(settings))


def test_the_sink_stages_alone_are_not_all(pipeline: Settings) -> None:
    """The module's pipeline runs clean, extract and geotag, not the stories and trends
    stages."""
    assert not asyncio.run(_all_stages_running(pipeline))
