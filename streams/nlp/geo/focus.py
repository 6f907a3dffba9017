"""Article focus: the place and country an article is mainly about.

The dateline, the headline and the places the prose keeps naming decide it. Places named only
in lines that are not prose (a menu, a "Related:" or "Read more" line, a row of links, a
footer) barely count: real pages otherwise got "England" for a Sofia dateline from a menu, or
"Atlanta" from a related-links line under a story set in Fort Lauderdale.
"""

from __future__ import annotations

import re
from collections import defaultdict

# A place named early (headline, dateline, lede) is usually what the story is about.
LEAD_CHARS = 300
LEAD_BONUS = 1.0
# The dateline names where the story was filed; the headline what it is about.
DATELINE_BONUS = 4.0
HEADLINE_BONUS = 2.0
# Mentions in lines that are not prose (menus, related links, footers) weigh this much.
NON_PROSE_WEIGHT = 0.1
# Broad places say little about where a story happens; cities and divisions say more.
FEATURE_WEIGHT = {
    "city": 1.2,
    "admin2": 1.1,
    "admin1": 1.0,
    "country": 0.8,
    "continent": 0.2,
    "region": 0.2,
    "demonym": 0.3,
}
_LINK_LINE = re.compile(
    r"^\s*(?:related|read more|read also|also read|see also|more from|more on|more:|"
    r"recommended|trending|most read|popular|you may also like|sign up|subscribe|follow us|"
    r"share|advertisement|copyright|\u00a9)",
    re.I,
)
_SEPARATORS = re.compile(r"\s[|\u2022\u00b7>\u203a]\s")
_SENTENCE_END = re.compile(r"[.!?:;\"'\u201d\u2019)]\s*$")


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _prose(line: str) -> bool:
    """A line of running text: enough words and a sentence's end, no menu separators."""
    if _LINK_LINE.match(line) or len(_SEPARATORS.findall(line)) >= 2:
        return False
    words = line.split()
    return len(words) >= 8 and bool(_SENTENCE_END.search(line))


def _line_weights(text: str) -> tuple[list[tuple[int, int]], list[float], int | None]:
    """Each line's weight and the index of the headline line (the first line of words)."""
    spans = _lines(text)
    weights = [1.0 if _prose(text[s:e]) else NON_PROSE_WEIGHT for s, e in spans]
    head = next((i for i, (s, e) in enumerate(spans) if text[s:e].strip()), None)
    if head is not None:
        line = text[spans[head][0] : spans[head][1]]
        if _LINK_LINE.match(line) or len(_SEPARATORS.findall(line)) >= 2:
            head = None  # a menu at the top of the page is no headline
        elif len(line.split()) <= 25:
            weights[head] = 1.0
        else:
            head = None  # the text starts with prose: no headline line
    return spans, weights, head


def focus(
    places: list[dict],
    text: str | None = None,
    *,
    datelines: frozenset[int] | set[int] = frozenset(),
    title: str | None = None,
) -> dict:
    """Pick the focus place by weighted mentions and the focus country by all places inside it.

    With ``text``, mentions in lines that are not prose count little and the first line counts
    as the headline; ``datelines`` are the start offsets of dateline mentions; ``title`` is the
    article's headline when the text does not start with it."""
    if not places:
        return {"place": None, "country_code": None, "geonameid": None}
    spans: list[tuple[int, int]] = []
    weights: list[float] = []
    head = None
    if text:
        spans, weights, head = _line_weights(text)
    starts = [s for s, _ in spans]
    titled = (title or "").lower()
    place_score: dict[int, float] = {}
    country_score: dict[str, float] = defaultdict(float)
    for i, p in enumerate(places):
        w = FEATURE_WEIGHT.get(p["feature"], 1.0) * p["confidence"]
        w_demonym = FEATURE_WEIGHT["demonym"] * p["confidence"]
        adjectival = {m["start"] for m in p.get("demonym_mentions", ())}
        s = 0.0
        for m in p["mentions"]:
            base = w_demonym if m["start"] in adjectival else w
            bonus = LEAD_BONUS if m["start"] < LEAD_CHARS else 0.0
            line_w = 1.0
            if spans:
                k = _line_index(starts, m["start"])
                line_w = weights[k]
                if k == head:
                    bonus += HEADLINE_BONUS
            if m["start"] in datelines:
                bonus += DATELINE_BONUS
                line_w = 1.0
            s += base * line_w * (1.0 + bonus)
        if titled and any(_in_title(m["text"], titled) for m in p["mentions"]):
            s += w * (1.0 + LEAD_BONUS + HEADLINE_BONUS)  # as if named in a headline line
        place_score[i] = s
        if p["country_code"]:
            country_score[p["country_code"]] += s
    cc = max(country_score, key=country_score.__getitem__) if country_score else None
    # the focus place lies in the focus country when one does
    pool = [
        i
        for i in place_score
        if places[i]["feature"] != "demonym" and (cc is None or places[i]["country_code"] == cc)
    ]
    pool = pool or list(place_score)
    best = places[max(pool, key=lambda i: (place_score[i], -places[i]["mentions"][0]["start"]))]
    return {
        "place": best["name"],
        "country_code": cc or best["country_code"],
        "geonameid": best["geonameid"],
    }


def _line_index(starts: list[int], pos: int) -> int:
    import bisect

    return max(0, bisect.bisect_right(starts, pos) - 1)


def _in_title(surface: str, title: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(surface.lower()) + r"(?!\w)", title) is not None
