"""Write the stories development set (docs/stories.md) from the boilerplate2 dev pages.

No public, licensed story-clustering set was at hand, so this one is made: each of ``--stories``
pages of ``/work/shared/bench/boilerplate2/dev.jsonl.gz`` (the hand-corrected ``text_gold``) is a
story; ``--copies`` of them are republished by 1 to 3 other made-up outlets with their own
boilerplate lines (header, footer, a "related" line naming another page's title), a changed
title, and light edits (a paragraph dropped or cut short, a few words changed), 0 to 12 hours
after the original. Pages from the same real site (Dragnet has up to 23 per site) are each
their own story: related-looking distractors. Arrival order is by time, with 5% of the
articles arriving late (after articles up to a day newer). One JSON object per line:
``id, cluster, published_at, title, text, source``.

    .venv/bin/python benchmarks/make_stories_dev.py --out stories-dev.jsonl.gz
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
from pathlib import Path
from urllib.parse import urlparse

SRC = Path("/work/shared/bench/boilerplate2/dev.jsonl.gz")
OUTLETS = [f"{name}.example" for name in (
    "dailywire-a", "metro-b", "herald-c", "tribune-d", "courier-e", "gazette-f", "post-g",
    "observer-h", "chronicle-i", "times-j", "journal-k", "news-l",
)]  # fmt: skip
HEADERS = [
    "Home | News | Business | Sport | Opinion",
    "Breaking news and analysis from around the world",
    "Sign in to read more. Subscribe today.",
    "Advertisement",
]
FOOTERS = [
    "Copyright 2012 {outlet}. All rights reserved.",
    "Share this article: Facebook Twitter Email",
    "Subscribe to our newsletter for the latest headlines.",
    "Reporting by staff writers; editing by the {outlet} desk.",
    "Comments are closed.",
]
SWAPS = {"said": "stated", "says": "states", "big": "large", "but": "however", "also": "too"}


def pages(limit: int, seed: int) -> list[dict]:
    out = []
    with gzip.open(SRC, "rt", encoding="utf-8") as fh:
        for line in fh:
            page = json.loads(line)
            text = (page.get("text_gold") or "").strip()
            paras = [p for p in text.split("\n") if p.strip()]
            if len(text.split()) < 150 or len(paras) < 3:
                continue
            out.append(page)
    random.Random(seed).shuffle(out)
    return out[:limit]


def title_of(page: dict) -> str:
    first = next(p for p in page["text_gold"].split("\n") if p.strip())
    return " ".join(first.split()[:14])


def edited(text: str, rng: random.Random) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    if len(paras) > 4 and rng.random() < 0.6:  # drop a paragraph, never the first
        del paras[rng.randrange(1, len(paras))]
    if rng.random() < 0.4:  # cut the end short
        paras = paras[: max(3, int(len(paras) * rng.uniform(0.6, 0.9)))]
    words = "\n\n".join(paras).split(" ")
    for i in rng.sample(range(len(words)), min(len(words), 6)):
        words[i] = SWAPS.get(words[i], words[i])
    return " ".join(words)


def republished(page: dict, outlet: str, others: list[dict], rng: random.Random) -> tuple:
    head = rng.sample(HEADERS, rng.randint(1, 2))
    foot = [f.format(outlet=outlet) for f in rng.sample(FOOTERS, rng.randint(1, 3))]
    related = f"Related: {title_of(rng.choice(others))}"
    body = edited(page["text_gold"], rng)
    title = title_of(page)
    title = rng.choice([title, f"{title} | {outlet}", f"UPDATE: {title}", title.upper()])
    return title, "\n\n".join([*head, body, related, *foot])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--stories", type=int, default=240)
    parser.add_argument("--copies", type=int, default=140, help="stories republished elsewhere")
    parser.add_argument("--seed", type=int, default=2012)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    chosen = pages(args.stories, args.seed)
    start = dt.datetime(2012, 3, 1, tzinfo=dt.UTC)
    rows = []
    for n, page in enumerate(chosen):
        cluster = page["id"]
        host = urlparse(page.get("url") or "").hostname or f"site-{n}.example"
        at = start + dt.timedelta(hours=rng.uniform(0, 24 * 10))
        rows.append((at, cluster, page["id"], title_of(page), page["text_gold"], host))
        if n < args.copies:
            for k, outlet in enumerate(rng.sample(OUTLETS, rng.randint(1, 3))):
                title, text = republished(page, outlet, chosen, rng)
                when = at + dt.timedelta(hours=rng.uniform(0, 12))
                rows.append((when, cluster, f"{page['id']}-r{k}", title, text, outlet))
    rows.sort(key=lambda r: r[0])
    arrival = [(r[0] + dt.timedelta(hours=24 if rng.random() < 0.05 else 0), r) for r in rows]
    arrival.sort(key=lambda a: a[0])
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        for _, (at, cluster, aid, title, text, source) in arrival:
            published = at.isoformat(timespec="seconds").replace("+00:00", "Z")
            row = {"id": aid, "cluster": cluster, "published_at": published, "title": title}
            fh.write(json.dumps(row | {"text": text, "source": source}) + "\n")
    print(f"{len(rows)} articles in {len(chosen)} stories -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
