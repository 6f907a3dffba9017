"""Claim extraction: quotes, reported speech and numeric claims with speakers.

``extract_claims(doc, entities)`` returns claim dicts in the sink's shape (see docs/claims.md).
Direct quotes come from quote marks (:mod:`.quotes`), reported speech from the parse
(:mod:`.reported`); the two are merged so a quote takes the cue and source of the clause
that reports it. Numbers come from :mod:`.numbers`, scores from :mod:`.worthiness`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from streams.nlp.doctext import release, text_of

from .lexicon import cue_classes
from .numbers import find_quantities
from .quotes import ALL_MARKS, find_quote_spans, has_quote_marks, is_title, word_count
from .reported import (
    Attribution,
    find_attributions,
    find_subject,
    left_subject,
    plausible_source,
)
from .speakers import SPEAKER_LABELS, EntityIndex, Mention, link, mention_span, role_speaker
from .worthiness import score

__all__ = ["extract_claims"]

_NEAR = 160  # characters around a quote searched for its cue verb
# Longest attribution (speaker, description, cue) joining two quotes into one claim.
_TAIL = 300
# What may lie between a content span's edge and the quote mark it widens to.
_MARK_TAIL = " .,;:!?\u2026" + ALL_MARKS


@dataclass
class _Claim:
    start: int
    end: int
    kind: str
    cue: Token | None = None
    cue_text: str | None = None
    source: Token | None = None
    cls: str | None = None
    fragments: list[tuple[int, int]] = field(default_factory=list)
    fallback: Mention | None = None  # speaker entity when no source token was found


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _inside(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _para_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _nearby_cue(doc: Doc, q: tuple[int, int], qspans, qstarts) -> tuple[Token, Token] | None:
    """Nearest speech verb with a subject in the quote's paragraph, outside quotes."""
    cues = cue_classes()
    ps, pe = _para_bounds(text_of(doc), q[0])
    lo, hi = max(ps, q[0] - _NEAR), min(pe, q[1] + _NEAR)
    span = doc.char_span(lo, hi, alignment_mode="expand")
    if span is None:
        return None
    best = None
    for tok in span:
        if tok.pos_ != "VERB" or cues.get(tok.lemma_.lower()) != "speech":
            continue
        if _inside(tok.idx, qspans, qstarts):
            continue
        src = find_subject(tok)
        if src is None or _inside(src.idx, qspans, qstarts):
            # the parser hung the verb on the quote's clause ('"We will win," Chief Jane Roe
            # said' with said a conjunct of win): the name right before it
            src = left_subject(tok)
        if src is None or _inside(src.idx, qspans, qstarts):
            continue
        dist = q[0] - tok.idx if tok.idx < q[0] else tok.idx - q[1]
        if best is None or dist < best[0]:
            best = (dist, tok, src)
    return (best[1], best[2]) if best else None


def _colon_intro(doc: Doc, q: tuple[int, int]) -> tuple[Token, Token] | None:
    """A quote that opens the paragraph after one ending in a colon ('He said: / "..."'): the
    last cue verb of that paragraph with its subject."""
    text = text_of(doc)
    ps, _ = _para_bounds(text, q[0])
    if text[ps : q[0]].strip():
        return None
    before = text[:ps].rstrip()
    if not before.endswith(":"):
        return None
    span = doc.char_span(
        _para_bounds(text, len(before) - 1)[0], len(before), alignment_mode="expand"
    )
    if span is None:
        return None
    cues = cue_classes()
    for tok in reversed(span):
        if tok.pos_ == "VERB" and cues.get(tok.lemma_.lower()):
            src = find_subject(tok) or left_subject(tok)
            return (tok, src) if src is not None else None
    return None


