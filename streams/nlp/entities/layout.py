"""Names whose role is fixed by the layout of their line: sports tables and datelines.

Wire copy prints results ("Leeds 2 Chelsea 1"), league tables ("Leeds 16 7 5 4 26") and
fixtures ("Leeds v Chelsea"); the names there are teams, which news annotation (CoNLL,
OntoNotes) labels ORG even when they are place names. A dateline ("LONDON 1996-12-06",
"PARIS (Reuters) -") opens with a place. The line grammars live in data/entities/layout.json.
"""

from __future__ import annotations

import functools
import json
import re

from spacy.tokens import Doc

from streams.nlp.entities.normalize import is_all_caps, norm_key
from streams.nlp.entities.resources import (
    DATA_DIR,
    name_connectors,
    name_particles,
    nation_keys,
)
from streams.nlp.entities.tokens import TokenTable

_NUMBER = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^(\d*\.\d+|\d+/\d+)$")
_MARKS = ("(", ")", ",", ";", ".", ":", "-")
DATELINE_LINES = 4  # a dateline sits within the first lines of an article
TEAM_IF_TAGGED = "ORG?"  # a lineup's head: a team if the model saw a name there at all
MIN_LINEUP = 3  # entries a list needs to count as a lineup (a headline has one or two parts)
LINEUP_SHARE = 0.8  # share of a lineup's entries that must parse as one player each
PERSON_IF_UNTAGGED = "PERSON?"  # a ranked competitor: a person unless the model said ORG etc.


@functools.cache
def _raw() -> dict:
    return json.loads((DATA_DIR / "layout.json").read_text(encoding="utf-8"))


@functools.cache
def _grammar() -> tuple[frozenset[str], list[re.Pattern[str]], re.Pattern[str]]:
    raw = _raw()
    team = [re.compile(p) for p in raw["team"].values()]
    return frozenset(raw["fixture_words"]), team, re.compile(raw["dateline"])


@functools.cache
def _player_grammar() -> dict[str, re.Pattern[str]]:
    raw = _raw()
    return {
        k: re.compile(raw[k])
        for k in (
            "lineup_head",
            "lineup_entry",
            "bracket_player",
            "scorecard",
            "ranking",
            "scorer_list",
            "fixture_list_entry",
        )
    }


def _split_top(codes: str, start: int) -> list[tuple[int, int]]:
    """Item ranges of the entries of a list, split at top-level commas and semicolons."""
    out, depth, a = [], 0, start
    for k in range(start, len(codes)):
        c = codes[k]
        depth += (c == "(") - (c == ")")
        if depth == 0 and c in ",;":
            out.append((a, k))
            a = k + 1
    out.append((a, len(codes)))
    return [(x, y) for x, y in out if y > x]


def _top_level_names(codes: str, start: int = 0) -> list[int]:
    """Indexes of the names (code N) outside brackets, from ``start`` on."""
    out, depth = [], 0
    for k in range(start, len(codes)):
        depth += (codes[k] == "(") - (codes[k] == ")")
        if codes[k] == "N" and depth == 0:
            out.append(k)
    return out


def _players(codes: str, spans: list[tuple[int, int]], doc: Doc) -> list[tuple[int, int]]:
    """Player names in a lineup, a scorer list or a cricket scorecard line."""
    g = _player_grammar()
    words = frozenset(_raw()["scorecard_words"])
    card = "".join(
        "s" if c == "x" and doc[spans[i][0]].text in words else c for i, c in enumerate(codes)
    )
    if g["scorecard"].match(card):
        return [spans[i] for i, c in enumerate(codes) if c == "N"]
    head = g["lineup_head"].match(codes)
    if not head:
        return []
    entries = _split_top(codes, head.end())
    if not entries or is_all_caps(doc[spans[0][0] : spans[-1][1]].text):
        return []
    good = [(a, b) for a, b in entries if g["lineup_entry"].match(codes[a:b])]
    if len(good) < LINEUP_SHARE * len(entries):
        return []
    out = []
    marked = strong = 0
    for a, b in good:
        sub = codes[a:b]
        n = a + sub.index("N")
        ns, ne = spans[n]
        numbered = sub.startswith("D-") or (n + 1 < b and codes[n + 1] in "D#")
        marked += numbered or ne - ns > 1
        strong += numbered and ne - ns > 1
        out.append(spans[n])
        if "(" in sub:  # a substitute "( 7 - Yasuto Honda 71 )"; a bare "( Wales )" is a club
            inner = sub[sub.index("(") + 1 : sub.rindex(")") if ")" in sub else len(sub)]
            if g["bracket_player"].match(inner):
                out.append(spans[a + sub.index("(") + 1 + inner.index("N")])
    if len(entries) >= MIN_LINEUP:
        return out if 2 * marked >= len(good) else []
    # A short list ("Kinder - Zoran Savic 18") needs numbered full names throughout.
    return out if strong == len(good) == len(entries) else []


