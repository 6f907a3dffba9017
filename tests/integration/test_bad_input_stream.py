"""Nasty payloads straight on the raw topic, between good articles: each one ends in the sink
or the DLQ with a reason, and the good articles after them still arrive."""

from __future__ import annotations

import random

import pytest

from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.inputs import raw_from_item
from streams.messages.validation import validate
from streams.settings import Settings
from tests.integration.kafkautil import collect, have_ids, send_raw

pytestmark = pytest.mark.integration

PROSE = (
    "Mayor Ana Ruiz of Denver, Colorado said on Monday that the city would hire 40 nurses "
    "this year. The council approved the plan by a vote of seven to two, officials said."
)


def raw(article_id: str, **item: str) -> bytes:
    return encode(raw_from_item({"id": article_id, **item}))


def nasty(limit: int) -> dict[str, bytes]:
    """Keyed by article id (the message key); each is a message no stage can use."""
    big = raw("bad-oversize", text=PROSE + " more words" * (limit // 10))
    assert len(big) > limit
    return {
        "bad-oversize": big,
        "bad-deep": raw("bad-deep", html="<div>" * 50_000 + "deep" + "</div>" * 50_000),
        "bad-random": random.Random(5).randbytes(20_000),
        "bad-quotes": raw("bad-quotes", text='"' * 100_000),
        "bad-laughs": raw(
            "bad-laughs",
            html='<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><p>&c;&c;&c;&c;</p>',
        ),
        "bad-xxe": raw(
            "bad-xxe",
            html='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>&e;</p>',
        ),
        "bad-type": b'{"schema": "newsstream.article.raw/v1", "article_id": "bad-type", '
        b'"content": 42}',
    }


async def test_nasty_payloads_are_accounted_and_good_ones_flow(pipeline: Settings) -> None:
    bad = nasty(pipeline.max_article_bytes)
    payloads: list[tuple[bytes | None, bytes]] = []
    good_ids = set()
    for n, (key, value) in enumerate(bad.items()):
        payloads.append((key.encode(), value))
        good_id = f"good-after-{n}"
        good_ids.add(good_id)
        payloads.append((good_id.encode(), raw(good_id, text=PROSE)))
    await send_raw(pipeline, topics.RAW, payloads)

    sink = await collect(pipeline, topics.SINK, have_ids(good_ids), timeout=300)
    assert good_ids <= {r["article_id"] for r in sink}, "good articles after bad ones are lost"

    def accounted(values: list[dict]) -> bool:
        return set(bad) <= {v.get("article_id") for v in values}

    letters = await collect(pipeline, topics.DLQ, accounted, timeout=120)
    in_dlq = {x["article_id"]: x for x in letters if x.get("article_id") in bad}
    in_sink = {r["article_id"]: r for r in sink if r["article_id"] in bad}
    assert set(bad) <= set(in_dlq) | set(in_sink), set(bad) - set(in_dlq) - set(in_sink)
    for letter in in_dlq.values():
        validate("dead_letter", {k: v for k, v in letter.items() if not k.startswith("_")})
        assert letter["error"]["class"] and letter["error"]["message"].strip()
    assert in_dlq["bad-oversize"]["error"]["class"] == "oversize"
    assert in_dlq["bad-oversize"]["payload"] is None
    assert in_dlq["bad-random"]["error"]["class"] == "json"
    assert in_dlq["bad-deep"]["error"]["class"] == "input"
    for record in in_sink.values():
        assert "root:x:0:0" not in record.get("text", "")
