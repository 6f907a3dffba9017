"""Name normalisation shared by the gazetteer build and the lookup, so both sides agree on keys."""

from __future__ import annotations

import functools
import re
import unicodedata

_PUNCT = re.compile(r"[.\u2019'`]")
_SEP = re.compile(r"[\s\-\u2010-\u2015/]+")
_ABBREV = (("saint ", "st "), ("sainte ", "ste "), ("mount ", "mt "), ("fort ", "ft "))
# letters that carry no combining accent, so NFKD leaves them whole: English news writes
# "Pulawy" for Puławy, "Dogubayazit" for Doğubayazıt, "Ostfold" for Østfold
_PLAIN = str.maketrans(
    {"ł": "l", "ı": "i", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe"}
)


@functools.lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Fold case, accents, dots and dashes: 'São Paulo' and 'Sao-Paulo' share one key."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub("", text.lower().translate(_PLAIN)).replace("&", " and ")
    text = _SEP.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def has_plain_letters(text: str) -> bool:
    """Whether the fold rewrites a letter of text ("Bełk"): such a spelling is the local one,
    and its plain form an English spelling, as an alternate name is."""
    return text.lower() != text.lower().translate(_PLAIN)


def alias_key(text: str) -> str:
    """Aliases written with dots ('Mo.', 'D.C.') keep them, so 'Miss' or 'La' never match."""
    if "." in text:
        return "dot:" + re.sub(r"\s+", "", text.lower())
    return norm(text)


def variants(text: str) -> set[str]:
    """Keys a name is indexed under: the folded form plus its 'Saint'/'St' style twins."""
    key = norm(text)
    out = {key} if key else set()
    for long, short in _ABBREV:
        if key.startswith(long):
            out.add(short + key[len(long) :])
        elif key.startswith(short):
            out.add(long + key[len(short) :])
    return out


def is_latin(text: str) -> bool:
    """True when every letter is Latin script; other scripts cannot occur in English news text."""
    for ch in text:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True
