"""Document-level entity extraction on top of spaCy's NER.

spaCy tags each mention on its own; news consumers join on entities, so this package makes the
article's entities consistent: trimmed spans, one label and one canonical name per entity,
salience, stable ids. See docs/entities.md.
"""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from streams.nlp.doctext import text_of
from streams.nlp.entities.acronyms import repair as repair_by_acronyms
from streams.nlp.entities.layout import PERSON_IF_UNTAGGED, TEAM_IF_TAGGED, layout_names
from streams.nlp.entities.linking import Cluster, cluster_mentions
from streams.nlp.entities.normalize import norm_key
from streams.nlp.entities.propagate import propagate
from streams.nlp.entities.publisher import drop_publisher_credits
from streams.nlp.entities.resources import (
    aliases,
    market_terms,
    nation_keys,
    nationality_words,
    person_like_nations,
    place_spellings,
    table_captions,
    us_states,
)
from streams.nlp.entities.rhetoric import rhetoric
from streams.nlp.entities.salience import salience
from streams.nlp.entities.spans import (
    Mention,
    Regions,
    annotate,
    defined_acronyms,
    find_regions,
    initial_shape,
    model_mentions,
    place_cue,
    split_span,
    title_before,
    titled_names,
)
from streams.nlp.entities.tokens import TokenTable

__all__ = ["extract_entities"]

# Labels whose unconfirmed headline mentions are kept: place names are reliable even in titles.
_HEADLINE_SAFE = frozenset({"GPE", "LOC", "NORP", "LANGUAGE"})
# Place labels: the geo stage resolves them, even as one common word ("the City").
_PLACES = frozenset({"GPE", "LOC", "FAC"})
# A layout-fixed role (a team in a results table) outweighs the model's guesses elsewhere.
LAYOUT_WEIGHT = 3.0


def _confirmed(cl: Cluster) -> bool:
    """An entity is real if the model found it once in plain body text, not only in a
    quotation fragment or an all-capitals/title line."""
    for m in cl.mentions:
        if m.source == "layout" or (
            m.source == "model" and not m.quote_fragment and not m.in_headline
        ):
            return True
    return False


def _apply_layout(
    doc: Doc, tt: TokenTable, mentions: list[Mention], regions: Regions
) -> list[Mention]:
    """Replace model mentions by the names that line layout fixes (teams, datelines)."""
    fixed = layout_names(doc, tt, regions.lines, regions.title)
    if not fixed:
        return mentions
    tagged = {(m.start, m.end): m.label for m in mentions}
    overlapping = {k for m in mentions for k in range(m.start, m.end)}

    def resolve(s: int, e: int, label: str) -> str | None:
        if label == TEAM_IF_TAGGED:  # a lineup's head: a team only if the model saw a name
            return "ORG" if (s, e) in tagged else None
        if label == PERSON_IF_UNTAGGED:  # a ranked competitor, unless the model saw an org
            untagged = not any(k in overlapping for k in range(s, e))
            return "PERSON" if untagged or tagged.get((s, e)) == "PERSON" else None
        return label

    fixed = [(s, e, lab) for s, e, raw in fixed if (lab := resolve(s, e, raw)) is not None]
    taken = [False] * len(doc)
    for s, e, _ in fixed:
        for k in range(s, e):
            taken[k] = True
    kept = [m for m in mentions if not any(taken[m.start : m.end])]
    for s, e, label in fixed:
        mention = Mention(s, e, label, source="layout", weight=LAYOUT_WEIGHT)
        kept.append(annotate(mention, regions, doc))
    kept.sort(key=lambda m: m.start)
    return kept


def _table_caption(cl: Cluster, tt: TokenTable) -> bool:
    """True for an entity made only of table captions ("Attendance", "Extras") or of market
    terms ("Wheat", "Slaughter Steers", "Choice"), unless it was read as a place ("Rye").

    A capitalised word the article also writes in lower case is not dropped on that ground:
    companies and parties are named so ("Apple" beside "apple growers", "Shell" beside "a
    shell hit", "Labour" beside "the labour market")."""
    captions, terms = table_captions(), market_terms()
    forms = [tt.lower[m.start : m.end] for m in cl.mentions]
    if all(len(f) == 1 and f[0] in captions for f in forms):
        return True
    return cl.label not in _PLACES and all(w in captions or w in terms for f in forms for w in f)


