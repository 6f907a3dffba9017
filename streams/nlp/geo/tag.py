"""geotag(): recognition, resolution and focus glued into the sink's place records."""

from __future__ import annotations

from streams.nlp.geo.focus import focus
from streams.nlp.geo.gazetteer import Gazetteer
from streams.nlp.geo.recognise import Mention, recognise
from streams.nlp.geo.resolve import Resolved, resolve

# ccTLDs that differ from the ISO code; generic TLDs (.com, .org) carry no country.
_TLD_CC = {"uk": "GB"}
EMBEDDED_WEIGHT = 0.6


def source_country(domain: str | None) -> str | None:
    """The country a news domain's ccTLD names ('bbc.co.uk' -> 'GB'), else None."""
    if not domain:
        return None
    tld = domain.lower().rstrip(".").rsplit(".", 1)[-1]
    if len(tld) != 2:
        return None
    return _TLD_CC.get(tld, tld.upper())


def tag_mentions(
    text: str, entities: list[dict], gaz: Gazetteer, source_domain: str | None = None
) -> list[tuple[Mention, Resolved | None]]:
    """Every recognised toponym with its resolution (None where unresolved); the eval uses it.
    Weak mentions the resolver could not confirm are not toponyms and are left out."""
    mentions = recognise(text, entities, gaz)
    resolved = resolve(text, mentions, gaz, source_country(source_domain))
    return [(m, r) for m, r in zip(mentions, resolved, strict=True) if r is not None or not m.weak]


def geotag(
    text: str,
    entities: list[dict],
    gaz: Gazetteer,
    *,
    source_domain: str | None = None,
) -> tuple[list[dict], dict]:
    """Return (places, focus) for a cleaned article and its entity records."""
    groups: dict[tuple[int, bool], dict] = {}
    for m, r in tag_mentions(text, entities, gaz, source_domain=source_domain):
        if r is None:
            continue
        p = r.place
        rec = groups.get((p.idx, m.demonym))
        if rec is None:
            rec = groups[(p.idx, m.demonym)] = {
                "name": p.name,
                "geonameid": p.geonameid,
                "lat": p.lat,
                "lon": p.lon,
                "country_code": p.country_code,
                "admin1": p.admin1,
                "feature": "demonym" if m.demonym else p.feature,
                "mentions": [],
                "confidence": 0.0,
            }
        rec["mentions"].append({"start": m.start, "end": m.end, "text": m.text})
        # a place only named inside an organisation's name is weaker evidence of a story's place
        conf = r.confidence * (EMBEDDED_WEIGHT if m.source == "embedded" else 1.0)
        rec["confidence"] = max(rec["confidence"], round(conf, 3))
    places = sorted(groups.values(), key=lambda p: p["mentions"][0]["start"])
    return places, focus(places)
