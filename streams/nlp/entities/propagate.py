"""Find further occurrences of names the model recognised elsewhere in the same article.

News repeats names; the model misses some repeats (all-capitals headlines, surnames in lists).
One-sense-per-discourse: a form that names an entity once names it everywhere in the article.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc

from streams.nlp.entities.linking import Cluster
from streams.nlp.entities.spans import Mention, Regions


def _usable(form: tuple[str, ...], min_len: int) -> bool:
    if len(form) > 1:
        return True
    w = form[0]
    return len(w) >= min_len and w[:1].isupper() and any(c.isalpha() for c in w)


def propagate(
    doc: Doc, clusters: list[Cluster], regions: Regions, stop_words: set[str] | frozenset[str]
) -> None:
    """Add unrecognised exact repeats of known forms (case-insensitive in headlines)."""
    forms: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for ci, cl in enumerate(clusters):
        for m in cl.mentions:
            if m.quote_fragment:
                continue
            toks = tuple(t.text for t in doc[m.start:m.end])
            forms[toks].add(ci)
            if cl.label == "PERSON" and len(toks) >= 2:
                forms[toks[-1:]].add(ci)
    exact: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
    lower: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
    for form, cis in forms.items():
        if len(cis) != 1 or (len(form) == 1 and form[0].lower() in stop_words):
            continue
        ci = next(iter(cis))
        if _usable(form, 2):
            exact[form[0]].append((form, ci))
        if _usable(form, 3):
            low = tuple(w.lower() for w in form)
            lower[low[0]].append((low, ci))
    for table in (exact, lower):
        for cands in table.values():
            cands.sort(key=lambda fc: -len(fc[0]))

    n = len(doc)
    covered = [False] * n
    for cl in clusters:
        for m in cl.mentions:
            for k in range(m.start, m.end):
                covered[k] = True

    def capitalised(k: int, line: int) -> bool:
        if k < 0 or k >= n or regions.line_id[k] != line:
            return False
        t = doc[k]
        if not t.is_alpha or not t.text[0].isupper():
            return False
        return not (t.is_sent_start and t.lower_ in stop_words)

    i = 0
    while i < n:
        if covered[i]:
            i += 1
            continue
        head = regions.headline[i]
        tok = doc[i]
        cands = lower.get(tok.lower_, []) if head else exact.get(tok.text, [])
        hit = None
        for form, ci in cands:
            j = i + len(form)
            if j > n or any(covered[i:j]):
                continue
            got = tuple((t.lower_ if head else t.text) for t in doc[i:j])
            if got != form:
                continue
            line = regions.line_id[i]
            if not head and (capitalised(i - 1, line) or capitalised(j, line)):
                continue
            hit = (j, ci)
            break
        if hit is None:
            i += 1
            continue
        j, ci = hit
        cl = clusters[ci]
        m = Mention(i, j, cl.label, source="propagated", in_headline=head, key=cl.key)
        m.in_quote = regions.quote_id[i] >= 0
        cl.mentions.append(m)
        for k in range(i, j):
            covered[k] = True
        i = j
