"""Visible text of an HTML page, paragraph by paragraph, without recursion.

clean_html reports removed spans against this rendering (the page's visible text): block
elements start paragraphs, <br> breaks lines, scripts and styles are dropped. The walk is an
explicit event loop, so a page nested thousands of levels deep cannot exhaust the stack.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lxml import etree, html
from trafilatura import utils as trafilatura_utils
from trafilatura.utils import load_html

from streams.nlp.boilerplate import guards
from streams.nlp.errors import InputError

SKIP = frozenset(
    "head script style noscript template svg iframe object embed canvas title meta link".split()
)
BLOCK = frozenset(
    """address article aside blockquote body center dd details dialog dir div dl dt fieldset
    figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
    main menu nav ol p pre section summary table tbody thead tfoot ul caption
    option select button""".split()
)
_WS = re.compile(r"\s+")
_BLANK_RUN = re.compile(r"\n\n+")


@dataclass(frozen=True)
class Parsed:
    """One parse of a page, shared by the visible-text pass and the extractors.

    ``root`` is the whole document; ``tree`` is the element trafilatura's own loader returns
    for the page (usually ``root``), None when that loader refuses the page (trafilatura then
    extracts nothing). Comments and processing instructions are dropped while parsing.
    """

    root: html.HtmlElement
    tree: html.HtmlElement | None


def load(markup: str) -> Parsed:
    """Parse HTML once, the way trafilatura parses it, after the input guards; the depth
    limit is checked by :func:`render`, which must run before the tree goes to an extractor."""
    guards.check_text(markup, kind="html", max_chars=guards.MAX_HTML_CHARS)
    _install_class_lookup()
    try:
        tree = load_html(markup)
    except (etree.ParserError, ValueError, TypeError):
        tree = None
    if tree is not None:
        return Parsed(tree.getroottree().getroot(), tree)
    try:
        root = html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"unparseable html: {exc}") from exc
    return Parsed(root, None)


XHTML = "http://www.w3.org/1999/xhtml"


@functools.cache
def _install_class_lookup() -> None:
    """Give trafilatura's HTML parser the element classes lxml.html's lookup gives, found
    by lxml itself instead of by a Python call each time an element is touched.

    lxml.html's parsers pick each element's class (HtmlElement, or FormElement, InputElement
    ... for form controls) with ``HtmlElementClassLookup``, a Python method that runs for
    every element proxy lxml creates: about a million calls per 200 pages here, in the
    render, readability-lxml and trafilatura walks over the page and its copies. This is the
    same table (tag name to class; comments, PIs and entities as lxml.html's) in lxml's own
    namespace lookup. The HTML parser lower-cases tag names and sets no namespace; the XHTML
    namespace is mapped alike."""
    fallback = etree.ElementDefaultClassLookup(
        element=html.HtmlElement,
        comment=html.HtmlComment,
        pi=html.HtmlProcessingInstruction,
        entity=html.HtmlEntity,
    )
    lookup = etree.ElementNamespaceClassLookup(fallback)
    for namespace in (None, XHTML):
        names = lookup.get_namespace(namespace)
        for name, cls in html.HtmlElementClassLookup._default_element_classes.items():
            names[name] = cls
    trafilatura_utils.HTML_PARSER.set_element_class_lookup(lookup)


def parse(markup: str) -> html.HtmlElement:
    """Parse HTML: the document root of :func:`load`."""
    return load(markup).root


def render(root: html.HtmlElement) -> str:
    """Visible text: blank line between block elements, newline at <br>, spaces collapsed.

    Refuses pages nested deeper than guards.MAX_DEPTH (InputError)."""
    out: list[str] = []
    # The text outside <pre> has its whitespace runs collapsed in one regex pass after the
    # walk (joined by NUL, which no run crosses), not one pass per text node.
    texts: list[str] = []
    places: list[int] = []  # where each of them goes in out
    kinds: dict[object, str] = {}  # tag -> lower-cased name, "" for comments, entities, PIs
    skipping = 0
    pre = 0
    depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        name = kinds.get(tag)
        if name is None:
            name = kinds[tag] = tag.lower() if isinstance(tag, str) else ""
        if event == "start":
            depth += 1
            if depth > guards.MAX_DEPTH:
                raise InputError(f"html nested deeper than {guards.MAX_DEPTH} levels")
            if skipping or name in SKIP or not name:
                skipping += 1
                continue
            if name == "pre":
                pre += 1
            if name in BLOCK:
                out.append("\n\n")
            elif name in ("br", "tr"):
                out.append("\n")
            elif name in ("td", "th"):
                out.append(" ")
            text = el.text
        else:
            depth -= 1
            if skipping:
                skipping -= 1
                if skipping:
                    continue
            else:
                if name == "pre":
                    pre -= 1
                if name in BLOCK:
                    out.append("\n\n")
                elif name in ("td", "th"):
                    out.append(" ")
            text = el.tail
        if text:
            if not pre:
                places.append(len(out))
                texts.append(text)
            out.append(text)
    if texts:
        joined = "\0".join(texts)
        if joined.count("\0") == len(texts) - 1:
            collapsed = _WS.sub(" ", joined).split("\0")
        else:  # a text holds NUL itself (from a character reference): one pass each
            collapsed = [_WS.sub(" ", text) for text in texts]
        for place, text in zip(places, collapsed, strict=True):
            out[place] = text
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    """Lines stripped; runs of empty lines become one blank line, none at either end."""
    lines = "\n".join([line.strip() for line in text.split("\n")])
    return _BLANK_RUN.sub("\n\n", lines).strip("\n")
