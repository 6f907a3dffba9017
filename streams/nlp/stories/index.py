"""Stories: articles about the same event, across outlets, grouped as they arrive.

All state lives in one mapping (a dict in-process, the stage's Faust GlobalTable under Kafka,
whose changelog makes it survive restarts), with JSON values under prefixed keys:

- ``story:<id>``: the story's summary (members, counts, a few member signatures, numbers);
- ``article:<article id>``: the story an article joined (the lookup by article, and the
  guard that makes a replayed or re-delivered article update its story instead of adding);
- ``band:<i>:<hash>``: the LSH index, band hash of MinHash signatures -> story ids;
- ``entity:<name>``: recent stories naming an entity (candidates for follow-ups that share
  little text).

An article joins the best candidate story when the text is a near copy (estimated Jaccard of
word 3-grams over ``COPY``), or when text and entities/places overlap enough, within
``window_s`` of the story's time span; else it starts a story whose id derives from its own
article id (so a re-processed first article recreates the same story, never a second one).
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import Any

from streams.nlp.stories.features import NUM_PERM, normal_claim, similarity

BANDS = 32  # 32 bands of 4 rows: candidates from an estimated Jaccard of about 0.4 up
ROWS = NUM_PERM // BANDS
COPY = 0.5  # estimated Jaccard above which an article is a copy of a member
TEXT_WITH_ENTITIES = 0.2  # some shared text ...
ENTITY_SHARE = 0.4  # ... and this share of the article's top entities/places in the story
FOLLOW_UP_SHARE = 0.6  # little shared text, but most entities and places shared
FOLLOW_UP_TEXT = 0.05
FOLLOW_UP_MIN_SHARED = 3
KEEP_SIGNATURES = 4  # the first member's and the latest ones'
BAND_STORIES = 8
ENTITY_STORIES = 12
NUMBER_TOLERANCE = 0.02
SUBJECT_SHARE = 0.3
MAX_NUMBERS = 40
MAX_CLAIMS = 60
TOP = 10


def story_id(article_id: str) -> str:
    return "s-" + hashlib.blake2b(article_id.encode(), digest_size=8).hexdigest()


def band_keys(sig: list[int]) -> list[str]:
    keys = []
    for b in range(BANDS):
        part = ",".join(str(v) for v in sig[b * ROWS : (b + 1) * ROWS])
        keys.append(f"band:{b}:{hashlib.blake2b(part.encode(), digest_size=8).hexdigest()}")
    return keys


class Stories:
    """Assigns articles (their :func:`~streams.nlp.stories.features.features`) to stories in
    ``table``; :meth:`add` returns the story record to publish."""

    def __init__(self, table: MutableMapping[str, Any], window_s: float = 3 * 86400) -> None:
        self.table = table
        self.window_s = window_s

    # ------------------------------------------------------------------------------ joining

    def add(self, feat: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Put the article in its story; returns (the story summary, whether the article was
        new to it). An article already in a story updates nothing and counts once."""
        article_id = feat["article_id"]
        known = self.table.get(f"article:{article_id}")
        if known is not None:
            story = self.table.get(f"story:{known}")
            if story is not None:
                return story, False
        story = self._best(feat)
        if story is None:
            story = _new_story(feat)
        elif article_id in story["articles"]:  # written before a crash, lookup key not yet
            self.table[f"article:{article_id}"] = story["id"]
            return story, False
        else:
            story = _joined(story, feat)
        self.table[f"story:{story['id']}"] = story  # the story first: it holds the article
        self.table[f"article:{article_id}"] = story["id"]
        self._index(story["id"], feat)
        return story, True

    def story_of(self, article_id: str) -> dict[str, Any] | None:
        known = self.table.get(f"article:{article_id}")
        return None if known is None else self.table.get(f"story:{known}")

    def _candidates(self, feat: dict[str, Any]) -> list[str]:
        found: dict[str, None] = {}
        for key in band_keys(feat["signature"]):
            for sid in self.table.get(key) or ():
                found[sid] = None
        for name in feat["entities"][:4]:
            for sid in self.table.get(f"entity:{name}") or ():
                found[sid] = None
        return list(found)

    def _best(self, feat: dict[str, Any]) -> dict[str, Any] | None:
        best: tuple[float, dict[str, Any]] | None = None
        for sid in self._candidates(feat):
            story = self.table.get(f"story:{sid}")
            if story is None:
                continue
            score = self.score(feat, story)
            if score is not None and (best is None or score > best[0]):
                best = (score, story)
        return None if best is None else best[1]

    def score(self, feat: dict[str, Any], story: dict[str, Any]) -> float | None:
        """The join score of the article with ``story``, or None when it must not join."""
        at = feat["at"]
        if at < story["first_seen"] - self.window_s or at > story["last_seen"] + self.window_s:
            return None
        text = max((similarity(feat["signature"], s) for s in story["signatures"]), default=0)
        mine = feat["entities"] + [f"@{p}" for p in feat["places"]]
        theirs = set(story["entities"]) | {f"@{p}" for p in story["places"]}
        shared = sum(1 for name in mine if name in theirs)
        share = shared / max(1, min(len(mine), TOP))
        if text >= COPY:
            return 1.0 + text
        if text >= TEXT_WITH_ENTITIES and share >= ENTITY_SHARE:
            return text + share / 2
        if text >= FOLLOW_UP_TEXT and share >= FOLLOW_UP_SHARE and shared >= FOLLOW_UP_MIN_SHARED:
            return text + share / 4
        return None

    def _index(self, sid: str, feat: dict[str, Any]) -> None:
        for key in band_keys(feat["signature"]):
            self._push(key, sid, BAND_STORIES)
        for name in feat["entities"][:4]:
            self._push(f"entity:{name}", sid, ENTITY_STORIES)

    def _push(self, key: str, sid: str, limit: int) -> None:
        ids = list(self.table.get(key) or ())
        if ids and ids[-1] == sid:
            return
        if sid in ids:
            ids.remove(sid)
        ids.append(sid)
        self.table[key] = ids[-limit:]


