"""Input checks that turn unusable input into a clear InputError before any parsing.

The clean stage sits on a stream: one pathological page must fail fast with a reason for the
dead-letter topic instead of stalling the worker.
"""

from __future__ import annotations

import re

from streams.nlp.errors import InputError

MAX_TEXT_CHARS = 2_000_000
MAX_HTML_CHARS = 8_000_000
MAX_DEPTH = 180
_SAMPLE = 200_000
# C0 control characters other than the whitespace ones (\t \n \v \f \r).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")


def check_text(text: object, *, kind: str, max_chars: int) -> str:
    """Return ``text`` if it looks like real decoded text, else raise InputError."""
    if not isinstance(text, str):
        raise InputError(f"{kind} input must be str, got {type(text).__name__}")
    if not text or text.isspace():
        raise InputError(f"empty {kind} input")
    if len(text) > max_chars:
        raise InputError(f"{kind} input too large: {len(text)} chars > {max_chars}")
    sample = text[:_SAMPLE]
    if "\x00" in sample:
        raise InputError(f"binary-looking {kind} input: contains NUL characters")
    control = len(_CONTROL.findall(sample))
    if control > 0.02 * len(sample):
        raise InputError(f"binary-looking {kind} input: {control} control characters")
    bad = sample.count("\ufffd")
    if bad > 8 and bad > 0.01 * len(sample.strip()):
        raise InputError(f"{kind} input is not valid text: {bad} replacement characters")
    return text
