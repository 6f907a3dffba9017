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

from .lexicon import qualifiers, rate_units
from .textcache import text_of

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
    for ent in doc.ents:
        if ent.label_ not in LABELS or _is_noise(ent):
            continue
        text, unit, qual = _number_text(ent)
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
        out.append(Quantity(ent.start_char, ent.end_char, value, value_max, unit, qual))
    return out
