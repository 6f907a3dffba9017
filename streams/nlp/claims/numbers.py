"""Numeric claims: counts, amounts, percentages and money with their qualifier and unit.

spaCy's CARDINAL/MONEY/PERCENT/QUANTITY entities locate the numbers; ``text2num`` reads
spelled-out numbers ("five million"); the counted noun and rate ("arrests a day") come from
the parse, the qualifier ("at least") from ``qualifiers.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span
from text_to_num import alpha2digit, text2num

from streams.nlp.doctext import text_of

from .lexicon import qualifiers, rate_units

LABELS = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "bn": 1e9,
    "mn": 1e6,
    "tn": 1e12,
}
_CURRENCY = {
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "¥": "JPY",
    "yen": "JPY",
    "cents": "USD-cent",
}
# Leading space only from the start of a run (?<!\s): retrying inside a long run is quadratic.
_RANGE = re.compile(r"(?:(?<!\s)\s+)?(?:-|–|—|\bto\b|\band\b|\bor\b)\s*")
_NUM = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass
class Quantity:
    """A number found in the text, with what it counts."""

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str | None
    qualifier: str | None
    # "hundreds of residents": no value is stated; ``value`` is the phrase's lower bound
    # (200) and ``qualifier`` the phrase ("hundreds")
    vague: bool = False


# Vague quantities: "dozens", "hundreds", "tens of thousands", "several hundred". Their value
# is a lower bound: a plural scale is at least two of it ("hundreds" >= 200, "tens of
# thousands" >= 20,000), "a few"/"several" hundred at least two hundred.
_VAGUE_SCALES = {"dozen": 12, "score": 20, "hundred": 100, "thousand": 1e3, "million": 1e6}
_VAGUE_SCALES |= {"billion": 1e9, "trillion": 1e12}
_VAGUE_OUTER = {"tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000}
_VAGUE_PLURAL = re.compile(
    r"(?:(tens|dozens|hundreds|thousands)\s+of\s+)?"
    r"(dozens|scores|hundreds|thousands|millions|billions|trillions)"
)
_PLURALS = frozenset({"dozens", "scores", "hundreds", "thousands", "millions", "billions"})
_VAGUE_FEW = re.compile(
    r"(a few|a couple of|several|many|some)\s+(dozen|hundred|thousand|million|billion)"
)


def vague_value(text: str) -> tuple[float, str] | None:
    """(lower bound, qualifier) of a vague amount ("Hundreds" -> (200, "hundreds")), else None."""
    low = " ".join(text.lower().split())
    m = _VAGUE_PLURAL.fullmatch(low)
    if m:
        outer = _VAGUE_OUTER[m.group(1)] if m.group(1) else 1
        return 2 * outer * _VAGUE_SCALES[m.group(2)[:-1]], low
    m = _VAGUE_FEW.fullmatch(low)
    if m:
        return 2 * _VAGUE_SCALES[m.group(2)], low
    return None


def _of_noun(tok) -> str | None:
    """The noun counted after 'of': "hundreds of residents" -> "residents"."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN"):
                    return g.lower_
    doc = tok.doc
    if tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "of" and doc[tok.i + 2].pos_ == "NOUN":
        return doc[tok.i + 2].lower_
    return None


def _vague_quantities(doc, taken: set[int]) -> list[Quantity]:
    """Vague amounts the model left untagged ("dozens of homes") or tagged as a number."""
    out = []
    i, n = 0, len(doc)
    while i < n:
        tok = doc[i]
        low = tok.lower_
        if i in taken or low not in _PLURALS:
            i += 1
            continue
        if low == "scores" and not (i + 1 < n and doc[i + 1].lower_ == "of"):
            i += 1
            continue
        a, b = i, i + 1
        # "tens of thousands of people": take the whole phrase
        if a >= 2 and doc[a - 1].lower_ == "of" and doc[a - 2].lower_ in _VAGUE_OUTER:
            a -= 2
        while b + 1 < n and doc[b].lower_ == "of" and doc[b + 1].lower_ in _PLURALS:
            if vague_value(doc[a : b + 2].text) is None:
                break
            b += 2
        hit = vague_value(doc[a:b].text)
        if hit is not None and not any(k in taken for k in range(a, b)):
            value, qual = hit
            unit = _of_noun(doc[b - 1])
            out.append(
                Quantity(
                    doc[a].idx, doc[b - 1].idx + len(doc[b - 1]), value, None, unit, qual, True
                )
            )
            taken.update(range(a, b))
        i = b
    return out


def parse_number(s: str) -> float | None:
    """Value of a written number: "3,000", "2.5 million", "five million", "a dozen" -> float."""
    s = s.lower().replace(",", "").strip()
    s = re.sub(r"^(?:a|an)\s+(?=hundred|thousand|million|billion|dozen)", "one ", s)
    if s in ("one dozen", "dozen"):
        return 12.0
    if not s:
        return None
    if _NUM.match(s):
        return float(s)
    words = s.replace("-", " ").split()
    if _NUM.match(words[0]) and all(w in _SCALES for w in words[1:]):
        v = float(words[0])
        for w in words[1:]:
            v *= _SCALES[w]
        return v
    m = re.match(r"^(\d+(?:\.\d+)?)(k|m|bn|mn|tn)$", s)
    if m:
        return float(m.group(1)) * _SCALES[m.group(2)]
    try:
        return float(text2num(s, "en"))
    except ValueError:
        pass
    digits = alpha2digit(s, "en")
    if digits != s:
        return parse_number(digits)
    return None


