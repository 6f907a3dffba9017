"""Toponym resolution: pick one gazetteer entry per mention from article context, not population.

Evidence, as additive scores: the entry's size and type, an explicit container ('Paris, Texas'),
the countries and first-level divisions the rest of the article resolves to, the source's
country, and news conventions from ``streams/data/geo/conventions.json``. Two passes: the second
re-scores every mention against the context the first pass produced, minus its own vote.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from streams.nlp.geo.gazetteer import Gazetteer, Place
from streams.nlp.geo.names import norm, variants
from streams.nlp.geo.recognise import Mention

FEATURE_PRIOR = {"country": 1.6, "continent": 1.6, "admin1": 1.1, "city": 0.0, "admin2": -0.6}
W_POP = 0.35
W_PRIMARY = 0.5
W_ALIAS = 3.0
W_PREFER = 1.5
W_CUE = 3.0
W_CONTAINER = 4.0
W_COUNTRY = 1.4
W_ADMIN1 = 1.6
W_SOURCE = 0.8
W_NEIGHBOUR = 0.7
W_COUNTY = 2.0
_COUNTY_NAME = re.compile(r"\b(?:County|Parish|Borough)$")
W_NEAR = 1.0
# A town or county reading gains up to W_PAIR for other names of the article with a reading
# within PAIR_KM of it, full credit from PAIR_MAX of them; the grid's cells are PAIR_CELL
# degrees of latitude.
W_PAIR = 1.0
PAIR_KM = 50.0
PAIR_MAX = 2
PAIR_CELL = PAIR_KM / 111.0 * 1.5
W_LIST = 1.6
# A list of places: names joined by commas with an "and"/"or"/"&" somewhere ("Boston, Seattle
# and Washington"), or by "and" alone. Its members are usually of one type, and a cue noun
# before it names the type ("big cities like", "the states of", "countries such as").
# (?<!\s): a match starts only at a run's first space, so a scan stays linear
_LIST_THE = re.compile(r"(?<=\s)the[ \t]{1,3}$", re.I)
_LIST_SEP = re.compile(r"(?<!\s)\s*(?:,\s*(?:(?:and|or|&)\s+)?|(?:and|or|&)\s+)")
_LIST_CUE = re.compile(
    r"\b(cities|towns|villages|capitals|states|provinces|countries|nations|counties|city|town|"
    r"state|province|country|county)\s+(?:(?:like|such as|including|of|from|as|in|across)\s+)?"
    r"(?:the\s+)?$",
    re.I,
)
_CUE_FEATURE = {
    "citi": "city",
    "city": "city",
    "town": "city",
    "vill": "city",
    "capi": "city",
    "stat": "admin1",
    "prov": "admin1",
    "coun": "country",
    "nati": "country",
}
# "the city of X", "the town of X" ask for a town
_TOWN_CUE = re.compile(
    r"\b(?:city|town|village|township|borough) of[ \t]{1,2}(?:the[ \t]{1,2})?$", re.I
)
CONFIRM_KM = 60.0
# what may follow the division of "Town, State": the end of its clause, not more of a name
_CLOSED = re.compile(r"[ \t]{0,3}(?:,(?![ \t]{0,3}[A-Z])|[.;:)\n]|$)")
# a region's point stands for a large area whose extent no source gives: moderate confidence
REGION_CONFIDENCE = 0.6
NEAR_KM = 250.0
# only points that stand for a small area say where nearby namesakes are
_POINT_FEATURES = frozenset({"city", "admin2"})
MAX_CANDIDATES = 60
# Affine map from the score softmax to P(error < 161 km), fit on the geo dev set (expected
# calibration error 0.10 -> 0.03, see docs/geo.md): even a clear winner is wrong ~8 % of the
# time (gold conventions, coarse division points), and a contested one is right more often
# than the softmax says.
CALIBRATION_BASE = 0.45
CALIBRATION_SCALE = 0.48
TEMPERATURE = 1.0


@dataclass(slots=True)
class Resolved:
    mention: Mention
    place: Place
    confidence: float


@dataclass(slots=True)
class Context:
    """Votes of the article's resolved mentions, also split by surface form: a name's own
    mentions must not vote for their own reading ('Georgia' x4 electing the country)."""

    countries: Counter
    admin1s: Counter
    source_cc: str | None
    # second-level divisions that some other name's candidates hold or are, by name: a town and
    # its county named in one article confirm each other ("Huntsville" + "Walker County")
    counties_by_key: dict[str, set[int]] = field(default_factory=dict)
    countries_by_key: dict[str, Counter] = field(default_factory=dict)
    admin1s_by_key: dict[str, Counter] = field(default_factory=dict)
    points: list[tuple[str, float, float]] = field(default_factory=list)
    # grid cell -> (name, lat, lon) of every town and county candidate of the article's names:
    # two names that each have a reading near the other's support those readings
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the text around one mention says, for scoring its candidates."""

    key: str  # the normalised name
    cue: bool  # "Washington state": the division is asked for
    container: Mention | None  # "Paris, Texas": the mention after the comma
    inner: Mention | None  # the mention before the comma, when this one is "Texas"
    alias: int | None  # the entry a curated alias names
    # in a list of places: the type its cue noun asks for ("cities like A, B and C" -> city),
    # else the type most of the other members resolved to ("Oregon, Idaho and Washington")
    want: str | None = None
    peers: str | None = None


