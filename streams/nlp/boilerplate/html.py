"""HTML cleaning: combine off-the-shelf extractors per visible paragraph, then apply rules.

A small trained model (:mod:`streams.nlp.boilerplate.combine`) decides per visible paragraph
from what trafilatura (precision mode) and readability-lxml kept, link text, headings and text
features; without the model file, trafilatura alone decides. The kept paragraphs then pass
through the same line/sentence rules as plain text. Removed offsets index
the page's visible text as rendered by :func:`streams.nlp.boilerplate.visible.render`.
"""

from __future__ import annotations

import dataclasses

from streams.nlp.boilerplate import combine, segment, visible
from streams.nlp.boilerplate.align import kept_spans
from streams.nlp.boilerplate.extractors import extract_trafilatura, page_title
from streams.nlp.boilerplate.rules import classify
from streams.nlp.boilerplate.spans import Cleaned, Removed, build_cleaned
from streams.nlp.boilerplate.text import inline_removals
from streams.nlp.errors import InputError


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
    parsed = visible.load(html)
    page = visible.render(parsed.root)
    if not page:
        raise InputError("html has no visible text")
    spans = segment.paragraphs(page)
    extracted = extract_trafilatura(parsed.tree, url) if parsed.tree is not None else ""
    keeps = kept_spans(page, spans, extracted)
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
    title = page_title(parsed.tree) if parsed.tree is not None else None
    return dataclasses.replace(cleaned, title=title)


def clean_html_combined(html: str, url: str | None, model: combine.Model) -> Cleaned:
    """Keep the visible paragraphs the combiner model scores as article, minus rule matches."""
    found = combine.decide(html, url, model)
    if not found.page:
        raise InputError("html has no visible text")
    removed: list[Removed] = []
    for (start, end), rules in zip(found.spans, found.kept, strict=True):
        if rules is not None:
            removed.extend(rules)
        else:
            removed.append(Removed(start, end, "outside-main"))
    cleaned = build_cleaned(found.page, removed)
    if not cleaned.text:
        raise EmptyArticle("no article text found in html")
    return dataclasses.replace(cleaned, title=found.title)