def _number_text(ent: Span) -> tuple[str, str | None, str | None]:
    """Strip currency and percent words: (number text, unit, qualifier found inside)."""
    unit = None
    if ent.label_ == "PERCENT":
        unit = "%"
    words = [t.text for t in ent]
    low = [w.lower() for w in words]
    qual = None
    for phrase, norm in qualifiers():
        if tuple(low[: len(phrase)]) == phrase:
            qual, words, low = norm, words[len(phrase) :], low[len(phrase) :]
            break
    keep = []
    for w, lw in zip(words, low, strict=True):
        if lw in _CURRENCY:
            unit = _CURRENCY[lw]
        elif lw in ("%", "percent", "per", "cent", "percentage", "points"):
            unit = unit or "%"
        else:
            keep.append(w)
    text = " ".join(keep)
    for sym, code in _CURRENCY.items():
        if not sym.isalpha() and sym in text:
            unit, text = code, text.replace(sym, "")
    return text.strip(), unit, qual


def _qualifier_before(ent: Span) -> str | None:
    """Qualifier phrase immediately before the entity ("at least 3,000")."""
    doc = ent.doc
    for phrase, norm in qualifiers():
        n = len(phrase)
        if ent.start - n < 0:
            continue
        if tuple(t.lower_ for t in doc[ent.start - n : ent.start]) == phrase:
            return norm
    return None


def _counted(ent: Span) -> str | None:
    """The counted noun ("3,000 arrests" -> "arrests") plus a rate ("a day" -> "/day")."""
    doc = ent.doc
    root = ent.root
    noun = None
    if root.dep_ in ("nummod", "quantmod") and root.head.pos_ in ("NOUN", "PROPN"):
        noun = root.head
    elif ent.end < len(doc) and doc[ent.end].pos_ == "NOUN":
        noun = doc[ent.end]
    elif ent.label_ == "QUANTITY" and ent[-1].is_alpha:
        noun = ent[-1]
    if noun is None:
        return None
    unit = noun.lower_
    after = [t.lower_ for t in doc[noun.i + 1 : noun.i + 3]]
    for phrase, suffix in rate_units():
        if tuple(after[: len(phrase)]) == phrase:
            return unit + suffix
    return unit


def _is_noise(ent: Span) -> bool:
    """Ages, list numbering and markup ids are not claims."""
    doc = ent.doc
    nxt = doc[ent.end].lower_ if ent.end < len(doc) else ""
    nxt2 = doc[ent.end + 1].lower_ if ent.end + 1 < len(doc) else ""
    if nxt in ("-", "year") and nxt2.startswith("year") or nxt.startswith("year-old"):
        return True
    if "=" in text_of(doc)[max(0, ent.start_char - 12) : ent.start_char]:
        return True
    return False


def _year_like(ent: Span, value: float) -> bool:
    """ "2015", "the 2016 general election": a year, unless it counts a plural noun."""
    if not (1800 <= value <= 2100 and float(value).is_integer()) or "," in ent.text:
        return False
    root = ent.root
    return not (root.dep_ == "nummod" and root.head.tag_ in ("NNS", "NNPS"))


def find_quantities(doc) -> list[Quantity]:
    """Numbers worth tracking, in text order."""
    out = []
    taken: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in LABELS or _is_noise(ent):
            continue
        text, unit, qual = _number_text(ent)
        vague = vague_value(text) if unit is None else None
        if vague is not None:  # "Hundreds of residents": not the value 100
            taken.update(range(ent.start, ent.end))
            counted = _counted(ent) or _of_noun(ent[-1])
            out.append(
                Quantity(ent.start_char, ent.end_char, *vague[:1], None, counted, vague[1], True)
            )
            continue
        parts = [p for p in _RANGE.split(text) if p]
        if not parts:
            continue
        value = parse_number(parts[0])
        value_max = parse_number(parts[-1]) if len(parts) == 2 else None
        if value is None and len(parts) == 2:
            continue
        if value is None:
            value = parse_number(text)
        if value is None:
            continue
        if value_max is not None and len(parts[0].split()) == 1 and value_max >= 1000 > value:
            # "3 to 5 million": the scale belongs to both ends
            scale = parse_number("1 " + parts[-1].split()[-1]) if parts[-1].split() else None
            if scale and scale > 1:
                value *= scale
        counted = _counted(ent)
        if ent.label_ == "CARDINAL":
            if counted is None and value < 10:
                continue
            if _year_like(ent, value):
                continue
            unit = counted
        elif ent.label_ == "QUANTITY":
            unit = counted or unit
        elif unit is None:
            unit = counted
        prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        if prev in _CURRENCY and not prev.isalpha() and ent.label_ in ("MONEY", "CARDINAL"):
            unit = _CURRENCY[prev]  # "$" left outside the entity: "$15 wage"
        if unit == "%" or ent.label_ == "PERCENT":
            unit = "%"
        qual = qual or _qualifier_before(ent)
        taken.update(range(ent.start, ent.end))
        out.append(Quantity(ent.start_char, ent.end_char, value, value_max, unit, qual))
    out += _vague_quantities(doc, taken)
    out.sort(key=lambda q: q.start)
    return out
