"""Article focus: the place and country an article is mainly about."""

from __future__ import annotations

from collections import defaultdict

# A place named early (headline, dateline, lede) is usually what the story is about.
LEAD_CHARS = 300
LEAD_BONUS = 1.0
# Broad places say little about where a story happens; cities and divisions say more.
FEATURE_WEIGHT = {
    "city": 1.2,
    "admin2": 1.1,
    "admin1": 1.0,
    "country": 0.8,
    "continent": 0.2,
    "demonym": 0.3,
}


def focus(places: list[dict]) -> dict:
    """Pick the focus place by weighted mentions and the focus country by all places inside it."""
    if not places:
        return {"place": None, "country_code": None, "geonameid": None}
    place_score: dict[int, float] = {}
    country_score: dict[str, float] = defaultdict(float)
    for i, p in enumerate(places):
        w = FEATURE_WEIGHT.get(p["feature"], 1.0) * p["confidence"]
        w_demonym = FEATURE_WEIGHT["demonym"] * p["confidence"]
        adjectival = {m["start"] for m in p.get("demonym_mentions", ())}
        s = sum(
            (w_demonym if m["start"] in adjectival else w)
            * (1.0 + (LEAD_BONUS if m["start"] < LEAD_CHARS else 0.0))
            for m in p["mentions"]
        )
        place_score[i] = s
        if p["country_code"]:
            country_score[p["country_code"]] += s
    cc = max(country_score, key=country_score.__getitem__) if country_score else None
    # the focus place lies in the focus country when one does
    pool = [
        i
        for i in place_score
        if places[i]["feature"] != "demonym" and (cc is None or places[i]["country_code"] == cc)
    ]
    pool = pool or list(place_score)
    best = places[max(pool, key=lambda i: (place_score[i], -places[i]["mentions"][0]["start"]))]
    return {
        "place": best["name"],
        "country_code": cc or best["country_code"],
        "geonameid": best["geonameid"],
    }