def _governing_subject(doc: Doc, q: tuple[int, int]) -> tuple[Token, Token] | None:
    """The verb a cue-less quote hangs on and its person-like subject: 'Trump summed up
    Clinton as "terrible"' -> (summed, Trump), not the nearest name (Clinton)."""
    span = doc.char_span(q[0], q[1], alignment_mode="expand")
    if span is None:
        return None
    tok = span.root
    for _ in range(8):
        if tok.head is tok:
            return None
        tok = tok.head
        if q[0] <= tok.idx < q[1] or tok.pos_ not in ("VERB", "AUX"):
            continue
        src = find_subject(tok)
        if src is None or q[0] <= src.idx < q[1]:
            continue
        if src.pos_ == "PRON" and src.lower_ in ("it", "this", "that", "there", "which"):
            return None
        return (tok, src) if plausible_source(src) else None
    return None


def _nearest_entity(doc: Doc, q: tuple[int, int], index: EntityIndex) -> Mention | None:
    """Baseline fallback: nearest PERSON/ORG mention in the quote's sentences, outside it."""
    span = doc.char_span(q[0], q[1], alignment_mode="expand")
    if span is None:
        return None
    s0 = span[0].sent.start_char
    s1 = span[-1].sent.end_char
    best = None
    for m in index.overlapping(s0, s1):
        if m.label not in ("PERSON", "ORG") or _overlap(m.start, m.end, *q):
            continue
        dist = q[0] - m.end if m.end <= q[0] else m.start - q[1]
        if best is None or dist < best[0]:
            best = (dist, m)
    return best[1] if best else None


def _continues(text: str, prev: _Claim, q: tuple[int, int]) -> bool:
    """A quote that opens a paragraph right after a quoted paragraph continues its speaker."""
    if prev.kind != "quote" or prev.source is None:
        return False
    ps, _ = _para_bounds(text, q[0])
    if text[ps : q[0]].strip():
        return False
    between = text[prev.end : ps]
    return between.count("\n") <= 3 and len(between.strip()) < 120


def _snap_to_marks(text: str, a: Attribution, qspans, qstarts) -> None:
    """Widen a parsed content span that stops at a quote's marks to take them in: the parser
    hangs the closing mark (and the full stop inside it) on the verb, so 'called the plan "a
    disaster."' reads 'the plan "a disaster' without this."""
    k = bisect.bisect_right(qstarts, a.end) - 1
    if k >= 0 and qspans[k][0] < a.end < qspans[k][1]:
        if not text[a.end : qspans[k][1]].strip(_MARK_TAIL):
            a.end = qspans[k][1]
    k = bisect.bisect_right(qstarts, a.start) - 1
    if k >= 0 and qspans[k][0] < a.start < qspans[k][1]:
        if not text[qspans[k][0] : a.start].strip(_MARK_TAIL):
            a.start = qspans[k][0]


def _follows_attribution(text: str, prev: _Claim, q: tuple[int, int]) -> bool:
    """A quote with no cue of its own that opens the sentence after '"A," said X ...', in the
    same paragraph."""
    if prev.kind != "quote" or prev.cue is None or prev.source is None:
        return False
    if not prev.end <= prev.cue.idx < q[0] or not prev.end <= prev.source.idx < q[0]:
        return False
    between = text[prev.end : q[0]]
    return (
        len(between) <= _TAIL
        and "\n" not in between
        and not has_quote_marks(between)
        and between.rstrip().endswith((".", ":"))
        and not text[prev.cue.sent.end_char : q[0]].strip()
    )