def _ranked(codes: str, spans: list[tuple[int, int]], doc: Doc) -> list[tuple[int, int, bool]]:
    """Multi-word competitor names on a ranking or leaderboard line, each with True when a
    nation in brackets follows it ("206 Ann Price ( Zimbabwe ) 68 68 70"): a competitor who
    represents a country is a person whatever the model read."""
    if not _player_grammar()["ranking"].match(codes):
        return []
    out, nations = [], nation_keys()
    for i in _top_level_names(codes):
        s, e = spans[i]
        if e - s > 1 and norm_key(doc[s:e].text) not in nations:
            a, b = spans[i + 2] if codes[i + 1 : i + 4] == "(N)" else (0, 0)
            out.append((s, e, b > a and norm_key(doc[a:b].text) in nations))
    return out


def _scorer_list(codes: str, spans: list[tuple[int, int]], doc: Doc) -> list[tuple[int, int]]:
    """Names of a leading-scorers line ("10 - Billy Dodds ( Aberdeen ) , Pierre Van Hooydonk
    ( Celtic )"): people, each with a club in brackets. A line needs the count and dash or
    two entries at least, and is not written in capitals."""
    if not _player_grammar()["scorer_list"].match(codes):
        return []
    if not codes.startswith("D-") and codes.count("(") < 2:
        return []
    if is_all_caps(doc[spans[0][0] : spans[-1][1]].text):
        return []
    return [spans[k] for k in _top_level_names(codes)]


