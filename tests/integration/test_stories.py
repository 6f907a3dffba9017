"""The stories stage on the real broker: one wire story across three outlets among unrelated
articles; and a kill -9 of the stories worker mid-stream that neither splits, loses nor
double-counts a story.

The sink records are made in-process by the pipeline's own code (``process_items``) and put on
the sink topic, where the stories worker (a child process, ``newsstream worker --stage
stories``) reads them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from streams.inprocess import process_items
from streams.kafka.clients import ensure_topics
from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.inputs import Item
from streams.settings import Settings, load
from tests.conftest import Workers, module_settings
from tests.integration.kafkautil import collect, send_raw
from tests.unit.test_stories import BOILER, TOPICS, WIRE

pytestmark = pytest.mark.integration

DOMAINS = list(BOILER)
MORE = ["d.example", "e.example", "f.example"]
FOOTERS = BOILER | {
    "d.example": "The D Ledger. Sign up for alerts. Privacy policy and cookie settings.",
    "e.example": "E News Network. Watch live. Download our app for breaking news.",
    "f.example": "F Daily. Letters to the editor. Advertise with us.",
}
PEOPLE = ["Arlen Moss", "Beatrix Holm", "Cato Verde", "Dalia Frost", "Emil Strand", "Freya Lund"]


def wire_item(aid: str, domain: str, edit: int) -> dict[str, Any]:
    text = WIRE.replace("forty boats", "40 boats") if edit % 2 else WIRE
    if edit > 1:
        text = text.replace("More rain is expected on Thursday.", "")
    return {
        "id": aid,
        "url": f"https://{domain}/news/{aid}",
        "title": "Floods force thousands from homes in Port Maren"
        + (f" | {domain}" if edit else ""),
        "text": f"{FOOTERS[domain].split('.')[0]}\n\n{text}\n\n{FOOTERS[domain]}",
    }


def unrelated_item(aid: str, i: int) -> dict[str, Any]:
    topic = TOPICS[i % len(TOPICS)]
    person = PEOPLE[i % len(PEOPLE)]
    return {
        "id": aid,
        "url": f"https://site{i}.example/story/{aid}",
        "title": f"{topic}, {person} says",
        "text": (
            f"{topic}, {person} said on Wednesday. The decision number {i} follows months of "
            f"debate in the district of Ward {i}, where residents had asked for change. "
            f"{person}, who has led the effort since {1990 + i}, called it a first step. "
            f"Critics said the plan for Ward {i} left open questions about cost and timing, "
            f"and a vote on the details is expected in {['May', 'June', 'July'][i % 3]}."
        ),
    }


def sink_records(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [Item(f"t:{n}", json.dumps(item).encode(), "jsonl") for n, item in enumerate(items)]
    out = [record for record, _ in process_items(found, load()) if record is not None]
    assert len(out) == len(items)
    return out


@pytest.fixture(scope="module")
def articles() -> dict[str, list[dict[str, Any]]]:
    wires = [wire_item(f"wire-{d}", d, n) for n, d in enumerate(DOMAINS)]
    others = [unrelated_item(f"other-{i}", i) for i in range(30)]
    mixed = others[:10] + wires[:1] + others[10:20] + wires[1:2] + others[20:] + wires[2:]
    restart_wires = [wire_item(f"rwire-{d}", d, n) for n, d in enumerate(DOMAINS + MORE)]
    restart_others = [unrelated_item(f"rother-{i}", i) for i in range(30)]
    restart = []
    for n, other in enumerate(restart_others):
        restart.append(other)
        if n % 5 == 4:
            restart.append(restart_wires[n // 5])
    return {"mixed": sink_records(mixed), "restart": sink_records(restart)}


@pytest.fixture
def stories_worker(kafka: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Workers]]:
    settings = module_settings(kafka, tmp_path, batch_within_s=0.2, batch_size=4)
    asyncio.run(ensure_topics(settings))
    workers = Workers(settings, tmp_path)
    workers.start("stories")
    yield settings, workers
    workers.stop_all()


async def put(settings: Settings, records: list[dict[str, Any]]) -> None:
    await send_raw(settings, topics.SINK, [(r["article_id"].encode(), encode(r)) for r in records])


def updated(ids: set[str]) -> Any:
    return lambda values: ids <= {v["update"]["article_id"] for v in values}


def latest(values: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The latest record per story (each story_id is on one partition, read in order)."""
    return {v["story_id"]: v for v in values}


async def test_one_wire_story_across_three_outlets(
    stories_worker: tuple[Settings, Workers], articles: dict[str, list[dict[str, Any]]]
) -> None:
    settings, _ = stories_worker
    mixed = articles["mixed"]
    await put(settings, mixed)
    ids = {r["article_id"] for r in mixed}
    values = await collect(settings, topics.STORIES, updated(ids), timeout=240)
    stories = latest(values)
    wires = {f"wire-{d}" for d in DOMAINS}
    holding = [s for s in stories.values() if wires & set(s["article_ids"])]
    assert len(holding) == 1, [s["article_ids"] for s in holding]
    (story,) = holding
    assert set(story["article_ids"]) == wires
    assert set(story["sources"]) == set(DOMAINS)
    spread = [n for n in story["numbers"] if n["value"] == 4200]
    assert spread, story["numbers"]
    assert set(spread[0]["sources"]) == set(DOMAINS)
    assert len(spread[0]["repeated_by"]) == 2

    # Findable by article id, and trends were published for its entities.
    def three(values: list[dict[str, Any]]) -> bool:
        return any(t["name"] == "port maren" and t["sources"] == 3 for t in values)

    assert three(await collect(settings, topics.TRENDS, three, 60))


async def test_kill_9_mid_stream_splits_loses_and_double_counts_nothing(
    stories_worker: tuple[Settings, Workers], articles: dict[str, list[dict[str, Any]]]
) -> None:
    settings, workers = stories_worker
    records = articles["restart"]
    half = len(records) // 2
    await put(settings, records[:half])
    first = {r["article_id"] for r in records[: half // 2]}
    await collect(settings, topics.STORIES, updated(first), timeout=240)
    await put(settings, records[half:])
    workers.kill("stories")  # mid-stream: part of the first half and all the second wait
    workers.start("stories")
    ids = {r["article_id"] for r in records}
    values = await collect(settings, topics.STORIES, updated(ids), timeout=300)
    assert ids <= {v["update"]["article_id"] for v in values}
    stories = latest(values)
    where: dict[str, list[str]] = {}
    for story in stories.values():
        assert len(story["article_ids"]) == len(set(story["article_ids"])) == story["size"]
        assert all(e["count"] <= story["size"] for e in story["entities"])
        for aid in story["article_ids"]:
            where.setdefault(aid, []).append(story["story_id"])
    assert {aid: len(s) for aid, s in where.items() if len(s) != 1} == {}
    assert set(where) == ids
    wires = {r["article_id"] for r in records if r["article_id"].startswith("rwire-")}
    (story,) = [s for s in stories.values() if wires & set(s["article_ids"])]
    assert set(story["article_ids"]) == wires
    (spread,) = [n for n in story["numbers"] if n["value"] == 4200]
    who = [spread["first"]["article_id"], *[w["article_id"] for w in spread["repeated_by"]]]
    assert sorted(who) == sorted(wires)  # each article once
