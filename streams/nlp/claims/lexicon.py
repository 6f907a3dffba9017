"""Word lists for claim extraction, read once from ``streams/data/claims``.

Cue verbs, role nouns, pronouns, qualifiers and worthiness signals live in TSV files so that
they can be reviewed and extended without touching code.
"""

from __future__ import annotations

import functools

from streams.resources import data_dir

DATA_DIR = data_dir("claims")


def _rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, without comments and blank lines."""
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


@functools.cache
def cue_classes() -> dict[str, str]:
    """Cue lemma -> class (speech, belief, evidence); the first listed class wins."""
    out: dict[str, str] = {}
    for row in _rows("cues.tsv"):
        out.setdefault(row[0], row[1])
    return out


@functools.cache
def topic_preps() -> dict[str, frozenset[str]]:
    """Cue lemma -> prepositions whose object is the content ("talk about X")."""
    return {r[0]: frozenset(r[2].split(",")) for r in _rows("cues.tsv") if len(r) > 2}


@functools.cache
def adjective_cues() -> frozenset[str]:
    """Predicate adjectives that report a belief or stance ("confident that", "critical of")."""
    return frozenset(r[0] for r in _rows("adj_cues.tsv"))


@functools.cache
def impression_verbs() -> frozenset[str]:
    """Verbs of impression ("seem", "appear") whose clause is a reported impression."""
    return frozenset(r[0] for r in _rows("impressions.tsv"))


@functools.cache
def noun_cues() -> dict[str, frozenset[str]]:
    """Cue noun -> prepositions whose object is the content ("support for X")."""
    out = {}
    for row in _rows("noun_cues.tsv"):
        preps = row[1] if len(row) > 1 else ""
        out[row[0]] = frozenset(p for p in preps.split(",") if p)
    return out


@functools.cache
def according_phrases() -> tuple[tuple[str, ...], ...]:
    """Multi-word source markers such as "according to", as lower-case word tuples."""
    return tuple(tuple(r[0].lower().split()) for r in _rows("according.tsv"))


@functools.cache
def source_nouns() -> dict[str, str]:
    """Document and statement nouns that source a clause after "in" ("in a new poll, ..."),
    with their kind: ``document`` (a poll, a report: the source itself) or ``medium`` (an
    interview, a video: the person speaking in it is the source)."""
    return {r[0]: r[1] for r in _rows("source_nouns.tsv")}


@functools.cache
def role_nouns() -> dict[str, str]:
    """Role noun lemma -> entity label it refers back to ("the president" -> PERSON)."""
    return {r[0]: r[1] for r in _rows("roles.tsv")}


@functools.cache
def pronoun_labels() -> dict[str, tuple[str, ...]]:
    """Pronoun -> entity labels it may resolve to, most likely first."""
    return {r[0]: tuple(r[1].split(",")) for r in _rows("pronouns.tsv")}


@functools.cache
def qualifiers() -> list[tuple[tuple[str, ...], str]]:
    """(phrase words, normalised qualifier), longest phrase first."""
    rows = [(tuple(r[0].lower().split()), r[1]) for r in _rows("qualifiers.tsv")]
    return sorted(rows, key=lambda r: -len(r[0]))


@functools.cache
def rate_units() -> list[tuple[tuple[str, ...], str]]:
    """(phrase words, unit suffix) for rates such as "a day" -> "/day", longest first."""
    rows = [(tuple(r[0].lower().split()), r[1]) for r in _rows("units.tsv")]
    return sorted(rows, key=lambda r: -len(r[0]))


@functools.cache
def worthiness_terms() -> dict[str, frozenset[str]]:
    """Signal class (strong, opinion) -> lower-case words and phrases."""
    out: dict[str, set[str]] = {}
    for term, cls in _rows("worthiness.tsv"):
        out.setdefault(cls, set()).add(term.lower())
    return {k: frozenset(v) for k, v in out.items()}
