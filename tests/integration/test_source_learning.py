"""Per-source boilerplate learned from the stream, kept in a Faust GlobalTable that survives
a restart of the clean worker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.kafka.clients import ensure_topics
from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.inputs import raw_from_item
from streams.settings import Settings
from tests.conftest import Workers, module_settings
from tests.integration.kafkautil import collect, have_ids, send_raw

pytestmark = pytest.mark.integration

FOOTER = "The Marlow Tidewater Gazette is produced by the Harbor Lantern cooperative since 1911."
SIDEBAR = "Most shared this week: the ferry timetable change and the orchard fair results."
LOOKALIKE = "The Tidewater Gazette was produced by the Harbor Lantern cooperative until 1990."

NAMES = ["Ada Brooks", "Omar Haddad", "Lena Fischer", "Tom Okafor", "Rita Mendes", "Sam Cole"]
TOWNS = ["Marlow", "Eastbridge", "Fenwick", "Harlow Bay", "Pine Hollow", "Westmere"]
TOPICS = ["a new library wing", "the harbour dredging", "school bus routes", "a solar farm"]


def body(i: int) -> str:
    """A unique short article: its own sentences never repeat across articles."""
    name, town, topic = NAMES[i % 6], TOWNS[(i // 6) % 6], TOPICS[i % 4]
    return (
        f"Council member {name} of {town} proposed {topic} on day {i} of the session. "
        f"The plan would cost {1000 + 37 * i} dollars, according to figures for item {i}.\n\n"
        f"Residents of {town} raised {i + 3} questions about {topic} during the meeting, "
        f"and {name} promised written answers within {i % 9 + 2} weeks."
    )


def article(i: int, domain: str, extra: str = "") -> dict:
    text = f"{body(i)}\n\n{extra}{SIDEBAR}\n\n{FOOTER}"
    return raw_from_item({"id": f"{domain}-{i}", "url": f"https://{domain}/n/{i}", "text": text})


@pytest.fixture(scope="module")
def clean_only(kafka: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    home = tmp_path_factory.mktemp("learning")
    settings = module_settings(kafka, home, batch_within_s=0.2, learn_min_articles=5)
    asyncio.run(ensure_topics(settings))
    workers = Workers(settings, Path(home))
    workers.start("clean")
    yield settings, workers
    workers.stop_all()


async def clean_texts(settings: Settings, ids: set[str], timeout: float = 300) -> dict[str, str]:
    out = await collect(settings, topics.CLEAN, have_ids(ids), timeout=timeout)
    return {r["article_id"]: r["text"] for r in out if r["article_id"] in ids}


async def test_learned_lines_are_removed_and_survive_a_restart(clean_only: tuple) -> None:
    settings, workers = clean_only
    first = [article(i, "gazette.example") for i in range(30)]
    await send_raw(settings, topics.RAW, [(r["article_id"].encode(), encode(r)) for r in first])
    seen = await clean_texts(settings, {r["article_id"] for r in first})
    assert len(seen) == 30

    probe = article(100, "gazette.example")
    other = raw_from_item(
        {
            "id": "other-1",
            "url": "https://otherpaper.example/x",
            "text": body(101) + "\n\n" + LOOKALIKE,
        }
    )
    await send_raw(
        settings, topics.RAW, [(b"gazette.example-100", encode(probe)), (b"other-1", encode(other))]
    )
    texts = await clean_texts(settings, {"gazette.example-100", "other-1"})
    assert FOOTER not in texts["gazette.example-100"]
    assert SIDEBAR not in texts["gazette.example-100"]
    assert "Council member" in texts["gazette.example-100"]
    assert LOOKALIKE in texts["other-1"]

    # The table lives in Kafka: a fresh clean worker restores it from the changelog.
    workers.kill("clean")
    workers.start("clean")
    after = article(200, "gazette.example")
    await send_raw(settings, topics.RAW, [(b"gazette.example-200", encode(after))])
    text = (await clean_texts(settings, {"gazette.example-200"}))["gazette.example-200"]
    assert FOOTER not in text and SIDEBAR not in text
    assert "Council member" in text


async def test_replay_rewinds_the_clean_stage_to_reprocess_raw(clean_only: tuple) -> None:
    from streams.kafka.rewind import rewind

    settings, workers = clean_only
    marker = raw_from_item({"id": "replay-me", "text": body(300)})
    await send_raw(settings, topics.RAW, [(b"replay-me", encode(marker))])
    await clean_texts(settings, {"replay-me"})
    workers.stop("clean")
    offsets = await rewind(settings, "clean", None)
    assert all(offset == 0 for offset in offsets.values())
    workers.start("clean")
    again = await collect(
        settings,
        topics.CLEAN,
        lambda values: sum(v["article_id"] == "replay-me" for v in values) >= 2,
        timeout=180,
    )
    assert sum(v["article_id"] == "replay-me" for v in again) >= 2