def _cue(text: str, m: Mention, gaz: Gazetteer) -> bool:
    """'Washington state', 'state of New York', 'upstate New York' ask for the division. A
    direction before a country's own name asks for part of that country, not a division of its
    name ('southern Mexico' is not the State of México)."""
    after = text[m.end : m.end + 12].lower()
    before = text[max(0, m.start - 12) : m.start].lower()
    if any(re.match(rf"\s+{re.escape(c)}\b", after) for c in gaz.admin1_cues_after):
        return True
    hits = [c for c in gaz.admin1_cues_before if re.search(rf"\b{re.escape(c)}\s+$", before)]
    if not hits:
        return False
    key = norm(m.text)
    country = any(c.feature == "country" and key in variants(c.name) for c in m.candidates)
    return not country or any("state" in c for c in hits)


def _containers(text: str, mentions: list[Mention]) -> dict[int, Mention]:
    """Map a mention index to the mention right after it when only a comma sits between them.
    Not inside a longer list when the first name is itself of the second's kind: "Georgia,
    Oklahoma, Pennsylvania and California" are states, not the town of Oklahoma in
    Pennsylvania; "China, Japan, and the United Kingdom" are countries ("Springfield,
    Illinois and Columbus, Ohio" keeps both containers: Springfield is no state)."""

    def joined(j: int) -> bool:  # mentions j and j + 1 are members of one list
        if j < 0 or j + 1 >= len(mentions):
            return False
        gap = text[mentions[j].end : mentions[j + 1].start]
        gap = _LIST_THE.sub("", gap)  # ", and the United Kingdom": the name drops its "the"
        return len(gap) <= 7 and bool(_LIST_SEP.fullmatch(gap))

    out = {}
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        if re.fullmatch(r"\s*,\s*", text[a.end : b.start]) and not b.demonym:
            # the kinds the second name is by its own name (or the alias listed first)
            own_b = [c for c in b.candidates if norm(b.text) in variants(c.name)]
            kinds = {c.feature for c in own_b + b.candidates[:1]} & {"admin1", "country"}
            key = norm(a.text)
            peer = any(c.feature in kinds and key in variants(c.name) for c in a.candidates)
            if peer and (joined(i - 1) or joined(i + 1)):
                continue
            out[i] = b
    return out


def _contains(container: Place, c: Place) -> bool:
    if container.feature == "country":
        return c.country_code == container.country_code and c.idx != container.idx
    if container.feature == "admin1":
        return c.admin1_key == container.admin1_key and c.idx != container.idx
    return False


