"""``Doc.text`` rebuilt once per document.

spaCy joins all tokens each time ``doc.text`` is read; claim extraction reads it per
candidate, so the text is cached for the document being processed.
"""

from __future__ import annotations

from spacy.tokens import Doc

_current: list = [None, ""]


def text_of(doc: Doc) -> str:
    """The document text, computed once while the same document is being processed."""
    if _current[0] is not doc:
        _current[0], _current[1] = doc, doc.text
    return _current[1]


def release() -> None:
    """Drop the cached document so it can be freed."""
    _current[0], _current[1] = None, ""
