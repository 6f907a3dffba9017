"""Trending entities and places: distinct sources per name per event-time window of a Faust
windowed table, against the windows before.

The stories stage sends one *mention* per (new article, entity or place) to
``articles.mentions``, keyed by ``<kind>:<name>``, with the article's time as the Kafka
timestamp. The trends stage counts them here, in the layout of a Faust windowed table: the
window is Faust's (:func:`window`: ``TumblingWindow`` or ``HoppingWindow``, with ``expires``),
the keys are Faust's windowed keys ``(name key, (start, end))``, so under Faust the table is
``app.GlobalTable(...).hopping(...)`` / ``.tumbling(...)`` with its changelog, recovery and
expiry, and a dict in the unit tests. The value of a (name, window) is the sorted list of its
distinct source domains: an article counted again (a replay, a re-delivery) adds nothing.

A name is *trending* when its distinct sources rise against the ``history`` windows before
(the windows ``size``, ``2 * size``, ... earlier: ``window.delta``):
``score = (n - mean(previous)) / sqrt(1 + mean(previous))``; rising when ``n >= 2`` and
``n > max(previous)``. Trending is rising, not frequent: a name every outlet names every hour
scores about 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import MutableMapping, Sequence
from typing import Any

from faust.types.windows import WindowT
from faust.windows import HoppingWindow, TumblingWindow

from streams.nlp.stories.features import iso

SCHEMA = "newsstream.trend/v1"


def window(size_s: int, hop_s: int, keep_s: float) -> WindowT:
    """The trend window: hopping windows of ``size_s`` every ``hop_s`` when ``0 < hop_s <
    size_s``, else tumbling windows of ``size_s``; Faust drops them ``keep_s`` after they end."""
    if 0 < hop_s < size_s:
        return HoppingWindow(size_s, hop_s, expires=keep_s)
    return TumblingWindow(size_s, expires=keep_s)


def kind(win: WindowT) -> str:
    return "tumbling" if isinstance(win, TumblingWindow) else "hopping"


def score(n: int, previous: Sequence[int]) -> tuple[float, bool]:
    """(score, rising) of ``n`` distinct sources against the previous windows' counts."""
    mean = sum(previous) / len(previous) if previous else 0.0
    return round((n - mean) / math.sqrt(1 + mean), 4), n >= 2 and n > max(previous, default=0)


class Trends:
    """Counts mentions into ``table`` (a Faust windowed table's storage, or a dict) and returns
    the trend records of the windows they fall in."""

    def __init__(self, table: MutableMapping[Any, Any], win: WindowT, history: int = 3) -> None:
        self.table = table
        self.window = win
        self.history = history
        self.size = int(win.size)  # type: ignore[attr-defined]
        self.step = int(win.step)  # type: ignore[attr-defined]
        self.type = kind(win)

    def observe(self, mention: dict[str, Any]) -> list[dict[str, Any]]:
        """Count one mention in every window that holds its time. Returns the record of the
        latest of those windows (Faust's ``current``) first, always, then those of the other
        windows whose sources grew."""
        at = _epoch(mention["at"])
        current = self.window.current(at)
        out: list[dict[str, Any]] = []
        for rng in self.window.ranges(at):
            wkey = (mention["key"], (float(rng[0]), float(rng[1])))
            sources = list(self.table.get(wkey) or ())
            grew = mention["source"] not in sources
            if grew:
                sources = sorted({*sources, mention["source"]})
                self.table[wkey] = sources
            if rng[0] == current[0]:
                out.insert(0, self.record(mention, rng[0], sources))
            elif grew:
                out.append(self.record(mention, rng[0], sources))
        return out

    def previous(self, key: str, start: float) -> list[int]:
        """Distinct sources of ``key`` in the ``history`` windows before the window at
        ``start`` (latest first)."""
        out = []
        for i in range(1, self.history + 1):
            rng = self.window.delta(start, i * self.size)
            out.append(len(self.table.get((key, (float(rng[0]), float(rng[1])))) or ()))
        return out

    def record(self, mention: dict[str, Any], start: float, sources: list[str]) -> dict[str, Any]:
        previous = self.previous(mention["key"], start)
        value, rising = score(len(sources), previous)
        begin = int(start)
        return {
            "schema": SCHEMA,
            "key": f"{self.type}:{self.size}:{self.step}:{begin}:{mention['key']}",
            "kind": mention["kind"],
            "name": mention["name"],
            "window": {
                "type": self.type,
                "size_s": self.size,
                "hop_s": self.step,
                "start": iso(begin),
                "end": iso(begin + self.size),
            },
            "sources": len(sources),
            "domains": sources[:50],
            "previous": previous,
            "score": value,
            "rising": rising,
        }


def latest_window(
    trends: Sequence[dict[str, Any]], size_s: int | None = None
) -> tuple[str | None, list[dict[str, Any]]]:
    """The window to show from trend records (of one size: ``size_s``, else the largest): the
    one that ends first after the latest start seen, i.e. the latest tumbling window, or the
    hopping window covering the last ``size`` of event time (the newest hopping windows have
    only begun). Returns its start and its records by score, best first."""
    if size_s is None and trends:
        size_s = max(t["window"]["size_s"] for t in trends)
    mine = [t for t in trends if t["window"]["size_s"] == size_s]
    if not mine:
        return None, []
    newest = max(_epoch(t["window"]["start"]) for t in mine)
    step = max(t["window"]["hop_s"] for t in mine if _epoch(t["window"]["start"]) == newest)
    want = newest - (size_s or 0) + step
    starts = sorted({_epoch(t["window"]["start"]) for t in mine})
    start = next((s for s in starts if s >= want), newest)
    now = [t for t in mine if _epoch(t["window"]["start"]) == start]
    now.sort(key=lambda t: (t["score"], t["sources"], t["name"]), reverse=True)
    return iso(start), now


def _epoch(value: float | str) -> float:
    if isinstance(value, int | float):
        return float(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
