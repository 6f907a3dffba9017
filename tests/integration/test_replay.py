"""``newsstream replay`` on a real broker, beside live workers: a version bump re-derives a
time range while new articles keep flowing; an interrupted replay (SIGTERM, kill -9) resumes
by id with nothing skipped and nothing published twice; a shadow replay and ``diff`` show what
an edited rule changes."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.cli import main
from streams.kafka.ingest import ingest
from streams.kafka.replay import Checkpoint, load_checkpoints, read_latest
from streams.kafka.topic_reader import records
from streams.messages import topics
from streams.settings import Settings
from tests.conftest import settings_env
from tests.integration.kafkautil import collect, have_ids

pytestmark = pytest.mark.integration

NAMES = ["Ada Brooks", "Omar Haddad", "Lena Fischer", "Tom Okafor", "Rita Mendes", "Sam Cole"]
TOWNS = ["Marlow", "Eastbridge", "Fenwick", "Harlow Bay", "Pine Hollow", "Westmere"]
TOPICS = ["a new library wing", "the harbour dredging", "school bus routes", "a solar farm"]
SOURCES = ["tidewater.example.com", "valley.example.org"]
BUMPED = "0.2.0-test"


def article(tag: str, i: int) -> dict[str, str]:
    """A short made-up article of its own sentences (nothing for source learning to cut)."""
    name, town, topic = NAMES[i % 6], TOWNS[(i // 6) % 6], TOPICS[i % 4]
    text = (
        f"Council member {name} of {town} proposed {topic} on day {i} of the session {tag}. "
        f"The plan would cost {1000 + 37 * i} dollars, according to figures for item {i}.\n\n"
        f"Residents of {town} raised {i + 3} questions about {topic} during the meeting, "
        f"and {name} promised written answers within {i % 9 + 2} weeks."
    )
    return {"id": f"{tag}-{i}", "url": f"https://{SOURCES[i % 2]}/{tag}/{i}", "text": text}


def write_articles(path: Path, tag: str, n: int) -> list[str]:
    with open(path, "wb") as fh:
        for i in range(n):
            fh.write(orjson.dumps(article(tag, i)) + b"\n")
    return [f"{tag}-{i}" for i in range(n)]


@dataclass
class History:
    ids: list[str]
    since: str
    until: str
    version: str  # what the live workers stamp


@pytest.fixture(scope="module")
def history(pipeline: Settings, tmp_path_factory: pytest.TempPathFactory) -> History:
    """200 articles through the live pipeline; their time range."""
    path = tmp_path_factory.mktemp("history") / "old.jsonl"
    ids = write_articles(path, "old", 200)
    since = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    asyncio.run(ingest(pipeline, [str(path)], progress=False))
    time.sleep(0.05)
    until = dt.datetime.now(dt.UTC)
    seen = asyncio.run(collect(pipeline, topics.SINK, have_ids(set(ids)), timeout=900))
    assert set(ids) <= {v["article_id"] for v in seen}
    version = next(v["pipeline"]["version"] for v in seen if v["article_id"] in ids)
    return History(ids, since.isoformat(), until.isoformat(), version)


def cli(settings: Settings, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    """``newsstream ARGS`` as a child process (its own session) with ``settings``."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - lives with the process
    return subprocess.Popen(
        [sys.executable, "-m", "streams", *args],
        env=settings_env(settings),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def sink_records(settings: Settings, topic: str) -> list[dict[str, Any]]:
    """Every committed record of ``topic`` (read_committed: aborted transactions excluded)."""

    async def read() -> list[dict[str, Any]]:
        return [value async for _m, value in records(settings, topic)]

    return asyncio.run(read())


def latest(settings: Settings, topic: str) -> dict[str, dict[str, Any]]:
    found = asyncio.run(read_latest(settings, topic))
    return {k.decode(): orjson.loads(v) for k, (_m, v) in found.items() if v is not None}


def checkpoint(settings: Settings, replay_id: str) -> Checkpoint | None:
    return asyncio.run(load_checkpoints(settings)).get(replay_id)


def test_version_bump_replay_beside_live_traffic(
    pipeline: Settings, history: History, tmp_path: Path
) -> None:
    bumped = pipeline.replace(pipeline_version=BUMPED)
    sink = topics.name(pipeline, topics.SINK)
    dry = subprocess.run(
        [sys.executable, "-m", "streams", "replay", "--since", history.since, "--until",
         history.until, "--source", SOURCES[0], "--dry-run"],
        env=settings_env(pipeline), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "would replay 100 article(s)" in dry.stdout and f"source {SOURCES[0]}: 100" in dry.stdout

    log = tmp_path / "replay.log"
    started = time.monotonic()
    replay = cli(
        bumped, "replay", "--since", history.since, "--until", history.until,
        "--id", "bump-1", "--nice", "5", log=log,
    )  # fmt: skip
    live_path = tmp_path / "live.jsonl"
    live_ids = write_articles(live_path, "live", 100)
    asyncio.run(ingest(pipeline, [str(live_path)], progress=False))
    assert replay.wait(900) == 0, log.read_text()[-3000:]
    seen = asyncio.run(collect(pipeline, topics.SINK, have_ids(set(live_ids)), timeout=900))
    assert set(live_ids) <= {v["article_id"] for v in seen}
    print(f"replay of 200 beside 100 live took {time.monotonic() - started:.1f}s")

    now = latest(pipeline, sink)
    assert {i for i in history.ids if now.get(i, {}).get("pipeline", {}).get("version") == BUMPED}
    assert all(now[i]["pipeline"]["version"] == BUMPED for i in history.ids), "not all replayed"
    assert all(now[i]["pipeline"]["version"] == history.version for i in live_ids)
    # Published once by the replay: one record per article on the bumped version.
    per_id = Counter(r["article_id"] for r in sink_records(pipeline, sink)
                     if r["pipeline"]["version"] == BUMPED)  # fmt: skip
    duplicates = sum(n - 1 for n in per_id.values())
    print(f"bumped records {sum(per_id.values())}, duplicates {duplicates}")
    assert set(per_id) == set(history.ids) and duplicates == 0
    assert "written 200" in log.read_text()

    hashes = {i: now[i]["content_hash"] for i in history.ids}
    again = subprocess.run(
        [sys.executable, "-m", "streams", "replay", "--since", history.since, "--until",
         history.until, "--id", "bump-2", "--nice", "5"],
        env=settings_env(bumped), capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    assert "written 200 (unchanged content 200)" in again.stdout
    after = latest(pipeline, sink)
    assert {i: after[i]["content_hash"] for i in history.ids} == hashes
    listed = subprocess.run(
        [sys.executable, "-m", "streams", "replay", "--list"],
        env=settings_env(pipeline), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert re.search(r"bump-1\s+done\s+200/200", listed.stdout), listed.stdout


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_interrupted_replay_resumes_by_id(
    pipeline: Settings, history: History, tmp_path: Path, how: signal.Signals
) -> None:
    replay_id = f"cut-{how.name.lower()}"
    shadow = topics.name(pipeline, f"articles.shadow-{how.name.lower()}")
    log = tmp_path / "replay.log"
    args = ["replay", "--since", history.since, "--until", history.until, "--to", shadow]
    first = cli(pipeline, *args, "--id", replay_id, "--rate", "25", "--nice", "5", log=log)
    deadline = time.monotonic() + 600
    while True:
        cp = checkpoint(pipeline, replay_id)
        if cp is not None and cp.counts["read"] >= 60:
            break
        assert first.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "the replay made no progress"
        time.sleep(0.3)
    first.send_signal(how)
    code = first.wait(120)
    cut = checkpoint(pipeline, replay_id)
    assert cut is not None and cut.state != "done"
    if how == signal.SIGTERM:
        assert code == 130 and cut.state == "interrupted", log.read_text()[-3000:]
    print(f"{how.name}: stopped at {cut.counts['read']} of 200 ({cut.state})")

    resumed = subprocess.run(
        [sys.executable, "-m", "streams", "replay", "--id", replay_id, "--nice", "5"],
        env=settings_env(pipeline), capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming replay" in resumed.stderr
    done = checkpoint(pipeline, replay_id)
    assert done is not None and done.state == "done" and done.counts["read"] == 200
    per_id = Counter(r["article_id"] for r in sink_records(pipeline, shadow))
    duplicates = sum(n - 1 for n in per_id.values())
    skipped = set(history.ids) - set(per_id)
    print(f"{how.name}: shadow records {sum(per_id.values())}, duplicates {duplicates}, "
          f"skipped {len(skipped)}")  # fmt: skip
    assert not skipped and duplicates == 0 and set(per_id) == set(history.ids)


def test_shadow_replay_and_diff_show_an_edited_rule(
    pipeline: Settings, history: History, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """An edited boilerplate rule (it now cuts "raised N questions about ..." sentences),
    replayed in this process to a shadow topic; diff against the live sink shows its effect."""
    from streams.nlp.boilerplate import rules

    edited = (*rules.load_rules(), rules.Rule("edited", False, 400, re.compile(r"raised \d+ q")))
    monkeypatch.setattr(rules, "load_rules", lambda path=None: edited)
    for name, value in pipeline.replace(pipeline_version="rule-edit").env().items():
        monkeypatch.setenv(name, value)
    shadow = topics.name(pipeline, "articles.shadow-rule")
    code = main(
        ["replay", "--since", history.since, "--until", history.until, "--to", shadow,
         "--source", SOURCES[1], "--id", "rule-edit", "--nice", "0"]
    )  # fmt: skip
    assert code == 0
    capsys.readouterr()
    sink = topics.name(pipeline, topics.SINK)
    assert main(["diff", sink, shadow, "--limit", "3"]) == 0
    text = capsys.readouterr().out
    with capsys.disabled():
        print(text)
    assert "text      changed" in text
    assert re.search(r"compared 100, changed 100, unchanged 0, only in A \d+, only in B 0", text)
    assert main(["diff", sink, shadow, "--json"]) == 0
    report = orjson.loads(capsys.readouterr().out)
    assert report["changed"] == 100 and report["text_changed"] == 100
    assert report["versions_b"] == {"rule-edit": 100}
    assert all(a["version_b"] == "rule-edit" for a in report["articles"])