def _layout_spans(
    doc: Doc,
    mentions: list[Mention],
    spans: list[tuple[int, int]],
    label: str,
    regions: Regions,
) -> list[Mention]:
    """``mentions`` with ``spans`` (token ranges) as layout mentions of ``label``, replacing
    every mention that overlaps one of them."""
    if not spans:
        return mentions
    taken = [False] * len(doc)
    for a, b in spans:
        taken[a:b] = [True] * (b - a)
    kept = [m for m in mentions if not any(taken[m.start : m.end])]
    for a, b in spans:
        mention = Mention(a, b, label, source="layout", weight=LAYOUT_WEIGHT)
        kept.append(annotate(mention, regions, doc))
    kept.sort(key=lambda m: m.start)
    return kept


_CREW_NUMERALS = frozenset({"I", "II", "III", "IV"})


def _names_country(text: str) -> bool:
    """A country or sporting nation by name or alias."""
    key = norm_key(text)
    alias = aliases().get(key)
    return key in nation_keys() or (alias or ("", ""))[1] == "GPE"


def _is_nation(text: str) -> bool:
    return _names_country(text) or text in nationality_words()


def _national_crews(
    doc: Doc, tt: TokenTable, mentions: list[Mention], regions: Regions
) -> list[Mention]:
    """A nation's name followed by a Roman numeral names one of its crews or sleds, a team
    (ORG): "Germany II", "USA III ( Brian Shimer , ...)". "I" only counts when no lower-case
    word follows it ("in Italy I know" is the pronoun)."""
    n = len(tt.text)
    crews: list[tuple[int, int]] = []
    for k in range(1, n):
        if tt.text[k] not in _CREW_NUMERALS or "\n" in tt.ws[k - 1]:
            continue
        nxt = tt.text[k + 1] if k + 1 < n and "\n" not in tt.ws[k] else ""
        if tt.text[k] == "I" and nxt[:1].islower() and nxt[:1].isalpha():
            continue
        for size in (3, 2, 1):
            a = k - size
            if a < 0 or any("\n" in tt.ws[j] for j in range(a, k)):
                continue
            if tt.text[a][:1].isupper() and _is_nation(tt.span_text(a, k)):
                crews.append((a, k + 1))
                break
    return _layout_spans(doc, mentions, crews, "ORG", regions)


# Words in brackets after a person's name that are an affiliation, at most this long.
MAX_AFFILIATION = 3


def _affiliations(
    doc: Doc, tt: TokenTable, mentions: list[Mention], regions: Regions
) -> list[Mention]:
    """The name in brackets right after a person's name is the person's club, party or
    employer (ORG): "Alan Shearer ( Newcastle )", "Jo Grant ( Labour )". A country, a US
    state or a nationality there keeps its place reading ("Brian Lara ( West Indies )")."""
    n = len(tt.text)
    found: list[tuple[int, int]] = []
    for m in mentions:
        if m.label != "PERSON" or m.end >= n or tt.text[m.end] != "(":
            continue
        a = m.end + 1
        b = a
        while b < n and b - a < MAX_AFFILIATION and tt.text[b][:1].isupper() and tt.is_alpha[b]:
            b += 1
        if b == a or b >= n or tt.text[b] != ")":
            continue
        name = tt.span_text(a, b)
        if _is_nation(name) or name.lower() in us_states():
            continue
        found.append((a, b))
    return _layout_spans(doc, mentions, found, "ORG", regions)


# Longest bracket after a team that is read as its list of members, in tokens.
MAX_MEMBER_LIST = 24


