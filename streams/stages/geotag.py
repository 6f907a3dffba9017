"""article.enriched -> article.geo: places resolved against the gazetteer, and the focus."""

from __future__ import annotations

from streams.nlp.geo import geotag, load_gazetteer
from streams.settings import Settings
from streams.stages.base import Record, carry


def warm(settings: Settings) -> None:
    load_gazetteer(settings.cache)


def tag(records: list[Record], settings: Settings) -> list[Record]:
    gazetteer = load_gazetteer(settings.cache)
    out = []
    for record in records:
        places, focus = geotag(
            record["text"], record["entities"], gazetteer, source_domain=record["source"]["domain"]
        )
        tagged = carry(record, "article.geo")
        tagged["places"] = places
        tagged["focus"] = focus
        out.append(tagged)
    return out