def _score(c: Place, ev: Evidence, gaz: Gazetteer, ctx: Context) -> float:
    key, container, inner = ev.key, ev.container, ev.inner
    s = W_POP * math.log10(c.population + 10) + FEATURE_PRIOR.get(c.feature, 0.0)
    if key in gaz.primary and norm(c.name) == key:
        s += W_PRIMARY
    if ev.alias == c.idx:
        s += W_ALIAS
    if ev.want is not None and c.feature == ev.want:
        s += W_CUE
    elif ev.peers is not None and c.feature == ev.peers:
        s += W_LIST
    if ev.cue and c.feature == "admin1":
        s += W_CUE
    elif not ev.cue and gaz.prefer.get(key) == c.idx:
        s += W_PREFER
    if container is not None and any(_contains(p, c) for p in container.candidates[:3]):
        s += W_CONTAINER
    if inner is not None and c.feature in ("admin1", "country"):
        # "Rochester, New York": the name after the comma is the state that holds the town
        if any(_contains(c, p) for p in inner.candidates[:MAX_CANDIDATES]):
            s += W_CONTAINER
    # context votes of the other names in the article
    own_c = ctx.countries_by_key.get(key, Counter())
    own_a = ctx.admin1s_by_key.get(key, Counter())
    n_c = ctx.countries.get(c.country_code, 0) - own_c.get(c.country_code, 0)
    total_c = max(1, sum(ctx.countries.values()) - sum(own_c.values()))
    if c.country_code and n_c > 0:
        s += W_COUNTRY * (0.5 + 0.5 * n_c / total_c)
    elif c.country_code and any(
        ctx.countries.get(n, 0) > own_c.get(n, 0) for n in gaz.neighbours.get(c.country_code, ())
    ):
        s += W_NEIGHBOUR  # "Gaza" in a story about Israel
    if c.admin1_key and c.feature != "admin1":
        n_a = ctx.admin1s.get(c.admin1_key, 0) - own_a.get(c.admin1_key, 0)
        if n_a > 0:
            s += W_ADMIN1 * min(1.0, 0.5 + 0.25 * n_a)
    if ctx.source_cc and c.country_code == ctx.source_cc:
        s += W_SOURCE
    if c.county >= 0 and ctx.counties_by_key:
        # a town pairs with a named county, a named county with a town
        want = "town:" if c.feature == "admin2" else "county:"
        if any(
            c.county in ids
            for k, ids in ctx.counties_by_key.items()
            if k.startswith(want) and k.split(":", 1)[1] != key
        ):
            s += W_COUNTY
    if c.feature in _POINT_FEATURES and ctx.points:
        near = min(
            (_km(c.lat, c.lon, la, lo) for k, la, lo in ctx.points if k != key), default=NEAR_KM
        )
        s += W_NEAR * max(0.0, 1.0 - near / NEAR_KM)
    if c.feature in _POINT_FEATURES and ctx.grid and key in variants(c.name):
        s += W_PAIR * min(PAIR_MAX, _neighbours(c, key, ctx.grid)) / PAIR_MAX
    return s


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(math.floor(lat / PAIR_CELL)), int(math.floor(lon / PAIR_CELL))


def _grid(mentions: list[Mention]) -> dict[tuple[int, int], list[tuple[str, float, float]]]:
    """The town and county readings of every name outright (not weak, not a demonym) that
    are named by their own name, bucketed by grid cell."""
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
    seen: set[tuple[str, int]] = set()
    for m in mentions:
        if not m.votes:
            continue
        key = norm(m.text)
        for c in m.candidates[:MAX_CANDIDATES]:
            if c.feature not in _POINT_FEATURES or (key, c.idx) in seen:
                continue
            if key in variants(c.name):
                seen.add((key, c.idx))
                grid.setdefault(_cell(c.lat, c.lon), []).append((key, c.lat, c.lon))
    return grid


