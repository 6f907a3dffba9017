"""The clean stage agent: boilerplate removal off the loop, then per-source learning on it.

The learned state is a Faust GlobalTable (changelog in Kafka): it survives restarts and every
clean worker reads all of it, so a source's repeated lines are known whichever worker sees
the next article.
"""

from __future__ import annotations

import time

import faust

from streams import pipeline, topics
from streams.nlp.source_memory import SourceMemory
from streams.settings import Settings
from streams.stages.runner import Result, StageRunner


def register(app: faust.App, settings: Settings) -> None:
    table = app.GlobalTable(
        topics.SOURCE_MEMORY_TABLE,
        schema=faust.Schema(key_serializer="json", value_serializer="json"),
        partitions=settings.partitions,
        use_partitioner=True,
    )
    memory = SourceMemory(
        table,
        min_articles=settings.learn_min_articles,
        half_life_days=settings.learn_half_life_days,
    )

    def learn(results: list[Result]) -> list[Result]:
        now = time.time()
        return [pipeline.learn(result, memory, now) for result in results]

    StageRunner(app, "clean", settings).agent(app, post=learn)
