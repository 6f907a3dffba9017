"""The off-the-shelf extractors on a parsed page: trafilatura (precision mode, handed
readability-lxml's article instead of running its own readability fork), readability-lxml on
the shared tree, and the page's metadata title as trafilatura finds it. What they keep is the
evidence :mod:`streams.nlp.boilerplate.combine` weighs per paragraph."""

from __future__ import annotations

import copy
import functools
import re
import threading
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, document_fromstring, xhtml_to_html

from streams.nlp.boilerplate import visible


def extract_trafilatura(
    markup: str | HtmlElement,
    url: str | None,
    readability: HtmlElement | None = None,
    *,
    spend: bool = False,
) -> str:
    """trafilatura's main text in precision mode, comments excluded; ``markup`` may be the
    parsed tree (trafilatura works on a copy of it; with ``spend``, when ``readability`` is
    given, on the tree itself, which it changes: for a caller done with the tree, one copy
    of the whole page fewer).

    ``readability``: readability-lxml's article on the same page (:func:`readability_tree`),
    given to trafilatura in place of its internal readability fork, whose run (on a pruned copy
    of the page) would otherwise repeat that work; trafilatura compares it with its own
    extraction exactly as it compares the fork's output (on the trafilatura release the hook
    was written against; on another, trafilatura runs its own fork as usual)."""
    if readability is None or trafilatura.__version__ != HOOKED_TRAFILATURA:
        out = trafilatura.extract(
            markup, url=url, favor_precision=True, include_comments=False, include_tables=True
        )
        return out or ""
    _install_readability_hook()
    _GIVEN.body = readability
    source: Any = _Spent(markup) if spend and isinstance(markup, HtmlElement) else markup
    try:
        out = trafilatura.extract(
            source, url=url, favor_precision=True, include_comments=False, include_tables=True
        )
    finally:
        _GIVEN.body = None
    return out or ""


_GIVEN = threading.local()


class _Spent:
    """A parsed page handed to trafilatura to work on in place: its loader returns the tree
    (the hook below), and since that is not the object it was given, it skips its copy."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree


# The trafilatura release whose private ``core._extract_and_compare`` and ``external`` helpers
# the hook below wraps and mirrors; any other release is left alone.
HOOKED_TRAFILATURA = "2.3.1"


@functools.cache
def _install_readability_hook() -> None:
    """Wrap trafilatura's extract-and-compare step: when a readability article is given
    (:data:`_GIVEN`, per thread, used once), compare with it instead of running the fork.
    Also its loader (a :class:`_Spent` tree is used as it is) and its tree preparation."""
    import trafilatura.core as core
    from trafilatura import external

    original = core._extract_and_compare
    prepare = core._prepare_tree

    def prepare_tree(tree: HtmlElement, options: Any, url: str | None) -> tuple[Any, Any]:
        # trafilatura cleans a copy of the page because its later stages read the page
        # again: the readability fork (here given instead), the baseline and the recall
        # retry (not in precision mode) and the comment capture (off). With a readability
        # article given, in precision mode without comments, none does: the page itself is
        # cleaned (core._prepare_tree without its first copy).
        given = getattr(_GIVEN, "body", None)
        if given is None or options.fast or options.comments or options.focus != "precision":
            return prepare(tree, options, url)
        cleaned = core.tree_cleaning(tree, options)
        backup = copy.copy(cleaned)
        return core.convert_tags(cleaned, options, url), backup

    load_html = core.load_html

    def load_spent(htmlobject: Any, max_size: int | None = None) -> HtmlElement | None:
        if isinstance(htmlobject, _Spent):
            return htmlobject.tree
        return load_html(htmlobject, max_size)

    def extract_and_compare(
        cleaned_tree: HtmlElement, cleaned_tree_backup: HtmlElement, tree: HtmlElement, options: Any
    ) -> tuple[Any, str]:
        given = getattr(_GIVEN, "body", None)
        if given is None or options.fast:
            return original(cleaned_tree, cleaned_tree_backup, tree, options)
        _GIVEN.body = None
        body, text = core.extract_content(cleaned_tree, options)
        return _compare(external, cleaned_tree_backup, body, text, given, options)

    core._extract_and_compare = extract_and_compare
    core._prepare_tree = prepare_tree
    core.load_html = load_spent


def _compare(
    external: Any, cleaned_tree: HtmlElement, body: Any, text: str, algo: HtmlElement, options: Any
) -> tuple[Any, str]:
    """trafilatura's ``compare_extraction`` (trafilatura 2.3) with readability's article
    given: the same choice between its own extraction, readability's and jusText's."""
    len_text = len(text)
    if options.focus == "recall" and len_text > options.min_extracted_size * 10:
        return body, text
    algo_text = external.trim(etree.tostring(algo, method="text", encoding="utf-8").decode())
    len_algo = len(algo_text)
    use_readability = external._prefer_readability(
        body, algo, algo_text, len_text, len_algo, options
    )
    if use_readability:
        body, text, len_text = algo, algo_text, len_algo
    unclean = bool(body.xpath(external.SANITIZED_XPATH))
    if unclean or len_text < options.min_extracted_size:
        body2, text2 = external.justext_rescue(cleaned_tree, options)
        len_text2 = len(text2)
        if unclean:
            accept = len_text <= external.JUSTEXT_OVERRIDE_RATIO * len_text2 and (
                len_text2 > len_text or not options.images or body.find(".//graphic") is None
            )
        else:
            accept = len_text < len_text2
        if text2 and accept:
            body, text, len_text = body2, text2, len_text2
            use_readability = False
    if use_readability:
        body, text = external.sanitize_tree(body, options)
    return body, text


def readability_tree(root: HtmlElement) -> HtmlElement | None:
    """readability-lxml's article of a parsed page, as a parsed document (None when it
    finds none or fails); the page's tree is left as it is."""
    try:
        doc = _tree_document()(root)
        doc.summary(html_partial=True)
        return doc.article
    except Exception:  # noqa: BLE001 - readability fails on odd pages; then it has no say
        return None