def _neighbours(c: Place, key: str, grid: dict) -> int:
    """How many other names have a town or county reading within PAIR_KM of this one."""
    ci, cj = _cell(c.lat, c.lon)
    # a degree of longitude shrinks toward the poles: look as many cells east and west as
    # PAIR_KM spans there
    span = PAIR_KM / (111.0 * max(0.1, math.cos(math.radians(c.lat))) * PAIR_CELL)
    reach = min(180, math.ceil(span))
    keys: set[str] = set()
    for di in (-1, 0, 1):
        for dj in range(-reach, reach + 1):
            for k, la, lo in grid.get((ci + di, cj + dj), ()):
                if k != key and k not in keys and _km(c.lat, c.lon, la, lo) < PAIR_KM:
                    keys.add(k)
    return len(keys)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: accurate enough below a few hundred km, and cheap."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


def _pick(
    m: Mention,
    i: int,
    text: str,
    gaz: Gazetteer,
    ctx: Context,
    containers: dict[int, Mention],
    inners: dict[int, Mention],
    memo: dict[tuple, tuple[Place, float]],
    lists: dict[int, tuple[list[int], str | None]] | None = None,
    picked: list[tuple[Place, float] | None] | None = None,
) -> tuple[Place, float] | None:
    if not m.candidates:
        return None
    if m.demonym:
        return m.candidates[0], 0.9
    inner, container = inners.get(i), containers.get(i)
    want = peers = None
    if lists and i in lists:
        members, want = lists[i]
        if picked is not None:
            kinds = Counter(
                "city" if p[0].feature == "admin2" else p[0].feature
                for k in members
                if k != i and (p := picked[k]) is not None
            )
            if kinds:
                top, n = kinds.most_common(1)[0]
                peers = top if 2 * n > sum(kinds.values()) else None
    if want is None and _TOWN_CUE.search(text, max(0, m.start - 24), m.start):
        want = "city"  # "the city of Turkey", "the town of Van": the town, not the country
    ev = Evidence(
        norm(m.text), _cue(text, m, gaz), container, inner, gaz.alias(m.text), want, peers
    )
    # a name repeated with the same evidence gets the same answer (long lists stay linear)
    memo_key = (
        ev.key,
        m.weak,
        ev.cue,
        norm(container.text) if container else None,
        norm(inner.text) if inner else None,
        want,
        peers,
    )
    if memo_key not in memo:
        memo[memo_key] = _best(m, ev, gaz, ctx)
    return memo[memo_key]


def _best(m: Mention, ev: Evidence, gaz: Gazetteer, ctx: Context) -> tuple[Place, float]:
    cands = (
        m.candidates[:MAX_CANDIDATES]
        if len(m.candidates) <= MAX_CANDIDATES
        else sorted(m.candidates, key=lambda c: -c.population)[:MAX_CANDIDATES]
    )
    scores = [_score(c, ev, gaz, ctx) for c in cands]
    best = max(range(len(cands)), key=scores.__getitem__)
    b = cands[best]
    weights = [math.exp((s - scores[best]) / TEMPERATURE) for s in scores]
    # confidence = the share of belief within 161 km of the pick: Paris the city and Paris the
    # department agree, so they do not split it
    near = sum(
        w for w, c in zip(weights, cands, strict=True) if _km(b.lat, b.lon, c.lat, c.lon) < 161
    )
    return b, CALIBRATION_BASE + CALIBRATION_SCALE * near / sum(weights)


def _counties(mentions: list[Mention]) -> dict[str, set[int]]:
    """Per name, the counties it may be (for names that say 'County') or its towns may lie in
    (for the others). The pairing is checked over all candidates, so the coherent pair wins
    for both names; only explicit county names take part, as bare names match too many."""
    explicit = any(_COUNTY_NAME.search(m.text) for m in mentions)
    out: dict[str, set[int]] = {}
    if not explicit:
        return out
    for m in mentions:
        if not m.votes:
            continue
        is_county = bool(_COUNTY_NAME.search(m.text))
        ids = {
            c.county
            for c in m.candidates[:MAX_CANDIDATES]
            if c.county >= 0 and (c.feature == "admin2") == is_county
        }
        if ids:
            out.setdefault(("county:" if is_county else "town:") + norm(m.text), set()).update(ids)
    return out


