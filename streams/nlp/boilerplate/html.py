"""HTML cleaning: combine off-the-shelf extractors per visible paragraph, then apply rules.

A small trained model (:mod:`streams.nlp.boilerplate.combine`) decides per visible paragraph
from what trafilatura (precision mode) and readability-lxml kept, link text, headings and text
features; without the model file, trafilatura alone decides. The kept paragraphs then pass
through the same line/sentence rules as plain text. Removed offsets index
the page's visible text as rendered by :func:`streams.nlp.boilerplate.visible.render`.
"""

from __future__ import annotations

import trafilatura

from streams.nlp.boilerplate import combine, segment, visible
from streams.nlp.boilerplate.align import kept_spans
from streams.nlp.boilerplate.rules import classify
from streams.nlp.boilerplate.spans import Cleaned, Removed, build_cleaned
from streams.nlp.boilerplate.text import inline_removals
from streams.nlp.errors import InputError


def extract_trafilatura(markup: str, url: str | None) -> str:
    """trafilatura's main text in precision mode, comments excluded."""
    out = trafilatura.extract(
        markup, url=url, favor_precision=True, include_comments=False, include_tables=True
    )
    return out or ""


def extract_readability(markup: str) -> str:
    """readability-lxml's article, as visible text; empty when it finds none."""
    from readability import Document

    try:
        return visible_text(Document(markup).summary(html_partial=True))
    except Exception:  # noqa: BLE001 - readability fails on odd pages; then it has no say
        return ""


def visible_text(markup: str) -> str:
    """The page's visible text: the string clean_html's removed offsets index."""
    return visible.render(visible.parse(markup))


def clean_html(html: str, url: str | None = None) -> Cleaned:
    """Extract the article from a page; removed spans index :func:`visible_text` of it.

    With the shipped combiner model (data/boilerplate/combine.json) several extractors vote
    per paragraph; without it, trafilatura in precision mode decides alone."""
    model = combine.load_model()
    if model is not None:
        try:
            return clean_html_combined(html, url, model)
        except EmptyArticle:
            pass  # the model kept nothing: let trafilatura decide alone
    return clean_html_trafilatura(html, url)


class EmptyArticle(InputError):
    """The combiner kept no paragraph of a page that has visible text."""


def clean_html_trafilatura(html: str, url: str | None = None) -> Cleaned:
    """The paragraphs trafilatura (precision mode) keeps, minus rule matches."""
    page = visible_text(html)
    if not page:
        raise InputError("html has no visible text")
    spans = segment.paragraphs(page)
    keeps = kept_spans(page, spans, extract_trafilatura(html, url))
    removed: list[Removed] = []
    for (start, end), keep in zip(spans, keeps, strict=True):
        pos = start
        for ks, ke in keep:
            if ks > pos:
                removed.append(Removed(pos, ks, "outside-main"))
            reason = classify(page[ks:ke]) if ke - ks <= 400 else None
            if reason:
                removed.append(Removed(ks, ke, reason))
            else:
                removed.extend(inline_removals(page, ks, ke))
            pos = ke
        if pos < end:
            removed.append(Removed(pos, end, "outside-main"))
    cleaned = build_cleaned(page, removed)
    if not cleaned.text:
        raise InputError("no article text found in html")
    return cleaned


def clean_html_combined(html: str, url: str | None, model: combine.Model) -> Cleaned:
    """Keep the visible paragraphs the combiner model scores as article, minus rule matches."""
    found = combine.analyse(html, url)
    if not found.page:
        raise InputError("html has no visible text")
    removed: list[Removed] = []
    for (start, end), row, rules in zip(found.spans, found.rows, found.removals, strict=True):
        if model.probability(row) >= model.threshold:
            removed.extend(rules)
        else:
            removed.append(Removed(start, end, "outside-main"))
    cleaned = build_cleaned(found.page, removed)
    if not cleaned.text:
        raise EmptyArticle("no article text found in html")
    return cleaned


def page_title(html: str, url: str | None = None) -> str | None:
    """The page's headline from its metadata (og:title, <title>, <h1>), for HTML articles
    ingested without a title; None when the page names none."""
    try:
        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # noqa: BLE001 - a page without usable metadata simply has no title
        return None
    title = (meta.title or "").strip() if meta is not None else ""
    return title or None