def _quote_claims(doc: Doc, atts: list[Attribution], index: EntityIndex) -> list[_Claim]:
    """Merge quote-mark spans with parsed attributions into quote/reported claims."""
    text = text_of(doc)
    qspans = find_quote_spans(text)
    qstarts = [s for s, _ in qspans]
    atts = [a for a in atts if a.cue is None or not _inside(a.cue.idx, qspans, qstarts)]
    for a in atts:
        _snap_to_marks(text, a, qspans, qstarts)
    # Attributions by start, so each quote looks only at those that can overlap it (not all:
    # thousands of quotes and attributions made this quadratic).
    order = sorted(range(len(atts)), key=lambda k: atts[k].start)
    att_starts = [atts[k].start for k in order]
    longest = max((a.end - a.start for a in atts), default=0)
    used: set[int] = set()
    claims: list[_Claim] = []
    absorbed: set[int] = set()
    for qi, q in enumerate(qspans):
        near_q = order[
            bisect.bisect_right(att_starts, q[0] - longest) : bisect.bisect_left(att_starts, q[1])
        ]
        cands = [(k, atts[k]) for k in sorted(near_q) if _overlap(atts[k].start, atts[k].end, *q)]
        mixed = [
            (k, a)
            for k, a in cands
            if a.start <= q[0]
            and a.end >= q[1]
            and word_count(text, (a.start, a.end)) - word_count(text, q) >= 3
        ]
        if mixed:
            absorbed.add(qi)
            continue
        c = _Claim(q[0], q[1], "quote", fragments=[q])
        title = is_title(text, q)
        if title and word_count(text, q) > 1:
            continue  # "The Walking Dead": a title or slogan, not speech
        if cands:
            k, a = min(cands, key=lambda ka: abs(ka[1].cue.idx - q[0]) if ka[1].cue else 0)
            used.add(k)
            c.cue, c.cue_text, c.source, c.cls = a.cue, a.cue_text, a.source, a.cls
        elif claims and _follows_attribution(text, claims[-1], q):
            # '"A," said X, a ... . "B."': B goes on with what X said
            last = claims[-1]
            c.cue, c.cue_text, c.source, c.cls = last.cue, last.cue_text, last.source, last.cls
        elif intro := _colon_intro(doc, q):
            c.cue, c.source, c.cue_text = intro[0], intro[1], intro[0].text
            c.cls = cue_classes().get(intro[0].lemma_.lower())
        else:
            near = _nearby_cue(doc, q, qspans, qstarts)
            if near:
                c.cue, c.source, c.cls = near[0], near[1], "speech"
                c.cue_text = near[0].text
            elif not title and (gov := _governing_subject(doc, q)):
                c.cue, c.source, c.cls, c.cue_text = gov[0], gov[1], None, gov[0].text
            else:
                c.fallback = _nearest_entity(doc, q, index)
                prev = claims[-1] if claims else None
                if c.fallback is None and prev is not None and _continues(text, prev, q):
                    c.cue, c.cue_text, c.source, c.cls = (
                        prev.cue,
                        prev.cue_text,
                        prev.source,
                        prev.cls,
                    )
        if title and c.cue is None:
            continue  # a capitalised word in quotes that nobody says
        claims.append(c)
    for k, a in enumerate(atts):
        if k in used:
            continue
        if any(_overlap(a.start, a.end, c.start, c.end) > 0.5 * (a.end - a.start) for c in claims):
            continue
        kind = "quote" if has_quote_marks(text[a.start : a.end]) else "reported"
        claims.append(_Claim(a.start, a.end, kind, a.cue, a.cue_text, a.source, a.cls))
    claims.sort(key=lambda c: (c.start, c.end))
    return _drop_nested(_drop_scare_quotes(text, _merge_split(text, claims)))


def _drop_scare_quotes(text: str, claims: list[_Claim]) -> list[_Claim]:
    """A one- or two-word quote that nobody says (no cue, no speaker near) is a scare quote
    or a term ('the "pivot"', '"citizen journalists"'), not a claim."""
    return [
        c
        for c in claims
        if not (
            c.kind == "quote"
            and len(c.fragments) == 1
            and c.cue is None
            and c.fallback is None
            and word_count(text, c.fragments[0]) <= 2
        )
    ]


