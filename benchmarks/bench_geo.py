"""Gazetteer load time, its memory (RSS delta) and geotag throughput.

Run: ``.venv/bin/python benchmarks/bench_geo.py [--docs FILE.jsonl] [--n 200]``. Without --docs
it geotags a few built-in sentences; with a JSONL file of ``{"text": ...}`` records it runs the
spaCy pipeline and the entity stage first (not timed) and times ``geotag`` alone per document.
The gazetteer cache is built first if missing (that one-off build is reported separately).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_SAMPLE = [
    "HOLLIDAY, Mo. — A man from Paris, Missouri, was arrested after a crash in Monroe County.",
    "Talks between Turkish officials and Irish farmers resumed in Brussels on Tuesday.",
    "A wildfire in Washington state forced evacuations near Spokane and Yakima.",
    "Ebola cases rose in Liberia and Sierra Leone, the WHO said in Geneva.",
]


def rss_mb() -> float:
    """Current resident set size, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=Path, default=None, help="JSONL with a 'text' field")
    ap.add_argument("--n", type=int, default=200, help="documents to time")
    args = ap.parse_args()

    from streams.nlp.geo import build
    from streams.settings import load

    cache = load().cache
    path = build.cache_path(cache)
    if not path.exists():
        t0 = time.perf_counter()
        build.write(path)
        print(f"one-off index build: {time.perf_counter() - t0:.1f} s -> {path}")

    from streams.nlp.geo import geotag, load_gazetteer

    before = rss_mb()
    t0 = time.perf_counter()
    gaz = load_gazetteer(cache)
    load_s = time.perf_counter() - t0
    delta = rss_mb() - before
    print(
        f"gazetteer load: {load_s:.2f} s, RSS +{delta:.0f} MB ({gaz.size} entries, "
        f"{len(gaz.names)} name keys, index file {path.stat().st_size / 1e6:.1f} MB)"
    )

    if args.docs:
        from streams.nlp.entities import extract_entities
        from streams.nlp.model import load_nlp

        nlp = load_nlp()
        texts = []
        with open(args.docs, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    texts.append(json.loads(line)["text"])
                if len(texts) >= args.n:
                    break
        inputs = [(t, extract_entities(nlp(t))) for t in texts]
    else:
        inputs = [(t, []) for t in _SAMPLE] * max(1, args.n // len(_SAMPLE))
    times = []
    for text, ents in inputs:
        t0 = time.perf_counter()
        geotag(text, ents, gaz)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(
        f"geotag: {len(times)} docs, median {med * 1000:.2f} ms/doc = {1 / med:.0f} docs/s "
        f"(mean {len(times) / sum(times):.0f} docs/s); spaCy and entities not included"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
