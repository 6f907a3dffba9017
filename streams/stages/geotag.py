"""article.enriched -> article.geo: places resolved against the gazetteer, and the focus."""

from __future__ import annotations

from streams.nlp.geo import geotag, load_gazetteer
from streams.settings import Settings
from streams.stages.base import Record, carry
from streams.stages.versioning import content_hash


def warm(settings: Settings) -> None:
    load_gazetteer(settings.cache)


def tag(records: list[Record], settings: Settings) -> list[Record]:
    gazetteer = load_gazetteer(settings.cache)
    out = []
    for record in records:
        # the part of the text the extract stage read (see its `truncated`), if any of it
        text = record["text"][: record["truncated"]["at"]] if "truncated" in record else None
        if "places" in record.get("nlp", {}).get("skipped", ()):
            text = ""  # a language without a model: no places either
        places, focus = geotag(
            record["text"] if text is None else text,
            record["entities"],
            gazetteer,
            source_domain=record["source"]["domain"],
            title=record.get("title"),
        )
        tagged = carry(record, "article.geo")
        tagged["places"] = places
        tagged["focus"] = focus
        tagged["content_hash"] = content_hash(tagged)  # the last stage: every field is final
        out.append(tagged)
    return out
