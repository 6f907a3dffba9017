"""Toponym recognition: place entities from the NER stage, demonyms, and gazetteer names it missed.

The entity stage is trusted for GPE/LOC/FAC spans; the gazetteer scan only adds names that are
unambiguous enough to be places on their own (countries, first-level divisions, continents, big
cities, nicknames), and never inside a person's or organisation's name.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from streams.nlp.geo.gazetteer import Gazetteer, Place
from streams.nlp.geo.names import norm, variants

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
DEMONYM_LABELS = frozenset({"NORP"})
SCAN_MIN_POPULATION = 100_000
SCAN_FEATURES = frozenset({"country", "admin1", "continent"})
SCAN_MIN_DIVISION_POPULATION = 100_000
# also offer any town's own name to the resolver, to be kept only next to the article's places
SCAN_WEAK = True
EMBEDDED_MIN_POPULATION = 10_000
MISREAD_PERSON_MIN_POPULATION = 20_000
# labels a small model gives towns it misreads ("Gainesville" as a surname, "Edmonton" as a council,
# "Chattanooga" as a product)
MISREAD_LABELS = frozenset({"PERSON", "ORG", "NORP", "PRODUCT"})
# labels whose spans become places when the words around them say so
CONTEXT_LABELS = frozenset({"ORG", "PERSON"})
# a person's reading wins when the name says something or is aged ("Hamilton said", "Kent, 34,")
_PERSON_AFTER = re.compile(
    r"[ \t]{0,3}(?:said|says|told|added|asked|wrote|who|,[ \t]{0,3}\d{1,3}[ \t]{0,3},)\b"
)
_COUNTY = re.compile(r"\b(?:County|Parish|Borough|Township)$")
_MAX_WORDS = 4
_CAP_RUN = re.compile(r"[A-Z][\w.'\u2019&-]*(?:[ ](?:[A-Z][\w.'\u2019&-]*|of|de|del|la|upon|on))*")
_WORD = re.compile(r"\S+")
_COMPOUND = re.compile(r"-(?:based|born|bound|area|style|made|led|backed|listed)$", re.I)
# "COLUMBUS, Ohio (AP) —", "NEWARK --", "BEIRUT:" at the start of the text, of a line, after
# the headline's full stop or after a byline's date. \x97 is a cp1252 em dash left in old feeds.
# Bounded runs keep the scan linear: it reads the whole text for later stories' datelines.
_DATELINE = re.compile(
    r"(?:^|\n|[.!?]\s|\d{4}\s)[ \t]*([A-Z][A-Z.'\u2019 &/-]{0,40}[A-Z.])"
    r"(?:,\s{0,3}([A-Z][\w.]{0,20}(?: [A-Z][\w.]{0,20})?))?"
    r"\s{0,3}(?:\([^)]{0,40}\)\s{0,3})?(?:[\u2014\u2013\u0097:]|-{1,3}\s)"
)
# A wire service's dateline anywhere in the text ("... Associated Press WASHINGTON (AP) —", a
# page that runs several wire stories): capitals, an optional state, and the agency in brackets.
# Bounded runs keep the scan linear.
_WIRE_DATELINE = re.compile(
    r"\b([A-Z][A-Z.'\u2019 &/-]{0,40}[A-Z.])"
    r"(?:,\s{0,3}([A-Z][\w.]{0,20}(?: [A-Z][\w.]{0,20})?))?"
    r"\s{0,3}\((?:AP|Reuters|AFP|UPI|CNN|dpa|Xinhua|Bloomberg)\)"
)
# A dateline with no dash, at the very start of the text: capitals, an optional state, then
# a capitalised word or doubled comma ("OKLAHOMA CITY The Latest on ...", "AUSTIN, Texas A
# white ...", "TIJUANA & SAN DIEGO,, MARCH 29"). Only a place's own name or an alias counts.
_OPENING_DATELINE = re.compile(
    r"\A[ \t]*+([A-Z][A-Z.'\u2019 &/-]{0,40}[A-Z.])"
    r"(?:,\s{0,3}([A-Z][\w.]{0,20}(?: [A-Z][\w.]{0,20})?))?"
    r"(?:,{1,2}\s{0,3}|\s{1,3})(?=[A-Z])"
)
# A place name followed by a street word names a street ("Richmond Street", "Nordland Ave.",
# "West Palestine Avenue"), not the place: the span takes the street word (and a compass word
# before it) and the resolver places it in the article's own town.
_STREET = re.compile(
    r"[ \t]{1,2}(?:Street|Avenue|Ave\.?|Road|Rd\.|Boulevard|Blvd\.?|Drive|Lane|Freeway|"
    r"Expressway|Parkway|Square)(?![\w'\u2019-])"
)
_STREET_DIRECTIONS = ("North ", "South ", "East ", "West ")
# A US civil township the gazetteer lacks ("Jackson Township", "St. Clair Twp."): like a street,
# the resolver places it in the article's own town.
_TOWNSHIP_NAME = r"(?:St\. )?[A-Z][a-z]{1,30}(?: [A-Z][a-z]{1,30})?"
_TOWNSHIP = re.compile(_TOWNSHIP_NAME + r" (?:Township|Twp\.?)")
# the same anywhere in the text, for townships no entity covers ("Tewksbury Twp. introduces",
# "Madison Twp., Trenton"); "The Township" is the board's own name
_TOWNSHIP_SCAN = re.compile(
    r"(?<![\w.'\u2019-])(?!The )" + _TOWNSHIP_NAME + r" (?:Township|Twp\.)(?![\w'\u2019-])"
)


@dataclass(slots=True)
class Mention:
    """A recognised toponym span and the gazetteer entries it may name."""

    start: int
    end: int
    text: str
    # "entity", "scan", "dateline", "embedded" (in an organisation's name), "demonym", "street",
    # "township"
    source: str
    candidates: list[Place] = field(default_factory=list)
    # a small town read off a person's or organisation's name: kept only if the resolver finds
    # it next to the article's other places
    weak: bool = False

    @property
    def demonym(self) -> bool:
        return self.source == "demonym"

    @property
    def votes(self) -> bool:
        """Whether the mention names its place outright, so it may vote for others' readings."""
        return not (self.weak or self.source in ("demonym", "street"))


def _trim(text: str, start: int, end: int, gaz: Gazetteer) -> tuple[int, int]:
    """Drop a leading 'the', a possessive and edge punctuation, which gold spans never include."""
    span = text[start:end]
    if span.lower().startswith("the "):
        start += 4
    for suffix in ("'s", "\u2019s"):
        if text[start:end].endswith(suffix):
            end -= 2
    m = _COMPOUND.search(text[start:end])
    if m:  # "Texas-based", "Paris-born"
        end = start + m.start()
    if end < len(text) and text[end] == "." and gaz.dotted(text[start : end + 1]):
        end += 1  # the model left the dot of "Calif." outside
    while end > start and text[end - 1] in ".,;:!?\"')]}-\u201d":
        # keep the dot of abbreviations such as "U.S." or "Mo."
        if text[end - 1] == "." and (
            gaz.dotted(text[start:end]) or re.search(r"\b[A-Z]\.$", text[start:end])
        ):
            break
        end -= 1
    while start < end and text[start] in "\"'([{\u201c":
        start += 1
    return start, end


def _split_commas(
    text: str, start: int, end: int, gaz: Gazetteer | None = None
) -> list[tuple[int, int]]:
    """'Paris, Texas' is two toponyms; gold data annotates each part. So is 'Paris-Henry
    County' (a joint name the gazetteer lacks): there a hyphen between two capitalised names
    splits too ('Guinea-Bissau', a name of its own, stays whole)."""
    parts, pos = [], start
    for m in re.finditer(r",\s*", text[start:end]):
        parts.append((pos, start + m.start()))
        pos = start + m.end()
    parts.append((pos, end))
    out = []
    for a, b in parts:
        piece = text[a:b]
        if gaz is None or not _HYPHENATED.search(piece) or gaz.candidates(piece):
            out.append((a, b))
            continue
        if gaz.demonym(piece) is not None:
            out.append((a, b))
            continue
        k = a
        for m in _HYPHENATED.finditer(piece):
            out.append((k, a + m.start()))
            k = a + m.end()
        out.append((k, b))
    return [p for p in out if p[1] > p[0]]


_HYPHENATED = re.compile(r"(?:(?<=[a-z])|(?<=[A-Z]{2})|(?<=\.))-(?=[A-Z])")
# two neighbouring towns, or a state and its town, joined by a hyphen in an organisation's or a
# building's name ("Champaign-Urbana", "the University of Illinois-Springfield")
_JOINT = re.compile(r"\b([A-Z][a-z]{1,30})-([A-Z][a-z]{1,30})\b")
JOINT_DEGREES = 0.5  # about 55 km: twin towns, not two namesakes far apart


def _joint_towns(text: str, span: tuple[int, int], gaz: Gazetteer) -> list[Mention]:
    """The two places of a hyphenated pair inside a name ('Champaign-Urbana Transit', 'University
    of Illinois-Springfield') that the gazetteer lacks as a whole: both halves by their own names,
    kept only as readings that go together (towns within about 55 km of each other, or a state
    and a town in it; stop-listed names too, as the pair is the evidence), so 'Martin-Marietta'
    or 'Coca-Cola' name nothing."""
    out: list[Mention] = []
    for m in _JOINT.finditer(text, *span):
        if gaz.candidates(m.group()):
            continue
        halves = []
        for g in (1, 2):
            key = norm(m.group(g))
            halves.append(
                [
                    c
                    for c in gaz.candidates(m.group(g))
                    if norm(c.name) == key
                    and c.feature in ("city", "admin1")
                    and key not in gaz.generic
                ]
            )
        pairs = [(a, b) for a in halves[0] for b in halves[1] if _together(a, b)]
        if not pairs:
            continue
        for g, side in ((1, 0), (2, 1)):
            cands = list({p[side].idx: p[side] for p in pairs}.values())
            out.append(Mention(m.start(g), m.end(g), m.group(g), "embedded", cands))
    return out


