"""geotag(): recognition, resolution and focus glued into the sink's place records."""

from __future__ import annotations

from streams.nlp.geo.build import masthead_place
from streams.nlp.geo.focus import focus
from streams.nlp.geo.gazetteer import Gazetteer, Place
from streams.nlp.geo.names import variants
from streams.nlp.geo.recognise import _DATELINE, Mention, recognise
from streams.nlp.geo.resolve import Resolved, resolve

# ccTLDs that differ from the ISO code; generic TLDs (.com, .org) carry no country.
_TLD_CC = {"uk": "GB"}
# second-level labels of country domains ("bbc.co.uk", "smh.com.au") name no town
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu"})
EMBEDDED_WEIGHT = 0.6


def source_country(domain: str | None) -> str | None:
    """The country a news domain's ccTLD names ('bbc.co.uk' -> 'GB'), else None."""
    if not domain:
        return None
    tld = domain.lower().rstrip(".").rsplit(".", 1)[-1]
    if len(tld) != 2:
        return None
    return _TLD_CC.get(tld, tld.upper())


def source_towns(domain: str | None, gaz: Gazetteer) -> list[Place]:
    """The readings of the town a news domain names ("columbustelegram.com" -> the towns called
    Columbus of >= 10,000 inhabitants, "cambridge-news.co.uk" -> Cambridge), else []. Masthead
    words ("news", "daily", "telegram"; data/geo/masthead_words.txt) are stripped from either end
    of a label, in any order, and the longest rest that spells a town or division wins."""
    if not domain:
        return []
    labels = domain[:253].lower().rstrip(".").split(".")[:-1]  # a host name; no top-level domain
    if labels and labels[0] == "www":
        labels = labels[1:]
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    out: list[Place] = []
    for label in labels:
        for part in label[:63].split("-"):
            forms, todo = {part}, [part]
            while todo:
                form = todo.pop()
                for w in gaz.masthead_words:
                    for rest in (
                        form[len(w) :] if form.startswith(w) else "",
                        form[: -len(w)] if form.endswith(w) else "",
                    ):
                        if len(rest) >= 4 and rest not in forms:
                            forms.add(rest)
                            todo.append(rest)
            for form in sorted(forms, key=lambda f: (-len(f), f)):
                key = gaz.masthead_towns.get(form)
                if key is None or form in gaz.masthead_words:
                    continue
                out.extend(
                    c
                    for c in gaz.candidates(key)
                    if key in variants(c.name) and masthead_place(c.feature, c.population)
                )
                break
    return out


def tag_mentions(
    text: str, entities: list[dict], gaz: Gazetteer, source_domain: str | None = None
) -> list[tuple[Mention, Resolved | None]]:
    """Every recognised toponym with its resolution (None where unresolved); the eval uses it.
    Weak mentions the resolver could not confirm are not toponyms and are left out."""
    mentions = recognise(text, entities, gaz)
    resolved = resolve(
        text, mentions, gaz, source_country(source_domain), source_towns(source_domain, gaz)
    )
    return [(m, r) for m, r in zip(mentions, resolved, strict=True) if r is not None or not m.weak]


def geotag(
    text: str,
    entities: list[dict],
    gaz: Gazetteer,
    *,
    source_domain: str | None = None,
    title: str | None = None,
) -> tuple[list[dict], dict]:
    """Return (places, focus) for a cleaned article and its entity records.

    One record per place: every mention that resolves to the same gazetteer entry (the same
    GeoNames id), literal or adjectival ("UK" and "Britons"), joins one record. ``feature`` is
    the entry's own type, or ``demonym`` when the place is only named through demonyms;
    ``demonym_mentions`` lists the adjectival ones among ``mentions`` (absent when none)."""
    groups: dict[object, dict] = {}
    datelines: set[int] = set()
    dateline = dateline_range(text)
    for m, r in tag_mentions(text, entities, gaz, source_domain=source_domain):
        if r is None:
            continue
        if m.source == "dateline" or (dateline and dateline[0] <= m.start < dateline[1]):
            datelines.add(m.start)
        p = r.place
        key = p.geonameid if p.geonameid is not None else ("idx", p.idx)
        rec = groups.get(key)
        if rec is None:
            rec = groups[key] = {
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
        elif not m.demonym and rec["feature"] == "demonym":
            # named outright too: the record is the place itself, with its own entry's data
            rec.update(name=p.name, lat=p.lat, lon=p.lon, admin1=p.admin1, feature=p.feature)
        mention = {"start": m.start, "end": m.end, "text": m.text}
        rec["mentions"].append(mention)
        if m.demonym:
            rec.setdefault("demonym_mentions", []).append(dict(mention))
        # a place only named inside an organisation's name is weaker evidence of a story's place
        conf = r.confidence * (EMBEDDED_WEIGHT if m.source == "embedded" else 1.0)
        rec["confidence"] = max(rec["confidence"], round(conf, 3))
    for rec in groups.values():
        rec["mentions"].sort(key=lambda x: x["start"])
        if "demonym_mentions" in rec:
            rec["demonym_mentions"].sort(key=lambda x: x["start"])
    places = sorted(groups.values(), key=lambda p: p["mentions"][0]["start"])
    return places, focus(places, text, datelines=datelines, title=title)


def dateline_range(text: str) -> tuple[int, int] | None:
    """The characters of the article's dateline ("SOFIA, Bulgaria (AP) —"), if it has one."""
    m = next((d for d in _DATELINE.finditer(text[:400]) if len(d.group(1)) >= 3), None)
    if m is None:
        return None
    return m.start(1), m.end(2) if m.group(2) else m.end(1)