def _fixture_list(codes: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Team names of a line of fixtures ("Postponed : Forfar v Alloa , Huntly v Clyde ( both
    now play on"): after an optional caption and colon, every entry is one fixture; the first
    or last may be a lone name cut by a line break. One fixture alone needs the caption."""
    entry = _player_grammar()["fixture_list_entry"]
    start = 2 if codes[:2] == "N:" else 0
    entries = _split_top(codes, start)
    if not entries or len(entries) < 2 - (start > 0):
        return []
    whole = entries
    if len(whole) > 1 and codes[whole[-1][0] : whole[-1][1]] == "N":
        whole = whole[:-1]  # "... , East" + next line "Fife v Partick": a name cut by a break
    if len(whole) > 1 and start == 0 and codes[whole[0][0] : whole[0][1]] == "N":
        whole = whole[1:]  # the line holding the rest of that name
    if not all(entry.match(codes[a:b]) for a, b in whole):
        return []
    return [spans[k] for k in _top_level_names(codes, start)]


def _is_name_word(text: str) -> bool:
    return text[:1].isupper() and any(c.isalpha() for c in text)


def _items(
    tt: TokenTable, a: int, b: int, fixture: frozenset[str]
) -> tuple[str, list[tuple[int, int]]]:
    """Code letters of the items in tokens [a, b) and the token range of each item."""
    codes: list[str] = []
    spans: list[tuple[int, int]] = []
    inner = name_connectors() | name_particles()
    text, ws, space = tt.text, tt.ws, tt.is_space
    plain_until = a  # inside a glued word already found to hold no digits: one token at a time
    k = a
    while k < b:
        t = text[k]
        if space[k]:
            k += 1
            continue
        if t.lower() in fixture and (t.islower() or t.isupper()):
            codes.append("v")
            spans.append((k, k + 1))
            k += 1
            continue
        if _is_name_word(t):
            j = k + 1
            while j < b:
                nxt = text[j]
                glued = not ws[j - 1]  # "AL-AIN", "Al-Ain"
                if nxt.lower() in fixture and (nxt.islower() or nxt.isupper()):
                    break
                if _is_name_word(nxt) or (
                    glued and nxt == "-" and j + 1 < b and _is_name_word(text[j + 1])
                ):
                    j += 1
                elif (
                    nxt in inner
                    and j + 1 < b
                    and (
                        _is_name_word(text[j + 1])
                        or (
                            not ws[j]
                            and text[j + 1] == "-"
                            and j + 2 < b
                            and _is_name_word(text[j + 2])
                        )
                    )
                ):
                    j += 1  # "Bank of England", "Nihad al-Boushi"
                else:
                    break
            codes.append("N")
            spans.append((k, j))
            k = j
            continue
        if k < plain_until:  # a suffix of that word has no digits either: same outcome, O(1)
            codes.append(t if t in _MARKS else "x")
            spans.append((k, k + 1))
            k += 1
            continue
        j = k + 1  # a number item is a whole whitespace-delimited word: "9-1-55-1"
        while j < b and not ws[j - 1] and not space[j]:
            j += 1
        word = tt.span_text(k, j)
        if _NUMBER.match(word):
            codes.append("D")
        elif _DECIMAL.match(word):
            codes.append("F")
        elif any(c.isdigit() for c in word):
            codes.append("#")
        elif word in _MARKS:
            codes.append(word)
        else:
            plain_until = j
            j = k + 1
            codes.append(t if t in _MARKS else "x")
        spans.append((k, j))
        k = j
    return "".join(codes), spans


def layout_names(
    doc: Doc, tt: TokenTable, lines: list[tuple[int, int]], title: list[bool]
) -> list[tuple[int, int, str]]:
    """(start, end, label) token spans of team names in result/table/fixture lines and of
    places in a dateline (not in the title)."""
    fixture, team, dateline = _grammar()
    nations = nation_keys()
    out: list[tuple[int, int, str]] = []
    for li, (a, b) in enumerate(lines):
        codes, spans = _items(tt, a, b, fixture)
        if not codes or "N" not in codes:
            continue
        if any(p.match(codes) for p in team):
            depth = 0
            for i, (code, (s, e)) in enumerate(zip(codes, spans, strict=True)):
                depth += (code == "(") - (code == ")")
                if code == "N" and depth > 0 and codes[i + 1 : i + 2] in ("D", "#"):
                    out.append((s, e, "PERSON"))  # scorer with minute: "( Zola 12 , ..."
                # Clubs are named by city; a nation's name keeps its place label.
                if code == "N" and depth == 0 and norm_key(doc[s:e].text) not in nations:
                    out.append((s, e, "ORG"))
            continue
        fixtures = _fixture_list(codes, spans)
        if fixtures:
            out.extend((s, e, "ORG") for s, e in fixtures if norm_key(doc[s:e].text) not in nations)
            continue
        scorers = _scorer_list(codes, spans, doc)
        if scorers:
            out.extend((s, e, "PERSON") for s, e in scorers)
            continue
        players = _players(codes, spans, doc)
        if players:
            out.extend((s, e, "PERSON") for s, e in players)
            s, e = spans[0]
            if norm_key(doc[s:e].text) not in nations:
                out.append((s, e, TEAM_IF_TAGGED))
            continue
        ranked = _ranked(codes, spans, doc)
        if ranked:
            out.extend((s, e, "PERSON" if flag else PERSON_IF_UNTAGGED) for s, e, flag in ranked)
            continue
        if li < DATELINE_LINES and not title[spans[0][0]]:
            m = dateline.match(codes)
            first = spans[0]
            if m and doc[first[0] : first[1]].text.isupper():
                for code, (s, e) in zip(codes[: m.end()], spans, strict=False):
                    if code == "N":
                        out.append((s, e, "GPE"))
    return out