def _context(
    mentions: list[Mention], picked: list[tuple[Place, float] | None], source_cc: str | None
) -> Context:
    ctx = Context(Counter(), Counter(), source_cc)
    seen: set[tuple[str, int]] = set()  # one point per (name, place), however often repeated
    places = {r[0].idx: r[0] for r in picked if r is not None}
    for m, r in zip(mentions, picked, strict=True):
        if r is None or m.weak or m.source == "street":  # demonyms vote for their country
            continue
        place, key = r[0], norm(m.text)
        if place.country_code:
            ctx.countries[place.country_code] += 1
            ctx.countries_by_key.setdefault(key, Counter())[place.country_code] += 1
        if place.admin1_key:
            ctx.admin1s[place.admin1_key] += 1
            ctx.admin1s_by_key.setdefault(key, Counter())[place.admin1_key] += 1
        if place.feature in _POINT_FEATURES and r[1] >= CALIBRATION_BASE + CALIBRATION_SCALE / 2:
            seen.add((key, place.idx))
    ctx.points = [(key, p.lat, p.lon) for key, idx in seen for p in (places[idx],)]
    return ctx


def _lists(text: str, mentions: list[Mention]) -> dict[int, tuple[list[int], str | None]]:
    """Mention index -> (the indices of its list, the type the list's cue noun asks for)."""
    out: dict[int, tuple[list[int], str | None]] = {}
    i = 0
    while i < len(mentions):
        j, joined = i, False
        while j + 1 < len(mentions) and not mentions[j + 1].demonym and not mentions[j].demonym:
            gap = text[mentions[j].end : mentions[j + 1].start]
            if len(gap) > 7 or not _LIST_SEP.fullmatch(gap):
                break
            joined = joined or bool(re.search(r"\b(?:and|or)\b|&", gap))
            j += 1
        if j > i and joined:
            members = list(range(i, j + 1))
            cue = _LIST_CUE.search(text[max(0, mentions[i].start - 40) : mentions[i].start])
            want = _CUE_FEATURE.get(cue.group(1).lower()[:4]) if cue else None
            for k in members:
                out[k] = (members, want)
        i = j + 1
    return out


