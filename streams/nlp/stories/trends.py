"""Trending entities and places: distinct sources per name per time window, and how that
compares with the windows before.

Windows are event-time (the article's ``published_at``, else ``ingested_at``), so a late
article counts in the window it belongs to. Two kinds run side by side: tumbling windows of
``size_s`` and hopping windows of ``size_s`` every ``hop_s``. The state is one set of source
domains per (window, name) under ``trend:<kind>:<size>:<step>:<start>:<name>`` keys of the
stage's table; a source counts once per window however many of its articles (or replays of
them) name it. A name is *trending* when its distinct sources rise against the ``history``
previous windows: ``score = (n - mean(previous)) / sqrt(1 + mean(previous))``.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

PREFIX = "trend:"


@dataclass(frozen=True)
class Window:
    kind: str  # "tumbling" or "hopping"
    size_s: int
    step_s: int  # == size_s for tumbling windows

    def starts(self, at: float) -> list[int]:
        """Starts of the windows of this kind that contain ``at``."""
        last = int(at // self.step_s) * self.step_s
        return [
            s for s in range(last, last - self.size_s, -self.step_s) if s <= at < s + self.size_s
        ]


def windows(size_s: int, hop_s: int) -> tuple[Window, ...]:
    out = [Window("tumbling", size_s, size_s)]
    if 0 < hop_s < size_s:
        out.append(Window("hopping", size_s, hop_s))
    return tuple(out)


def key(window: Window, start: int, name: str) -> str:
    return f"{PREFIX}{window.kind}:{window.size_s}:{window.step_s}:{start}:{name}"


class Trends:
    """Counts distinct sources per name per window in ``table`` and returns the trend records
    of the windows an article changed."""

    def __init__(
        self,
        table: MutableMapping[str, Any],
        wins: tuple[Window, ...],
        history: int = 3,
        keep_s: float = 7 * 86400,
    ) -> None:
        self.table = table
        self.windows = wins
        self.history = history
        self.keep_s = keep_s

    def observe(self, feat: dict[str, Any], now: float) -> list[dict[str, Any]]:
        """Count one (new) article; returns a trend record per (window, name) whose distinct
        sources grew. Articles older than ``keep_s`` before ``now`` are not counted."""
        source, at = feat["source"], feat["at"]
        if not source or at < now - self.keep_s:
            return []
        names = [("entity", n) for n in feat["entities"]] + [("place", p) for p in feat["places"]]
        out = []
        for window in self.windows:
            for start in window.starts(at):
                for kind, name in names:
                    k = key(window, start, f"{kind}:{name}")
                    sources = list(self.table.get(k) or ())
                    if source in sources:
                        continue
                    sources.append(source)
                    self.table[k] = sources
                    out.append(self.record(window, start, kind, name, sources))
        return out

    def record(
        self, window: Window, start: int, kind: str, name: str, sources: list[str]
    ) -> dict[str, Any]:
        previous = [
            len(self.table.get(key(window, start - i * window.step_s, f"{kind}:{name}")) or ())
            for i in range(1, self.history + 1)
        ]
        n = len(sources)
        mean = sum(previous) / len(previous) if previous else 0.0
        return {
            "schema": "newsstream.trend/v1",
            "key": key(window, start, f"{kind}:{name}")[len(PREFIX) :],
            "kind": kind,
            "name": name,
            "window": {
                "type": window.kind,
                "size_s": window.size_s,
                "hop_s": window.step_s,
                "start": _iso(start),
                "end": _iso(start + window.size_s),
            },
            "sources": n,
            "domains": sorted(sources)[:50],
            "previous": previous,
            "score": round((n - mean) / math.sqrt(1 + mean), 4),
            "rising": n >= 2 and n > max(previous, default=0),
        }

    def expire(self, now: float) -> int:
        """Delete the windows that ended over ``keep_s`` before ``now``; returns how many."""
        old = []
        for k in list(self.table.keys()):
            if not isinstance(k, str) or not k.startswith(PREFIX):
                continue
            parts = k[len(PREFIX) :].split(":", 4)
            try:
                end = int(parts[3]) + int(parts[1])
            except (IndexError, ValueError):
                continue
            if end < now - self.keep_s:
                old.append(k)
        for k in old:
            del self.table[k]
        return len(old)


def _iso(epoch: float) -> str:
    import datetime as dt

    when = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")
