"""mention -> trend: trending entities and places (docs/stories.md).

The stories stage sends one mention per (new article, entity or place) to
``articles.mentions``, keyed by ``<kind>:<name>`` and timestamped with the article's time.
This stage counts them in its table, a Faust windowed table (:func:`window`: hopping or
tumbling per the settings, expiring after ``NEWSSTREAM_TRENDS_KEEP_DAYS``; a dict in-process):
distinct source domains per name per event-time window. ``run`` only passes the validated
mentions on (``inline``: on the event loop); ``post`` counts each and returns the trend record
of the window it falls in last (keyed by trend key on the compacted ``articles.trends``), the
records of the other windows it changed (hopping windows overlap) riding along under
:data:`SIDE` to the same topic.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from streams.messages.dead_letters import Failure
from streams.messages.validation import SchemaError, validate
from streams.nlp.stories import trends
from streams.settings import Settings
from streams.stages.base import SIDE, Record, Result


def window(settings: Settings) -> Any:
    """The window of the stage's table (a Faust ``WindowT``)."""
    return trends.window(
        settings.trends_window_s, settings.trends_hop_s, settings.trends_keep_days * 86400
    )


def run(records: list[Record], settings: Settings) -> list[Record]:
    return records


def count(
    results: list[Result], table: MutableMapping[Any, Any], settings: Settings
) -> list[Result]:
    """Each mention into its windows, in order; a trend record out per mention."""
    counter = trends.Trends(table, window(settings), history=settings.trends_history)
    return [count_one(result, counter) for result in results]


def count_one(result: Result, counter: trends.Trends) -> Result:
    if isinstance(result, Failure):
        return result
    current, *others = counter.observe(result)
    try:
        for record in (current, *others):
            validate("trend", record)
    except SchemaError as exc:
        message = f"the trends stage produced an invalid record: {exc}"
        return Failure("schema", message, result["article_id"])
    if others:
        current[SIDE] = [{"key": t["key"], "value": t} for t in others]
    return current
