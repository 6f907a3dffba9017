"""``newsstream dlq list|show|replay``: read dead letters and re-drive them after a fix."""

from __future__ import annotations

import base64
import sys
from typing import Any

import orjson
from aiokafka import TopicPartition

from streams import flow
from streams.kafka.clients import consumer, producer
from streams.kafka.topic_reader import records
from streams.messages import topics
from streams.messages.codec import encode
from streams.messages.inputs import Item, to_raw
from streams.settings import Settings


async def dlq_command(settings: Settings, action: str, selected: list[str]) -> int:
    wanted = {_parse_ref(ref) for ref in selected}
    letters = [
        (m.partition, m.offset, v)
        async for m, v in records(settings, topics.name(settings, topics.DLQ))
        if not wanted or (m.partition, m.offset) in wanted
    ]
    missing = sorted(wanted - {(p, o) for p, o, _ in letters})
    for partition, offset in missing:
        print(f"no dead letter at {partition}:{offset}", file=sys.stderr)
    if action == "list":
        for partition, offset, letter in letters:
            error = letter.get("error", {})
            print(
                f"{partition}:{offset}\t{letter.get('stage')}\t{error.get('class')}\t"
                f"{letter.get('article_id') or '-'}\t{_where(letter)}\t"
                f"{str(error.get('message', ''))[:120]}"
            )
        print(f"{len(letters)} dead letter(s)", file=sys.stderr)
    elif action == "show":
        for _p, _o, letter in letters:
            sys.stdout.buffer.write(orjson.dumps(letter, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        sent, refused = await _replay(settings, [(p, o, letter) for p, o, letter in letters])
        for ref, reason in refused:
            print(f"could not re-drive {ref}: {reason}", file=sys.stderr)
        print(f"re-driven {sent}, could not re-drive {len(refused)}", file=sys.stderr)
        if refused:
            return 1
    return 1 if missing else 0


def _where(letter: dict[str, Any]) -> str:
    """Where the letter's input came from: ``file:line`` at ingest, else its topic offset."""
    if letter.get("source_ref"):
        return str(letter["source_ref"])
    ref = letter.get("input")
    if ref:
        return f"{ref['topic']}[{ref['partition']}]@{ref['offset']}"
    return "unknown"


def _parse_ref(ref: str) -> tuple[int, int]:
    try:
        partition, offset = ref.split(":")
        return int(partition), int(offset)
    except ValueError as exc:
        raise ValueError(f"expected PARTITION:OFFSET, got {ref!r}") from exc


async def _replay(
    settings: Settings, letters: list[tuple[int, int, dict[str, Any]]]
) -> tuple[int, list[tuple[str, str]]]:
    """Re-drive each letter's payload into its stage's input topic; returns how many were
    sent and, for the others, ``(PARTITION:OFFSET, why not)``."""
    sent = 0
    refused: list[tuple[str, str]] = []
    async with producer(settings) as prod:
        for partition, offset, letter in letters:
            ref = f"{partition}:{offset}"
            payload = await _original(settings, letter)
            if payload is None:
                size = letter.get("payload_bytes")
                refused.append(
                    (
                        ref,
                        f"the payload ({size} bytes) is not stored in the letter; "
                        f"the original is at {_where(letter)}",
                    )
                )
                continue
            if letter["stage"] == "ingest":
                outcome = to_raw(
                    Item(letter.get("source_ref") or "dlq", payload, "jsonl"),
                    settings.max_article_bytes,
                )
                if outcome.raw is None:
                    assert outcome.letter is not None
                    refused.append(
                        (ref, f"still not an article: {outcome.letter['error']['message']}")
                    )
                    continue
                payload = encode(outcome.raw)
                topic = topics.name(settings, topics.RAW)
            else:
                # a dead letter of a stage goes back into that stage's input topic
                topic = topics.name(settings, flow.stage(letter["stage"]).input)
            key = letter["article_id"].encode() if letter.get("article_id") else None
            await (await prod.send(topic, payload, key=key))
            sent += 1
    return sent, refused


async def _original(settings: Settings, letter: dict[str, Any]) -> bytes | None:
    """The failed payload: inline, base64, or re-read from its input offset when oversize."""
    if letter.get("payload") is not None:
        return letter["payload"].encode("utf-8")
    if letter.get("payload_b64") is not None:
        return base64.b64decode(letter["payload_b64"])
    ref = letter.get("input")
    if not ref:
        return None
    async with consumer(settings, enable_auto_commit=False) as cons:
        tp = TopicPartition(ref["topic"], ref["partition"])
        cons.assign([tp])
        cons.seek(tp, ref["offset"])
        batch = await cons.getmany(tp, timeout_ms=10000, max_records=1)
        messages = batch.get(tp, [])
        return messages[0].value if messages else None
