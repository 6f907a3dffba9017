"""Operations on a real broker: each stage worker's Prometheus /metrics, ``newsstream status``,
a real Prometheus server scraping the workers, and the JSON worker logs.

The three workers serve /metrics on a free base port + the stage's index, as in production;
Prometheus is Debian's ``prometheus`` binary (``bin/test`` installs it when run as root).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams import flow
from streams.cli.status import StatusReader
from streams.kafka import metrics
from streams.kafka.clients import ensure_topics
from streams.kafka.ingest import ingest
from streams.resources import data_dir
from streams.settings import Settings
from tests.conftest import Workers, free_port, module_settings, settings_env
from tests.faults.accounting import settle

pytestmark = pytest.mark.integration

INSTALL = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus"


def free_base_port(count: int = len(flow.STAGES)) -> int:
    """A port p such that p .. p + count - 1 are all free on the loopback."""
    for _ in range(100):
        base = free_port()
        if base + count > 65535:
            continue
        socks = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("0.0.0.0", port))  # noqa: S104 - where the workers will listen
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports found")


@pytest.fixture(scope="module")
def ops(kafka: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """The three stages with metrics on, JSON logs; the bundled sample ingested and settled."""
    home = tmp_path_factory.mktemp("operations")
    settings = module_settings(
        kafka, home, batch_within_s=0.2, metrics_port=free_base_port(), log_format="json"
    )
    asyncio.run(ensure_topics(settings))
    workers = Workers(settings, home)
    try:
        for stage in flow.NAMES:
            workers.start(stage)
        summary = asyncio.run(ingest(settings, [str(data_dir("sample"))], progress=False))
        figures = asyncio.run(settle(settings, summary.article_ids, idle=180))
        assert figures.lost == 0, figures.line("operations")
        yield settings, figures, home
    finally:
        workers.stop_all()


def scrape(port: int) -> dict[str, list]:
    """name -> samples of a /metrics page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    out: dict[str, list] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append(sample)
    return out


def value(samples: dict[str, list], name: str, **labels: str) -> float:
    return sum(
        s.value
        for s in samples.get(name, [])
        if all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_each_worker_serves_its_stage_metrics(ops: tuple) -> None:
    settings, figures, _home = ops
    deadline = time.monotonic() + 60
    while True:  # lag gauges are refreshed every few seconds
        pages = {stage: scrape(metrics.port(settings, stage)) for stage in flow.NAMES}
        lags = {
            stage: [
                s for s in page.get("newsstream_consumer_lag", []) if s.labels["stage"] == stage
            ]
            for stage, page in pages.items()
        }
        settled = all(lag and not any(s.value for s in lag) for lag in lags.values())
        if settled or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert settled, f"lag gauges missing or not 0: {lags}"
    for stage, page in pages.items():
        assert value(page, "newsstream_articles_in_total", stage=stage) > 0, stage
        assert value(page, "newsstream_articles_out_total", stage=stage) > 0, stage
        assert value(page, "newsstream_batch_size_count", stage=stage) > 0, stage
        assert value(page, "newsstream_stage_batch_duration_seconds_count", stage=stage) > 0
        partitions = {s.labels["partition"] for s in lags[stage]}
        assert partitions == {str(p) for p in range(settings.partitions)}, stage
        [build] = page["newsstream_build_info"]
        assert build.value == 1 and build.labels["version"], build
        assert set(page) <= metrics.metric_names() | _process_metrics(page), set(page)
    geotag, extract = pages["geotag"], pages["extract"]
    assert value(geotag, "newsstream_articles_out_total") == figures.sink_records
    assert value(geotag, "newsstream_end_to_end_latency_seconds_count") == figures.sink_records
    assert value(geotag, "newsstream_end_to_end_latency_seconds_sum") > 0
    assert value(geotag, "newsstream_places_per_article_sum", stage="geotag") > 0
    assert value(extract, "newsstream_entities_per_article_sum", stage="extract") > 0
    assert value(extract, "newsstream_claims_per_article_count", stage="extract") > 0
    assert "newsstream_source_memory_sources" in pages["clean"]


def _process_metrics(page: dict[str, list]) -> set[str]:
    return {name for name in page if not name.startswith("newsstream_")}


def test_status_shows_every_stage_at_lag_zero_and_the_sink(ops: tuple) -> None:
    settings, figures, _home = ops
    status = asyncio.run(StatusReader(settings).read())
    assert status.up
    assert [s.name for s in status.stages] == list(flow.NAMES)
    for stage in status.stages:
        assert stage.total_lag == 0, stage
        assert stage.members, f"{stage.name} group has no members"
        assert sorted(p for m in stage.members for p in m.partitions) == list(
            range(settings.partitions)
        ), stage
    assert status.sink_records == figures.sink_records

    out = subprocess.run(
        [sys.executable, "-m", "streams", "status"],
        env=settings_env(settings) | {"COLUMNS": "220"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "up" in out.splitlines()[0], out
    for stage in flow.NAMES:
        [row] = [line for line in out.splitlines() if re.match(rf"^\W*{stage}\b", line)]
        assert re.search(r"\b0\W*$", row), f"{stage} lag is not 0:\n{out}"
    assert f"sink {figures.sink_records} records written" in out, out


def test_prometheus_scrapes_every_stage(ops: tuple, tmp_path: Path) -> None:
    settings, _figures, _home = ops
    binary = shutil.which("prometheus")
    if binary is None:
        if os.geteuid() == 0:
            pytest.fail(f"prometheus is not installed; bin/test installs it: {INSTALL}")
        pytest.skip(f"prometheus is not installed and we are not root; install it: {INSTALL}")
    targets = [f"127.0.0.1:{metrics.port(settings, stage)}" for stage in flow.NAMES]
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: newsstream\n    static_configs:\n"
        f"      - targets: {json.dumps(targets)}\n"
    )
    port = free_port()
    log = open(tmp_path / "prometheus.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        found: dict[str, float] = {}
        lag_series = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                found = {
                    r["metric"].get("stage"): float(r["value"][1])
                    for r in _query(port, "newsstream_articles_out_total")
                }
                lag_series = len(_query(port, "newsstream_consumer_lag"))
            except OSError:
                pass  # not listening yet
            if all(found.get(s, 0) > 0 for s in flow.NAMES) and lag_series:
                break
            time.sleep(1)
        assert server.poll() is None, (tmp_path / "prometheus.log").read_text()
        assert all(found.get(s, 0) > 0 for s in flow.NAMES), found
        assert lag_series >= len(flow.NAMES) * settings.partitions
        up = {r["metric"]["instance"]: r["value"][1] for r in _query(port, "up")}
        assert up == dict.fromkeys(targets, "1"), up
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _query(port: int, query: str) -> list[dict]:
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=5) as response:
        body = json.load(response)
    assert body["status"] == "success", body
    return body["data"]["result"]


def test_worker_logs_are_json_lines_without_escape_codes(ops: tuple) -> None:
    settings, _figures, home = ops
    for stage in flow.NAMES:
        text = (home / f"{stage}.log").read_text()
        assert "\x1b" not in text, f"terminal escape codes in the {stage} log"
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        assert all(line["stage"] == stage for line in lines), lines
        ready = [line for line in lines if "worker ready" in line["message"]]
        assert ready, lines
        assert metrics.url(settings, stage) in ready[0]["message"]