def _team_members(
    doc: Doc, tt: TokenTable, mentions: list[Mention], regions: Regions
) -> list[Mention]:
    """A bracketed list of two- or three-word names right after a team is its members, people:
    "Canada I ( Pierre Lueders , Dave MacEachern )", "Netherlands ( Jacco Eltingh , Paul
    Haarhuis )". Every item must be such a name, and none a known place."""
    n = len(tt.text)
    found: list[tuple[int, int]] = []
    for m in mentions:
        if m.label != "ORG" or m.end >= n or tt.text[m.end] != "(":
            continue
        close = next(
            (k for k in range(m.end + 1, min(n, m.end + MAX_MEMBER_LIST)) if tt.text[k] == ")"),
            None,
        )
        if close is None:
            continue
        items: list[tuple[int, int]] = []
        a = m.end + 1
        for k in range(m.end + 1, close + 1):
            if tt.text[k] in (",", ")"):
                items.append((a, k))
                a = k + 1
        words = [[k for k in range(a, b) if not tt.is_space[k]] for a, b in items]
        if (
            words
            and all(
                2 <= len(w) <= 3
                and all(tt.text[k].istitle() for k in w)
                and w[-1] - w[0] == len(w) - 1  # no line break inside a name
                and not any("\n" in tt.ws[k] for k in w[:-1])
                and tt.span_text(w[0], w[-1] + 1).lower() not in place_spellings()
                for w in words
            )
        ):
            found.extend((w[0], w[-1] + 1) for w in words)
    return _layout_spans(doc, mentions, found, "PERSON", regions)


# Last words of a competition's name ("Asian Cup", "Ryder Cup", "Ashes Trophy").
_COMPETITION_WORDS = frozenset({"cup", "trophy"})


def _competitions(
    doc: Doc, tt: TokenTable, mentions: list[Mention], regions: Regions
) -> list[Mention]:
    """One to three capitalised words before "Cup" or "Trophy" on no other mention name a
    competition (EVENT) the model missed: "the Asian Cup". All-capitals lines are left to
    propagation, which finds "ASIAN CUP" once the body names it."""
    n = len(tt.text)
    used = [False] * n
    for m in mentions:
        used[m.start : m.end] = [True] * (m.end - m.start)
    added: list[Mention] = []
    for k in range(1, n):
        if tt.lower[k] not in _COMPETITION_WORDS or used[k] or not tt.text[k].istitle():
            continue
        a = k
        while (
            a > 0
            and k - a < 3
            and not used[a - 1]
            and tt.is_alpha[a - 1]
            and tt.text[a - 1].istitle()
            and "\n" not in tt.ws[a - 1]
            and not tt.sent_start[a]
        ):
            a -= 1
        if a < k:
            used[a : k + 1] = [True] * (k + 1 - a)
            added.append(annotate(Mention(a, k + 1, "EVENT", source="layout"), regions, doc))
    if not added:
        return mentions
    return sorted([*mentions, *added], key=lambda m: m.start)


# Longest country name looked up when the model missed it ("Bosnia and Herzegovina").
MAX_NATION_WORDS = 4


def _is_country(text: str) -> bool:
    """A country or sporting nation by name, unless it also names people ("Jordan")."""
    return _names_country(text) and norm_key(text) not in person_like_nations()


def _free_name(tt: TokenTable, used: list[bool], a: int, b: int) -> bool:
    """True when tokens a..b-1 are capitalised, untagged, on one line, and no untagged
    capitalised word joins them on either side (so they are a name of their own, not a
    piece of "Italy Street"). A capitalised word that opens a sentence is no neighbour."""
    n = len(tt.text)
    if any(used[a:b]) or any("\n" in tt.ws[k] for k in range(a, b - 1)):
        return False
    if not all(tt.text[k][:1].isupper() or not tt.is_alpha[k] for k in range(a, b)):
        return False

    def joins(k: int) -> bool:
        return 0 <= k < n and not used[k] and tt.is_alpha[k] and tt.text[k][:1].isupper()

    before = a > 0 and "\n" not in tt.ws[a - 1] and joins(a - 1) and not tt.sent_start[a - 1]
    after = "\n" not in tt.ws[b - 1] and joins(b)
    return not before and not after


