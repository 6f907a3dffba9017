"""``newsstream dashboard`` against the real pipeline, seen through headless Chromium.

The dashboard runs as the command a user starts (a child process with the pipeline's
settings); articles ingested after it started must show up as live throughput per stage, in
the latest-articles list and as markers on the map. The screenshot must not be blank; with
``NEWSSTREAM_UPDATE_SCREENSHOT=1`` it replaces ``docs/dashboard.png``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from streams import flow
from streams.kafka.ingest import ingest
from streams.settings import Settings
from tests.conftest import free_port, settings_env
from tests.integration.browser import INSTALL, chromium, colour_census, parse_dom, run_chromium

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

ARTICLES = [
    {
        "id": "dash-lisbon",
        "url": "https://www.harbourwire.example/2026/05/02/lisbon-ferry-strike",
        "title": "Ferry strike strands commuters crossing the Tagus in Lisbon",
        "text": (
            "LISBON, Portugal — Ferry crews walked off the job on Tuesday, stranding about "
            "80,000 commuters who cross the Tagus river every morning. Transport minister "
            'Helena Duarte said the government would meet the union on Friday. "We will not '
            'let the city stop," said Rui Matos, a spokesman for the crews, adding that wages '
            "had fallen 12 percent in three years. Buses from Almada were packed by 7 a.m."
        ),
    },
    {
        "id": "dash-nairobi",
        "url": "https://news.savannah-post.example/nairobi-rail-upgrade",
        "title": "Nairobi commuter rail adds twelve new trains before the rains",
        "text": (
            "NAIROBI, Kenya — Kenya Railways will add 12 commuter trains between Nairobi and "
            "Machakos next month, managing director Philip Mainga said on Monday. The line "
            'carried 2.4 million passengers last year, up 30 percent. "Every new train takes '
            'a thousand cars off Mombasa Road," Mainga said.'
        ),
    },
    {
        "id": "dash-osaka",
        "url": "https://kansai-daily.example/osaka/port-expansion",
        "title": "Osaka port expansion approved after two-year review",
        "text": (
            "OSAKA, Japan — The Osaka prefectural assembly approved a 45 billion yen "
            "expansion of the city's container port on Wednesday. Governor Hirofumi Yoshimura "
            "said the work would create 3,000 jobs. Shipping lines in Kobe and Busan had "
            "warned that the port was running at 95 percent of capacity."
        ),
    },
    {
        "id": "dash-valparaiso",
        "url": "https://costa-sur.example/valparaiso-funicular",
        "title": "Valparaíso reopens its oldest funicular after restoration",
        "text": (
            "VALPARAÍSO, Chile — The Concepción funicular, built in 1883, reopened on Saturday "
            "after a restoration that cost 2.1 billion pesos, mayor Camila Nieto said. About "
            "4,000 people rode it on the first day. Visitors from Santiago queued for two hours."
        ),
    },
]

BAD_LINES = [b"dashboard: this line is not JSON", b'{"id": "dash-bad", "title": "no body"}']

# The stages the `pipeline` fixture runs: the ones that make the sink.
RUNNING = [stage.name for stage in flow.TO_SINK]


async def get_state(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with session.get(url + "api/state") as response:
        response.raise_for_status()
        return await response.json()


async def wait_for(
    session: aiohttp.ClientSession, url: str, done: Any, what: str, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = await get_state(session, url)
        if done(state):
            return state
        await asyncio.sleep(1)
    raise AssertionError(f"dashboard never showed {what}; last state: {summary(state)}")


def summary(state: dict[str, Any]) -> str:
    stages = {s["name"]: (s["out_total"], s["rate_peak"], s["lag"]) for s in state["stages"]}
    ids = [a["article_id"] for a in state.get("articles", [])]
    return f"error={state.get('error')} stages={stages} articles={ids}"


@pytest.fixture
def dashboard(pipeline: Settings, tmp_path: Path) -> Iterator[str]:
    """``newsstream dashboard`` on a free port, as a child process; yields its URL."""
    port = free_port()
    log = tmp_path / "dashboard.err"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams", "dashboard", "--port", str(port)]
            + ["--interval", "1"],
            env=settings_env(pipeline),
            stdout=subprocess.PIPE,
            stderr=err,
        )
    try:
        assert proc.stdout is not None
        with ThreadPoolExecutor(1) as pool:  # readline with a timeout
            line = pool.submit(proc.stdout.readline).result(timeout=60)
        assert line.decode().strip() == f"dashboard at http://127.0.0.1:{port}/", (
            line,
            log.read_text(),
        )
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def test_dashboard_shows_live_pipeline(pipeline: Settings, dashboard: str, tmp_path: Path):
    if chromium() is None:
        pytest.fail(f"chromium is not installed; as root run: {INSTALL} (bin/test does)")
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        # A baseline sample before the articles arrive, so their throughput is measured.
        await wait_for(
            session,
            dashboard,
            lambda s: len(s["stages"][0]["series"]) >= 2,
            "samples",
            timeout=60,
        )
        path = tmp_path / "articles.jsonl"
        lines = [orjson.dumps(a) for a in ARTICLES] + BAD_LINES
        path.write_bytes(b"\n".join(lines) + b"\n")
        result = await ingest(pipeline, [str(path)], progress=False)
        assert (result.ingested, result.dead) == (len(ARTICLES), len(BAD_LINES))

        ids = {a["id"] for a in ARTICLES}

        def live(state: dict[str, Any]) -> bool:
            shown = {a["article_id"] for a in state["articles"]}
            return (
                ids <= shown
                and all(
                    s["rate_peak"] > 0 and s["out_total"] > 0
                    for s in state["stages"]
                    if s["name"] in RUNNING  # the stories stage has no worker here
                )
                and len(state["places"]) > 0
                and state["dead_letters"]["total"] >= len(BAD_LINES)
            )

        state = await wait_for(session, dashboard, live, "the articles", timeout=240)
        async with session.get(dashboard + "world.json") as response:
            world = await response.json()
        assert len(world["countries"]) > 150
    print(f"live after {time.monotonic() - started:.1f} s: {summary(state)}")

    # The DOM after the page's scripts ran.
    html = (
        await run_chromium(
            ["--virtual-time-budget=10000", "--dump-dom", dashboard], tmp_path / "profile-dom"
        )
    ).decode()
    dom = parse_dom(html)
    [status] = dom.find(id="status")
    assert status.attrs["data-state"] == "live", status.all_text()
    for stage in RUNNING:
        [card] = dom.find(data_stage=stage)
        figures = {el.attrs["data-field"]: el for el in card.find(data_field=None)}
        assert float(figures["out_total"].attrs["data-value"]) > 0, stage
        assert float(figures["rate_peak"].attrs["data-value"]) > 0, stage
        assert "lag" in figures and "rate" in figures
        assert card.find("polyline"), f"no throughput sparkline for {stage}"
    items = {li.attrs["data-article-id"]: li for li in dom.find("li", data_article_id=None)}
    for article in ARTICLES:
        assert article["id"] in items, f"{article['id']} not in the latest articles"
        assert article["title"] in items[article["id"]].all_text()
    lisbon = items["dash-lisbon"]
    assert "harbourwire.example" in lisbon.all_text()
    parts = {cls: el for el in lisbon.find("div") for cls in el.classes()}
    for part in ("entities", "places", "claims"):
        assert int(parts[part].attrs["data-count"]) > 0, f"no {part} shown for dash-lisbon"
    assert [el for el in lisbon.find("span") if "chip" in el.classes()], "no chips"
    letters = {
        (tr.attrs["data-stage"], tr.attrs["data-class"]): tr
        for tr in dom.find("tr", data_class=None)
    }
    assert {("ingest", "json"), ("ingest", "input")} <= set(letters), set(letters)
    [count] = [td for td in letters["ingest", "json"].find("td") if "count" in td.classes()]
    assert int(count.attrs["data-value"]) >= 1
    markers = [c for c in dom.find("circle") if "place" in c.classes()]
    assert markers, "the map has no markers"
    names = {c.attrs.get("data-name") for c in markers}
    assert names & {"Lisbon", "Nairobi", "Osaka", "Valparaíso", "Valparaiso"}, names
    assert len(dom.find("path", data_iso=None)) > 150, "no world outline drawn"

    # The screenshot: a 1400x1000 page that is not blank.
    shot = tmp_path / "dashboard.png"
    await run_chromium(
        [
            "--window-size=1400,1000",
            "--virtual-time-budget=10000",
            f"--screenshot={shot}",
            dashboard,
        ],
        tmp_path / "profile-shot",
    )
    width, height, colours = colour_census(shot.read_bytes())
    assert (width, height) == (1400, 1000)
    top, top_count = colours.most_common(1)[0]
    assert len(colours) > 50, f"only {len(colours)} colours: a blank page?"
    assert top_count < 0.9 * sum(colours.values()), f"{top.hex()} covers the page"
    if os.environ.get("NEWSSTREAM_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "dashboard.png")
