"""Visible text of an HTML page, paragraph by paragraph, without recursion.

clean_html reports removed spans against this rendering (the page's visible text): block
elements start paragraphs, <br> breaks lines, scripts and styles are dropped. The walk is an
explicit event loop, so a page nested thousands of levels deep cannot exhaust the stack.
"""

from __future__ import annotations

import re

from lxml import etree, html

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


def parse(markup: str) -> html.HtmlElement:
    """Parse HTML and refuse pages nested deeper than guards.MAX_DEPTH."""
    guards.check_text(markup, kind="html", max_chars=guards.MAX_HTML_CHARS)
    try:
        root = html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"unparseable html: {exc}") from exc
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > guards.MAX_DEPTH:
            raise InputError(f"html nested deeper than {guards.MAX_DEPTH} levels")
    return root


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def render(root: html.HtmlElement) -> str:
    """Visible text: blank line between block elements, newline at <br>, spaces collapsed."""
    out: list[str] = []
    skipping = 0
    pre = 0

    def emit(text: str | None) -> None:
        if text and not skipping:
            out.append(text if pre else _WS.sub(" ", text))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = _tag(el)
        if event == "start":
            if skipping or tag in SKIP or not tag:
                skipping += 1
                continue
            if tag == "pre":
                pre += 1
            if tag in BLOCK:
                out.append("\n\n")
            elif tag in ("br", "tr"):
                out.append("\n")
            elif tag in ("td", "th"):
                out.append(" ")
            emit(el.text)
            continue
        if skipping:
            skipping -= 1
            if not skipping:
                emit(el.tail)
            continue
        if tag == "pre":
            pre -= 1
        if tag in BLOCK:
            out.append("\n\n")
        elif tag in ("td", "th"):
            out.append(" ")
        emit(el.tail)
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    paras: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paras.append("\n".join(current))
            current = []
    if current:
        paras.append("\n".join(current))
    return "\n\n".join(paras)