def _untagged_nations(
    doc: Doc, tt: TokenTable, mentions: list[Mention], regions: Regions
) -> list[Mention]:
    """A country's name the model left untagged in body text is the place (GPE): "talks
    with Paolo Fulci of Italy", "Wales grappled with"; a nationality word so left is a NORP
    ("led by Uruguayan Marcelo Otero"). News almost never writes these capitalised words as
    anything else; all-capitals lines are left to propagation."""
    n = len(tt.text)
    used = [False] * n
    for m in mentions:
        used[m.start : m.end] = [True] * (m.end - m.start)
    added: list[Mention] = []
    k = 0
    while k < n:
        if used[k] or regions.headline[k] or not tt.text[k][:1].isupper() or not tt.is_alpha[k]:
            k += 1
            continue
        size = next(
            (
                s
                for s in range(MAX_NATION_WORDS, 0, -1)
                if k + s <= n
                and _free_name(tt, used, k, k + s)
                and _is_country(tt.span_text(k, k + s))
            ),
            0,
        )
        if not size and tt.text[k] in nationality_words() and _free_name(tt, used, k, k + 1):
            added.append(annotate(Mention(k, k + 1, "NORP", source="layout"), regions, doc))
        if size:
            added.append(annotate(Mention(k, k + size, "GPE", source="layout"), regions, doc))
        k += max(size, 1)
    if not added:
        return mentions
    return sorted([*mentions, *added], key=lambda m: m.start)


def _body_positions(tt: TokenTable, regions: Regions) -> dict[str, list[int]]:
    """Positions of each token text in plain body text (no headline, no quoted phrase)."""
    out: dict[str, list[int]] = {}
    for k, text in enumerate(tt.text):
        if not regions.headline[k] and not regions.quote_fragment[k] and text[:1].isupper():
            out.setdefault(text, []).append(k)
    return out


def _repeated_in_body(cl: Cluster, tt: TokenTable, regions: Regions, body: dict) -> bool:
    """True when a headline form of ``cl`` recurs, same case, in the body as a name of its
    own that the model missed ("USDA daily cattle slaughter" ... "- USDA"): not inside a
    longer capitalised name and, for one word, not first in its sentence (an acronym may be).
    """
    n = len(tt.text)

    def capitalised(k: int) -> bool:
        return 0 <= k < n and tt.is_alpha[k] and tt.text[k][:1].isupper()

    for m in cl.mentions:
        form = tt.text[m.start : m.end]
        size = len(form)
        acronym = size == 1 and len(form[0]) >= 2 and form[0].isupper() and form[0].isalpha()
        for i in body.get(form[0], ()):
            if tt.text[i : i + size] != form or any(regions.headline[i : i + size]):
                continue
            if size == 1 and tt.sent_start[i] and not acronym:
                continue
            before = i > 0 and "\n" not in tt.ws[i - 1] and capitalised(i - 1)
            after = "\n" not in tt.ws[i + size - 1] and capitalised(i + size)
            if not before and not after:
                return True
    return False


def _keep(
    cl: Cluster, doc: Doc, tt: TokenTable, regions: Regions, body: dict[str, list[int]]
) -> bool:
    if _confirmed(cl):
        return True
    if any(m.quote_fragment for m in cl.mentions):
        return False
    if not body:  # built once per article, only when an entity needs it
        body.update(_body_positions(tt, regions))
    if _repeated_in_body(cl, tt, regions, body):
        return True
    # Headline-only: keep place names from a normal-case title, nothing from all-caps lines.
    return cl.label in _HEADLINE_SAFE and not any(
        doc[m.start : m.end].text.isupper() for m in cl.mentions
    )


