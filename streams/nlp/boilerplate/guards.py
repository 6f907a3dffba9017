"""Input checks that turn unusable input into a clear InputError before any parsing.

The clean stage sits on a stream: one pathological page must fail fast with a reason for the
dead-letter topic instead of stalling the worker.
"""

from __future__ import annotations

from streams.nlp.errors import InputError

MAX_TEXT_CHARS = 2_000_000
MAX_HTML_CHARS = 8_000_000
MAX_DEPTH = 180
_SAMPLE = 200_000
# C0 control characters other than the whitespace ones (\t \n \v \f \r), as UTF-8 bytes:
# each is one byte there, and no byte of a multi-byte character is below 0x80.
_CONTROL_BYTES = bytes(c for c in range(0x20) if chr(c) not in "\t\n\v\f\r")


def _count_control(sample: str) -> int:
    """Control characters in ``sample``, counted on its UTF-8 bytes (deleting them with
    ``bytes.translate`` is several times faster than a regex scan of the text)."""
    data = sample.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


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
    control = _count_control(sample)
    if control > 0.02 * len(sample):
        raise InputError(f"binary-looking {kind} input: {control} control characters")
    bad = sample.count("\ufffd")
    if bad > 8 and bad > 0.01 * len(sample.strip()):
        raise InputError(f"{kind} input is not valid text: {bad} replacement characters")
    return text
