"""The pipeline, in flow order. Everything that needs the list of stages reads it here: the
Faust agents and the app factory, ``newsstream process`` and ``run``, topic creation, the
dead-letter re-drive and the NLP pool warm-up. A new stage is one entry below plus its pure
module in ``streams/stages/``.
"""

from __future__ import annotations

from streams.messages.topics import CLEAN, ENRICHED, MENTIONS, RAW, SINK, STORIES, TRENDS
from streams.stages import clean, extract, geotag, stories, trends
from streams.stages.base import Stage

STAGES: tuple[Stage, ...] = (
    Stage(
        "clean", RAW, CLEAN, "article.raw", "article.clean",
        run=clean.clean, warm=clean.warm, post=clean.learn, table="source-memory",
    ),
    Stage(
        "extract", CLEAN, ENRICHED, "article.clean", "article.enriched",
        run=extract.enrich, warm=extract.warm, heavy=True,
        share=extract.parse_share, spread=extract.spread,
    ),
    Stage(
        "geotag", ENRICHED, SINK, "article.enriched", "article.geo",
        run=geotag.tag, warm=geotag.warm,
    ),
    # Reads the sink: live cross-source views (docs/stories.md). Outputs keyed by story_id;
    # the mentions of new articles go to MENTIONS, for the trends stage.
    Stage(
        "stories", SINK, STORIES, "article.geo", "story",
        run=stories.run, post=stories.assign, table="stories",
        key="story_id", run_kind="story.features", side=MENTIONS,
    ),
    # Counts the mentions in a Faust windowed table; outputs keyed by trend key.
    Stage(
        "trends", MENTIONS, TRENDS, "mention", "trend",
        run=trends.run, post=trends.count, table="trends", window=trends.window,
        key="key", run_kind="mention", side=TRENDS, inline=True,
    ),
)  # fmt: skip

# The stages that make the sink (what ``newsstream process`` runs); the rest read the sink.
TO_SINK: tuple[Stage, ...] = STAGES[: [s.output for s in STAGES].index(SINK) + 1]

NAMES: tuple[str, ...] = tuple(stage.name for stage in STAGES)


def stage(name: str) -> Stage:
    """The stage called ``name``; a ValueError names the choices."""
    for candidate in STAGES:
        if candidate.name == name:
            return candidate
    raise ValueError(f"unknown stage {name!r}; choose one of {', '.join(NAMES)}")
