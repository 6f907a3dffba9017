"""Mention spans: take spaCy's entities, trim them to news/CoNLL boundaries, mark their context.

Boundaries follow the CoNLL/OntoNotes convention downstream joins rely on: no leading
determiner, honorific or job title, no trailing possessive, never across a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from streams.nlp.entities.normalize import is_all_caps
from streams.nlp.entities.resources import (
    common_words,
    given_names,
    max_title_len,
    name_connectors,
    name_particles,
    place_cues,
    place_spellings,
    separators,
    titles,
)
from streams.nlp.entities.tokens import TokenTable

LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "EVENT",
        "PRODUCT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
_OPEN_QUOTES = {"\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb"}
_STRAIGHT_QUOTES = {'"', "``", "''"}
# A straight-quote "quotation" longer than this is taken as an unbalanced mark, not a quote.
MAX_QUOTE_TOKENS = 150
# A mention making up this share of its quotation's words is a quoted phrase, not a name.
FRAGMENT_SHARE = 0.5


@dataclass(slots=True)
class Mention:
    """One token-aligned mention; ``end`` is exclusive (token index)."""

    start: int
    end: int
    label: str
    source: str = "model"  # model | acronym | layout | propagated
    weight: float = 1.0  # share of a label vote
    in_quote: bool = False
    quote_fragment: bool = False
    in_headline: bool = False
    person_cue: bool = False  # a title or job word stands right before it ("President X")
    place_cue: bool = False  # a known place after "in"/"near" ("the congress in Sibiu")
    caps: bool = False  # written in all capitals (a headline or table), weaker evidence
    key: str = ""


@dataclass(slots=True)
class Regions:
    """Per-token context flags for one document."""

    quote_id: list[int]  # -1 outside quotations, else the index of the quotation
    quote_fragment: list[bool]  # token lies in an all-title-case quotation (a title, slogan)
    quotes: list[tuple[int, int]]  # token range inside each quotation
    headline: list[bool]  # token lies in the title or an all-capitals line
    title: list[bool]  # token lies in the title given by the caller
    line_id: list[int]
    lines: list[tuple[int, int]]  # token range of each line


def _title_case_phrase(tokens: list[Token]) -> bool:
    words = [t for t in tokens if t.is_alpha]
    if len(words) < 2:
        return False
    return all(t.text[0].isupper() or (t.is_stop and len(t) <= 3) for t in words)


def find_regions(doc: Doc, tt: TokenTable, title: str | None) -> Regions:
    """Mark quotations, title/headline lines and line numbers for every token."""
    n = len(tt.text)
    quote_id = [-1] * n
    fragment = [False] * n
    headline = [False] * n
    title_flags = [False] * n
    line_id = [0] * n
    texts, ws, space = tt.text, tt.ws, tt.is_space

    lines = tt.lines()
    for li, (a, b) in enumerate(lines):
        line_id[a:b] = [li] * (b - a)

    # Quotations: curly quotes pair explicitly, straight quotes toggle; a blank line resets.
    quotes: list[tuple[int, int]] = []
    open_at: int | None = None
    closer: str | None = None
    for i, t in enumerate(texts):
        if open_at is None:
            if t in _OPEN_QUOTES or t in _STRAIGHT_QUOTES:
                open_at, closer = i, _OPEN_QUOTES.get(t, '"')
        elif (closer == '"' and t in _STRAIGHT_QUOTES) or t == closer:
            if i - open_at - 1 <= MAX_QUOTE_TOKENS:
                quotes.append((open_at + 1, i))
            open_at = None
        if open_at is not None and "\n\n" in ws[i] + (t if space[i] else ""):
            open_at = None
    for qi, (s, e) in enumerate(quotes):
        is_fragment = _title_case_phrase(list(doc[s:e]))
        for k in range(s, e):
            quote_id[k] = qi
            fragment[k] = is_fragment

    # Headline: the title where the text starts with it, and any all-capitals line.
    if title and n:
        t = title.strip()
        first = next((i for i in range(n) if not space[i]), n)
        lead = tt.idx[first] if first < n else 0
        head = tt.span_text(first, n)[: len(t)] if first < n else ""
        if t and head == t:
            stop = lead + len(t)
            for i in range(n):
                if tt.idx[i] >= stop:
                    break
                headline[i] = title_flags[i] = True
    for a, b in lines:
        words = [texts[k] for k in range(a, b) if tt.is_alpha[k]]
        if len(words) >= 2 and is_all_caps(" ".join(words)):
            for k in range(a, b):
                headline[k] = True
    return Regions(quote_id, fragment, quotes, headline, title_flags, line_id, lines)


def _strip_title(doc: Doc, start: int, end: int) -> int:
    """Advance ``start`` past honorifics/job titles ("President", "Prime Minister")."""
    tset = titles()
    for _ in range(3):
        found = 0
        for k in range(min(max_title_len(), end - start - 1), 0, -1):
            cand = tuple(t.lower_ for t in doc[start : start + k])
            if cand in tset:
                found = k
                break
        if not found:
            break
        start += found
    return start


# Labels whose names may carry numbers ("Airbus A320", "Windows 95", "Super Bowl 50").
_NUMBERED = frozenset({"PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
# A score, a bowling analysis or a grouped count ("2-1", "10-0-27-2", "4,000") is a figure
# in a table or result, never part of a name, whatever the label. Possessive and anchored
# after a non-digit, so a long run of digits is read once, not once per start position.
_FIGURE = re.compile(r"(?<!\d)\d++(?:[-,]\d++)++")


def _breaks(doc: Doc, k: int, label: str) -> bool:
    """True if token ``k`` cannot be inside a name of this label, so the span splits there."""
    tok = doc[k]
    if tok.is_space or (k > 0 and "\n" in doc[k - 1].whitespace_):
        return True
    if tok.text in separators():
        # A hyphen splits only when free-standing ("Wales - Jones"), not in "Coca-Cola".
        return tok.text != "-" or bool(k > 0 and doc[k - 1].whitespace_ and tok.whitespace_)
    if label == "PERSON" and tok.tag_ == "POS":
        return True  # "Dave Leip's Atlas": a person's name ends at the possessive
    if tok.is_alpha and tok.text[0].islower():
        allowed = name_particles() if label == "PERSON" else name_particles() | name_connectors()
        return tok.lower_ not in allowed
    if label in _NUMBERED:
        return _in_figure(doc, k)
    return any(c.isdigit() for c in tok.text)


def _in_figure(doc: Doc, k: int) -> bool:
    """True if token ``k`` is part of a figure written without spaces ("2-1", "10-0-27-2",
    "4,000"; the tokenizer splits the first two at the hyphens)."""
    a = k
    while a > 0 and not doc[a - 1].whitespace_ and not doc[a - 1].is_space:
        a -= 1
    b = k + 1
    while b < len(doc) and doc[b - 1].whitespace_ == "" and not doc[b].is_space:
        b += 1
    text = doc[a:b].text
    return _FIGURE.fullmatch(text) is not None


def _trim(doc: Doc, start: int, end: int, label: str) -> tuple[int, int] | None:
    def junk_lead(tok: Token) -> bool:
        return (
            tok.is_punct
            or tok.is_space
            or tok.tag_ == "DT"
            or (tok.is_alpha and tok.text[0].islower())
        )

    def junk_tail(tok: Token) -> bool:
        return (
            tok.tag_ == "POS"
            or tok.is_space
            or (tok.is_punct and tok.text != ")")
            or (tok.is_alpha and tok.text[0].islower())
        )

    while start < end and junk_lead(doc[start]):
        start += 1
    while end > start and junk_tail(doc[end - 1]):
        end -= 1
    if start < end and label == "PERSON":
        start = _strip_title(doc, start, end)
        while start < end and junk_lead(doc[start]):
            start += 1
    if start >= end:
        return None
    span_text = doc[start:end].text
    if not any(c.isupper() for c in span_text) or sum(c.isalpha() for c in span_text) < 2:
        return None
    return start, end


def split_span(doc: Doc, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """Cut a model span into the names it holds, each trimmed to CoNLL/news boundaries.

    A span never crosses a line break, a free-standing separator, a lower-case word that is
    not a name connector, or (outside product/event/work/law names) a number.
    """
    pieces: list[tuple[int, int]] = []
    a = start
    for k in range(start, end):
        if _breaks(doc, k, label):
            if k > a:
                pieces.append((a, k))
            # A token opening a new line starts the next piece; any other break is dropped.
            tok = doc[k]
            a = k if tok.is_alpha and tok.text[0].isupper() else k + 1
    if a < end:
        pieces.append((a, end))
    out = []
    for a, b in pieces:
        trimmed = _trim(doc, a, b, label)
        if trimmed is not None:
            out.append(trimmed)
    return out


def title_before(doc: Doc, start: int) -> bool:
    """True if the tokens right before ``start`` form a title ("Czech President", "striker")."""
    tset = titles()
    for k in range(1, max_title_len() + 1):
        if start - k < 0:
            break
        if tuple(t.lower_ for t in doc[start - k : start]) in tset:
            return True
    return False


def place_cue(doc: Doc, start: int, end: int) -> bool:
    """True for a known place name (a GeoNames country, US state or city of 15,000+) right
    after a place preposition ("in Sibiu", "near Oradea") or a word for a kind of place
    ("the second city Brno"), or any name after such a word and "of" ("the town of
    Walikale"), unless a possessive or a longer name follows ("in Everton's win", "in
    Oradea Mare"). Capitalised, the word is part of a name instead ("City of London")."""
    if start == 0:
        return False
    if end < len(doc) and (doc[end].text in ("'s", "\u2019s") or doc[end].is_title):
        return False
    kinds = place_cues().get("settlement", ())
    if start > 1 and doc[start - 1].text == "of" and doc[start - 2].text in kinds:
        return True
    if doc[start:end].text.lower() not in place_spellings():
        return False
    return _cue_word(doc[start - 1].text) or _listed_after_cue(doc, start)


def _cue_word(text: str) -> bool:
    """A place preposition ("in") or a lower-case word for a kind of place ("city")."""
    return text in place_cues().get("settlement", ()) or text.lower() in place_cues().get(
        "before", ()
    )


# Tokens walked back over a list of places ("in Arad , Oradea and Sibiu"), at most.
MAX_PLACE_LIST = 12
_LIST_JOINS = frozenset({",", "and", "or"})


def _listed_after_cue(doc: Doc, start: int) -> bool:
    """True for a later item of a list of names that opens right after a cue word with a
    known place: "airports in Arad , Oradea and Sibiu" (the cue reaches "Oradea", "Sibiu")."""
    k = start - 1
    if doc[k].text not in _LIST_JOINS:
        return False
    first = start
    while k >= 0 and start - k <= MAX_PLACE_LIST and "\n" not in doc[k].whitespace_:
        tok = doc[k]
        if tok.text in _LIST_JOINS:
            first = k
        elif not (tok.is_alpha and tok.is_title):
            break
        k -= 1
    if k < 0 or k == first - 1 or not _cue_word(doc[k].text):
        return False
    head = doc[k + 1 : first]
    return head.text.lower() in place_spellings()


def venue(doc: Doc, start: int, end: int) -> bool:
    """True for a sports ground's name: two words or more ending in a venue word
    ("Melbourne Cricket Ground", "Bellerive Oval")."""
    return end - start >= 2 and doc[end - 1].lower_ in place_cues().get("venue", ())


def initial_shape(doc: Doc, start: int, end: int) -> bool:
    """True for a personal-name shape with an initial: "B. Lara", "Dwight D. Eisenhower"."""
    for k in range(start, end - 1):
        t = doc[k].text
        if len(t) == 2 and t[0].isupper() and t[1] == "." and doc[k + 1].text[:1].isupper():
            return True
    return False


def _proper_word(text: str) -> bool:
    """A capitalised word that is no English word: "Bordon", "N'Doram", "Abdel-Rahman"."""
    parts = text.replace("'", "-").split("-")
    return (
        text[:1].isupper()
        and not text.isupper()
        and all(p.isalpha() for p in parts if p)
        and text.lower() not in common_words()
        and text.lower() not in given_names()
    )


def given_name_shape(doc: Doc, start: int, end: int) -> bool:
    """True for "Given Surname" or "Given M. Surname": two or three words, the first a known
    given name in title case, the last a capitalised word that is no English word and no
    given name, and the whole no known place. "Stefano"-like names the census list lacks, and
    "Morgan Stanley", "Christian Democrats", "Virginia Beach", "Max Planck Institute" are
    not matched."""
    if not 2 <= end - start <= 3:
        return False
    first = doc[start].text
    if not first.istitle() or first.lower() not in given_names() or (first.lower(),) in titles():
        return False
    if not _proper_word(doc[end - 1].text):
        return False
    if end - start == 3:
        mid = doc[start + 1].text
        if not (len(mid) == 2 and mid[0].isupper() and mid[1] == ".") and not _proper_word(mid):
            return False
    return doc[start:end].text.lower() not in place_spellings()


def model_mentions(doc: Doc) -> list[tuple[int, int, str]]:
    """spaCy's entities with a news-entity label, as (start, end, label) token spans."""
    return [(e.start, e.end, e.label_) for e in doc.ents if e.label_ in LABELS]


def annotate(m: Mention, regions: Regions, doc: Doc) -> Mention:
    """Copy the context flags of a mention's tokens onto it."""
    qs = {regions.quote_id[k] for k in range(m.start, m.end)}
    m.in_quote = len(qs) == 1 and -1 not in qs
    if m.in_quote:
        # A scare-quoted phrase ("Voter Base") is most of its quotation; a name in quoted
        # speech ("I talked to Jerome Powell this morning") is a small part of it.
        q_start, q_end = regions.quotes[regions.quote_id[m.start]]
        words = sum(1 for t in doc[q_start:q_end] if t.is_alpha) or 1
        mine = sum(1 for t in doc[m.start : m.end] if t.is_alpha)
        m.quote_fragment = regions.quote_fragment[m.start] or mine >= FRAGMENT_SHARE * words
    m.in_headline = all(regions.headline[k] for k in range(m.start, m.end))
    m.caps = is_all_caps(doc[m.start : m.end].text)
    return m


def defined_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Mentions for acronyms defined in parentheses right after a name: "... Enforcement (ICE)"."""
    taken = {k for m in mentions for k in range(m.start, m.end)}
    out = []
    for m in mentions:
        e = m.end
        if e + 2 < len(doc) and doc[e].text == "(" and doc[e + 2].text == ")":
            tok = doc[e + 1]
            acr = tok.text.replace(".", "")
            if tok.i not in taken and 2 <= len(acr) <= 6 and acr.isalpha() and acr.isupper():
                out.append(Mention(tok.i, tok.i + 1, m.label, source="acronym"))
    return out


def titled_names(doc: Doc, tt: TokenTable, taken: set[int]) -> list[tuple[int, int]]:
    """Names the model missed right after a capitalised title ("Mayor Ana Ruiz"): one to
    three title-case proper nouns on no token of an existing mention. A job title before a
    name is the strongest cue news copy gives that the name is a person. ``tt``: the doc's
    token table, read instead of building a Token per probe."""
    tset = titles()
    longest = max_title_len()
    n_tokens = len(tt.text)
    found: list[tuple[int, int]] = []
    k = 0
    while k < n_tokens:
        if not tt.text[k][:1].isupper():
            k += 1
            continue
        size = next(
            (
                n
                for n in range(min(longest, n_tokens - k), 0, -1)
                if tuple(tt.lower[k : k + n]) in tset
            ),
            0,
        )
        if not size:
            k += 1
            continue
        start = end = k + size
        while end < n_tokens and end - start < 3 and _name_token(doc[end], taken):
            end += 1
        if end - start >= 2 or (end - start == 1 and doc[start].pos_ == "PROPN"):
            found.append((start, end))
        k = max(end, k + 1)
    return found


def _name_token(token: Token, taken: set[int]) -> bool:
    return (
        token.i not in taken
        and token.pos_ == "PROPN"
        and token.text.istitle()
        and token.is_alpha
        and len(token.text) > 1
    )