def _together(a: Place, b: Place) -> bool:
    """Whether two halves of a hyphenated pair go together: a state and a town in it, or two
    towns within about 55 km of each other."""
    if a.feature == "admin1" or b.feature == "admin1":
        return a.feature != b.feature and a.admin1_key == b.admin1_key
    near = math.cos(math.radians(a.lat)) * abs(a.lon - b.lon)
    return abs(a.lat - b.lat) < JOINT_DEGREES and near < JOINT_DEGREES


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


class _Mask:
    """Characters already claimed by a span: overlap tests cost the span's length, not the
    number of spans, so long lists of names stay linear."""

    def __init__(self, n: int) -> None:
        self._b = bytearray(n + 1)

    def add(self, s: int, e: int) -> None:
        self._b[s:e] = b"\x01" * (e - s)

    def hit(self, s: int, e: int) -> bool:
        return self._b.find(1, s, e) != -1

    def union(self, other: _Mask) -> _Mask:
        out = _Mask(0)
        out._b = bytearray(a | b for a, b in zip(self._b, other._b, strict=True))
        return out


def _is_civic(word: str, civic: frozenset[str]) -> bool:
    """A local government's word, possessive ("Mayor's") or plural ("Councils") too."""
    w = word.lower().removesuffix("'s").removesuffix("\u2019s").rstrip("'\u2019")
    return w in civic or (w.endswith("s") and w[:-1] in civic)


def _person_tokens(entities: list[dict]) -> set[str]:
    """The words of the article's multi-word person names. A 'person' whose later words are
    those of a local government ("Alexandria Police", "Avondale Mayor") is an institution the
    model misread, and its words name no one."""
    civic = _context_words().get("civic", frozenset())

    def institution(words: list[str]) -> bool:
        return any(_is_civic(w, civic) for w in words[1:])

    out: set[str] = set()
    for ent in entities:
        if ent.get("label") == "PERSON":
            for m in ent.get("mentions", []):
                words = m["text"].split()
                if len(words) > 1 and not institution(words):
                    out.update(norm(w) for w in words)
            words = ent.get("name", "").split()
            if len(words) > 1 and not institution(words):
                out.update(norm(w) for w in words)
    return out


@functools.cache
def _attribution() -> re.Pattern[str]:
    """A quote's attribution: a closing quote, one capitalised word and a verb of speech (the
    [speech] section of place_context.txt): '...," Robertson said', '...” Petrova says'."""
    verbs = "|".join(sorted(map(re.escape, _context_words().get("speech", ()))))
    quote = r"[,.?!][\"\u201d\u2019'][ \t]{1,3}([A-Z][\w'\u2019-]{1,30}+)[ \t]{1,3}"
    return re.compile(quote + "(?:" + verbs + r")\b")


def _speakers(text: str, gaz: Gazetteer) -> set[str]:
    """The one-word names that attribute a quote in the article: people, whatever the model
    read them as ('...," Robertson said' is no Robertson, Texas), but for countries, states and
    continents, which are quoted as their governments."""
    out = set()
    for m in _attribution().finditer(text):
        name = m.group(1)
        if not any(c.feature in SCAN_FEATURES for c in _biggest(gaz.candidates(name))[:3]):
            out.add(norm(name))
    return out


def recognise(text: str, entities: list[dict], gaz: Gazetteer) -> list[Mention]:
    """Return toponym mentions in text order, each with its candidate entries (maybe none)."""
    mentions: list[Mention] = []
    taken, blocked = _Mask(len(text)), _Mask(len(text))
    speakers = _speakers(text, gaz)
    persons = _person_tokens(entities) | speakers
    listed: list[tuple[int, int]] = []  # person/organisation spans a list of places may claim
    peoples: list[tuple[int, int]] = []  # qualified peoples the gazetteer lacks
    for ent in entities:
        label = ent.get("label")
        context = _context_hits(text, ent, gaz, persons) if label in CONTEXT_LABELS else {}
        for m in ent.get("mentions", []):
            span = (m["start"], m["end"])
            if label in PLACE_LABELS:
                for s, e in _split_commas(text, *span, gaz):
                    s, e = _trim(text, s, e, gaz)
                    if e <= s or taken.hit(s, e):
                        continue
                    surface = text[s:e]
                    key = norm(surface)
                    if _region_in_name(text, s, e, gaz):
                        continue
                    if key in gaz.generic or (key in persons and gaz.alias(surface) is None):
                        if key in speakers:  # nor may the scan find '"...," Lowell said'
                            blocked.add(s, e)
                        continue  # "Highway"; "Jordan" after "Michael Jordan" is the person
                    cands = gaz.candidates(surface) or _county_of(surface, gaz)
                    cands = cands or _country_form(surface, gaz)  # "... Republic of Congo"
                    demo = None if cands else gaz.demonym(surface)
                    region = not cands and not demo and gaz.region(surface) is not None
                    head = None
                    if not (cands or demo or region or _TOWNSHIP.fullmatch(surface)):
                        head = _leading_place(text, s, e, gaz, False)
                        head = head or _metro_city(text, (s, e), gaz)
                        head = _terrain_name(text, head, e)  # "Salinas Valley"
                        if head is not None and head.end < e:
                            head = _facility_place(text, head, e, gaz)
                    if demo is not None:  # "Sri Lankan" tagged as GPE
                        mentions.append(Mention(s, e, surface, "demonym", [demo]))
                    elif not cands and _TOWNSHIP.fullmatch(surface):  # "Jackson Township"
                        if surface.endswith("Twp") and text[e : e + 1] == ".":
                            e += 1  # "St. Clair Twp." keeps its abbreviation's dot
                            surface = text[s:e]
                        mentions.append(Mention(s, e, surface, "township"))
                    elif head is not None:  # "Alachua County Sheriff" tagged as GPE
                        mentions.append(head)
                    elif cands or region or key in gaz.regions:
                        # a sea or region Natural Earth names ("Gulf of Alaska") is resolved
                        # to its point
                        mentions.append(Mention(s, e, surface, "entity", cands))
                    else:
                        # no gazetteer entry: mostly names the model mislabelled ('Pawlenty',
                        # 'Coronado Meat Market'); leave the span to the other rules, but for
                        # twin towns in it ("the Raleigh-Durham International Airport")
                        for h in _joint_towns(text, (s, e), gaz):
                            if not taken.hit(h.start, h.end):
                                mentions.append(h)
                                taken.add(h.start, h.end)
                        continue
                    taken.add(s, e)
            elif label in DEMONYM_LABELS:
                s, e = _trim(text, *span, gaz)
                place = gaz.demonym(text[s:e])
                if place is not None and not taken.hit(s, e):
                    mentions.append(Mention(s, e, text[s:e], "demonym", [place]))
                    taken.add(s, e)
                elif place is None and "-" in text[s:e]:
                    # "Cypriot-flagged", "Arab-Israeli": the demonyms of a hyphenated compound
                    for part in _demonym_parts(text, s, e, gaz):
                        if not taken.hit(part.start, part.end):
                            mentions.append(part)
                            taken.add(part.start, part.end)
                elif place is None and label in MISREAD_LABELS and _lone_word(ent):
                    hit = _misread_person(text, span, gaz, persons)  # "Greer" read as a people
                    if hit is not None and not taken.hit(hit.start, hit.end):
                        mentions.append(hit)
                        taken.add(hit.start, hit.end)
                elif place is None and _QUALIFIED_PEOPLE.match(text[s:e]):
                    # "Central American", "North African", "Native Americans", "West
                    # Virginians": a people the gazetteer lacks, with no US or Virginia in it
                    peoples.append((s, e))
            else:
                blocked.add(*span)
                hit = None
                hit = context.get(span)  # "in Goose Creek", "a Glen Allen woman"
                if hit is None and label in ("PRODUCT", "PERSON") and _lone_word(ent):
                    # "Abkhaz" read as a product, "Slovak" as a person
                    s, e = _trim(text, *span, gaz)
                    place = gaz.demonym(text[s:e])
                    if place is not None:
                        hit = Mention(s, e, text[s:e], "demonym", [place])
                if (
                    hit is None
                    and label in MISREAD_LABELS
                    and (_lone_word(ent) or _county_like(ent))
                ):
                    hit = _misread_person(text, span, gaz, persons)
                    hit = hit or _misread_person(text, span, gaz, persons, 0, weak=True)
                if hit is None and label == "ORG":
                    hit = _whole_country(text, span, gaz)  # "Democratic People's Republic of Korea"
                hits = [hit] if hit is not None else []
                if not hits and label in ("ORG", "PERSON"):
                    lead = _leading_place(text, *span, gaz, True)
                    if lead is None:  # "Hopkinton Police Department", "Alexandria Police"
                        lead = _civic_place(text, span, gaz)
                    if lead is None:  # "Kanawha Circuit Court"
                        lead = _county_office(text, span, gaz)
                    if lead is None and label == "ORG":
                        lead = _leading_place(text, *span, gaz, False, 0, weak=True)
                    hits = [lead] if lead is not None else []
                    if label == "ORG":
                        # a sure place inside the name outranks a weak reading of its start
                        # ("U.S." in "U.S. Centers for Disease Control" is the country, not
                        # a village called Us)
                        inner = _inner_places(text, span, gaz, [h for h in hits if not h.weak])
                        hits = [
                            h
                            for h in hits
                            if not (
                                h.weak
                                and _overlaps((h.start, h.end), [(m.start, m.end) for m in inner])
                            )
                        ] + inner
                if not hits:  # "Walker County" read as an event, "Walker County Fair Queen"
                    county = _opening_county(text, span, gaz) or _metro_city(text, span, gaz)
                    hits = [county] if county is not None else []
                # "the Champaign-Urbana Transit District", "the University of Illinois-Springfield"
                hits += [
                    j
                    for j in _joint_towns(text, span, gaz)
                    if not _overlaps((j.start, j.end), [(h.start, h.end) for h in hits])
                ]
                for h in hits:
                    if not taken.hit(h.start, h.end):
                        mentions.append(h)
                        taken.add(h.start, h.end)
                if label in CONTEXT_LABELS and all(h.weak for h in hits):
                    listed.append(span)
    people = [
        (m["start"], m["end"])
        for ent in entities
        if ent.get("label") == "PERSON"
        for m in ent.get("mentions", [])
    ]
    mentions.extend(_listed_places(text, listed, mentions, people, gaz, persons, taken))
    mentions.extend(_datelines(text, gaz, taken))  # a dateline outranks an ORG reading
    mentions.extend(_affiliations(text, gaz, taken))  # "Sen. Robert Ford, D-Charleston"
    mentions.extend(_based_places(text, gaz, taken))  # "the Kent-based team"
    mentions.extend(_county_lists(text, gaz, taken, mentions))  # "Jackson and Barrow counties"
    mentions.extend(_townships(text, taken, mentions))  # "Tewksbury Twp. introduces ..."
    for m in mentions:
        taken.add(m.start, m.end)
    mentions.extend(
        m
        for m in _scan(text, gaz, taken.union(blocked))
        if not any(a <= m.start and m.end <= b and m.end - m.start < b - a for a, b in peoples)
    )
    mentions = [_street(text, _longer(text, _earlier(text, m, gaz, taken), gaz)) for m in mentions]
    mentions = _official_names(text, mentions, gaz)
    mentions = [m for m in mentions if not _currency(text, m.start, m.end)]
    mentions = [m for m in mentions if not _institution(text, m.start, norm(m.text))]
    mentions = [m for m in mentions if not _date(text, m)]
    mentions = [m for m in mentions if not (m.demonym and _language(text, m))]
    mentions = [m for m in mentions if not _disease(text, m)]
    mentions = [m for m in mentions if not _kin(text, m)]
    surnames = _surnames(entities)
    mentions = [m for m in mentions if not _first_name(text, m, surnames, gaz)]
    mentions = [_water(text, m) for m in mentions]
    mentions = [m for m in mentions if not _strain(text, m)]
    # a dotted initialism is a place only as an alias written so ("U.S.", "N.J."): a firm's
    # "P.A." or "P.C." is no Pa, Pennsylvania
    mentions = [m for m in mentions if not _INITIALISM.fullmatch(m.text) or gaz.dotted(m.text)]
    mentions = _saints_institutions(text, mentions)
    mentions = _islands(text, mentions, gaz)
    mentions.sort(key=lambda m: m.start)
    return _joined_peoples(text, mentions)


