"""The in-memory gazetteer: a pickled index built once from packaged GeoNames data."""

from __future__ import annotations

import functools
import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from streams.nlp.geo.names import alias_key, norm


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry; ``idx`` is its row in the index."""

    idx: int
    geonameid: int | None
    name: str
    lat: float
    lon: float
    country_code: str | None
    admin1: str | None
    admin1_key: str | None
    feature: str
    population: int
    county: int = -1  # the second-level division a town lies in, or a county's own id


class Gazetteer:
    """Name -> candidate lookups over parallel arrays, kept compact for one copy per process."""

    def __init__(self, data: dict) -> None:
        self._d = data
        self.names: dict[str, tuple[int, ...]] = data["names"]
        self.primary: frozenset[str] = data["primary"]
        self.aliases: dict[str, int] = data["aliases"]
        self.demonyms: dict[str, int] = data["demonyms"]
        self.prefer: dict[str, int] = data["prefer"]
        self.neighbours: dict[str, tuple[str, ...]] = data["neighbours"]
        self.stopnames: frozenset[str] = data["stopnames"]
        self.generic: frozenset[str] = data["generic"]
        self.regions: frozenset[str] = data["regions"]
        self.region_points: dict[str, int] = data["region_points"]
        self.institution_words: frozenset[str] = data["institution_words"]
        self.masthead_words: frozenset[str] = data["masthead_words"]
        self.masthead_towns: dict[str, str] = data["masthead_towns"]
        self.admin1_cues_after: list[str] = data["admin1_cues_after"]
        self.admin1_cues_before: list[str] = data["admin1_cues_before"]
        self.size = len(data["name"])

    def place(self, idx: int) -> Place:
        d = self._d
        gid = d["gid"][idx]
        return Place(
            idx,
            gid if gid >= 0 else None,
            d["name"][idx],
            d["lat"][idx],
            d["lon"][idx],
            d["cc"][idx],
            d["admin1"][idx],
            d["a1key"][idx],
            d["feature"][idx],
            d["pop"][idx],
            d["a2"][idx],
        )

    def candidates(self, text: str) -> list[Place]:
        """Every entry a surface form may name; an alias (nickname, news form) comes first."""
        key = norm(text)
        if key in self.regions:
            return []  # "Middle East" is a region, not the village of that name
        out: list[int] = []
        for k in (alias_key(text), key):
            if k in self.aliases and self.aliases[k] not in out:
                out.append(self.aliases[k])
        out.extend(i for i in self.names.get(key, ()) if i not in out)
        return [self.place(i) for i in out]

    def region(self, text: str) -> Place | None:
        """Natural Earth's point for a region ("Mediterranean", "Sahel"), if it has one."""
        idx = self.region_points.get(norm(text))
        return None if idx is None else self.place(idx)

    def alias(self, text: str) -> int | None:
        """The entry a nickname or news form names, if the text is one."""
        idx = self.aliases.get(alias_key(text))
        return self.aliases.get(norm(text)) if idx is None else idx

    def dotted(self, text: str) -> bool:
        """True when text, dots included, is an alias such as 'Calif.' or 'D.C.'."""
        return "." in text and alias_key(text) in self.aliases

    def demonym(self, text: str) -> Place | None:
        """The country (or region) an adjectival or demonym form points at."""
        idx = self.demonyms.get(norm(text))
        return None if idx is None else self.place(idx)

    def country(self, cc: str) -> Place | None:
        idx = self._countries().get(cc)
        return None if idx is None else self.place(idx)

    def admin1_place(self, key: str) -> Place | None:
        idx = self._admin1s().get(key)
        return None if idx is None else self.place(idx)

    @functools.cache  # noqa: B019 - one gazetteer per process
    def _countries(self) -> dict[str, int]:
        d = self._d
        return {d["cc"][i]: i for i in range(self.size) if d["feature"][i] == "country"}

    @functools.cache  # noqa: B019 - one gazetteer per process
    def _admin1s(self) -> dict[str, int]:
        d = self._d
        return {d["a1key"][i]: i for i in range(self.size) if d["feature"][i] == "admin1"}


@functools.cache
def load_gazetteer(cache_dir: Path) -> Gazetteer:
    """Return the process-wide gazetteer, building its index under ``cache_dir`` on first use."""
    from streams.nlp.geo.build import cache_path

    path = cache_path(cache_dir)
    if not path.exists():
        _build_apart(cache_dir)
    with open(path, "rb") as fh:
        return Gazetteer(pickle.load(fh))


def _build_apart(cache_dir: Path) -> None:
    """Build the index in a child process. The build peaks at about 780 MB, loading the index
    at about 215 MB, and a Python process keeps memory it once used: a worker that built the
    index itself would hold the difference for good."""
    # runpy warns that the package has already imported the module it runs: harmless here.
    quiet = ["-W", "ignore::RuntimeWarning:runpy"]
    command = [sys.executable, *quiet, "-m", "streams.nlp.geo.build", str(cache_dir)]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"building the gazetteer under {cache_dir} failed (exit {done.returncode}); "
            f"run {' '.join(command)} to see why"
        )
