"""Per-source boilerplate learned from the stream itself.

A footer or sidebar line that no rule knows still repeats across one site's articles, while
article sentences do not. Each source domain counts, per hashed sentence, the distinct
articles it appeared in (exponentially decayed, so a site redesign is forgotten); a sentence
seen in at least ``min_articles`` articles is cut from that source's next articles.

Everything here is dict lookups and hashing over short strings, cheap enough for the event
loop. The store is any mapping with ``get``/``__getitem__``/``__setitem__`` (a dict in tests, a
Faust GlobalTable in the stage); values are small JSON objects.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator, MutableMapping
from typing import Any

from streams.nlp.boilerplate import segment
from streams.nlp.boilerplate.spans import Cleaned, Removed, cut, merge_removed, pieces_of

REASON = "learned:source"
# An article whose sentences are mostly known already is a re-publication or an update of an
# earlier one, not evidence of boilerplate: it is not counted, and nothing is cut from it.
REPEAT_SHARE = 0.5
RECENT_IDS = 8
MIN_LETTERS = 12
_NON_WORD = re.compile(r"[\W_]+")
_LETTER = re.compile(r"[^\W\d_]")


def normalise_domain(domain: str) -> str:
    """Lower-case host without ``www.`` and port, so variants of one site share a table."""
    host = domain.strip().lower().split("://")[-1].split("/")[0].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def unit_key(unit: str) -> str | None:
    """Hash of a sentence with case, punctuation and digits folded; None if too short.

    Digits are kept: templated article sentences differ mostly in their numbers.
    """
    if len(_LETTER.findall(unit[:400])) < MIN_LETTERS:
        return None
    norm = _NON_WORD.sub(" ", unit.lower()).strip()
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


def units(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans of every line of ``text``."""
    for ls, le in segment.lines(text, 0, len(text)):
        yield from segment.sentences(text, ls, le)


def _article_tag(article_id: str) -> str:
    return hashlib.blake2b(article_id.encode("utf-8"), digest_size=4).hexdigest()


class SourceMemory:
    """Learns and removes per-domain repeated sentences (reason ``learned:source``)."""

    def __init__(
        self,
        store: MutableMapping[str, Any],
        *,
        min_articles: int = 5,
        half_life_days: float = 30.0,
    ) -> None:
        if min_articles < 1:
            raise ValueError("min_articles must be >= 1")
        if half_life_days <= 0:
            raise ValueError("half_life_days must be > 0")
        self.store = store
        self.min_articles = min_articles
        self.half_life_s = half_life_days * 86400.0

    def _key(self, domain: str, key: str) -> str:
        return f"{normalise_domain(domain)}|{key}"

    def _decayed(self, entry: dict[str, Any], now: float) -> float:
        age = max(0.0, now - float(entry.get("t", now)))
        return float(entry.get("n", 0.0)) * math.pow(0.5, age / self.half_life_s)

    def observe(self, domain: str, article_id: str, text: str, now: float) -> None:
        """Count each distinct sentence of ``text`` once for this article of ``domain``."""
        tag = _article_tag(article_id)
        keys = {k for s, e in units(text) if (k := unit_key(text[s:e])) is not None}
        entries = {k: self.store.get(self._key(domain, k)) or {} for k in keys}
        known = sum(1 for entry in entries.values() if entry)
        if keys and known > REPEAT_SHARE * len(keys):
            return
        for key, entry in entries.items():
            store_key = self._key(domain, key)
            ids = list(entry.get("ids", []))
            if tag in ids:
                continue
            self.store[store_key] = {
                "n": self._decayed(entry, now) + 1.0,
                "t": now,
                "ids": (ids + [tag])[-RECENT_IDS:],
            }

    def count(self, domain: str, sentence: str, now: float) -> float:
        """Decayed number of distinct articles of ``domain`` that contained ``sentence``."""
        key = unit_key(sentence)
        if key is None:
            return 0.0
        entry = self.store.get(self._key(domain, key))
        return self._decayed(entry, now) if entry else 0.0

    def apply(self, domain: str, cleaned: Cleaned, now: float) -> Cleaned:
        """Cut sentences this domain repeats across articles; offsets keep indexing the input."""
        recovered = pieces_of(cleaned)
        if recovered is None:
            if cleaned.removed or not cleaned.text:
                return cleaned  # no offset map to the input: cannot cut safely
            recovered = ([(0, cleaned.text)], [])
        pieces, seps = recovered
        learned: list[Removed] = []
        total = 0
        for offset, text in pieces:
            for start, end in units(text):
                total += 1
                if self.count(domain, text[start:end], now) >= self.min_articles - 1e-9:
                    learned.append(Removed(offset + start, offset + end, REASON))
        if not learned or len(learned) > REPEAT_SHARE * total:
            return cleaned
        return cut(pieces, seps, merge_removed(list(cleaned.removed) + learned))
