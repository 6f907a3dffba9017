"""A restarted clean worker consumes what waited for it.

Regression test for records Faust fetched while the GlobalTable recovered and then dropped
(``streams/kafka/internals.py``): each round stops the worker, puts an article on a partition that
has no committed offset yet, and starts the worker again; the article must come out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.kafka.clients import ensure_topics, producer
from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.inputs import raw_from_item
from streams.settings import Settings
from tests.conftest import Workers, module_settings
from tests.integration.kafkautil import collect, have_ids

pytestmark = pytest.mark.integration

ROUNDS = 5


def article(i: int) -> dict:
    return raw_from_item(
        {
            "id": f"restart-{i}",
            "url": f"https://restart.example/{i}",
            "text": f"Mayor Ana Ruiz opened bridge number {i} in Eastbridge on Monday.\n\n"
            "The Eastbridge Courier is printed on recycled paper.",
        }
    )


@pytest.fixture(scope="module")
def clean_worker(kafka: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    home = tmp_path_factory.mktemp("restart")
    settings = module_settings(kafka, home, batch_within_s=0.2, partitions=ROUNDS + 1)
    asyncio.run(ensure_topics(settings))
    workers = Workers(settings, Path(home))
    workers.start("clean")
    yield settings, workers
    workers.stop_all()


async def test_each_restart_consumes_the_article_waiting_on_a_fresh_partition(
    clean_worker: tuple,
) -> None:
    settings, workers = clean_worker
    raw = topics.name(settings, topics.RAW)
    # Articles on partition 0 fill the table's changelog, so every start recovers it.
    first = [article(i) for i in range(10)]
    async with producer(settings) as prod:
        for record in first:
            await (await prod.send(raw, encode(record), key=b"x", partition=0))
    await collect(settings, topics.CLEAN, have_ids({r["article_id"] for r in first}), timeout=120)

    missing = []
    for partition in range(1, ROUNDS + 1):
        workers.stop("clean")
        waiting = article(100 + partition)
        async with producer(settings) as prod:
            await (await prod.send(raw, encode(waiting), key=b"x", partition=partition))
        workers.start("clean")
        out = await collect(settings, topics.CLEAN, have_ids({waiting["article_id"]}), timeout=90)
        if waiting["article_id"] not in {v["article_id"] for v in out}:
            missing.append(waiting["article_id"])
            workers.stop("clean")
            workers.start("clean")  # so the next round starts from a working worker
    print(f"restarts: {ROUNDS}, articles not consumed after a restart: {missing}")
    assert missing == []
