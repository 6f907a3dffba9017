"""The pipeline, in flow order. Everything that needs the list of stages reads it here: the
Faust agents and the app factory, ``newsstream process`` and ``run``, topic creation, the
dead-letter re-drive and the NLP pool warm-up. A new stage is one entry below plus its pure
module in ``streams/stages/``.
"""

from __future__ import annotations

from streams.messages.topics import CLEAN, ENRICHED, RAW, SINK
from streams.stages import clean, extract, geotag
from streams.stages.base import Stage

STAGES: tuple[Stage, ...] = (
    Stage(
        "clean", RAW, CLEAN, "article.raw", "article.clean",
        run=clean.clean, warm=clean.warm, post=clean.learn, table="source-memory",
    ),
    Stage(
        "extract", CLEAN, ENRICHED, "article.clean", "article.enriched",
        run=extract.enrich, warm=extract.warm,
    ),
    Stage(
        "geotag", ENRICHED, SINK, "article.enriched", "article.geo",
        run=geotag.tag, warm=geotag.warm,
    ),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(stage.name for stage in STAGES)


def stage(name: str) -> Stage:
    """The stage called ``name``; a ValueError names the choices."""
    for candidate in STAGES:
        if candidate.name == name:
            return candidate
    raise ValueError(f"unknown stage {name!r}; choose one of {', '.join(NAMES)}")
