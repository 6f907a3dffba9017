"""Find further occurrences of names the model recognised elsewhere in the same article.

News repeats names; the model misses some repeats (all-capitals headlines, surnames in lists).
One-sense-per-discourse: a form that names an entity once names it everywhere in the article.
"""

from __future__ import annotations

from collections import defaultdict

from streams.nlp.entities.linking import Cluster
from streams.nlp.entities.spans import Mention, Regions
from streams.nlp.entities.tokens import TokenTable


def _usable(form: tuple[str, ...], min_len: int) -> bool:
    if len(form) > 1:
        return True
    w = form[0]
    return len(w) >= min_len and w[:1].isupper() and any(c.isalpha() for c in w)


def propagate(
    tt: TokenTable,
    clusters: list[Cluster],
    regions: Regions,
    stop_words: set[str] | frozenset[str],
) -> None:
    """Add unrecognised exact repeats of known forms (case-insensitive in headlines)."""
    forms: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for ci, cl in enumerate(clusters):
        for m in cl.mentions:
            if m.quote_fragment:
                continue
            toks = tuple(tt.text[m.start : m.end])
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

    n = len(tt.text)
    texts, lowers = tt.text, tt.lower
    covered = [False] * n
    for cl in clusters:
        for m in cl.mentions:
            for k in range(m.start, m.end):
                covered[k] = True

    def capitalised(k: int, line: int) -> bool:
        if k < 0 or k >= n or regions.line_id[k] != line:
            return False
        if not tt.is_alpha[k] or not texts[k][0].isupper():
            return False
        return not (tt.sent_start[k] and lowers[k] in stop_words)

    i = 0
    while i < n:
        if covered[i]:
            i += 1
            continue
        head = regions.headline[i]
        cands = lower.get(lowers[i], []) if head else exact.get(texts[i], [])
        hit = None
        for form, ci in cands:
            j = i + len(form)
            if j > n or any(covered[i:j]):
                continue
            got = tuple(lowers[i:j] if head else texts[i:j])
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