def resolve(
    text: str,
    mentions: list[Mention],
    gaz: Gazetteer,
    source_cc: str | None = None,
    source_towns: list[Place] | None = None,
) -> list[Resolved | None]:
    """Resolve each mention (None where the gazetteer has no entry), in input order.
    ``source_towns``: the readings of the town the publisher's domain names (tag.source_towns)."""
    containers = _containers(text, mentions)
    lists = _lists(text, mentions)
    empty = Context(Counter(), Counter(), source_cc)
    inners = {i + 1: mentions[i] for i in containers}  # container index -> the name it holds
    counties = _counties(mentions)
    empty.counties_by_key = counties
    grid = _grid(mentions)
    home = _home(source_towns or [], grid)
    empty.grid = grid
    _add_home(empty, home)
    memo: dict[tuple, tuple[Place, float]] = {}
    picked = [
        _pick(m, i, text, gaz, empty, containers, inners, memo, lists)
        for i, m in enumerate(mentions)
    ]
    for _ in range(2):
        ctx = _context(mentions, picked, source_cc)
        ctx.counties_by_key = counties
        ctx.grid = grid
        _add_home(ctx, home)
        memo = {}
        before = picked
        picked = [
            _pick(m, i, text, gaz, ctx, containers, inners, memo, lists, before)
            for i, m in enumerate(mentions)
        ]
    stated: dict[str, tuple[Place, float]] = {}
    for i, c in containers.items():
        # "Greenwood, W. Va.," where no Greenwood of the gazetteer lies in West Virginia: the
        # town is too small for it, and the state says more than a namesake elsewhere. Not
        # for a state or country ("the Indiana, Ill., border") nor before more names
        # ("Copenhagen, Hamburg, Brasoc and Mannheim")
        p, pc = picked[i], picked[i + 1]
        if (
            p is not None
            and pc is not None
            and pc[0].feature == "admin1"
            and i not in lists
            and i + 1 not in lists
            and _CLOSED.match(text, c.end)
            and not any(
                _contains(pc[0], x) or x.feature in ("admin1", "country")
                for x in mentions[i].candidates
            )
        ):
            picked[i] = stated[norm(mentions[i].text)] = (pc[0], REGION_CONFIDENCE)
    # one sense per discourse: a surface form keeps the reading its most confident mention got
    # (the state of its "Town, State" if the town had to take it: the article said so)
    best: dict[str, tuple[Place, float]] = dict(stated)
    for m, p in zip(mentions, picked, strict=True):
        if p is not None and m.votes:
            key = norm(m.text)
            if key not in stated and (key not in best or p[1] > best[key][1]):
                best[key] = p
    strong = list(
        {
            (norm(m.text), p[0].idx): (norm(m.text), p[0])
            for m, p in zip(mentions, picked, strict=True)
            if p is not None and m.votes and p[0].feature in _POINT_FEATURES
        }.values()
    )
    town = _town(mentions, picked)
    in_pairs = {id(mentions[i]) for i in containers} | {id(c) for c in containers.values()}
    out: list[Resolved | None] = []
    for m, p in zip(mentions, picked, strict=True):
        if p is None and m.source == "township":
            # a township the gazetteer lacks lies in the article's own town, like a street
            out.append(None if town is None else Resolved(m, town[0], REGION_CONFIDENCE))
            continue
        if p is None:
            # a region has no gazetteer candidates; it gets its Natural Earth point, if any
            region = None if m.weak or m.demonym else gaz.region(m.text)
            out.append(None if region is None else Resolved(m, region, REGION_CONFIDENCE))
            continue
        if not m.demonym and id(m) not in in_pairs:  # both halves of 'Paris, Texas' keep theirs
            p = best.get(norm(m.text), p)
        if m.weak and not _confirmed(norm(m.text), p[0], best, strong):
            out.append(None)
            continue
        if m.source == "street" and town is not None:
            p = town  # a street lies in the article's own town
        out.append(Resolved(m, p[0], p[1]))
    return out


def _town(
    mentions: list[Mention], picked: list[tuple[Place, float] | None]
) -> tuple[Place, float] | None:
    """The article's own town: the town or county its names pick most often (the first on a
    tie), where streets lie."""
    count: Counter = Counter()
    first: dict[int, tuple[Place, float]] = {}
    for m, p in zip(mentions, picked, strict=True):
        if p is not None and m.votes and p[0].feature in _POINT_FEATURES:
            count[p[0].idx] += 1
            first.setdefault(p[0].idx, p)
    if not count:
        return None
    top = max(count.values())
    return next(p for idx, p in first.items() if count[idx] == top)


def _home(towns: list[Place], grid: dict) -> Place | None:
    """The publisher's town: the reading of the town its domain names that another name of the
    article lies near (within PAIR_KM; the town's own name does not count), the biggest such;
    None when no reading has a neighbour ("parisnews.com" says nothing about which Paris)."""
    best, best_n = None, 0
    for c in towns:
        n = _neighbours(c, norm(c.name), grid)
        if n > best_n or (n == best_n and best is not None and c.population > best.population):
            best, best_n = c, n
    return best


def _add_home(ctx: Context, home: Place | None) -> None:
    """The publisher's town votes like a name of the article: its point for nearby towns, its
    first-level division for the towns in it, its own name's mentions included."""
    if home is None:
        return
    ctx.points.append(("@source", home.lat, home.lon))
    if home.admin1_key:
        ctx.admin1s[home.admin1_key] += 1


def _confirmed(
    key: str, place: Place, best: dict[str, tuple[Place, float]], strong: list[tuple[str, Place]]
) -> bool:
    """A weak mention stands if the same name is a place elsewhere in the article, or if its
    town lies next to a town the article names outright."""
    if key in best:
        return True
    return any(k != key and _km(place.lat, place.lon, s.lat, s.lon) < CONFIRM_KM for k, s in strong)
