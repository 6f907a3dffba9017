"""End to end on a real broker: ingest -> clean -> extract -> geotag -> sink, and the DLQ."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from streams.kafka.ingest import ingest
from streams.messages import topics
from streams.messages.validation import validate
from streams.resources import data_dir
from streams.settings import Settings
from tests.integration.kafkautil import collect, have_ids, send_raw

pytestmark = pytest.mark.integration

SAMPLE = data_dir("sample")


def fifty_articles() -> list[dict[str, str]]:
    """50 articles, plain text and HTML, made from the bundled sample under new ids."""
    texts = [json.loads(line) for line in (SAMPLE / "articles.jsonl").read_text().splitlines()]
    pages = sorted(SAMPLE.glob("*.html"))
    out = []
    for i in range(50):
        if i % 5 == 4 and pages:
            page = pages[i % len(pages)]
            out.append(
                {
                    "id": f"int-{i:03d}",
                    "url": f"https://pages.example.org/{i}",
                    "html": page.read_text(),
                }
            )
        else:
            base = texts[i % len(texts)]
            out.append(base | {"id": f"int-{i:03d}"})
    return out


BAD_LINES = [
    b"this is not json",
    b'{"id": "bad-1", "title": "no body"}',
    b'{"id": "bad-2", "text": 42}',
]


async def test_articles_reach_sink_and_bad_lines_the_dlq(pipeline: Settings, tmp_path: Path):
    articles = fifty_articles()
    revision = {
        "id": "int-000",
        "title": "Revised",
        "text": articles[0]["text"] + "\n\nUpdate: more.",
    }
    path = tmp_path / "in.jsonl"
    lines = [orjson.dumps(a) for a in articles]
    lines[10:10] = BAD_LINES
    lines.append(orjson.dumps(revision))
    path.write_bytes(b"\n".join(lines) + b"\n")

    summary = await ingest(pipeline, [str(path)], progress=False)
    assert (summary.ingested, summary.dead) == (51, 3)

    ids = {a["id"] for a in articles}

    def revised(values: list[dict]) -> bool:
        return have_ids(ids)(values) and any(v.get("title") == "Revised" for v in values)

    sink = await collect(pipeline, topics.SINK, revised)
    assert ids <= {r["article_id"] for r in sink}, "some articles never reached the sink"
    for record in sink:
        validate("article.geo", {k: v for k, v in record.items() if not k.startswith("_")})
    # In order per key: the revision of int-000 arrives after the original.
    versions = [r["title"] for r in sink if r["article_id"] == "int-000"]
    assert versions[-1] == "Revised" and len(versions) >= 2
    # Filled from the text, not empty shells.
    assert sum(len(r["entities"]) for r in sink) > 100
    assert sum(len(r["claims"]) for r in sink) > 50
    assert sum(len(r["places"]) for r in sink) > 50

    letters = await collect(pipeline, topics.DLQ, lambda v: len(v) >= 3, timeout=30)
    for letter in letters:
        validate("dead_letter", {k: v for k, v in letter.items() if not k.startswith("_")})
    reasons = {
        letter["error"]["class"]: letter for letter in letters if letter["stage"] == "ingest"
    }
    assert set(reasons) == {"json", "input"}
    assert any(letter["payload"] == "this is not json" for letter in letters)
    assert all(letter["source_ref"].startswith(str(path)) for letter in letters)


async def test_stage_dead_letters_bad_messages_and_keeps_flowing(pipeline: Settings):
    good = {
        "id": "after-bad",
        "text": "Mayor Ana Ruiz of Denver, Colorado said the city would hire 40 nurses.",
    }
    from streams.messages.codec import encode
    from streams.messages.inputs import raw_from_item

    payloads = [
        (b"k1", b"\xff\xfe not utf-8"),
        (b"k2", b'{"schema": "newsstream.article.raw/v1", "article_id": "k2"}'),
        (b"k3", b'["wrong", "type"]'),
        (b"after-bad", encode(raw_from_item(good))),
    ]
    await send_raw(pipeline, topics.RAW, payloads)
    sink = await collect(pipeline, topics.SINK, have_ids({"after-bad"}), timeout=120)
    assert "after-bad" in {r["article_id"] for r in sink}
    letters = await collect(
        pipeline, topics.DLQ, lambda v: sum(x["stage"] == "clean" for x in v) >= 3, timeout=60
    )
    clean_letters = [x for x in letters if x["stage"] == "clean"]
    assert {x["error"]["class"] for x in clean_letters} == {"json", "schema"}
    for letter in clean_letters:
        assert letter["input"]["topic"] == topics.name(pipeline, topics.RAW)
        assert letter["error"]["message"]
    undecodable = next(x for x in clean_letters if x["payload_b64"])
    assert undecodable["payload"] is None