def extract_readability(markup: str | HtmlElement) -> str:
    """readability-lxml's article, as visible text; empty when it finds none."""
    from readability import Document

    if not isinstance(markup, str):
        found = readability_tree(markup)
        return visible.render(found) if found is not None else ""
    try:
        summary = Document(markup).summary(html_partial=True)
        return visible.render(document_fromstring(summary))
    except Exception:  # noqa: BLE001 - readability fails on odd pages; then it has no say
        return ""


# The readability-lxml release whose module-level ``clean`` _fast_clean replaces.
PATCHED_READABILITY = "0.9"
_SPACE_RUN = re.compile(r"\s{255,}")
_TAB_OR_SPACES = re.compile(r"\t|[ \t]{2,}")


def _fast_clean(text: str) -> str:
    r"""readability-lxml's ``clean`` (whitespace runs of 255 or more cut to 255 spaces, a run
    holding a newline made one newline, a tab or a run of spaces and tabs made one space,
    then stripped), the same string, with each regex pass run only when it can match.

    readability calls it on the text of every candidate element (for its length, its link
    density), through ``re.sub`` with pattern strings: three whole-text regex scans each.
    ``\s`` is ``str.isspace``, as ``split`` and ``strip`` use it: a run of 255 needs as many
    whitespace characters; the newline pass rewrites the whitespace around each newline,
    which stripping the pieces between the newlines does as well."""
    if len(text) >= 255 and len(text) - len("".join(text.split())) >= 255:
        text = _SPACE_RUN.sub(" " * 255, text)
    if "\n" in text:
        text = _join_lines(text)
    if "\t" in text or "  " in text:
        text = _TAB_OR_SPACES.sub(" ", text)
    return text.strip()


def _join_lines(text: str) -> str:
    r"""``re.sub(r"\s*\n\s*", "\n", text)``: every whitespace run holding a newline becomes
    one newline (the pieces between newlines stripped, the blank ones dropped)."""
    pieces = text.split("\n")
    first, last = pieces[0].rstrip(), pieces[-1].lstrip()
    inner = [piece for piece in (p.strip() for p in pieces[1:-1]) if piece]
    return "\n".join([first, *inner, last])


