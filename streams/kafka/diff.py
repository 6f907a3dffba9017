"""``newsstream diff TOPIC_A TOPIC_B``: what changed per article between two sinks (say, the
live sink and a shadow backfill), read group-less to their ends (the latest committed record
per ``article_id`` of each), and the totals a user reads before switching consumers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from streams.kafka.replay import latest_records
from streams.settings import Settings


def entity_key(entity: Mapping[str, Any]) -> str:
    return f"{entity.get('name')} ({entity.get('label')})"


def claim_key(claim: Mapping[str, Any]) -> str:
    speaker = (claim.get("speaker") or {}).get("name")
    return f"{claim.get('kind')}: {claim.get('text')!r}" + (f" ({speaker})" if speaker else "")


def place_key(place: Mapping[str, Any]) -> str:
    return f"{place.get('name')} ({place.get('feature')}, {place.get('country_code') or '-'})"


KEYS = {"entities": entity_key, "claims": claim_key, "places": place_key}


@dataclass
class ArticleDiff:
    article_id: str
    title: str
    version_a: str | None
    version_b: str | None
    text_changed: bool
    focus_changed: bool
    added: dict[str, list[str]]
    removed: dict[str, list[str]]

    @property
    def changed(self) -> bool:
        return (
            self.text_changed
            or self.focus_changed
            or any(self.added.values())
            or any(self.removed.values())
        )

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Report:
    topic_a: str
    topic_b: str
    compared: int = 0
    changed: int = 0
    unchanged: int = 0  # same content (content_hash, or the derived fields when it is missing)
    only_a: int = 0
    only_b: int = 0
    text_changed: int = 0
    added: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    versions_a: Counter = field(default_factory=Counter)
    versions_b: Counter = field(default_factory=Counter)
    articles: list[ArticleDiff] = field(default_factory=list)

    def totals(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "articles"}
        return {k: dict(v) if isinstance(v, Counter) else v for k, v in out.items()}


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> ArticleDiff:
    """What changed from record ``a`` to record ``b`` of the same article."""
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for name, key in KEYS.items():
        before = Counter(key(x) for x in a.get(name) or [])
        after = Counter(key(x) for x in b.get(name) or [])
        added[name] = sorted((after - before).elements())
        removed[name] = sorted((before - after).elements())
    return ArticleDiff(
        article_id=str(b.get("article_id") or a.get("article_id")),
        title=str(b.get("title") or a.get("title") or ""),
        version_a=(a.get("pipeline") or {}).get("version"),
        version_b=(b.get("pipeline") or {}).get("version"),
        text_changed=a.get("text") != b.get("text"),
        focus_changed=a.get("focus") != b.get("focus"),
        added=added,
        removed=removed,
    )


def same_content(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.get("content_hash") and b.get("content_hash"):
        return a["content_hash"] == b["content_hash"]
    from streams.stages.versioning import content_hash

    return content_hash(a) == content_hash(b)


def diff_records(
    report: Report,
    side_a: Mapping[str, Mapping[str, Any]],
    side_b: Mapping[str, Mapping[str, Any]],
    limit: int | None = None,
) -> Report:
    for article_id in sorted(set(side_a) | set(side_b)):
        a, b = side_a.get(article_id), side_b.get(article_id)
        if a is not None:
            report.versions_a[(a.get("pipeline") or {}).get("version")] += 1
        if b is not None:
            report.versions_b[(b.get("pipeline") or {}).get("version")] += 1
        if a is None or b is None:
            report.only_a += b is None
            report.only_b += a is None
            continue
        report.compared += 1
        if same_content(a, b):
            report.unchanged += 1
            continue
        one = compare(a, b)
        report.changed += 1
        report.text_changed += one.text_changed
        for name in KEYS:
            report.added[name] += len(one.added[name])
            report.removed[name] += len(one.removed[name])
        if limit is None or len(report.articles) < limit:
            report.articles.append(one)
    return report


async def diff_topics(
    settings: Settings,
    topic_a: str,
    topic_b: str,
    since: dt.datetime | None = None,
    limit: int | None = None,
) -> Report:
    side_a = await latest_records(settings, topic_a, since)
    side_b = await latest_records(settings, topic_b, since)
    return diff_records(Report(topic_a, topic_b), side_a, side_b, limit)


def render(report: Report) -> str:
    """The human-readable report: each changed article, then the totals."""
    lines = []
    for one in report.articles:
        lines.append(f"{one.article_id}  {one.title[:70]!r}")
        if one.version_a != one.version_b:
            lines.append(f"  version   {one.version_a} -> {one.version_b}")
        if one.text_changed:
            lines.append("  text      changed")
        if one.focus_changed:
            lines.append("  focus     changed")
        for name in KEYS:
            for item in one.added[name]:
                lines.append(f"  {name:<9} + {item}")
            for item in one.removed[name]:
                lines.append(f"  {name:<9} - {item}")
    shown = len(report.articles)
    if shown < report.changed:
        lines.append(f"... {report.changed - shown} more changed article(s) (--limit)")
    lines.append(
        f"{report.topic_a} -> {report.topic_b}: compared {report.compared}, "
        f"changed {report.changed}, unchanged {report.unchanged}, "
        f"only in A {report.only_a}, only in B {report.only_b}; text changed "
        f"{report.text_changed}"
    )
    for name in KEYS:
        lines.append(f"  {name:<9} +{report.added[name]} -{report.removed[name]}")
    versions = ", ".join(f"{v}: {n}" for v, n in report.versions_a.most_common())
    lines.append(f"  versions in A: {versions or '-'}")
    versions = ", ".join(f"{v}: {n}" for v, n in report.versions_b.most_common())
    lines.append(f"  versions in B: {versions or '-'}")
    return "\n".join(lines)
