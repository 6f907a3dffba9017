"""article.geo (the sink) -> story: live cross-source views (docs/stories.md).

``run`` (in the NLP processes) computes each article's features: MinHash signature, top
entities and places, numeric and other claims, source and time. ``post`` (on the event loop,
where the stage's table is) puts the article in its story and returns the updated story
record, keyed by ``story_id`` on the compacted ``articles.stories``. A new article's entity
and place mentions ride along under :data:`SIDE` to ``articles.mentions``, timestamped with
the article's time, for the trends stage (``streams/stages/trends.py``). An article already in
a story (a replay, a re-delivery after a crash) re-publishes its story and sends no mention.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from streams.messages.codec import now_iso
from streams.messages.dead_letters import Failure
from streams.messages.validation import SchemaError, schema_id, validate
from streams.nlp.stories import Stories, features
from streams.nlp.stories.features import iso
from streams.settings import Settings
from streams.stages.base import SIDE, Record, Result

TOP = 10


def run(records: list[Record], settings: Settings) -> list[Record]:
    return [
        {
            "schema": schema_id("story.features"),
            "article_id": record["article_id"],
            "pipeline": {
                "version": record["pipeline"]["version"],
                "stages": list(record["pipeline"]["stages"]),
            },
            "features": features(record),
        }
        for record in records
    ]


def assign(
    results: list[Result], table: MutableMapping[str, Any], settings: Settings
) -> list[Result]:
    """Each article into its story, in order; the story records out (see the module doc)."""
    stories = Stories(table, window_s=settings.stories_window_days * 86400)
    return [assign_one(result, stories) for result in results]


def assign_one(result: Result, stories: Stories) -> Result:
    if isinstance(result, Failure):
        return result
    feat = result["features"]
    story, new = stories.add(feat)
    side = mentions(feat, story["id"]) if new else []
    record = story_record(story, feat, new)
    try:
        validate("story", record)
        for mention in side:
            validate("mention", mention)
    except SchemaError as exc:
        message = f"the stories stage produced an invalid record: {exc}"
        return Failure("schema", message, result["article_id"])
    if side:
        record[SIDE] = [{"key": m["key"], "value": m, "timestamp": feat["at"]} for m in side]
    return record


def mentions(feat: dict[str, Any], story: str) -> list[dict[str, Any]]:
    """One mention per entity and place of a new article (none without a source domain)."""
    if not feat["source"]:
        return []
    named = [("entity", n) for n in feat["entities"]] + [("place", p) for p in feat["places"]]
    return [
        {
            "schema": schema_id("mention"),
            "key": f"{kind}:{name}",
            "kind": kind,
            "name": name,
            "article_id": feat["article_id"],
            "story_id": story,
            "source": feat["source"],
            "at": iso(feat["at"]),
        }
        for kind, name in dict.fromkeys(named)
    ]


def _who(entry: dict[str, Any]) -> dict[str, Any]:
    return {"source": entry["source"], "article_id": entry["article_id"], "at": iso(entry["at"])}


def story_record(story: dict[str, Any], feat: dict[str, Any], new: bool) -> dict[str, Any]:
    """The published form of a story summary (schema story.v1)."""
    members = sorted(story["articles"].items(), key=lambda kv: (kv[1][1], kv[0]))
    claims = []
    for entry in story["claims"].values():
        if len(entry["sources"]) < 2:
            continue
        seen = sorted(entry["sources"].items(), key=lambda kv: (kv[1][1], kv[0]))
        claims.append(
            {
                "text": entry["text"],
                "sources": [
                    {"source": s, "article_id": aid, "at": iso(at)} for s, (aid, at) in seen
                ],
            }
        )
    numbers = []
    for number in story["numbers"]:
        if not number["repeated_by"]:
            continue
        numbers.append(
            {
                "value": number["value"],
                "unit": number["unit"],
                "text": number["text"],
                "first": _who(number["first"]),
                "repeated_by": [_who(w) for w in number["repeated_by"]],
                "sources": sorted(
                    {w["source"] for w in [number["first"], *number["repeated_by"]] if w["source"]}
                ),
            }
        )
    return {
        "schema": schema_id("story"),
        "story_id": story["id"],
        "title": story["title"],
        "first_seen": iso(story["first_seen"]),
        "last_seen": iso(story["last_seen"]),
        "updated_at": now_iso(),
        "size": len(members),
        "article_ids": [aid for aid, _ in members],
        "sources": _top(story["sources"], None),
        "entities": [{"name": n, "count": c} for n, c in _top_counts(story["entities"])],
        "places": [{"name": n, "count": c} for n, c in _top_counts(story["places"])],
        "claims": claims[:TOP],
        "numbers": numbers,
        "update": {
            "article_id": feat["article_id"],
            "source": feat["source"],
            "at": iso(feat["at"]),
            "new": new,
        },
    }


def _top_counts(counts: dict[str, int], n: int | None = TOP) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked if n is None else ranked[:n]


def _top(counts: dict[str, int], n: int | None = TOP) -> list[str]:
    return [name for name, _ in _top_counts(counts, n)]
