"""HTML cleaning: combine off-the-shelf extractors per visible paragraph, then apply rules.

A small trained model (:mod:`streams.nlp.boilerplate.combine`) decides per visible paragraph
from what trafilatura (precision mode) and readability-lxml kept, link text, headings and text
features; without the model file, trafilatura alone decides. The kept paragraphs then pass
through the same line/sentence rules as plain text. Removed offsets index
the page's visible text as rendered by :func:`streams.nlp.boilerplate.visible.render`.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, document_fromstring, xhtml_to_html

from streams.nlp.boilerplate import combine, segment, visible
from streams.nlp.boilerplate.align import kept_spans
from streams.nlp.boilerplate.rules import classify
from streams.nlp.boilerplate.spans import Cleaned, Removed, build_cleaned
from streams.nlp.boilerplate.text import inline_removals
from streams.nlp.errors import InputError


def extract_trafilatura(markup: str | HtmlElement, url: str | None) -> str:
    """trafilatura's main text in precision mode, comments excluded; ``markup`` may be the
    parsed tree (trafilatura works on a copy of it)."""
    out = trafilatura.extract(
        markup, url=url, favor_precision=True, include_comments=False, include_tables=True
    )
    return out or ""


def extract_readability(markup: str | HtmlElement) -> str:
    """readability-lxml's article, as visible text; empty when it finds none. Given a parsed
    tree, the tree's hidden elements are dropped from it (readability then works on a copy)."""
    from readability import Document

    try:
        doc = Document(markup) if isinstance(markup, str) else _tree_document()(markup)
        summary = doc.summary(html_partial=True)
        return visible.render(document_fromstring(summary))
    except Exception:  # noqa: BLE001 - readability fails on odd pages; then it has no say
        return ""


@functools.cache
def _tree_document() -> Any:
    """readability-lxml's Document over an already parsed tree, with a lighter clean-up.

    readability-lxml's own parse step (readability 0.9) drops hidden elements, then runs
    lxml's Cleaner, whose link rewriting and event-attribute sweep cost a third of its time
    and cannot change the text. This one drops the same hidden elements, copies the tree and
    removes what the Cleaner removes that matters for the text: scripts, styles, <link>s,
    comments, processing instructions and style attributes."""
    import readability
    from readability import Document

    regexes = readability.readability.REGEXES
    display_none = regexes["displayNoneRe"]

    class TreeDocument(Document):
        def _parse(self, input: HtmlElement) -> HtmlElement:
            self.encoding = "utf-8"
            for elem in input.xpath("//*[@hidden]"):
                elem.drop_tree()
            for elem in input.xpath("//*[@style]"):
                if display_none.search(elem.get("style")):
                    elem.drop_tree()
            doc = copy.deepcopy(input)
            xhtml_to_html(doc)
            for elem in doc.iter("image"):
                elem.tag = "img"
            etree.strip_elements(
                doc, "script", "style", "link", etree.Comment, etree.ProcessingInstruction,
                with_tail=False,
            )  # fmt: skip
            etree.strip_attributes(doc, "style")
            doc.resolve_base_href(handle_failures=self.handle_failures)
            return doc

        def remove_unlikely_candidates(self) -> None:
            # readability-lxml's own version runs two XPath queries per unlikely element
            # (a pre/code ancestor, a main/article/math descendant); both answers are read
            # from two sets built in one pass, so the same elements go. Dropping an element
            # never changes them for the elements left in the page: a dropped element holds
            # no main/article/math, and the ancestors of those left are unchanged.
            unlikely, maybe = regexes["unlikelyCandidatesRe"], regexes["okMaybeItsACandidateRe"]
            keep_above: set[HtmlElement] = set()
            for elem in self.html.iter("main", "article", "math"):
                keep_above.add(elem)
                keep_above.update(elem.iterancestors())
            in_code: set[HtmlElement] = set()
            for elem in self.html.iter("pre", "code"):
                in_code.add(elem)
                in_code.update(elem.iterdescendants())
            for elem in self.html.findall(".//*"):
                s = "{} {}".format(elem.get("class", ""), elem.get("id", ""))
                if len(s) < 2:
                    continue
                if (
                    unlikely.search(s)
                    and not maybe.search(s)
                    and elem.tag not in ("html", "body")
                    and elem not in in_code
                    and elem not in keep_above
                ):
                    elem.drop_tree()

    return TreeDocument


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
    return cleaned


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
