"""The world outline the dashboard's map draws: country polygons from the ``countryinfo``
package's GeoJSON, simplified and rounded once, shipped as ``streams/ops/static/world.json``.

Regenerate it (after upgrading ``countryinfo``) with ``python -m streams.ops.world``.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

from streams.resources import package_path

PRECISION = 1  # decimal degrees: about 11 km, plenty for a 1,000-pixel-wide map
TOLERANCE = 0.15  # degrees; Douglas-Peucker tolerance
OUTPUT = ("ops", "static", "world.json")


def country_files() -> list[Path]:
    """countryinfo's per-country JSON files (sovereign states first, then other areas)."""
    base = files("countryinfo")
    out: list[Path] = []
    for folder in ("data", "data_no_iso"):
        found = base.joinpath(folder)
        if isinstance(found, Path) and found.is_dir():
            out.extend(sorted(found.glob("*.json")))
    return out


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on a polyline, iterative (rings have thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            if norm == 0:
                dist = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            else:
                dist = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if dist > worst:
                worst, index = dist, i
        if worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(coords: list[list[float]]) -> list[float] | None:
    """A simplified, rounded ring as a flat ``[lon, lat, lon, lat, ...]`` list, or None when
    too little of it is left to draw."""
    points = simplify([(float(c[0]), float(c[1])) for c in coords], TOLERANCE)
    flat: list[float] = []
    last = None
    for lon, lat in points:
        point = (round(lon, PRECISION), round(lat, PRECISION))
        if point != last:
            flat.extend(point)
            last = point
    return flat if len(flat) >= 6 else None


def build() -> dict[str, Any]:
    """The outline: ``{"source": ..., "countries": [{"name", "iso", "rings"}]}``."""
    countries = []
    seen: set[str] = set()
    for path in country_files():
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        geo = info.get("geoJSON") or {}
        features = geo.get("features", []) if isinstance(geo, dict) else []
        for feature in features:
            geometry = feature.get("geometry") or {}
            kind, coords = geometry.get("type"), geometry.get("coordinates") or []
            polygons = coords if kind == "MultiPolygon" else [coords] if kind == "Polygon" else []
            rings = [r for polygon in polygons for r in map(ring, polygon) if r]
            iso = str(feature.get("id") or (info.get("ISO") or {}).get("alpha3") or "")
            name = str((feature.get("properties") or {}).get("name") or info.get("name"))
            if rings and (iso or name) not in seen:
                seen.add(iso or name)
                countries.append({"name": name, "iso": iso, "rings": rings})
    return {
        "source": f"countryinfo {version('countryinfo')} geoJSON, simplified",
        "countries": countries,
    }


def path() -> Path:
    return package_path(*OUTPUT)


def main() -> int:
    outline = build()
    target = path()
    target.write_text(json.dumps(outline, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for c in outline["countries"] for r in c["rings"])
    print(
        f"{target}: {len(outline['countries'])} countries, {points} points, "
        f"{target.stat().st_size // 1024} KB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
