"""The English model's two rule components, with the packaged output at a fraction of the cost.

On the small model they take about 15 ms of its 100 ms an article, spent in Python work per
token rather than in the rules. :func:`use_faster_rules` swaps in:

- :class:`IndexedAttributeRuler`: spaCy's ``AttributeRuler`` (the tag map and exceptions, 179
  rules) runs its ``Matcher`` with every rule at every token, for rules that are almost all
  one token with fixed values. This one keeps the rules, their order and spaCy's code that
  applies them; only the search differs. Each rule is filed under its first token's word, tag
  or dependency, so a token is tried against the rules filed under its own values. Rules the
  index cannot read (operators, other predicates or attributes) stay with a ``Matcher``.
- :class:`MemoLemmatizer`: spaCy's rule lemmatizer caches only some answers and builds a
  Token for every token. A lemma is a function of the word, its part of speech and its
  morphology, so this one remembers every answer by those three, reading and writing arrays.

A test checks on the model that the pipeline's output is the packaged pipeline's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, cast

from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Token attributes the index reads: string-valued ones compare by hash, flags as 0/1.
STRINGS = ("ORTH", "LOWER", "NORM", "TAG", "DEP")
FLAGS = ("IS_SPACE", "IS_PUNCT", "IS_DIGIT", "IS_ALPHA")
COLUMNS = {name: i for i, name in enumerate(STRINGS + FLAGS)}
# What a rule is filed under: the first of these its first token fixes.
KEYS = ("LOWER", "ORTH", "TAG", "DEP", "IS_SPACE")

Test = Callable[[list[int]], bool]  # a token's row of COLUMNS values -> passes?
Rule = tuple[int, int, list[tuple[int, Test]]]  # rule number, tokens, (token offset, test)
Match = tuple[int, int, int, int]  # rule number, rule's matcher key, start, end
# Answers the lemmatizer keeps before it starts afresh (26 MB when full), so that a worker's
# memory stays bounded (spaCy's own lemmatizer cache grows without end); 800 news pages
# (530,000 words) gave 45,000.
MEMO_SIZE = 100_000


def use_faster_rules(nlp: Language) -> None:
    """Replace an English pipeline's attribute ruler and rule lemmatizer by the classes
    below, with the packaged rules and tables."""
    if "attribute_ruler" in nlp.pipe_names:
        packaged = cast(AttributeRuler, nlp.get_pipe("attribute_ruler"))
        ruler = nlp.replace_pipe("attribute_ruler", "indexed_attribute_ruler")
        cast(AttributeRuler, ruler).add_patterns(packaged.patterns)
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        if isinstance(lemmatizer, EnglishLemmatizer) and lemmatizer.mode == "rule":
            config = {"overwrite": lemmatizer.overwrite}
            memo = nlp.replace_pipe("lemmatizer", "memo_lemmatizer", config=config)
            cast(MemoLemmatizer, memo).initialize(lookups=lemmatizer.lookups)


class IndexedAttributeRuler(AttributeRuler):
    """spaCy's ``AttributeRuler`` whose ``match`` looks rules up by the token's values."""

    _index: _Index | None = None

    def add(self, patterns: Iterable[Any], attrs: dict, index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._index = None

    def clear(self) -> None:
        super().clear()
        self._index = None

    def match(self, doc: Doc) -> list[Match]:
        """What the packaged ``match`` returns, in the same order."""
        if self._index is None:
            self._index = _Index(self.vocab, self.patterns)
        return self._index.matches(doc)


class MemoLemmatizer(EnglishLemmatizer):
    """The English rule lemmatizer, its answers kept by (word, part of speech, morphology)."""

    def __init__(self, vocab: Vocab, name: str, overwrite: bool) -> None:
        super().__init__(vocab, None, name, mode="rule", overwrite=overwrite)
        self.memo: dict[tuple[int, int, int], int] = {}  # -> the lemma's string hash

    def __call__(self, doc: Doc) -> Doc:
        if not self._validated:
            self._validate_tables(Errors.E1004)
        memo = self.memo
        rows = doc.to_array(["ORTH", "POS", "MORPH", "LEMMA"])
        lemmas = rows[:, 3:].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.overwrite:
                continue
            key = (orth, pos, morph)
            if key not in memo:
                if len(memo) >= MEMO_SIZE:  # spaCy's own cache of rule lemmas too
                    memo.clear()
                    self.cache.clear()
                memo[key] = self.vocab.strings.add(self.rule_lemmatize(doc[i])[0])
            lemmas[i, 0] = memo[key]
        doc.from_array(["LEMMA"], cast(Any, lemmas))  # uint64, as to_array gave it
        return doc


@Language.factory("indexed_attribute_ruler")
def make_indexed_attribute_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name)


@Language.factory("memo_lemmatizer", default_config={"overwrite": False})
def make_memo_lemmatizer(nlp: Language, name: str, overwrite: bool) -> MemoLemmatizer:
    return MemoLemmatizer(nlp.vocab, name, overwrite)


class _Index:
    """The rules as token tests filed by first-token value, and a Matcher for the rest."""

    def __init__(self, vocab: Vocab, rules: list[dict[str, Any]]) -> None:
        self.vocab = vocab
        self.keys = [vocab.strings.add(str(i)) for i in range(len(rules))]
        self.filed: dict[tuple[int, int], list[Rule]] = defaultdict(list)
        self.everywhere: list[Rule] = []
        self.rest = Matcher(vocab)
        for number, rule in enumerate(rules):
            for pattern in rule["patterns"]:
                tests = [_tests(vocab, token) for token in pattern]
                if any(t is None for t in tests):
                    self.rest.add(self.keys[number], [pattern])
                    continue
                name, keys = _filed_under(vocab, pattern[0])
                checks = [
                    (offset, test)
                    for offset, token in enumerate(tests)
                    for attribute, test in token or ()
                    if not (offset == 0 and attribute == name)  # the filing checked it
                ]
                for key in keys:
                    self.filed[key].append((number, len(pattern), checks))
                if not keys:
                    self.everywhere.append((number, len(pattern), checks))

    def matches(self, doc: Doc) -> list[Match]:
        rows = doc.to_array(list(COLUMNS)).tolist()
        keyed = [COLUMNS[name] for name in KEYS]
        found = []
        for start, row in enumerate(rows):
            candidates = self.everywhere[:]
            for column in keyed:
                candidates += self.filed.get((column, row[column]), ())
            for number, length, checks in candidates:
                end = start + length
                if end <= len(rows) and all(test(rows[start + i]) for i, test in checks):
                    found.append((number, self.keys[number], start, end))
        if len(self.rest):
            for key, start, end in self.rest(doc, allow_missing=True):
                found.append((int(self.vocab.strings[key]), key, start, end))
        found.sort()
        return found


def _filed_under(vocab: Vocab, token: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
    """The attribute, and the (column, value) keys, that a rule whose first token is ``token``
    is filed under; no keys when it fixes none of KEYS (then it is tried at every token)."""
    for name in KEYS:
        value = token.get(name)
        if name in FLAGS and value is True:
            return name, [(COLUMNS[name], 1)]
        if name in STRINGS and isinstance(value, str):
            return name, [(COLUMNS[name], vocab.strings.add(value))]
        if name in STRINGS and isinstance(value, dict) and list(value) == ["IN"]:
            return name, [(COLUMNS[name], vocab.strings.add(v)) for v in value["IN"]]
    return "", []


def _tests(vocab: Vocab, token: dict[str, Any]) -> list[tuple[str, Test]] | None:
    """(attribute, test) for each attribute of a pattern token; None if any is beyond the
    index (then the rule stays with the Matcher)."""
    tests = []
    for name, value in token.items():
        column = COLUMNS.get(name)
        test = None if column is None else _test(vocab, column, name in FLAGS, value)
        if test is None:
            return None
        tests.append((name, test))
    return tests


def _test(vocab: Vocab, column: int, flag: bool, value: Any) -> Test | None:
    """The Matcher's meaning of a fixed value, IN, NOT_IN and REGEX (a search in the
    attribute's string): the predicates the packaged rules use."""
    if flag:
        return (lambda row: row[column] == value) if isinstance(value, bool) else None
    if isinstance(value, str):
        wanted = vocab.strings.add(value)
        return lambda row: row[column] == wanted
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((predicate, argument),) = value.items()
    if predicate in ("IN", "NOT_IN") and all(isinstance(v, str) for v in argument):
        among = frozenset(vocab.strings.add(v) for v in argument)
        if predicate == "IN":
            return lambda row: row[column] in among
        return lambda row: row[column] not in among
    if predicate == "REGEX" and isinstance(argument, str):
        search, strings = re.compile(argument).search, vocab.strings
        return lambda row: search(strings[row[column]]) is not None
    return None