def _drop_nested(claims: list[_Claim]) -> list[_Claim]:
    """Drop a reported claim that lies inside another reported claim's content: 'officials
    said the mayor wants to raise taxes' is one attribution (the officials'), not also the
    mayor's want. PolNeAR marks the outer one only (102 of 14,668 dev attributions are nested
    in another), and so does a reader tracking who said what."""
    dropped: set[int] = set()
    host: _Claim | None = None  # the reported claim reaching furthest right so far
    for c in sorted(claims, key=lambda c: (c.start, -c.end)):
        if c.kind != "reported":
            continue
        if host is not None and c.end <= host.end and host.end - host.start > c.end - c.start:
            dropped.add(id(c))
        elif host is None or c.end > host.end:
            host = c
    return [c for c in claims if id(c) not in dropped]


def _attribution_tail(text: str, prev: _Claim, c: _Claim) -> bool:
    """The words between two quotes of one speaker are only the attribution, however long the
    speaker's description: '"A," said Jane Roe, a teacher who ... . "B."' (no other quote in
    between, and not a page of text)."""
    between = text[prev.end : c.start]
    return len(between) <= _TAIL and not has_quote_marks(between)


def _joins(text: str, prev: _Claim, c: _Claim) -> bool:
    """Quote c goes on with quote prev: '"A," he said, "B."' (c has no cue of its own or
    prev's, which lies between them)."""
    return (
        prev.kind == "quote"
        and c.kind == "quote"
        and bool(c.fragments)
        and bool(prev.fragments)
        and prev.cue is not None
        and (c.cue is None or c.cue.i == prev.cue.i)
        and prev.end <= prev.cue.idx < c.start
        and (c.start - prev.end <= 120 or _attribution_tail(text, prev, c))
        and "\n" not in text[prev.end : c.start]
    )


def _merge_split(text: str, claims: list[_Claim]) -> list[_Claim]:
    """Join '"A," he said, "B."' into one claim with two fragments."""
    out: list[_Claim] = []
    for c in claims:
        prev = out[-1] if out else None
        if prev is not None and _joins(text, prev, c):
            prev.fragments.append((c.start, c.end))
            prev.end = c.end
            continue
        if (
            prev is not None
            and prev.kind == "reported"
            and c.kind == "quote"
            and c.fragments
            and prev.cue is not None
            and (c.cue is None or c.cue.i == prev.cue.i)
            and prev.end <= c.start
            and not text[prev.end : c.start].strip(" :,")
        ):
            # 'said she sent the same text: "Do you feel the bern?"': one mixed quote
            prev.kind, prev.end = "quote", c.end
            continue
        if c.kind == "quote" and prev is not None and prev.kind == "reported":
            # reported claims inside the attribution between two quotes ('"A," said X, using
            # a phrase the mayor coined to describe the plan. "B."') do not part them
            k = len(out) - 1
            while k > 0 and out[k].kind == "reported":
                k -= 1
            first = out[k]
            if all(o.start >= first.end for o in out[k + 1 :]) and _joins(text, first, c):
                first.fragments.append((c.start, c.end))
                first.end = c.end
                continue
        out.append(c)
    return out


def _sentence_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    assert span is not None  # "expand" snaps to token bounds; None only for empty/out-of-range
    sent = span[0].sent
    s, e = sent.start_char, sent.end_char
    while e > s and text_of(doc)[e - 1].isspace():
        e -= 1
    return s, e


def extract_claims(doc: Doc, entities: list[dict]) -> list[dict]:
    """Claims of a parsed article; speaker entity ids always refer to ``entities``."""
    try:
        return _extract(doc, entities)
    finally:
        release()


# A numeric claim's text is its whole sentence: a run-on "sentence" of thousands of numbers
# would be copied once per number (a 24 KB input made a 24 MB record). No checkable claim is
# this long, so such numbers are not claims.
MAX_NUMERIC_SENTENCE_CHARS = 1000


# Verbs that give a number's source besides the speech cues: "volunteers put the number at",
# "the agency estimated", "organisers counted".
_NUMBER_CUES = frozenset(
    {"put", "estimate", "count", "tally", "peg", "place", "reckon", "report", "record", "number"}
)


