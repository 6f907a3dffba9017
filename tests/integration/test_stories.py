"""The stories and trends stages on the real broker: one wire story across three outlets among
unrelated articles, its names rising in the trends, a late article in its own window and a
replay that counts nothing twice; and a kill -9 of the stories and trends workers mid-stream
that neither splits, loses nor double-counts a story or a trend.

The sink records are made in-process by the pipeline's own code (``process_items``) and put on
the sink topic, where the stories worker (a child process, ``newsstream worker --stage
stories``) reads them; the trends worker (``--stage trends``) reads its mentions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
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


def iso_ago(seconds: float) -> str:
    when = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def sink_records(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [Item(f"t:{n}", json.dumps(item).encode(), "jsonl") for n, item in enumerate(items)]
    out = [record for record, _ in process_items(found, load()) if record is not None]
    assert len(out) == len(items)
    return out


@pytest.fixture(scope="module")
def articles() -> dict[str, list[dict[str, Any]]]:
    wires = [wire_item(f"wire-{d}", d, n) for n, d in enumerate(DOMAINS)]
    others = [unrelated_item(f"other-{i}", i) for i in range(30)]
    # A late article: published two hours ago, arriving now.
    late = unrelated_item("late-0", 0) | {"published_at": iso_ago(2 * 3600)}
    mixed = others[:10] + wires[:1] + others[10:20] + wires[1:2] + others[20:] + wires[2:]
    mixed.append(late)
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
    workers.start("trends")
    yield settings, workers
    workers.stop_all()


async def everything(settings: Settings, base: str) -> list[tuple[Any, dict[str, Any]]]:
    """Every (message, value) of a topic, read to its end."""
    from streams.kafka.topic_reader import records

    return [(m, v) async for m, v in records(settings, topics.name(settings, base))]


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

    # Its names rise in the trends: 3 sources in the current window, none before.
    def three(values: list[dict[str, Any]]) -> bool:
        return any(t["name"] == "port maren" and t["sources"] == 3 for t in values)

    trends = await collect(settings, topics.TRENDS, three, 120)
    rising = [t for t in trends if t["name"] == "port maren" and t["sources"] == 3][-1]
    assert rising["rising"] and rising["previous"] == [0] * settings.trends_history
    assert rising["score"] > 2 and set(rising["domains"]) == set(DOMAINS)
    start = epoch(rising["window"]["start"])

    # Mentions: one per (new article, name), timestamped with the article's time; the late
    # article (published two hours ago) counts in its own, earlier window.
    (late,) = [r for r in mixed if r["article_id"] == "late-0"]
    published = epoch(late["published_at"])
    mentions = await everything(settings, topics.MENTIONS)
    pairs = [(m["article_id"], m["key"]) for _, m in mentions]
    assert len(pairs) == len(set(pairs)) and {a for a, _ in pairs} >= wires | {"late-0"}
    assert {msg.timestamp / 1000 for msg, m in mentions if m["article_id"] == "late-0"} == {
        published
    }

    def late_window(values: list[dict[str, Any]]) -> bool:
        return any(
            "site0.example" in t["domains"]
            and epoch(t["window"]["start"]) <= published < epoch(t["window"]["end"])
            and epoch(t["window"]["start"]) < start - 3600
            for t in values
        )

    assert late_window(await collect(settings, topics.TRENDS, late_window, 60))

    # A replay of the three wire articles (same ids: `newsstream replay`, a re-delivery)
    # re-publishes the story and sends no mention; a mention re-delivered to the trends stage
    # (a crash between its send and the commit) counts nothing twice.
    await put(settings, [r for r in mixed if r["article_id"] in wires])

    def replayed(values: list[dict[str, Any]]) -> bool:
        old = [v for v in values if v["update"]["article_id"] in wires and not v["update"]["new"]]
        return len(old) == 3

    assert replayed(await collect(settings, topics.STORIES, replayed, 120))
    dup = next(
        m for _, m in mentions if m["article_id"] == "wire-a.example" and m["name"] == "port maren"
    )
    before = len(await everything(settings, topics.TRENDS))
    await send_raw(settings, topics.MENTIONS, [(dup["key"].encode(), encode(dup))])
    after = await collect(settings, topics.TRENDS, lambda v: len(v) > before, 60)
    assert len(after) > before
    latest_trend = {t["key"]: t for t in after}
    assert latest_trend[rising["key"]]["sources"] == 3
    assert all(t["sources"] == len(set(t["domains"])) for t in after)
    again = await everything(settings, topics.MENTIONS)
    assert len(again) == len(mentions) + 1  # the one sent by hand, none from the replay


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
    workers.kill("trends")  # its windowed table comes back from the changelog
    workers.start("stories")
    workers.start("trends")
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

    # The trends count each outlet once, whatever was re-delivered around the kills, and
    # the counts made before the kill of the trends worker were kept.
    def six(values: list[dict[str, Any]]) -> bool:
        return any(t["name"] == "port maren" and t["sources"] == 6 for t in values)

    trends = await collect(settings, topics.TRENDS, six, 120)
    assert six(trends)
    assert all(t["sources"] == len(set(t["domains"])) <= 6 for t in trends)
