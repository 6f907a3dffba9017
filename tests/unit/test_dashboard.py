"""The dashboard's figures (pure), its shipped world outline and its HTTP routes (no broker)."""

from __future__ import annotations

import asyncio
import json

from aiohttp.test_utils import TestClient, TestServer

from streams.ops import world
from streams.ops.dashboard import make_app
from streams.ops.monitor import Board, Sample
from streams.settings import load


def sink_record(article_id: str, title: str, *places: tuple[str, float, float]) -> dict:
    return {
        "article_id": article_id,
        "title": title,
        "source": {"url": f"https://x.example/{article_id}", "domain": "x.example"},
        "entities": [
            {"name": "Low", "label": "ORG", "salience": 0.1},
            {"name": "High", "label": "PERSON", "salience": 0.9},
        ],
        "claims": [{"kind": "numeric", "text": "It cost 5 euros."}],
        "places": [
            {"name": n, "lat": lat, "lon": lon, "country_code": "PT", "feature": "city"}
            for n, lat, lon in places
        ],
    }


def test_throughput_is_output_growth_per_second_and_lag_input_minus_committed():
    board = Board(stages=("clean", "extract"))
    board.add_sample(Sample(at=100.0, out={"clean": 0}, end={"clean": 0}, done={"clean": 0}))
    board.add_sample(
        Sample(at=102.0, out={"clean": 10, "extract": 4}, end={"clean": 12}, done={"clean": 9})
    )
    board.add_sample(
        Sample(at=104.0, out={"clean": 10, "extract": 8}, end={"clean": 12}, done={"clean": 12})
    )
    clean, extract = board.stage_figures()
    assert clean["series"] == [[102.0, 5.0, 3], [104.0, 0.0, 0]]
    assert (clean["rate"], clean["rate_peak"], clean["lag"], clean["out_total"]) == (0, 5, 0, 10)
    assert clean["rate_1m"] == 2.5
    assert extract["series"][-1][1] == 2.0


def test_old_samples_leave_the_window():
    board = Board(stages=("clean",), history_s=10)
    for t in range(0, 30, 2):
        board.add_sample(Sample(at=float(t), out={"clean": t}, end={}, done={}))
    assert board.samples[0].at >= 18


def test_a_new_version_of_an_article_replaces_the_old_one():
    board = Board()
    board.add_sink(sink_record("a", "first", ("Lisbon", 38.7, -9.1)), at=1.0)
    board.add_sink(sink_record("b", "other"), at=2.0)
    board.add_sink(sink_record("a", "second", ("Lisbon", 38.7, -9.1)), at=3.0)
    state = board.state()
    assert [(a["article_id"], a["title"]) for a in state["articles"]] == [
        ("a", "second"),
        ("b", "other"),
    ]
    assert state["articles"][0]["entities"][0]["name"] == "High"
    assert state["articles"][0]["source"] == "x.example"
    [lisbon] = state["places"]
    assert (lisbon["name"], lisbon["count"], lisbon["at"]) == ("Lisbon", 2, 3.0)


def test_dead_letters_are_counted_by_stage_and_class():
    board = Board()
    for stage, cls in [("clean", "json"), ("clean", "json"), ("ingest", "input")]:
        board.add_letter({"stage": stage, "error": {"class": cls, "message": "bad"}}, at=1.0)
    board.add_letter({"stage": "geotag", "error": None}, at=2.0)
    letters = board.state()["dead_letters"]
    assert letters["total"] == 4
    assert [(r["stage"], r["class"], r["count"]) for r in letters["classes"]] == [
        ("clean", "json", 2),
        ("geotag", "?", 1),
        ("ingest", "input", 1),
    ]


def test_shipped_world_outline_is_small_valid_and_reproducible():
    shipped = world.path()
    assert shipped.stat().st_size < 300_000
    outline = json.loads(shipped.read_text())
    assert len(outline["countries"]) > 150
    for country in outline["countries"]:
        for ring in country["rings"]:
            assert len(ring) % 2 == 0 and len(ring) >= 6
            assert all(-180 <= v <= 180 for v in ring[0::2])
            assert all(-90 <= v <= 90 for v in ring[1::2])
    assert world.build() == outline, "regenerate it: python -m streams.ops.world"


async def test_routes_serve_the_page_the_outline_and_state_without_a_broker(tmp_path):
    settings = load().replace(broker="kafka://127.0.0.1:1", home=tmp_path)
    async with TestClient(TestServer(make_app(settings, interval=0.2))) as client:
        page = await client.get("/")
        assert page.status == 200 and "text/html" in page.headers["Content-Type"]
        assert 'id="map"' in await page.text()
        assert (await (await client.get("/world.json")).json())["countries"]
        state = {}
        for _ in range(100):
            state = await (await client.get("/api/state")).json()
            if state["error"]:
                break
            await asyncio.sleep(0.1)
        assert state["error"], "an unreachable broker is reported on the page"
        names = ["clean", "extract", "geotag", "stories", "trends"]
        assert [s["name"] for s in state["stages"]] == names
        assert state["broker"] == "127.0.0.1:1"
