"""Group mentions into document-level entities and give each one label and one name.

Within one article a name means one thing: mentions are merged by normalised form, curated
alias, surname ("Trump" -> "Donald Trump") and acronym ("ICE" -> "Immigration and Customs
Enforcement"), then the entity's label is a weighted vote across all its mentions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc

from streams.nlp.entities.normalize import is_all_caps, norm_key
from streams.nlp.entities.resources import aliases, nation_keys, place_spellings
from streams.nlp.entities.spans import Mention, given_name_shape, venue

_PLACE_LIKE = frozenset({"GPE", "LOC", "NORP", "FAC"})
# A country's name names the country unless most mentions say otherwise ("Wales" the side).
NATION_PRIOR = 2.0
# The curated alias file's label for a frequent entity ("U.N." is an ORG).
ALIAS_PRIOR = 2.0
# A full multi-word form is tagged more reliably than a bare surname or a city.
MULTIWORD_WEIGHT = 3.0
# "President Vaclav Havel", "batsman Brian Lara": a title before a name is evidence of a person.
PERSON_CUE_WEIGHT = 2.0
# "the congress in Sibiu": a known place after a place preposition is evidence of a place.
PLACE_CUE_WEIGHT = 2.0
# "Stefano Bordon", "Rodney Eyles": a known given name before a surname-like word is evidence
# of a person, a little more than one multi-word mention the model read otherwise.
GIVEN_NAME_WEIGHT = 3.5


@dataclass(slots=True)
class Cluster:
    """The mentions of one entity and the decisions taken about it."""

    key: str
    mentions: list[Mention] = field(default_factory=list)
    canonical: str | None = None  # from the alias file
    alias_label: str | None = None
    label: str = ""
    name: str = ""

    def votes(self, doc: Doc) -> dict[str, float]:
        """Label weights: headline and all-caps mentions count less, longer forms more."""
        out: dict[str, float] = defaultdict(float)
        for m in self.mentions:
            if m.source not in ("model", "layout"):
                continue
            w = m.weight
            if m.in_headline or m.caps:
                w *= 0.5
            if m.end - m.start > 1:
                w *= MULTIWORD_WEIGHT
            out[m.label] += w
            if m.person_cue:
                out["PERSON"] += PERSON_CUE_WEIGHT
            if m.place_cue:
                out["GPE"] += PLACE_CUE_WEIGHT
        return out


def _decide_label(cl: Cluster, doc: Doc) -> str:
    if any(venue(doc, m.start, m.end) for m in cl.mentions if m.source in ("model", "layout")):
        return "FAC"  # "Melbourne Cricket Ground": a ground, whatever the model said
    votes = cl.votes(doc)
    if _surname_only(cl, doc):
        return "PERSON"  # "Elizabeth Fairfield … Fairfield's defence": the surname, not the town
    if cl.key in nation_keys():
        votes["GPE"] += NATION_PRIOR
    if cl.alias_label:
        votes[cl.alias_label] += ALIAS_PRIOR
    if any(
        m.source in ("model", "layout") and not m.caps and given_name_shape(doc, m.start, m.end)
        for m in cl.mentions
    ):
        votes["PERSON"] += GIVEN_NAME_WEIGHT
    if not votes:
        return cl.alias_label or cl.mentions[0].label
    best = max(votes.values())
    tied = [lab for lab, v in votes.items() if v == best]
    if len(tied) == 1:
        return tied[0]
    if cl.alias_label in tied:
        return cl.alias_label
    longest = max((m for m in cl.mentions if m.label in tied), key=lambda m: m.end - m.start)
    return longest.label


def _surname_only(cl: Cluster, doc: Doc) -> bool:
    """True when the model read a multi-word mention as a person and every other mention is
    that person's surname alone, whatever the model called it: linking joined the surname to
    the person, so the votes of the bare surname (a town's name, say) do not decide."""
    full = [m for m in cl.mentions if m.label == "PERSON" and m.end - m.start > 1]
    if not full:
        return False
    surnames = {doc[m.end - 1].text for m in full}
    return all(
        m.label == "PERSON" or (m.end - m.start == 1 and doc[m.start].text in surnames)
        for m in cl.mentions
    ) and any(m.label != "PERSON" for m in cl.mentions)


def _known_place(key: str) -> bool:
    """A GeoNames country, US state or city of 15,000+ (or another sporting nation)."""
    return key in place_spellings() or key in nation_keys()


def _name_tokens(cl: Cluster, doc: Doc) -> list[str]:
    best = max(cl.mentions, key=lambda m: (m.end - m.start, not m.in_headline))
    return [t.text for t in doc[best.start : best.end]]


def _initials(words: list[str]) -> str:
    """Initials of the capitalised words ("U.S. Immigration and Customs ..." -> "UICE")."""
    return "".join(w[0] for w in words if w[:1].isupper())


def _merge(into: Cluster, other: Cluster) -> None:
    into.mentions.extend(other.mentions)
    if into.canonical is None and other.canonical is not None:
        into.canonical, into.alias_label = other.canonical, other.alias_label
    other.mentions = []


def cluster_mentions(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    """Merge mentions into entities; labels and names are set on the returned clusters."""
    alias_map = aliases()
    by_key: dict[str, Cluster] = {}
    for m in mentions:
        key = m.key
        hit = alias_map.get(key)
        if hit is not None:
            key = norm_key(hit[0])
        cl = by_key.get(key)
        if cl is None:
            cl = by_key[key] = Cluster(key=key)
        if hit is not None:
            cl.canonical, cl.alias_label = hit
        cl.mentions.append(m)
    clusters = list(by_key.values())
    for cl in clusters:
        cl.label = _decide_label(cl, doc)

    # Surname references: a one-word entity equal to the last word of a full PERSON name.
    by_surname: dict[str, list[Cluster]] = defaultdict(list)
    for cl in clusters:
        words = cl.key.split()
        if cl.label == "PERSON" and len(words) >= 2:
            by_surname[words[-1]].append(cl)
    for cl in clusters:
        words = cl.key.split()
        if len(words) != 1 or not cl.mentions or words[0] not in by_surname:
            continue
        votes = cl.votes(doc)
        if (
            not votes.get("PERSON")
            and cl.label in _PLACE_LIKE
            and len(cl.mentions) >= 2
            and _known_place(cl.key)
        ):
            continue  # "Jordan" the country, named twice, is not Michael Jordan
        target = max(by_surname[words[0]], key=lambda c: len(c.mentions))
        _merge(target, cl)

    # Acronyms: a short all-capitals entity matching the initials of a longer one.
    expansions: dict[str, list[Cluster]] = defaultdict(list)
    for cl in clusters:
        if not cl.mentions:
            continue
        words = _name_tokens(cl, doc)
        if len(words) < 2:
            continue
        ini = _initials(words)
        for k in range(len(ini) - 1):
            expansions[ini[k:]].append(cl)
    for cl in clusters:
        if not cl.mentions:
            continue
        words = _name_tokens(cl, doc)
        if len(words) != 1:
            continue
        acr = words[0].replace(".", "")
        if not (2 <= len(acr) <= 6 and acr.isalpha() and acr.isupper()):
            continue
        targets = [c for c in expansions.get(acr, []) if c is not cl and c.mentions]
        if len(targets) == 1:
            _merge(targets[0], cl)

    out = [cl for cl in clusters if cl.mentions]
    for cl in out:
        cl.mentions.sort(key=lambda m: m.start)
        cl.label = _decide_label(cl, doc)
        cl.name = cl.canonical or _pick_name(cl, doc)
    return out


def _pick_name(cl: Cluster, doc: Doc) -> str:
    """The fullest form in the article, preferring normal case over an all-caps headline."""

    def rank(m: Mention) -> tuple[int, int, int]:
        text = doc[m.start : m.end].text
        return (not is_all_caps(text), m.end - m.start, -m.start)

    best = max(cl.mentions, key=rank)
    name = " ".join(doc[best.start : best.end].text.split())
    return soften_caps(name) if is_all_caps(name) else name


def soften_caps(name: str) -> str:
    """Make an all-caps headline form joinable: "LONDON" -> "London".

    A known place takes its GeoNames spelling ("NEW YORK" -> "New York"); otherwise words of
    up to three letters stay upper case as likely acronyms ("NY GIANTS" -> "NY Giants").
    """
    known = place_spellings().get(name.lower())
    if known:
        return known
    return " ".join(
        "-".join(p.capitalize() if len(p) > 3 and p.isalpha() else p for p in w.split("-"))
        for w in name.split()
    )