def _number_source(doc: Doc, start: int, end: int) -> tuple[Token, Token] | None:
    """The nearest cue verb governing a number, with its subject: (verb, source), else None.
    Walks up from the number, so in "officials said 4,000 ..., while volunteers put the number
    at 9,000" each number finds its own source."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    cues = cue_classes()
    tok = span.root
    for _ in range(12):
        if tok.head is tok:
            break
        tok = tok.head
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") and (cues.get(lemma) == "speech" or lemma in _NUMBER_CUES):
            src = find_subject(tok)
            if src is not None and not (start <= src.idx < end) and plausible_source(src):
                return tok, src
    return None


def _source(
    tok: Token, text: str, index: EntityIndex, skip: tuple[int, int]
) -> tuple[dict | None, dict]:
    """(speaker, speaker_mention) for a source token: the entity it names, else the role or
    group it is ("officials", "police"), else no speaker; never an unrelated entity."""
    ms = mention_span(tok)
    mention = {"start": ms[0], "end": ms[1], "text": text[ms[0] : ms[1]]}
    ent = link(tok, ms, index, skip=skip)
    if ent is not None and ent.label in SPEAKER_LABELS:
        return {"entity_id": ent.entity_id, "name": ent.name}, mention
    return role_speaker(tok, ms), mention


def _extract(doc: Doc, entities: list[dict]) -> list[dict]:
    text = text_of(doc)
    index = EntityIndex(entities)
    claims = _quote_claims(doc, find_attributions(doc), index)
    records: list[tuple[_Claim, dict]] = []
    for c in claims:
        speaker = mention = None
        if c.source is not None:
            speaker, mention = _source(c.source, text, index, (c.start, c.end))
        elif c.fallback is not None:
            m = c.fallback
            mention = {"start": m.start, "end": m.end, "text": text[m.start : m.end]}
            speaker = {"entity_id": m.entity_id, "name": m.name}
        body = text[c.start : c.end]
        rec: dict = {
            "id": "",
            "kind": c.kind,
            "text": body,
            "span": {"start": c.start, "end": c.end},
            "speaker": speaker,
            "speaker_mention": mention,
            "cue": c.cue_text,
            "quantity": None,
            "check_worthiness": score(
                body, c.kind, c.cls, speaker is not None, mention is not None, False
            ),
        }
        if len(c.fragments) > 1:
            rec["fragments"] = [{"start": s, "end": e} for s, e in c.fragments]
        records.append((c, rec))
    spans = [(c.start, c.end, r) for c, r in records]
    for q in find_quantities(doc):
        s, e = _sentence_span(doc, q.start, q.end)
        if e - s > MAX_NUMERIC_SENTENCE_CHARS:
            continue
        host = next((r for a, b, r in spans if a <= q.start and q.end <= b), None)
        body = text[s:e]
        speaker = host["speaker"] if host else None
        mention = host["speaker_mention"] if host else None
        cue = host["cue"] if host else None
        own = _number_source(doc, q.start, q.end)
        if own is not None:  # "..., while volunteers put the number at 9,000": its own source
            speaker, mention = _source(own[1], text, index, (s, e))
            cue = own[0].text
        rec = {
            "id": "",
            "kind": "numeric",
            "text": body,
            "span": {"start": s, "end": e},
            "speaker": speaker,
            "speaker_mention": mention,
            "cue": cue,
            "quantity": {
                "value": int(q.value) if float(q.value).is_integer() else q.value,
                "value_max": (
                    int(q.value_max)
                    if q.value_max is not None and float(q.value_max).is_integer()
                    else q.value_max
                ),
                "unit": q.unit,
                "qualifier": q.qualifier,
                **({"vague": True} if q.vague else {}),
            },
            "check_worthiness": score(
                body, "numeric", None, speaker is not None, mention is not None, True
            ),
        }
        records.append((None, rec))  # type: ignore[arg-type]
    out = sorted((r for _, r in records), key=lambda r: (r["span"]["start"], r["span"]["end"]))
    for n, r in enumerate(out, 1):
        r["id"] = f"c{n}"
    return out