def extract_entities(
    doc: Doc, *, title: str | None = None, publisher: str | None = None
) -> list[dict]:
    """Entities of one cleaned article ``doc`` as sink-schema dicts, sorted by first mention.

    ``title`` marks the headline when the text starts with it (its spans need confirmation in
    the body) and feeds salience; ``publisher`` drops the outlet's own credit lines.
    """
    tt = TokenTable.of(doc)
    regions = find_regions(doc, tt, title)
    mentions: list[Mention] = []
    for start, end, label in model_mentions(doc):
        for i, (a, b) in enumerate(split_span(doc, start, end, label)):
            if label == "PERSON" and b - a >= 3 and tt.text[a] in nationality_words():
                # "Croat Alen Boksic": the nationality is no part of the name
                nat = Mention(a, a + 1, "NORP", weight=0.3)
                mentions.append(annotate(nat, regions, doc))
                a += 1
            # Pieces split off a longer span carry little evidence for its label.
            mention = Mention(a, b, label, weight=1.0 if i == 0 else 0.3)
            mention.person_cue = title_before(doc, a) or initial_shape(doc, a, b)
            mention.place_cue = label in ("PERSON", "ORG") and place_cue(doc, a, b)
            mentions.append(annotate(mention, regions, doc))
    taken = {k for m in mentions for k in range(m.start, m.end)}
    # "protect our Great Farmers" in a quoted post: common words in Title Case, not a name
    for i, fix in sorted(rhetoric(doc, mentions).items(), reverse=True):
        if fix is None:
            del mentions[i]
        else:  # "Crooked Joe Biden": the name inside the phrase
            mentions[i] = annotate(Mention(*fix, weight=mentions[i].weight), regions, doc)
    # "FEMA" spells where "Federal Emergency Management Agency" ends, however the model cut it
    mentions = repair_by_acronyms(doc, mentions, regions)
    taken |= {k for m in mentions for k in range(m.start, m.end)}
    for a, b in titled_names(doc, tt, taken):
        mention = Mention(a, b, "PERSON", weight=0.5, person_cue=True)
        mentions.append(annotate(mention, regions, doc))
    mentions.sort(key=lambda m: m.start)
    mentions = _apply_layout(doc, tt, mentions, regions)
    mentions = _national_crews(doc, tt, mentions, regions)
    mentions = _affiliations(doc, tt, mentions, regions)
    mentions = _team_members(doc, tt, mentions, regions)
    mentions = _competitions(doc, tt, mentions, regions)
    mentions = _untagged_nations(doc, tt, mentions, regions)
    mentions.extend(annotate(m, regions, doc) for m in defined_acronyms(doc, mentions))
    for m in mentions:
        m.key = norm_key(doc[m.start : m.end].text)

    clusters = cluster_mentions(doc, mentions)
    body: dict[str, list[int]] = {}
    clusters = [
        cl for cl in clusters if _keep(cl, doc, tt, regions, body) and not _table_caption(cl, tt)
    ]
    propagate(tt, clusters, regions, STOP_WORDS)
    if publisher:
        drop_publisher_credits(doc, clusters, publisher)
        clusters = [cl for cl in clusters if cl.mentions]
    for cl in clusters:
        cl.mentions.sort(key=lambda m: m.start)
    clusters.sort(key=lambda cl: cl.mentions[0].start)

    scores = salience(doc, clusters, title, regions.headline)
    out: list[dict] = []
    text = text_of(doc)
    emitted: set[tuple[int, int]] = set()
    for cl, sal in zip(clusters, scores, strict=True):
        spans: list[dict] = []
        for m in cl.mentions:
            md = _mention_dict(doc, text, m)
            key = (md["start"], md["end"])
            if key not in emitted:  # two names in one compound ("London-to-Boston")
                emitted.add(key)
                spans.append(md)
        if spans:
            out.append(
                {
                    "id": f"e{len(out) + 1}",
                    "name": cl.name,
                    "label": cl.label,
                    "mentions": spans,
                    "salience": sal,
                }
            )
    return out


def _mention_dict(doc: Doc, text: str, m: Mention) -> dict:
    """Offsets of a mention; a name inside a hyphenated compound covers the whole word
    ("Soviet-led", "post-Communist"), as in news treebanks where the compound is one token."""
    span = doc[m.start : m.end]
    start, end = span.start_char, span.end_char
    if start > 0 and text[start - 1] == "-":
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            start -= 1
    if end < len(text) and text[end] == "-":
        while end < len(text) and (text[end].isalnum() or text[end] == "-"):
            end += 1
    return {"start": start, "end": end, "text": text[start:end]}