def _joined_peoples(text: str, mentions: list[Mention]) -> list[Mention]:
    """A demonym right after another name, one space between, names a people or a group
    within the first ("American Indians", "the Cambridge Italian community", "African
    Americans"), not a country of its own; the first name stays ("American" of "American
    Indians" is the US's)."""
    return [
        b
        for a, b in zip([None, *mentions], mentions, strict=False)
        if not (a is not None and b.demonym and b.start == a.end + 1 and text[a.end] == " ")
    ]


# a compass or qualifying word before a people's name: "Central American", "Native Americans"
_QUALIFIED_PEOPLE = re.compile(
    r"(?:(?:North|South)(?:east|west)?|East|West|Central|Northern|Southern|Eastern|Western|"
    r"Latin|Native|Middle)[ -][A-Z]"
)
_SAINT = re.compile(r"(?:St\.?|Ste\.?|Saint)\s+([A-Z][a-z]+)")
_POSSESSIVE = re.compile(r"'s\b|\u2019s\b|['\u2019](?!\w)")


# a month's name before a day's number is a date ("on March 31", "May 2"), not March, England
# or May, Oklahoma
_MONTH = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December"
)
_DAY = re.compile(r"[ \t]{1,2}\d{1,2}(?:st|nd|rd|th)?\b")


def _date(text: str, m: Mention) -> bool:
    """Whether a mention is a month's name that a day's number follows."""
    return _MONTH.fullmatch(m.text) is not None and _DAY.match(text, m.end) is not None


# a demonym that names a language: spoken or written in, with no noun after it ("speaks
# French.", "printed in Chinese,"), or taught by immersion ("a French immersion school")
_LANGUAGE_BEFORE = re.compile(
    r"\b(?:speaks?|spoke|spoken|speaking|in|into|learns?|learned|learning|teach(?:es|ing)?|"
    r"taught)[ \t]{1,2}$"
)
_LANGUAGE_AFTER = re.compile(r"[,.;:!?)]")
_IMMERSION = re.compile(r"[ \t]{1,2}immersion\b")


def _language(text: str, m: Mention) -> bool:
    """Whether a demonym's mention names the language rather than the people or the place."""
    if _IMMERSION.match(text, m.end):
        return True
    before = text[max(0, m.start - 14) : m.start]
    return (
        _LANGUAGE_AFTER.match(text, m.end) is not None
        and _LANGUAGE_BEFORE.search(before) is not None
    )


_NEXT_TWO = re.compile(r"[ \t-]([A-Za-z]{1,20})(?:[ \t]([A-Za-z]{1,20}))?")


def _disease(text: str, m: Mention) -> bool:
    """Whether a name opens a disease's name ("Spanish flu", "Lyme disease"), unless a count or
    a season of the disease in that place follows ("the Texas flu season")."""
    words = _context_words()
    nxt = _NEXT_TWO.match(text, m.end)
    if nxt is None or nxt.group(1).lower() not in words.get("disease", frozenset()):
        return False
    return (nxt.group(2) or "").lower() not in words.get("disease count", frozenset())


# an influenza strain's name: type, place of isolation, number, year ("A/California/7/2009")
_STRAIN_BEFORE = re.compile(r"\b[A-D]/$")
_STRAIN_AFTER = re.compile(r"/\d")


def _strain(text: str, m: Mention) -> bool:
    """Whether a name is the place of isolation inside a virus strain's name: no place of the
    story ("a B/Massachusetts/2/2012-like virus")."""
    return bool(
        _STRAIN_BEFORE.search(text, max(0, m.start - 3), m.start)
        and _STRAIN_AFTER.match(text, m.end)
    )


_PREV_KIN = re.compile(r"\b([a-z]{2,15}),?[ \t]{1,2}$")


def _kin(text: str, m: Mention) -> bool:
    """Whether a one-word name follows a family word ("son Bryan", "his wife Nancy"): a person,
    not a town (a country's name stays a place)."""
    if " " in m.text or m.demonym or any(c.feature == "country" for c in m.candidates[:3]):
        return False
    prev = _PREV_KIN.search(text, max(0, m.start - 18), m.start)
    return prev is not None and prev.group(1) in _context_words().get("kin", frozenset())


_NEXT_CAPITAL = re.compile(r"[ \t]([A-Z][a-z]{1,15})\b")
_NEXT_NAME = re.compile(r"[ \t]{1,2}([A-Z][a-z]{1,20})(?![\w-])")


def _surnames(entities: list[dict]) -> set[str]:
    """The last words of the article's multi-word person names ("Kunz" of "Randy Kunz"), but
    for a local government's words ("Avondale Mayor" read as a person)."""
    civic = _context_words().get("civic", frozenset())
    out: set[str] = set()
    for ent in entities:
        if ent.get("label") != "PERSON":
            continue
        for words in [m["text"].split() for m in ent.get("mentions", [])] + [
            ent.get("name", "").split()
        ]:
            last = words[-1] if len(words) > 1 else ""
            if last[:1].isupper() and not _is_civic(last, civic):
                out.add(norm(last))
    return out


def _first_name(text: str, m: Mention, surnames: set[str], gaz: Gazetteer) -> bool:
    """A one-word town right before one of the article's surnames is a first name ("Helen
    Kunz" where "Randy Kunz" is a person; "Natalia Skaggs"); a country's or a big state's name
    stays ("Kazakhstan Arystan Kakikenov" is a minister of Kazakhstan)."""
    if m.demonym or " " in m.text or m.text.isupper():
        return False
    nxt = _NEXT_NAME.match(text, m.end)
    if nxt is None:
        return False
    word = norm(nxt.group(1))
    if word not in surnames or word in gaz.institution_words:
        return False
    return not any(_sure_feature(c) for c in _biggest(m.candidates)[:3])


# the capitalised word right before a mention, a whole word (searched with pos and endpos, so
# the look-behind sees the text before the window too)
_PREV_CAPITAL = re.compile(r"(?<![\w.'\u2019-])([A-Z][a-z]{1,20})[ \t]$")


