"""Write a public story-clustering development set (docs/stories.md) from the UCI News Aggregator.

Source: "News Aggregator" data set, Fabio Gasparetti, UCI Machine Learning Repository (2016),
https://archive.ics.uci.edu/dataset/359/news+aggregator (doi:10.24432/C5F61C). Licence: CC BY 4.0
on the UCI page (the data set's own readme.txt says "Public domain"); attribution: the citation
above. 422,937 news pages (10 March to 10 August 2014) grouped by the aggregator into stories:
``newsCorpora.csv`` is tab separated with ID, TITLE, URL, PUBLISHER, CATEGORY, STORY, HOSTNAME,
TIMESTAMP (ms since the epoch); the Kaggle copy ``uci-news-aggregator.csv`` has the same columns,
comma separated, with a header line. Both are read (the delimiter is sniffed).

**Titles only**: the data set has no article text (only URLs), so each article's ``text`` is its
title again, ended with a full stop when it has no final punctuation: the cleaning stage reads a
bare headline as page furniture and dead-letters the article (the eval counts a dead-lettered
article as its own story), while the one-sentence form is kept; ``--bare-titles`` writes the
title unchanged. ``cluster`` is the aggregator's STORY id, ``published_at`` the TIMESTAMP (the
aggregator's approximate publication time, in UTC), ``source`` the HOSTNAME, ``id`` ``uci-<ID>``.

Sampling (deterministic, ``--seed``): rows with a numeric timestamp inside ``--days`` days from
``--start`` (default: the file's first timestamp) are grouped by story; the stories are shuffled
with the seed and taken whole, each one that still fits, until ``--articles`` articles; the
output is in time order (timestamp, then ID). A story is cut only by the window's edges.

    .venv/bin/python benchmarks/make_stories_public.py --csv PATH/newsCorpora.csv \\
        --out stories-public.jsonl.gz        # seed 2014, 3,000 articles at most

Without ``--csv`` the script reads ``newsCorpora.csv`` in the cache folder
(``$XDG_CACHE_HOME/newsstream/stories-public``, else ``~/.cache/newsstream/stories-public``, where
the output goes too by default) and, when that is missing, tries to download the UCI zip there
(a machine with no route to UCI fails there: get the CSV elsewhere and pass ``--csv``). The
generated file is not committed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import sys
import urllib.request
import zipfile
from collections import defaultdict
from pathlib import Path

UCI_ZIP = "https://archive.ics.uci.edu/static/public/359/news+aggregator.zip"
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "newsstream"
    / "stories-public"
)
TERMINAL = tuple(".!?…\"'”’»)")
FIELDS = ["ID", "TITLE", "URL", "PUBLISHER", "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP"]


def download(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / "newsCorpora.csv"
    print(f"downloading {UCI_ZIP} ...", file=sys.stderr)
    try:
        with urllib.request.urlopen(UCI_ZIP, timeout=60) as resp:  # noqa: S310 (fixed https URL)
            blob = resp.read()
    except OSError as exc:
        sys.exit(f"could not download {UCI_ZIP} ({exc}); get newsCorpora.csv and pass --csv")
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        target.write_bytes(zf.read("newsCorpora.csv"))
    return target


def read_rows(path: Path) -> list[dict[str, str]]:
    """The well-formed rows (numeric ID and TIMESTAMP, a STORY and a TITLE) of either CSV form."""
    csv.field_size_limit(1 << 20)
    with open(path, encoding="utf-8", newline="") as fh:
        head = fh.readline()
        delim = "\t" if head.count("\t") >= 7 else ","
        has_header = head.split(delim)[0].strip().upper() == "ID"
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delim, quoting=csv.QUOTE_NONE if delim == "\t" else 0)
        if has_header:
            next(reader)
        out = []
        for cells in reader:
            if len(cells) != len(FIELDS):
                continue  # e.g. a line cut short at the end of a partial copy
            row = dict(zip(FIELDS, (c.strip() for c in cells), strict=True))
            if row["ID"].isdigit() and row["TIMESTAMP"].isdigit() and row["STORY"] and row["TITLE"]:
                out.append(row)
    return out


def sample(
    rows: list[dict[str, str]], start_ms: int | None, days: float, articles: int, seed: int
) -> list[dict[str, str]]:
    if not rows:
        return []
    start = min(int(r["TIMESTAMP"]) for r in rows) if start_ms is None else start_ms
    end = start + int(days * 86400 * 1000)
    stories: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if start <= int(r["TIMESTAMP"]) < end:
            stories[r["STORY"]].append(r)
    order = sorted(stories)
    random.Random(seed).shuffle(order)
    picked: list[dict[str, str]] = []
    for story in order:
        if len(picked) + len(stories[story]) <= articles:
            picked.extend(stories[story])
    picked.sort(key=lambda r: (int(r["TIMESTAMP"]), int(r["ID"])))
    return picked


def record(row: dict[str, str], bare: bool = False) -> dict[str, str]:
    when = dt.datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, tz=dt.UTC)
    title = row["TITLE"].replace("\\", "")  # the CSV escapes ( ) ? with a backslash here and there
    return {
        "id": f"uci-{row['ID']}",
        "cluster": row["STORY"],
        "published_at": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "title": title,
        "text": title if bare or title.endswith(TERMINAL) else title.rstrip(". ") + ".",
        "source": row["HOSTNAME"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--csv", type=Path, default=None, help="newsCorpora.csv or its Kaggle copy")
    ap.add_argument("--out", type=Path, default=CACHE / "stories-public.jsonl.gz")
    ap.add_argument(
        "--start", default=None, help="window start, ISO date/time UTC (default: first)"
    )
    ap.add_argument("--days", type=float, default=2.0, help="window length in days (default 2)")
    ap.add_argument("--articles", type=int, default=3000, help="at most this many (default 3000)")
    ap.add_argument("--seed", type=int, default=2014)
    ap.add_argument("--bare-titles", action="store_true", help="text: the title unchanged")
    args = ap.parse_args(argv)

    path = args.csv
    if path is None:
        path = CACHE / "newsCorpora.csv"
        if not path.exists():
            path = download(CACHE)
    start_ms = None
    if args.start:
        when = dt.datetime.fromisoformat(args.start)
        when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        start_ms = int(when.timestamp() * 1000)
    rows = read_rows(path)
    picked = sample(rows, start_ms, args.days, args.articles, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if args.out.suffix == ".gz" else open
    with opener(args.out, "wt", encoding="utf-8") as fh:
        for row in picked:
            fh.write(json.dumps(record(row, args.bare_titles), ensure_ascii=False) + "\n")
    stories = len({r["STORY"] for r in picked})
    first = record(picked[0])["published_at"] if picked else "-"
    last = record(picked[-1])["published_at"] if picked else "-"
    print(
        f"{args.out}: {len(picked)} articles, {stories} stories, {first} .. {last} "
        f"(from {len(rows)} rows of {path})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