def _new_story(feat: dict[str, Any]) -> dict[str, Any]:
    story: dict[str, Any] = {
        "id": story_id(feat["article_id"]),
        "title": feat["title"],
        "first_seen": feat["at"],
        "last_seen": feat["at"],
        "articles": {},
        "signatures": [],
        "sources": {},
        "entities": {},
        "places": {},
        "claims": {},
        "numbers": [],
    }
    return _joined(story, feat)


def _joined(story: dict[str, Any], feat: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``story`` with the article added (the table's value is replaced whole)."""
    out = dict(story)
    aid, source, at = feat["article_id"], feat["source"], feat["at"]
    out["articles"] = story["articles"] | {aid: [source, at]}
    sigs = [*story["signatures"], feat["signature"]]
    if len(sigs) > KEEP_SIGNATURES:
        sigs = [sigs[0], *sigs[-(KEEP_SIGNATURES - 1) :]]
    out["signatures"] = sigs
    if at < story["first_seen"] or not story["articles"]:
        out["first_seen"] = at
        if feat["title"]:
            out["title"] = feat["title"]  # the earliest article's title names the story
    out["last_seen"] = max(story["last_seen"], at)
    out["sources"] = _count(story["sources"], [source] if source else [])
    out["entities"] = _count(story["entities"], feat["entities"])
    out["places"] = _count(story["places"], feat["places"])
    out["claims"] = _claims(story["claims"], feat)
    out["numbers"] = _numbers(story["numbers"], feat)
    return out


def _count(counts: dict[str, int], names: list[str]) -> dict[str, int]:
    out = dict(counts)
    for name in names:
        out[name] = out.get(name, 0) + 1
    return out


def _claims(claims: dict[str, Any], feat: dict[str, Any]) -> dict[str, Any]:
    out = dict(claims)
    for text in feat["claims"]:
        key = normal_claim(text)
        if not key:
            continue
        entry = out.get(key)
        if entry is None:
            if len(out) >= MAX_CLAIMS:
                continue
            entry = {"text": text, "sources": {}}
        if feat["source"] and feat["source"] not in entry["sources"]:
            sources = entry["sources"] | {feat["source"]: [feat["article_id"], feat["at"]]}
            entry = entry | {"sources": sources}
        out[key] = entry
    return out


def same_number(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same quantity within NUMBER_TOLERANCE, same unit, and similar subject words."""
    if (a.get("unit") or None) != (b.get("unit") or None):
        return False
    x, y = float(a["value"]), float(b["value"])
    if abs(x - y) > NUMBER_TOLERANCE * max(abs(x), abs(y)):
        return False
    sa, sb = set(a["subject"]), set(b["subject"])
    if not sa or not sb:
        return not sa and not sb
    return len(sa & sb) / min(len(sa), len(sb)) >= SUBJECT_SHARE


def _numbers(numbers: list[dict[str, Any]], feat: dict[str, Any]) -> list[dict[str, Any]]:
    out = [dict(n) for n in numbers]
    who = {"source": feat["source"], "article_id": feat["article_id"], "at": feat["at"]}
    for number in feat["numbers"]:
        match = next((n for n in out if same_number(n, number)), None)
        if match is None:
            if len(out) < MAX_NUMBERS:
                out.append(
                    {
                        "value": number["value"],
                        "unit": number["unit"],
                        "subject": number["subject"],
                        "text": number["text"],
                        "first": who,
                        "repeated_by": [],
                    }
                )
            continue
        seen = [match["first"], *match["repeated_by"]]
        if any(s["article_id"] == who["article_id"] for s in seen):
            continue
        seen.append(who)
        seen.sort(key=lambda s: (s["at"], s["article_id"]))  # a late article may be first
        match["first"], match["repeated_by"] = seen[0], seen[1:]
        if seen[0]["article_id"] == who["article_id"]:
            match["text"] = number["text"]
    return out
