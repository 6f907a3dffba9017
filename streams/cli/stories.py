"""``newsstream stories`` and ``newsstream trends``: the live views of the stories stage, read
group-less from the compacted ``articles.stories`` and ``articles.trends`` topics."""

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


def current_trends(
    trends: dict[str, dict[str, Any]], size_s: int, kind: str, n: int
) -> tuple[str | None, list[dict[str, Any]]]:
    """The latest window of ``size_s`` and ``kind`` and its top ``n`` names by score."""
    mine = [
        t
        for t in trends.values()
        if t["window"]["size_s"] == size_s and t["window"]["type"] == kind
    ]
    if not mine:
        return None, []
    start = max(t["window"]["start"] for t in mine)
    now = [t for t in mine if t["window"]["start"] == start]
    now.sort(key=lambda t: (t["score"], t["sources"], t["name"]), reverse=True)
    return start, now[:n]


def trends_command(settings: Settings, args: argparse.Namespace) -> int:
    size_s = duration_s(args.window)
    kind = "hopping" if args.hopping else "tumbling"
    trends = asyncio.run(latest(settings, topics.TRENDS))
    start, top = current_trends(trends, size_s, kind, args.n)
    if start is None:
        sizes = sorted({t["window"]["size_s"] for t in trends.values()})
        print(
            f"no {kind} trend windows of {size_s}s on the topic (sizes there: {sizes}; "
            "NEWSSTREAM_TRENDS_WINDOW_S sets the stage's)",
            file=sys.stderr,
        )
        return 1
    if not args.json:
        print(f"{kind} window of {args.window} from {start}:")
    for trend in top:
        _emit(trend, args.json, trend_line(trend))
    return 0
