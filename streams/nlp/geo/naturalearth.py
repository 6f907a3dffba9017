"""Make ``streams/data/geo/naturalearth_points.tsv`` from Natural Earth (public domain).

Natural Earth (naturalearthdata.com, public domain) publishes the outlines of seas and named
physical regions. The files read here are Natural Earth's shapefiles as downloaded on 2024-01-24
and converted unchanged to GeoJSON with GDAL by github.com/martynafford/natural-earth-geojson
(commit 0b9a6ce, 2024-01-24; the repository is CC0). This one-off script reads them and writes
one ``region`` row per name: the area-weighted centroid of each named sea, bay, strait or
physical region (marine polygons and geography regions at 1:10m), all parts of one name
together, and of each area with a name of its own in the disputed-areas layer (breakaway
regions such as South Ossetia or Transnistria, territories such as the West Bank). An ocean's
halves ("North Atlantic Ocean", "South Atlantic Ocean") are joined under the ocean's name, as
news names it. Continents are left out: they have their GeoNames points already.

Usage: ``python -m streams.nlp.geo.naturalearth DIR > streams/data/geo/naturalearth_points.tsv``
where DIR holds ne_10m_geography_marine_polys.json, ne_10m_geography_regions_polys.json
(10m/physical; the latter is shipped there 7z-compressed) and
ne_10m_admin_0_disputed_areas.json (10m/cultural). The build
(``streams.nlp.geo.build``) reads the TSV; it does not need these files or this script.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

HEADER = (
    "# Natural Earth (public domain, naturalearthdata.com; data of 2024-01-24 as GeoJSON in "
    "martynafford/natural-earth-geojson@0b9a6ce, CC0); made by streams/nlp/geo/naturalearth.py\n"
    "# kind\tname\tlat\tlon\n"
)


_OCEAN_HALF = re.compile(r"^(?:North|South) (?=\w+ Ocean$)")


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(lat, lon, area weight) of a polygon's outer ring (shoelace in lon/lat, area scaled by
    cos(lat) so high-latitude parts do not weigh more than they cover)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return sum(ys) / len(ys), sum(xs) / len(xs), 0.0
    lat, lon = cy / (3 * a), cx / (3 * a)
    return lat, lon, abs(a) / 2 * math.cos(math.radians(lat))


def _polygons(geom: dict) -> list[list[list[float]]]:
    if geom["type"] == "Polygon":
        return [geom["coordinates"][0]]
    if geom["type"] == "MultiPolygon":
        return [p[0] for p in geom["coordinates"]]
    return []


def mean_point(parts: list[tuple[float, float, float]]) -> tuple[float, float]:
    """Weighted mean of points (lat, lon, weight) on the sphere (so parts split at the
    antimeridian, as the Pacific is, average correctly)."""
    x = y = z = 0.0
    for lat, lon, w in parts:
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _title(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    return name.title() if name.isupper() else name


def rows(src: Path) -> list[tuple[str, str, float, float]]:
    out: list[tuple[str, str, float, float]] = []
    parts: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for fn in ("ne_10m_geography_marine_polys.json", "ne_10m_geography_regions_polys.json"):
        data = json.loads((src / fn).read_text(encoding="utf-8"))
        for f in data["features"]:
            name = f["properties"].get("name")
            if not name or not f.get("geometry") or f["properties"]["featurecla"] == "Continent":
                continue
            name = _OCEAN_HALF.sub("", _title(name))
            parts[name] += [_ring_centroid(r) for r in _polygons(f["geometry"])]
    areas = json.loads((src / "ne_10m_admin_0_disputed_areas.json").read_text(encoding="utf-8"))
    for f in areas["features"]:
        if not f.get("geometry"):
            continue
        p = f["properties"]
        # a disputed piece that bears its holder's name ("India", "Spain") is no place of its
        # own, and the long name of a disputed or breakaway piece is its holder's ("Scotland"
        # for Rockall, "Georgia" for South Ossetia)
        names = {p["BRK_NAME"], p["NAME_LONG"]}
        if p["TYPE"] in ("Disputed", "Breakaway"):
            names = {p["BRK_NAME"]} - {p["ADMIN"], p["SOVEREIGNT"]}
        for name in names:
            parts[name] += [_ring_centroid(r) for r in _polygons(f["geometry"])]
    for name, ps in sorted(parts.items()):
        lat, lon = mean_point(ps)
        out.append(("region", name, lat, lon))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(HEADER)
    for kind, name, lat, lon in rows(Path(argv[0])):
        sys.stdout.write(f"{kind}\t{name}\t{lat:.4f}\t{lon:.4f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