@functools.cache
def _install_fast_clean() -> None:
    """Give readability-lxml :func:`_fast_clean` for its ``clean`` (on the release it was
    checked against; another keeps its own)."""
    import readability
    from readability import readability as module

    if getattr(readability, "__version__", None) == PATCHED_READABILITY:
        module.clean = _fast_clean


@functools.cache
def _tree_document() -> Any:
    """readability-lxml's Document over an already parsed tree, with a lighter clean-up.

    readability-lxml's own parse step (readability 0.9) drops hidden elements, then runs
    lxml's Cleaner, whose link rewriting and event-attribute sweep cost a third of its time
    and cannot change the text. This one copies the tree (the caller's tree stays as it
    is), drops the same hidden elements from the copy and removes what the Cleaner removes
    that matters for the text: scripts, styles, <link>s, comments, processing instructions
    and style attributes."""
    import readability
    from readability import Document

    _install_fast_clean()
    regexes = readability.readability.REGEXES
    display_none = regexes["displayNoneRe"]
    unlikely, maybe = regexes["unlikelyCandidatesRe"], regexes["okMaybeItsACandidateRe"]

    @functools.lru_cache(maxsize=50_000)
    def is_unlikely(names: str) -> bool:
        # memoised: a page repeats its class names, and sites (and themes) share them
        return bool(unlikely.search(names)) and not maybe.search(names)

    class TreeDocument(Document):
        def _parse(self, input: HtmlElement) -> HtmlElement:
            self.encoding = "utf-8"
            doc = copy.deepcopy(input)
            for elem in doc.xpath("//*[@hidden]"):
                elem.drop_tree()
            for elem in doc.xpath("//*[@style]"):
                if display_none.search(elem.get("style")):
                    elem.drop_tree()
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

        def get_clean_html(self) -> str:
            # summary() returns this serialisation of the article; the article's tree is kept
            # as well, so the caller need not parse the string back.
            self.article = self._html()
            return super().get_clean_html()

        def remove_unlikely_candidates(self) -> None:
            # readability-lxml's own version runs two XPath queries per unlikely element
            # (a pre/code ancestor, a main/article/math descendant); both answers are read
            # from two sets built in one pass, so the same elements go. Dropping an element
            # never changes them for the elements left in the page: a dropped element holds
            # no main/article/math, and the ancestors of those left are unchanged.
            keep_above: set[HtmlElement] = set()
            for elem in self.html.iter("main", "article", "math"):
                keep_above.add(elem)
                keep_above.update(elem.iterancestors())
            in_code: set[HtmlElement] = set()
            for elem in self.html.iter("pre", "code"):
                in_code.add(elem)
                in_code.update(elem.iterdescendants())
            for elem in self.html.xpath(".//*[@class or @id]"):
                s = "{} {}".format(elem.get("class", ""), elem.get("id", ""))
                if len(s) < 2:
                    continue
                if (
                    is_unlikely(s)
                    and elem.tag not in ("html", "body")
                    and elem not in in_code
                    and elem not in keep_above
                ):
                    elem.drop_tree()

    return TreeDocument


def page_title(tree: HtmlElement) -> str | None:
    """The page's headline from its metadata, as trafilatura's ``extract_metadata`` finds it
    (meta tags such as og:title, then JSON-LD, then <title>/<h1>), on the parsed page; None
    when the page names none. Only the title steps run: ``extract_metadata`` parses the page
    again and also searches dates, authors and licences (11.7 ms a page on the dev pages,
    against 0.3 ms for the title steps on the shared tree)."""
    from trafilatura import metadata

    try:
        meta = metadata.examine_meta(tree)
        try:
            meta = metadata.extract_meta_json(tree, meta)
        except Exception:  # noqa: BLE001 - trafilatura logs and skips broken JSON-LD too
            pass
        if not meta.title:
            meta.title = metadata.extract_title(tree)
        meta.clean_and_trim()
    except Exception:  # noqa: BLE001 - a page without usable metadata simply has no title
        return None
    return (meta.title or "").strip() or None