def _water(text: str, m: Mention) -> Mention:
    """A name joined to a water or mountain word names the lake, river or mountain ("Mississippi
    River", "Lake Vermont"; sections [water after] and [water before] of place_context.txt):
    the span takes the word, and the name's readings place it, as a town's valley's do."""
    if m.demonym:
        return m  # "Chinese Lake" is no lake's name
    words = _context_words()
    start, end = m.start, m.end
    nxt = _NEXT_CAPITAL.match(text, m.end)
    if nxt is not None and nxt.group(1).lower() in words.get("water after", ()):
        end = nxt.end()
    prev = _PREV_CAPITAL.search(text, max(0, m.start - 30), m.start)
    if prev is not None and prev.group(1).lower() in words.get("water before", ()):
        start = prev.start()
    if (start, end) == (m.start, m.end):
        return m
    return Mention(start, end, text[start:end], m.source, m.candidates, m.weak)


_ISLAND_OF = re.compile(r"\bisland of (?:the )?$", re.I)


def _islands(text: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """A name after "island of" that Natural Earth draws ("the Indonesian island of Java") is
    that island, not a town of its name (Java, Georgia): the gazetteer has no islands, so the
    name's mentions keep no candidates and the resolver gives them the island's point. A
    name that is also a division's ("the island of Bohol", a province) stays a division."""
    islands = {
        norm(m.text)
        for m in mentions
        if not m.demonym
        and _ISLAND_OF.search(text, max(0, m.start - 20), m.start)
        and gaz.region(m.text) is not None
        and not any(c.feature != "city" for c in gaz.candidates(m.text))
    }
    if not islands:
        return mentions
    return [  # "Java's southern coast", weak on its own, is the island named before
        Mention(m.start, m.end, m.text, m.source, [])
        if norm(m.text) in islands and not m.demonym
        else m
        for m in mentions
    ]


def _institution(text: str, s: int, key: str) -> bool:
    """Whether a name after 'the' is an institution's that shares a town's name ('the Duma')."""
    before = text[max(0, s - 4) : s].lower()
    return before == "the " and key in _context_words().get("institutions", frozenset())


def _saints_institutions(text: str, mentions: list[Mention]) -> list[Mention]:
    """A saint's name in the possessive ("St. Michael's Catholic School", "at St. Paul's") is
    a parish, school or hospital, not a town, unless the article also names it without the
    possessive ("St. Paul" ... "St. Paul's mayor"). The saints are the [saints] section of
    place_context.txt; "St. Petersburg's" is no saint's name."""
    saints = _context_words().get("saints", frozenset())

    def possessive(m: Mention) -> bool:
        return bool(_POSSESSIVE.match(text, m.end))

    def saint(m: Mention) -> bool:
        hit = _SAINT.fullmatch(m.text)
        return hit is not None and hit.group(1).lower() in saints

    bare = {norm(m.text) for m in mentions if not possessive(m)}
    return [m for m in mentions if not (saint(m) and possessive(m) and norm(m.text) not in bare)]


_INITIALISM = re.compile(r"(?:[A-Z]\.\s?){2,}")

# the words of a country's official name before its short name: "Democratic Republic of the "
_OFFICIAL_HEAD = re.compile(r"(?<![\w'\u2019])(?:[A-Z][\w'\u2019]{0,30}+\s){1,4}of\s(?:the\s)?$")


# the second half of a country named by two joined names: " and Tobago", " & Nevis"
_JOINT_COUNTRY = re.compile(r" (?:and|&) ((?:[A-Z][\w.'\u2019-]{0,30}+ ?){1,3})")


def _country_form(surface: str, gaz: Gazetteer) -> list[Place]:
    """The country a long official name names, also with or without 'the' after 'of'
    ('Democratic Republic of Congo' as 'Democratic Republic of the Congo'); none otherwise."""
    if " of " not in surface:
        return []
    forms = (
        surface,
        surface.replace(" of ", " of the ", 1),
        surface.replace(" of the ", " of ", 1),
    )
    for form in dict.fromkeys(forms):
        cands = _countries(form, gaz)
        if cands:
            return cands
    return []


def _whole_country(text: str, span: tuple[int, int], gaz: Gazetteer) -> Mention | None:
    """An organisation reading that is a country's name or official name as a whole ("the
    Democratic People's Republic of Korea" read as ORG) is that country, not a shorter
    country inside it ("Republic of Korea" is the South)."""
    s, e = _trim(text, *span, gaz)
    surface = text[s:e]
    cands = _countries(surface, gaz) or _country_form(surface, gaz)
    return Mention(s, e, surface, "entity", cands) if cands else None


def _countries(surface: str, gaz: Gazetteer) -> list[Place]:
    """The countries the gazetteer reads ``surface`` as."""
    return [c for c in gaz.candidates(surface) if c.feature == "country"]


def _official_names(text: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """A country named by the end of its official name ('the Democratic Republic of the Congo'
    read as 'Congo', 'United Republic of Tanzania') or cut in two at its 'and' ('Trinidad' and
    'Tobago' for 'Trinidad and Tobago') takes the whole name, when the gazetteer knows the long
    form as that country; mentions inside the longer span give way to it."""
    grown: list[Mention] = []
    for m in mentions:
        joint = _JOINT_COUNTRY.match(text, m.end) if m.candidates and not m.demonym else None
        if joint is not None:  # "Trinidad" and "Tobago" read apart: "Trinidad and Tobago"
            words = list(_WORD.finditer(text, joint.start(1), joint.end()))
            for w in reversed(words):
                surface = text[m.start : w.end()]
                cands = _countries(surface, gaz)
                if cands:
                    grown.append(Mention(m.start, w.end(), surface, m.source, cands))
                    break
            if grown and grown[-1].start == m.start:
                continue
        if m.demonym or not any(c.feature == "country" for c in m.candidates):
            continue
        head = _OFFICIAL_HEAD.search(text, max(0, m.start - 80), m.start)
        if head is None:
            continue
        for w in _WORD.finditer(text, head.start(), m.start):
            cands = _country_form(text[w.start() : m.end], gaz)
            if cands:
                grown.append(Mention(w.start(), m.end, text[w.start() : m.end], m.source, cands))
                break
    if not grown:
        return mentions
    spans = [(g.start, g.end) for g in grown]
    return [m for m in mentions if not _overlaps((m.start, m.end), spans)] + grown


# a country code as written in a currency: "US", "U.S.", "NZ", "HK", "A"
_CODE = re.compile(r"[A-Z]{1,3}|(?:[A-Z]\.){1,3}")


def _currency(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a country code that writes a currency: glued to a currency
    sign or one space before it, before an amount ("US$460 million", "NZ $20"), or right after
    the sign ("$US 1.5 billion"). The signs are the [currency] section of place_context.txt."""
    if not _CODE.fullmatch(text[start:end]):
        return False
    signs = _context_words().get("currency", frozenset())
    after = text[end : end + 4]
    if after[:1] == " ":
        after = after[1:]
    if after[:1] in signs and after[1:2].isdigit():
        return True
    if start == 0 or text[start - 1] not in signs:
        return False
    rest = text[end : end + 2].lstrip(" ")
    return rest[:1].isdigit()


# the next capitalised word, with a name's lower-case particle before it ("Dar es Salaam", "Rio
# Grande do Sul", "Stratford upon Avon")
_NEXT_WORD = re.compile(
    r" ((?:(?:de|do|da|dos|das|del|des|es|el|al|la|le|di|du|sur|upon|on) )?[A-Z][a-z]{1,20})"
    r"(?![\w'\u2019-])"
)


def _named_outright(m: Mention) -> bool:
    """A mention with readings that names a place by its own words (an entity, a scan hit or a
    place inside a longer name), which may therefore grow into a longer name or a street."""
    return m.source in ("entity", "scan", "embedded") and not m.weak and bool(m.candidates)


def _longer(text: str, m: Mention, gaz: Gazetteer) -> Mention:
    """A mention cut short of a longer name of its own ('Belle' of 'Belle Plaine', 'Henry' of
    'Henry County') takes the next one or two capitalised words when together they are an
    entry's own name."""
    if not _named_outright(m):
        return m
    key = norm(m.text)
    # a state or country before a word ('Missouri Valley', 'Michigan Center', 'Lagos State')
    # keeps its span, but for a particle ('Rio Grande do Sul') or a longer country's name ('U.S.
    # Virgin Islands')
    state = any(
        c.feature in ("country", "admin1") and key in variants(c.name) for c in m.candidates
    )
    end, best = m.end, None
    for _ in range(2):
        nxt = _NEXT_WORD.match(text, end)
        if nxt is None:
            break
        end = nxt.end()
        surface = text[m.start : end]
        key = norm(surface)
        if key in gaz.stopnames:
            continue
        # an entry's own name, or any name of a country ("Virgin Islands, U.S.")
        own = [
            c for c in gaz.candidates(surface) if key in variants(c.name) or c.feature == "country"
        ]
        if state and nxt.group(1)[0].isupper():
            own = [c for c in own if c.feature == "country"]
        if own:
            best = (end, surface, own)
    if best is None:
        return m
    return Mention(m.start, best[0], best[1], m.source, best[2])


def _earlier(text: str, m: Mention, gaz: Gazetteer, taken: _Mask) -> Mention:
    """A mention that lacks its name's first word ('Beida' of 'Goz Beida', 'Vista' of 'Boa
    Vista', 'California' of 'Baja California') takes the capitalised word before it when
    together they are an entry's own name and no other mention holds that word."""
    if not _named_outright(m):
        return m
    prev = _PREV_CAPITAL.search(text, max(0, m.start - 30), m.start)
    if prev is None or prev.group(1) == "The" or taken.hit(prev.start(), m.start - 1):
        return m  # an article or another mention's word
    start = prev.start()
    surface = text[start : m.end]
    key = norm(surface)
    own = [c for c in gaz.candidates(surface) if key in variants(c.name)]
    if not own or key in gaz.stopnames:
        return m
    return Mention(start, m.end, surface, m.source, own)


def _street(text: str, m: Mention) -> Mention:
    """'Richmond' in 'Richmond Street' is a street: the span grows over the street word."""
    if not _named_outright(m):
        return m
    street = _STREET.match(text, m.end)
    if street is None:
        return m
    start = m.start
    for word in _STREET_DIRECTIONS:
        if text.startswith(word, start - len(word)):
            start -= len(word)
            break
    return Mention(start, street.end(), text[start : street.end()], "street", m.candidates)


def _demonym_parts(text: str, start: int, end: int, gaz: Gazetteer) -> list[Mention]:
    """The capitalised parts of a hyphenated compound that are demonyms ('Cypriot-flagged' ->
    Cypriot, 'Arab-Israeli' -> Arab, Israeli); lower-case parts are the compound's own words."""
    out = []
    for m in re.finditer(r"[^-]+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        place = gaz.demonym(text[a:b]) if text[a].isupper() else None
        if place is not None:
            out.append(Mention(a, b, text[a:b], "demonym", [place]))
    return out


def _county_of(surface: str, gaz: Gazetteer) -> list[Place]:
    """A place entity the gazetteer lacks that is a county's name without its suffix
    ('Henrico police', 'Vanderburgh, Ind.', 'Pointe Coupee'): that county."""
    key = norm(surface)
    if not surface[:1].isupper() or _COUNTY.search(surface) or key in gaz.regions:
        return []  # "Atlantic" is the ocean, not Atlantic County
    terrain = _context_words().get("terrain", frozenset())
    if any(w in terrain for w in key.split()):
        return []  # "Red River", "Lake Lanier": water and land forms, not counties
    for suffix in (" County", " Parish"):
        cands = [c for c in gaz.candidates(surface + suffix) if c.feature == "admin2"]
        if cands:
            return cands
    return []


def _nameable(surface: str, cands: list[Place], gaz: Gazetteer) -> bool:
    """Whether a surface form can name a place at all: it has entries, is no common word, and
    is no all-capitals acronym unless the aliases know it."""
    key = norm(surface)
    if not cands or key in gaz.stopnames or key in gaz.generic:
        return False
    return not (surface.isupper() and gaz.alias(surface) is None)


def _biggest(cands: list[Place]) -> list[Place]:
    """Candidates biggest first, an alias (it comes first) kept first: the index lists a
    name's entries in no order ("Florida" starts with Uruguay's and Brazil's divisions)."""
    if not cands:
        return cands
    return cands[:1] + sorted(cands[1:], key=lambda c: -c.population)


def _placeish(surface: str, cands: list[Place], gaz: Gazetteer, min_pop: int) -> bool:
    """Whether a name found inside another name is surely a place on its own."""
    if not _nameable(surface, cands, gaz):
        return False
    key, alias = norm(surface), gaz.alias(surface)
    for c in _biggest(cands)[:3]:
        if _sure_feature(c):
            return True
        # a town by its own name: alternate names catch words ("Fort" is one of Augusta's)
        own = key in variants(c.name) or alias == c.idx
        if c.feature == "city" and c.population >= min_pop and own:
            return True
        if c.feature == "admin2" and " " in surface:
            return True
    return False


def _leading_place(
    text: str,
    start: int,
    end: int,
    gaz: Gazetteer,
    need_institution: bool,
    min_pop: int = EMBEDDED_MIN_POPULATION,
    weak: bool = False,
) -> Mention | None:
    """The place that opens a longer name: 'Ohio' in 'Ohio Department of Development'."""
    s0, e0 = _trim(text, start, end, gaz)
    words = [(w.start() + s0, w.end() + s0) for w in _WORD.finditer(text[s0:e0])]
    if len(words) < 2:
        return None
    if need_institution and not _has_institution_word(text, words[1][0], e0, gaz):
        return None
    for n in range(min(_MAX_WORDS, len(words) - 1), 0, -1):
        s, e = _trim(text, words[0][0], words[n - 1][1], gaz)
        surface = text[s:e]
        cands = gaz.candidates(surface)
        if weak:
            key = norm(surface)
            cands = [c for c in cands if norm(c.name) == key]
        if _placeish(surface, cands, gaz, min_pop):
            return Mention(s, e, surface, "embedded", cands, weak=weak)
    return None


_STREET_ABBR = re.compile(r"[ \t]{1,2}St\.")  # "2517 Memphis St.": a street, if no saint
_DIVISION_AFTER = re.compile(r"[ \t]{1,2}(?:County|Parish|Borough|Township)\b")  # "Enfield Borough"


def _facility_place(text: str, head: Mention, end: int, gaz: Gazetteer) -> Mention | None:
    """A place opening a place entity's name the gazetteer lacks is that place only before a
    street word, a division word or an institution word ("Hampton Avenue", "Memphis St.",
    "Enfield Borough", "Sligo Town Hall", "Norfolk High"); "Coronado Meat Market", "Rogers
    Centre", "Anderson Arena", "Roman Inquisition" and "Aston Villa" are named after no town."""
    street = _STREET.match(text, head.end) or _STREET_ABBR.match(text, head.end)
    street = street or _DIVISION_AFTER.match(text, head.end)
    if street or _has_institution_word(text, head.end, end, gaz):
        return head
    return None


def _terrain_name(text: str, head: Mention | None, end: int) -> Mention | None:
    """A place entity the gazetteer lacks that is a town's name and a water or land-form word
    ('Salinas Valley', 'Delaware Bay'; the [terrain] section of place_context.txt) is the
    feature, named whole and placed by the town's readings; a state or country keeps its own
    span ('Missouri Valley')."""
    if head is None or head.end >= end or head.source != "embedded":
        return head
    if _STREET.match(text, head.end):
        return head  # a street is placed by the street rule (Recognition 13)
    if text[head.end : end].strip().lower() not in _context_words().get("terrain", ()):
        return head
    key = norm(head.text)
    if any(c.feature in ("country", "admin1") and key in variants(c.name) for c in head.candidates):
        return head
    start = head.start
    return Mention(start, end, text[start:end], "entity", head.candidates)


# a county's full name opening a span: up to two capitalised words and the suffix
_OPENING_COUNTY = re.compile(r"(?:[A-Z][a-z]{1,20} ){1,2}(?:County|Parish)(?![\w'\u2019-])")


def _opening_county(text: str, span: tuple[int, int], gaz: Gazetteer) -> Mention | None:
    """A county named in full at the start of any entity ('Walker County' tagged as an event,
    'Walker County Fair Queen'): the suffix makes it a place whatever the label."""
    s0, e0 = _trim(text, *span, gaz)
    m = _OPENING_COUNTY.match(text[s0:e0])
    if m is None:
        return None
    s, e = s0, s0 + m.end()
    cands = [c for c in gaz.candidates(text[s:e]) if c.feature == "admin2"]
    if not cands:
        return None
    return Mention(s, e, text[s:e], "entity" if e == e0 else "embedded", cands)


# "Metro Vancouver", "Greater Boston": a big city's area, named after the city
_METRO = re.compile(r"(?:Metro|Metropolitan|Greater) ([A-Z][a-z]{1,20}(?: [A-Z][a-z]{1,20})?)")
METRO_MIN_POPULATION = 100_000


def _metro_city(text: str, span: tuple[int, int], gaz: Gazetteer) -> Mention | None:
    """The city of a metropolitan area that opens an entity the gazetteer has no entry for
    ('Metro Vancouver officials'): only a city of its own name and >= 100,000 inhabitants."""
    s0, e0 = _trim(text, *span, gaz)
    m = _METRO.match(text, s0, e0)
    if m is None or gaz.candidates(text[s0 : m.end()]):
        return None
    for n in (2, 1):
        words = m.group(1).split(" ")[:n]
        if len(words) < n:
            continue
        s = m.start(1)
        e = s + len(" ".join(words))
        if e < e0 and (text[e].isalnum() or text[e] in "'’-"):
            continue
        key = norm(text[s:e])
        cands = [
            c
            for c in gaz.candidates(text[s:e])
            if c.feature == "city" and norm(c.name) == key and c.population >= METRO_MIN_POPULATION
        ]
        if cands:
            for area in (" Area", " Region"):  # "the Greater Toronto Area" is named whole
                if text.startswith(area, e) and e + len(area) <= e0:
                    s, e = s0, e + len(area)
                    break
            return Mention(s, e, text[s:e], "embedded", cands)
    return None


def _inner_places(
    text: str, span: tuple[int, int], gaz: Gazetteer, found: list[Mention]
) -> list[Mention]:
    """Countries, first-level divisions and demonyms anywhere in an organisation's name ('Taco
    Bell Canada', 'U.S. Army', 'Russian Foreign Ministry'), and towns after 'of' in an
    institution's name ('City of Charleston')."""
    out: list[Mention] = []
    institution = _has_institution_word(text, *span, gaz)
    for run in _CAP_RUN.finditer(text, span[0], span[1]):
        words = [
            (w.start() + run.start(), w.end() + run.start()) for w in _WORD.finditer(run.group())
        ]
        for i in range(len(words)):
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                s, e = _trim(text, words[i][0], words[i + n - 1][1], gaz)
                if e <= s or _overlaps((s, e), [(m.start, m.end) for m in out + found]):
                    continue
                surface = text[s:e]
                demo = gaz.demonym(surface) if n == 1 else None
                if demo is not None:
                    out.append(Mention(s, e, surface, "demonym", [demo]))
                    break
                cands = gaz.candidates(surface)
                if not _nameable(surface, cands, gaz):
                    continue
                key = norm(surface)
                after_of = text[max(span[0], s - 3) : s] == "of "
                own = norm(cands[0].name) == key or gaz.alias(surface) is not None
                if (own and cands[0].feature in ("country", "admin1", "continent")) or (
                    institution
                    and after_of
                    and _placeish(surface, cands, gaz, EMBEDDED_MIN_POPULATION)
                ):
                    out.append(Mention(s, e, surface, "embedded", cands))
                    break
    return out


def _has_institution_word(text: str, start: int, end: int, gaz: Gazetteer) -> bool:
    for w in _WORD.finditer(text, start, end):
        key = norm(w.group())
        if key in gaz.institution_words or key.removesuffix("s") in gaz.institution_words:
            return True
    return False


def _county_like(ent: dict) -> bool:
    """'Anderson County' read as a person: the suffix settles it."""
    return all(_COUNTY.search(m["text"].strip()) for m in ent.get("mentions", [])) and bool(
        ent.get("mentions")
    )


def _lone_word(ent: dict) -> bool:
    return (
        all(" " not in m["text"].strip() for m in ent.get("mentions", []))
        and " " not in ent.get("name", "").strip()
    )


def _misread_person(
    text: str,
    span: tuple[int, int],
    gaz: Gazetteer,
    persons: set[str],
    min_pop: int = MISREAD_PERSON_MIN_POPULATION,
    weak: bool = False,
) -> Mention | None:
    """A one-word 'person' or 'organisation' that is a sizeable place and no one's name in the
    article ('A Gainesville restaurant was robbed', 'Edmonton earned a B'); small models often
    read towns as surnames or as city councils."""
    s, e = _trim(text, *span, gaz)
    surface = text[s:e]
    if norm(surface) in persons:
        return None
    cands = gaz.candidates(surface)
    # only a place's own name, not one of its many alternate spellings ("Hamas" for Hama)
    key = norm(surface)
    own = [c for c in cands if norm(c.name) == key or gaz.alias(surface) == c.idx]
    # the biggest places of that name decide (the index lists a name's entries in no order)
    if _placeish(surface, sorted(own, key=lambda c: -c.population), gaz, min_pop):
        return Mention(s, e, surface, "entity", own if weak else cands, weak=weak)
    return None


def _datelines(text: str, gaz: Gazetteer, avoid: _Mask) -> list[Mention]:
    """'CROMWELL —' / 'HOLLIDAY, Mo. —' datelines open local news and name its place."""
    out: list[Mention] = []
    m = next((d for d in _DATELINE.finditer(text[:400]) if len(d.group(1)) >= 3), None)
    found = [m] if m else []
    found += [w for w in _WIRE_DATELINE.finditer(text) if m is None or w.start() >= m.end()]
    # a later story's dateline on a page that runs several ("... he said. SPRINGFIELD - The
    # city", "... the UNHCR. BEIRUT: ..."): only by a place's own name or an alias, as capitals
    # after a full stop also open notes ("UPDATE:", "BREAKING NEWS:")
    later = [
        d
        for d in _DATELINE.finditer(text)
        if (m is None or d.start() >= m.end()) and len(d.group(1)) >= 3
    ]
    if m is None:
        o = _OPENING_DATELINE.match(text)
        if o is not None and len(o.group(1)) >= 3:
            later.append(o)
    seen: set[int] = set()
    for m in found + later:
        own_only = m in later
        for group in (1, 2):
            if m.group(group) is None:
                continue
            for part in re.finditer(r"[^&/]+", m.group(group)):  # "TIJUANA & SAN DIEGO"
                s, e = _trim(text, m.start(group) + part.start(), m.start(group) + part.end(), gaz)
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                # "AP WASHINGTON (AP)": the place is the last words of the capitals
                while s < e and group == 1 and m.re is _WIRE_DATELINE:
                    if gaz.candidates(text[s:e]) or " " not in text[s:e]:
                        break
                    s += text[s:e].index(" ") + 1
                surface = text[s:e]
                if not surface or s in seen or avoid.hit(s, e) or len(surface) < 3:
                    continue
                cands = gaz.candidates(surface)
                if own_only and gaz.alias(surface) is None:
                    key = norm(surface)
                    cands = cands if any(key in variants(c.name) for c in cands) else []
                if cands:
                    seen.add(s)
                    out.append(Mention(s, e, surface, "dateline", cands))
    return out


# US party affiliation and home town after a politician's name: "(D-Charleston)", "R-Mo.", and a
# state's dotted initials ("D-S.C.", "D-W. Va.")
_AFFILIATION = re.compile(
    r"\b(?:[DRI]|DFL)-([A-Z]\.[ ]?[A-Z][a-z]{0,3}\."
    r"|[A-Z](?:[a-z]+[A-Z])?[a-z]+\.?(?: [A-Z][a-z]+)?)"
    r"(?=\s*[,;).:\u2014]|\s+(?:said|says|and)\b)"
)
# "Jackson and Barrow counties", "Cooke, Grayson and Love counties": each name is a county
_COUNTIES = re.compile(
    r"((?:[A-Z][a-z]+(?: [A-Z][a-z]+)?(?:,\s+|\s+and\s+|,\s+and\s+)){1,8}"
    r"[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s+(counties|parishes)\b"
)
_COUNTY_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?")
# "the counties with the most cases: Hall, Forsyth and Dawson": the list after a colon, to the
# end of its sentence; items part at semicolons when there are any ("Hamilton, 6 percent;")
_COUNTIES_COLON = re.compile(
    r"\b(counties|parishes)\b[^.:;\n]{0,60}:[ \t]{0,3}([^\n]{1,400}?)(?:\.(?!\d)|\n|$)"
)
_ITEM_SEP = re.compile(r";\s{0,3}(?:and\s{1,3}|or\s{1,3})?|,\s{1,3}(?:and|or)\s{1,3}")
_LIST_SEP = re.compile(r",\s{1,3}(?:and\s{1,3}|or\s{1,3})?|\s{1,3}(?:and|or)\s{1,3}")


def _townships(text: str, avoid: _Mask, found: list[Mention]) -> list[Mention]:
    """A civil township's name no entity or earlier rule took ('Madison Twp.'): placed like
    the entity path's townships, in the article's own town."""
    out = []
    spans = [(m.start, m.end) for m in found]
    for t in _TOWNSHIP_SCAN.finditer(text):
        s, e = t.span()
        if avoid.hit(s, e) or _overlaps((s, e), spans):
            continue
        out.append(Mention(s, e, text[s:e], "township"))
    return out


def _affiliations(text: str, gaz: Gazetteer, avoid: _Mask) -> list[Mention]:
    """The town or state in a US politician's party tag, even inside an ORG reading."""
    out: list[Mention] = []
    for m in _AFFILIATION.finditer(text):
        s, e = _trim(text, m.start(1), m.end(1), gaz)
        surface = text[s:e]
        if e <= s or avoid.hit(s, e):
            continue
        cands = [c for c in gaz.candidates(surface) if c.country_code == "US"]
        cands = cands or _county_of(surface, gaz)  # "D-Braxton": Braxton County
        key = norm(surface)
        # the party tag is context enough for a name the stop list keeps out ("R-Florence")
        if cands and key not in gaz.generic and (not surface.isupper() or gaz.dotted(surface)):
            out.append(Mention(s, e, surface, "scan", cands))
            avoid.add(s, e)
    return out


# a name glued to "-based" or "-area" ("a Kent-based team", "Rock Hill-based", "the Atlanta-area
# schools"): up to three capitalised words before the hyphen, the longest place name among them
_BASED = re.compile(r"((?:[A-Z][\w.'\u2019]{0,30} ){0,2}[A-Z][\w.'\u2019]{0,30})-(?:based|area)\b")


def _based_places(text: str, gaz: Gazetteer, avoid: _Mask) -> list[Mention]:
    """The place before '-based' or '-area', even inside a reading as a person ('Kent-based'):
    only places are bases or areas, so the compound is context enough."""
    out: list[Mention] = []
    for m in _BASED.finditer(text):
        starts = [m.start(1)] + [m.start(1) + w.end() for w in re.finditer(" ", m.group(1))]
        for s in starts:
            surface = text[s : m.end(1)]
            cands = gaz.candidates(surface)
            # the compound is context enough for a name the stop list keeps out ("Kent")
            if (
                text.startswith("The ", s)
                or not cands
                or norm(surface) in gaz.generic
                or (surface.isupper() and gaz.alias(surface) is None)
            ):
                continue
            if not avoid.hit(s, m.end(1)):  # else the name has a reading already
                out.append(Mention(s, m.end(1), surface, "scan", cands))
                avoid.add(s, m.end(1))
            break
    return out


def _county_lists(text: str, gaz: Gazetteer, avoid: _Mask, found: list[Mention]) -> list[Mention]:
    """Names listed before a plural 'counties'/'parishes' or after 'counties:', each read as its
    county; a place entity of exactly that name ('Anderson' in 'Anderson and Cherokee counties')
    takes the county's readings instead of the town's. The counties of one list lie in one
    state: the state that has a county of the most of its names, when two or more share it."""
    out: list[Mention] = []
    spans = {(f.start, f.end): f for f in found if f.source != "demonym"}
    lists = [
        (
            m.group(2),
            [
                (m.start(1) + name.start(), m.start(1) + name.end(), False)
                for name in _COUNTY_NAME.finditer(m.group(1))
            ],
        )
        for m in _COUNTIES.finditer(text)
    ]
    lists.extend(_colon_counties(text))
    for kind, names in lists:
        suffix = " County" if kind == "counties" else " Parish"
        readings = [
            [c for c in gaz.candidates(text[s:e] + suffix) if c.feature == "admin2"]
            for s, e, _ in names
        ]
        votes = Counter(k for cands in readings for k in {c.admin1_key for c in cands})
        most = max(votes.values(), default=0)
        states = {k for k, n in votes.items() if n == most} if most >= 2 else set()
        for (s, e, in_full), cands in zip(names, readings, strict=True):
            cands = [c for c in cands if c.admin1_key in states] or cands
            if in_full:
                continue  # "Boone County" in the list: found whole elsewhere, it only votes
            if avoid.hit(s, e):
                if cands and (s, e) in spans:
                    spans[(s, e)].candidates = cands
                continue
            if cands:
                out.append(Mention(s, e, text[s:e], "scan", cands))
                avoid.add(s, e)
    return out


def _colon_counties(text: str) -> list[tuple[str, list[tuple[int, int, bool]]]]:
    """The lists after 'counties:' ('the counties with the most cases: Hall, Forsyth and
    Dawson'), each with its noun: the capitalised words that open each item, and whether the
    item names its county in full ('Walker County, 9 percent')."""
    out = []
    for m in _COUNTIES_COLON.finditer(text):
        body, base = m.group(2), m.start(2)
        items, a = [], 0
        for sep in [*(_ITEM_SEP if ";" in body else _LIST_SEP).finditer(body), None]:
            b = len(body) if sep is None else sep.start()
            items.append((a, body[a:b]))
            a = b if sep is None else sep.end()
        names = []
        for a, item in items:
            name = _COUNTY_NAME.match(item)
            if name is not None:
                in_full = item[name.end() :].startswith((" County", " Parish"))
                names.append((base + a, base + a + name.end(), in_full))
        out.append((m.group(1), names))
    return out


def _sentence_start(text: str, s: int) -> bool:
    """Whether position s opens a sentence or a line, where capitals prove nothing."""
    before = text[max(0, s - 3) : s].rstrip(" \t\"'\u201c(")
    return not before or before[-1] in ".!?:\n"


def _region_in_name(text: str, s: int, e: int, gaz: Gazetteer) -> bool:
    """A region's name after a lower-case prefix and a hyphen is part of an adjective
    ("mid-Atlantic states", "trans-Pacific trade"), and before a street word a street's name
    ("Atlantic Avenue"): neither names the region."""
    compound = text[s - 2 : s - 1].islower() and text[s - 1 : s] == "-"
    if not compound and _STREET.match(text, e) is None:
        return False
    return norm(text[s:e]) in gaz.regions


def _sure_feature(c: Place) -> bool:
    """A country, continent or a first-level division of >= 100,000 inhabitants: names sure
    enough to stand without an entity. Small divisions share everyday words and first names
    ("Pool", Congo; "Store" and "Grad", Slovenia; "Michael", Isle of Man; "Paul", Cape Verde)."""
    if c.feature == "admin1":
        return c.population >= SCAN_MIN_DIVISION_POPULATION
    return c.feature in SCAN_FEATURES


def _scan_ok(surface: str, cands: list[Place], gaz: Gazetteer) -> bool:
    key = norm(surface)
    if key in gaz.regions:
        return True
    if key in gaz.stopnames or key in gaz.generic or not cands:
        return False
    if gaz.alias(surface) is not None:
        return True
    top = cands[0]
    # a town must be named by its own name; alternate spellings of big cities catch words
    return any(
        _sure_feature(c)
        or (c.feature == "city" and c.population >= SCAN_MIN_POPULATION and norm(c.name) == key)
        for c in _biggest(cands)[:3]
    ) or (top.feature == "admin2" and " " in surface)


def _inside_name(text: str, words: list[tuple[int, int]], i: int, n: int, gaz: Gazetteer) -> bool:
    """Whether words[i : i + n] of a capitalised run sit inside a longer name: a capitalised
    word joins them on either side within the sentence ("Agent Orange", "Coronado Meat
    Market"), other than an institution word after them ("Richmond Council")."""
    last = words[i + n - 1]
    if i + n < len(words) and text[last[1] - 1] not in ".,;:!?":
        nxt = text[words[i + n][0] : words[i + n][1]]
        if norm(nxt) not in gaz.institution_words:
            return True
    return i > 0 and text[words[i - 1][1] - 1] not in ".,;:!?"


def _scan(text: str, gaz: Gazetteer, avoid: _Mask) -> list[Mention]:
    """Leftmost-longest gazetteer match over capitalised word runs the NER left alone."""
    out: list[Mention] = []
    for run in _CAP_RUN.finditer(text):
        base = run.start()
        words = [(w.start() + base, w.end() + base) for w in _WORD.finditer(run.group())]
        i = 0
        while i < len(words):
            hit = None
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                s, e = _trim(text, words[i][0], words[i + n - 1][1], gaz)
                if e <= s or not text[s].isupper():
                    continue
                surface = text[s:e]
                if surface.isupper() and gaz.alias(surface) is None:
                    continue  # shouting headlines and acronyms, not names
                if "." in surface and re.search(r"\d\s*$", text[max(0, s - 4) : s]):
                    continue  # "500 B.C.": an era after a year, not British Columbia
                if avoid.hit(s, e):
                    continue
                if _region_in_name(text, s, e, gaz):
                    continue
                demo = gaz.demonym(surface)
                if demo is not None and n == 1:
                    hit = Mention(s, e, surface, "demonym", [demo])
                    break
                cands = gaz.candidates(surface)
                if _scan_ok(surface, cands, gaz):
                    # a town's name inside a longer run of capitalised words is part of another
                    # name as often as not ("Agent Orange", "Coronado Meat Market", "Brooke
                    # Henderson"): kept only where the article confirms it, as weak readings are
                    inside = _inside_name(text, words, i, n, gaz) and not any(
                        _sure_feature(c) for c in _biggest(cands)[:3]
                    )
                    inside = inside and norm(surface) not in gaz.regions
                    inside = inside and gaz.alias(surface) is None
                    hit = Mention(s, e, surface, "scan", cands, weak=inside)
                    break
                at_start = _sentence_start(text, s)
                opens = i == 0 or at_start  # "... on Monday. Gatlinburg Police"
                if opens and i + n < len(words) and _civic_word(text, *words[i + n]):
                    # a town of any size opening its police's or mayor's name ("Gatlinburg
                    # Police Chief", "Brookhaven Mayor"), also at a sentence's start; a town of
                    # that own name proves a town, and the resolver weighs every reading, those
                    # by another name too ("Mount Royal" is also Mont-Royal, Quebec's)
                    if _own_towns(surface, cands, gaz):
                        hit = Mention(s, e, surface, "scan", cands)
                        break
                if at_start and _residents_after(text, e):
                    # "Chicopee residents discuss ...", "Haslett student telethon ...": a
                    # headline's or sentence's opening town of >= 10,000 inhabitants, spelt as
                    # written, before a residents' noun
                    own = _own_towns(surface, cands, gaz)
                    if any(
                        c.name == surface and c.population >= EMBEDDED_MIN_POPULATION for c in own
                    ):
                        hit = Mention(s, e, surface, "scan", own)
                        break
                if SCAN_WEAK and not at_start:
                    own = _own_towns(surface, cands, gaz)
                    if own:
                        hit = Mention(s, e, surface, "scan", own, weak=True)
                        break
            if hit is not None:
                out.append(hit)
                avoid.add(hit.start, hit.end)
                i = next((k for k in range(i, len(words)) if words[k][0] >= hit.end), len(words))
            else:
                i += 1
    return out


_NEXT_LOWER = re.compile(r"[ \t]{1,2}([a-z]{2,20})\b")


def _residents_after(text: str, e: int) -> bool:
    """Whether a residents' noun follows a name that opens a sentence ([after] and [after
    opening] of place_context.txt: "residents", "native", "students"), where the model found
    no entity: a sentence's first capital proves nothing, the noun does ("Aš" is no "As
    police")."""
    nxt = _NEXT_LOWER.match(text, e)
    if nxt is None:
        return False
    words = _context_words()
    noun = nxt.group(1)
    return noun in words.get("after", ()) or noun in words.get("after opening", ())


def _own_towns(surface: str, cands: list[Place], gaz: Gazetteer) -> list[Place]:
    """The towns of exactly the name ``surface``, none when the name is stop-listed or
    generic: what lets a scanned name stand as a town without an entity."""
    key = norm(surface)
    if key in gaz.stopnames or key in gaz.generic:
        return []
    return [c for c in cands if c.feature == "city" and norm(c.name) == key]


def _civic_word(text: str, start: int, end: int) -> bool:
    """Whether the capitalised word text[start:end] is one of a local government's offices
    ('Police', 'Mayor'; the [civic scan] section of place_context.txt)."""
    word = text[start:end]
    return word[:1].isupper() and word.lower() in _context_words().get("civic scan", ())


@functools.cache
def _context_words() -> dict[str, frozenset[str]]:
    """The cue words of ``data/geo/place_context.txt``, by section ("before", "after")."""
    from streams.nlp.geo.build import DATA_DIR

    out: dict[str, set[str]] = {}
    section = ""
    for line in (DATA_DIR / "place_context.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        out.setdefault(section, set()).add(line.lower())
    return {k: frozenset(v) for k, v in out.items()}


def _own_places(surface: str, gaz: Gazetteer, persons: set[str]) -> list[Place]:
    """The entries a person's or organisation's span names by their own name (or an alias),
    biggest first; none for stop-listed words, acronyms and the article's people's names."""
    key = norm(surface)
    if key in persons or len(surface.split()) > _MAX_WORDS:
        return []
    cands = gaz.candidates(surface)
    if not _nameable(surface, cands, gaz):
        return []
    alias = gaz.alias(surface)
    own = [c for c in cands if norm(c.name) == key or alias == c.idx]
    return sorted(own, key=lambda c: -c.population)


def _context_hits(
    text: str, ent: dict, gaz: Gazetteer, persons: set[str]
) -> dict[tuple[int, int], Mention]:
    """The mentions of a person or organisation entity that stand in place context. A person
    becomes a place only when at least half its mentions do ("from Welch" once, among "Welch
    said" and "stabbed Welch", is still the man)."""
    mentions = ent.get("mentions", [])
    organisation = ent.get("label") == "ORG"
    hits = {}
    for m in mentions:
        hit = _context_place(text, (m["start"], m["end"]), gaz, persons, organisation)
        if hit is not None:
            hits[(m["start"], m["end"])] = hit
    if not organisation and 2 * len(hits) < len(mentions):
        return {}
    return hits


def _container_after(text: str, e: int, gaz: Gazetteer, own: list[Place]) -> bool:
    """'Matias Romero, Oaxaca' / 'Chowchilla, Calif.': a division or country right after the
    comma that holds one of the name's entries."""
    m = re.match(r",\s*([A-Z][\w.]*(?: [A-Z][\w.]*){0,2})", text[e : e + 40])
    if not m:
        return False
    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        s0 = e + m.start(1)
        s1, e1 = _trim(text, s0, s0 + len(" ".join(words[:n])), gaz)
        for c in gaz.candidates(text[s1:e1])[:3]:
            if c.feature == "admin1" and any(o.admin1_key == c.admin1_key for o in own):
                return True
            if c.feature == "country" and any(o.country_code == c.country_code for o in own):
                return True
    return False


def _context_place(
    text: str, span: tuple[int, int], gaz: Gazetteer, persons: set[str], organisation: bool
) -> Mention | None:
    """A span read as a person or an organisation that is a place by its own name and stands
    where places stand: after 'in'/'near'/'from' ('in Rock Hill'), before a residents' noun
    ('a Glen Allen woman') or before its division ('Matias Romero, Oaxaca'). Names the article
    gives a person, names that speak ('Hamilton said') and possessives stay as they were."""
    s, e = _trim(text, *span, gaz)
    if e <= s or text[e : e + 2] in ("'s", "\u2019s") or _PERSON_AFTER.match(text, e):
        return None
    surface = text[s:e]
    own = _own_places(surface, gaz, persons)
    if not own:
        return None
    cues = _context_words()
    before = re.search(r"(\w+)\s+(?:the\s+)?$", text[max(0, s - 20) : s])
    after = re.match(r"\s+(\w+)", text[e : e + 20])
    if re.match(r"\s+(?:[A-Z]|d[eu]\b|d')", text[e : e + 4]):
        return None  # the name goes on ("Ballon d'Or"): the span is cut short, not a place
    before_cues = cues.get("before", frozenset())
    if organisation:  # "a grant from Whitestown"; "from Welch" is as often a person
        before_cues |= cues.get("before organisation", frozenset())
    before_of = re.search(r"(\w+)\s+of\s+$", text[max(0, s - 30) : s])
    if before_of is not None and before_of.group(1).lower() in cues.get("before of", ()):
        return Mention(s, e, surface, "entity", own)  # "residents of Huntsville"
    if (
        (before is not None and before.group(1).lower() in before_cues)
        or (after is not None and after.group(1).lower() in cues.get("after", ()))
        or _container_after(text, e, gaz, own)
    ):
        return Mention(s, e, surface, "entity", own)
    return None


# bounded whitespace: the pattern is anchored at a name's end, and stays linear on any input
_LIST_GLUE = re.compile(
    r"(?:,[ \t\n]{0,3}(?:(?:and|or)[ \t\n]{1,3})?|[ \t\n]{1,3}(?:and|or|&)[ \t\n]{1,3})"
)


def _listed_places(
    text: str,
    spans: list[tuple[int, int]],
    found: list[Mention],
    people: list[tuple[int, int]],
    gaz: Gazetteer,
    persons: set[str],
    taken: _Mask,
) -> list[Mention]:
    """A person's or organisation's span listed beside a sure place ('Copenhagen, Hamburg,
    Brasoc and Mannheim', 'Cornwall and Kent') names a place too, when it has an entry of its
    own name, and no person stands next to it in the list ('Helen, Clarence, Irene'). Lists
    grow outward from the sure places, one neighbour at a time."""
    sure = sorted((m.start, m.end) for m in found if not m.weak and m.source != "demonym")
    weak = {(m.start, m.end): m for m in found if m.weak}
    out: list[Mention] = []
    pending = sorted(spans)
    changed = True
    while changed and pending:
        changed = False
        ends = {e for _, e in sure}
        starts = {s for s, _ in sure}
        sure_set = set(sure)
        person_ends = {e for s, e in people if (s, e) not in sure_set}
        person_starts = {s for s, e in people if (s, e) not in sure_set}
        rest = []
        for span in pending:
            s, e = _trim(text, *span, gaz)
            if e <= s or (taken.hit(s, e) and (s, e) not in weak):
                continue
            left = re.search(
                r"(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|&)\s+)$", text[max(0, s - 8) : s]
            )
            right = _LIST_GLUE.match(text, e)
            left_at = s - len(left.group()) if left is not None else -1
            right_at = right.end() if right is not None else -1
            joined = left_at in ends or right_at in starts
            if left_at in person_ends or right_at in person_starts:
                joined = False  # a list of people ("Mason, Devon and the driver")
            own = _own_places(text[s:e], gaz, persons) if joined else []
            if own and not _PERSON_AFTER.match(text, e):
                if (s, e) in weak:  # a weak reading the list confirms
                    weak.pop((s, e)).weak = False
                else:
                    out.append(Mention(s, e, text[s:e], "entity", own))
                    taken.add(s, e)
                sure.append((s, e))
                changed = True
            else:
                rest.append(span)
        pending = rest
    return out


COUNTY_OFFICE_MAX_TOWN = 10_000


def _county_office(text: str, span: tuple[int, int], gaz: Gazetteer) -> Mention | None:
    """A county named without its suffix that opens the name of its court or office
    ('Kanawha Circuit Court', 'Prince William Board of Supervisors'): that county, unless a
    town of >= 10,000 inhabitants bears the name ('Richmond Circuit Court' is the city's)."""
    s0, e0 = _trim(text, *span, gaz)
    words = [(w.start() + s0, w.end() + s0) for w in _WORD.finditer(text[s0:e0])]
    office = _context_words().get("county office", frozenset())
    for n in (2, 1):
        if len(words) <= n or text[words[n][0] : words[n][1]].lower() not in office:
            continue
        s, e = words[0][0], words[n - 1][1]
        surface = text[s:e]
        key = norm(surface)
        if not all(text[a].isupper() for a, _ in words[:n]) or key in gaz.generic:
            continue
        if any(
            c.feature == "city" and c.population >= COUNTY_OFFICE_MAX_TOWN and norm(c.name) == key
            for c in gaz.candidates(surface)
        ):
            return None
        cands = _county_of(surface, gaz)
        if cands:
            return Mention(s, e, surface, "embedded", cands)
    return None


def _civic_place(text: str, span: tuple[int, int], gaz: Gazetteer) -> Mention | None:
    """A town of any size that opens the name of its own police, fire service, council or
    schools ('Hopkinton Police Department', 'Concord Police', 'Harwinton Town Committee'): a
    local government is named after its place, even a place whose name is also a person's
    ('Jackson Police Department'), which the stop list keeps out elsewhere."""
    s0, e0 = _trim(text, *span, gaz)
    words = [(w.start() + s0, w.end() + s0) for w in _WORD.finditer(text[s0:e0])]
    civic = _context_words().get("civic", frozenset())
    if len(words) < 2 or not any(_is_civic(text[a:b], civic) for a, b in words[1:]):
        return None
    for n in range(min(_MAX_WORDS, len(words) - 1), 0, -1):
        s, e = _trim(text, words[0][0], words[n - 1][1], gaz)
        surface = text[s:e]
        key = norm(surface)
        if e <= s or key in gaz.generic or (surface.isupper() and gaz.alias(surface) is None):
            continue
        if text[e : e + 1] == "-":
            continue  # "Watertown-Mayer": a joint name
        alias = gaz.alias(surface)
        own = [
            c
            for c in gaz.candidates(surface)
            if (norm(c.name) == key or alias == c.idx)
            and c.feature in ("city", "admin2", "admin1", "country")
        ]
        if own:
            return Mention(s, e, surface, "embedded", _biggest(own))
    return None
