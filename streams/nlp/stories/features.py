"""What the stories stage needs from one sink article, computed off the event loop.

A MinHash signature (datasketch) of the word 3-gram shingles of title and cleaned text, the
article's most salient entities and its places (demonyms dropped), its numeric claims with a
few subject words, its other claims (quotes, reported speech) normalised for matching across
outlets, its source domain and its time: ``published_at`` when it parses, else ``ingested_at``.
Everything is JSON-able: the result travels from the NLP processes to the event loop.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

from datasketch import MinHash

NUM_PERM = 128
SHINGLE = 3
SEED = 7
TOP_ENTITIES = 8
TOP_PLACES = 8
MAX_CLAIMS = 20
MAX_NUMBERS = 20
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"^\d")
# Words that say nothing about what a number counts.
_STOP = frozenset(
    "a an the of in on at to for from by with and or but is are was were be been has have had "
    "it its this that these those as than about some more most over under said says say "
    "according per cent percent up down".split()
)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)}


def signature(text: str) -> list[int]:
    """MinHash of the text's word shingles, as plain ints (JSON-able, table-storable)."""
    mh = MinHash(num_perm=NUM_PERM, seed=SEED)
    found = shingles(text)
    if found:
        mh.update_batch(sorted(found))
    return [int(v) for v in mh.hashvalues]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def parse_time(value: Any) -> float | None:
    """Epoch seconds of an ISO 8601 or RFC 2822 timestamp; None when it does not parse."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def iso(epoch: float) -> str:
    """Epoch seconds as the ISO 8601 UTC stamp the story and trend records carry."""
    when = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def subject(text: str) -> list[str]:
    """The content words of a claim's text, numbers and stop words removed."""
    return sorted({w for w in words(text) if w not in _STOP and not _NUMBER.match(w)})


def normal_claim(text: str) -> str:
    return " ".join(words(text))


def features(record: dict[str, Any]) -> dict[str, Any]:
    """The features of one ``article.geo`` record (see the module docstring)."""
    ingested = parse_time(record.get("ingested_at")) or 0.0
    published = parse_time(record.get("published_at"))
    title = record.get("title") or ""
    text = record.get("text") or ""
    entities = sorted(
        record.get("entities") or [], key=lambda e: (-float(e.get("salience", 0)), e["id"])
    )
    names: list[str] = []
    for entity in entities:
        name = " ".join(words(entity["name"]))
        if name and name not in names:
            names.append(name)
    places: list[str] = []
    for place in record.get("places") or []:
        if place.get("feature") == "demonym":
            continue
        name = place["name"].lower()
        if name not in places:
            places.append(name)
    numbers: list[dict[str, Any]] = []
    claims: list[str] = []
    for claim in record.get("claims") or []:
        quantity = claim.get("quantity")
        if claim.get("kind") == "numeric" and isinstance(quantity, dict):
            if len(numbers) < MAX_NUMBERS:
                numbers.append(
                    {
                        "value": float(quantity["value"]),
                        "unit": (quantity.get("unit") or "").lower() or None,
                        "subject": subject(claim.get("text") or ""),
                        "text": (claim.get("text") or "")[:300],
                    }
                )
        elif claim.get("text") and len(claims) < MAX_CLAIMS:
            claims.append((claim.get("text") or "")[:300])
    domain = (record.get("source") or {}).get("domain") or ""
    return {
        "article_id": record["article_id"],
        "source": domain,
        "title": title[:500],
        # A published_at in the future of its ingest (a bad date) does not move the clocks.
        "at": published if published is not None and published <= ingested + 86400 else ingested,
        "ingested": ingested,
        "signature": signature(f"{title}\n{text}"),
        "entities": names[:TOP_ENTITIES],
        "places": places[:TOP_PLACES],
        "numbers": numbers,
        "claims": claims,
    }
