"""String normalisation used to decide that two surface forms name the same thing."""

from __future__ import annotations

import re

_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " "})
_DROP = re.compile(r"[.\u2010-\u2015-]")
_SPACE = re.compile(r"\s+")
_THE = re.compile(r"^the\s+")


def norm_key(text: str) -> str:
    """Lower-case, dot- and hyphen-free, single-spaced form, without a leading "the".

    "U.S." and "US", "Al-Ain" and "AL AIN", "The Fed" and "Fed" collapse to one key.
    """
    s = text.translate(_APOS).lower()
    s = _DROP.sub(lambda m: "" if m.group(0) == "." else " ", s)
    s = _SPACE.sub(" ", s).strip()
    return _THE.sub("", s)


def is_all_caps(text: str) -> bool:
    """True if every cased character is upper case and there are at least two letters."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
