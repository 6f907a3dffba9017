"""``newsstream stories`` and ``newsstream trends``: the live views of the stories and trends
stages, read group-less from the compacted ``articles.stories`` and ``articles.trends``
topics."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from typing import Any

import orjson

from streams.messages import topics
from streams.settings import Settings

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_s(text: str) -> int:
    """``90``, ``15m``, ``1h``, ``2d`` -> seconds."""
    found = _DURATION.match(text.strip().lower())
    if not found:
        raise ValueError(f"not a duration: {text!r} (e.g. 900, 15m, 1h, 1d)")
    return int(float(found.group(1)) * _UNIT[found.group(2)])


async def latest(settings: Settings, base: str) -> dict[str, dict[str, Any]]:
    """The latest record per key of a compacted topic, read to its end."""
    from streams.kafka.topic_reader import records

    out: dict[str, dict[str, Any]] = {}
    async for message, value in records(settings, topics.name(settings, base)):
        if message.key is not None and isinstance(value, dict) and "undecodable" not in value:
            out[message.key.decode("utf-8", "replace")] = value
    return out


def _emit(value: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(value) + b"\n")
    else:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()


def story_line(story: dict[str, Any]) -> str:
    head = (
        f"{story['story_id']}  {story['size']:>3} articles  {len(story['sources']):>2} sources  "
        f"{story['first_seen']} .. {story['last_seen']}  {story['title'][:90]}"
    )
    lines = [head, f"    sources: {', '.join(story['sources'][:12])}"]
    if story["entities"]:
        names = ", ".join(f"{e['name']} ({e['count']})" for e in story["entities"][:8])
        lines.append(f"    entities: {names}")
    for number in story["numbers"][:5]:
        unit = f" {number['unit']}" if number["unit"] else ""
        lines.append(
            f"    number {number['value']:g}{unit}: first {number['first']['source']}, "
            f"repeated by {', '.join(w['source'] for w in number['repeated_by'])}"
        )
    return "\n".join(lines)


def stories_command(settings: Settings, args: argparse.Namespace) -> int:
    from streams.kafka.topic_reader import end_offsets, records

    topic = topics.name(settings, topics.STORIES)

    async def go() -> int:
        ends = await end_offsets(settings, topic)
        stories = await latest(settings, topics.STORIES)
        if args.article:
            found = [s for s in stories.values() if args.article in s["article_ids"]]
            for story in found:
                _emit(story, args.json, story_line(story))
            if not found:
                print(f"article {args.article} is in no story (yet)", file=sys.stderr)
                return 1
            return 0
        ranked = sorted(
            stories.values(),
            key=lambda s: (len(s["sources"]), s["size"], s["last_seen"]),
            reverse=True,
        )
        for story in ranked[: args.n]:
            _emit(story, args.json, story_line(story))
        if args.follow:
            async for _message, value in records(settings, topic, start=ends, follow=True):
                if isinstance(value, dict) and "story_id" in value:
                    _emit(value, args.json, story_line(value))
        return 0

    return asyncio.run(go())


def trend_line(trend: dict[str, Any]) -> str:
    arrow = "↑" if trend["rising"] else " "
    return (
        f"{arrow} {trend['score']:>7.2f}  {trend['sources']:>3} sources  "
        f"(before: {', '.join(str(p) for p in trend['previous'])})  "
        f"{trend['kind']:<6} {trend['name']}"
    )


def trends_command(settings: Settings, args: argparse.Namespace) -> int:
    from streams.nlp.stories.trends import latest_window

    size_s = duration_s(args.window) if args.window else None
    trends = list(asyncio.run(latest(settings, topics.TRENDS)).values())
    start, top = latest_window(trends, size_s)
    if start is None:
        sizes = sorted({t["window"]["size_s"] for t in trends})
        print(
            f"no trend windows of {size_s}s on the topic (sizes there: {sizes}; "
            "NEWSSTREAM_TRENDS_WINDOW_S sets the trends stage's)",
            file=sys.stderr,
        )
        return 1
    if not args.json:
        kind = top[0]["window"]["type"]
        print(f"{kind} window of {top[0]['window']['size_s']}s from {start}:")
    for trend in top[: args.n]:
        _emit(trend, args.json, trend_line(trend))
    return 0
