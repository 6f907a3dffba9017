"""The model as newsstream loads it (faster rule components, numpy's matrix products) gives
exactly what the packaged model gives."""

from __future__ import annotations

import functools

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from thinc.api import NumpyOps

from streams.nlp.model import MODEL, load_nlp
from streams.nlp.rule_components import IndexedAttributeRuler, MemoLemmatizer

# Made up to reach the packaged rules' exceptions: contractions, dialect forms, auxiliaries,
# negation, "there is", pronouns as objects, whitespace tokens, and plain news prose.
TEXTS = [
    "The mayor said on Tuesday that the council isn't gonna approve the budget, and y'all "
    "know it. \"We ain't done,\" she added.  Let's see what happens.",
    "There are 14 schools in the district; there's nothin' left to cut, c'mon.\n\nI told "
    "you it would rain, and it did. Do you have it? They had it, and he has had it since May.",
    "Whether or not the bill passes, unless the senators agree, it will be vetoed though "
    "the governor said she'd sign it. Don't worry: he doesn't, they won't, we can't.",
    "Shares of Acme Corp. rose 4.5% to $31.20 after the company's chief executive, Dana "
    "Whitfield, told analysts they were gonna beat forecasts. Got ta go, he said.",
]


@functools.cache
def packaged() -> Language:
    """The packaged model with the pipeline's own paragraph component, which is not what
    these tests compare."""
    nlp = spacy.load(MODEL)
    nlp.add_pipe("paragraph_starts", before="parser")
    return nlp


def _annotations(doc: Doc) -> list[tuple]:
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
        for t in doc
    ]


def test_the_pipeline_swaps_in_the_faster_components() -> None:
    nlp = load_nlp()
    assert nlp.pipe_names == packaged().pipe_names
    assert isinstance(nlp.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer"), MemoLemmatizer)


def test_every_layer_multiplies_through_numpy_not_blis() -> None:
    layers = [
        node
        for _, pipe in load_nlp().pipeline
        if getattr(pipe, "model", None) is not None
        for node in pipe.model.walk()
    ]
    assert layers
    assert all(isinstance(node.ops, NumpyOps) and not node.ops.use_blis for node in layers)


@pytest.mark.parametrize("text", TEXTS)
def test_same_annotations_as_the_packaged_model(text: str) -> None:
    assert _annotations(load_nlp()(text)) == _annotations(packaged()(text))


def test_same_annotations_when_piped_twice() -> None:
    """The lemmatizer's memory of earlier documents changes nothing."""
    nlp = load_nlp()
    first = [_annotations(d) for d in nlp.pipe(TEXTS)]
    again = [_annotations(d) for d in nlp.pipe(reversed(TEXTS))]
    assert again[::-1] == first == [_annotations(d) for d in packaged().pipe(TEXTS)]


def test_rules_beyond_the_index_are_matched_as_spacy_does() -> None:
    """Operators and other attributes go to spaCy's Matcher; the order of rules holds
    across both (a later rule overrides an earlier one on the same token)."""
    vocab = packaged().vocab
    rules = [
        {"patterns": [[{"LOWER": "big"}, {"IS_ALPHA": True, "OP": "+"}]], "attrs": {"TAG": "A"}},
        {"patterns": [[{"LOWER": "big"}]], "attrs": {"TAG": "B"}},
        {"patterns": [[{"LENGTH": 3}]], "attrs": {"LEMMA": "three"}},
        {"patterns": [[{"TAG": "B", "LOWER": {"REGEX": "^b"}}]], "attrs": {"POS": "ADJ"}},
        {"patterns": [[{"LOWER": {"NOT_IN": ["big", "the"]}}]], "attrs": {"NORM": "other"}},
    ]
    plain, indexed = AttributeRuler(vocab), IndexedAttributeRuler(vocab)
    for ruler in (plain, indexed):
        ruler.add_patterns(rules)
    words = ["the", "big", "red", "dog", "big"]
    docs = [Doc(vocab, words=words, tags=["DT", "B", "JJ", "NN", "B"]) for _ in range(2)]
    plain(docs[0])
    indexed(docs[1])
    as_read = [[(t.tag_, t.lemma_, t.pos_, t.norm_) for t in d] for d in docs]
    assert as_read[1] == as_read[0]
    assert as_read[1][1] == ("B", "three", "ADJ", "big")  # every rule reached it, in order


def test_the_lemmatizer_memory_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    from streams.nlp import rule_components

    monkeypatch.setattr(rule_components, "MEMO_SIZE", 5)
    nlp = load_nlp()
    lemmatizer = nlp.get_pipe("lemmatizer")
    lemmatizer.memo.clear()  # what earlier tests left
    got = [_annotations(d) for d in nlp.pipe(TEXTS)]
    assert len(lemmatizer.memo) <= 5 and len(lemmatizer.cache) <= 5
    assert got == [_annotations(d) for d in packaged().pipe(TEXTS)]
