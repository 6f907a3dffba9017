"""Titles: a plain-text article's first line when it looks like a headline; an HTML page's
metadata title."""

from __future__ import annotations

import pytest
import trafilatura

from streams.messages.inputs import raw_from_item
from streams.nlp.boilerplate import visible
from streams.nlp.boilerplate.extractors import page_title
from streams.nlp.boilerplate.title import headline
from streams.stages.clean import clean_record

BODY = (
    "The city council voted on Tuesday to close the old river bridge to heavy trucks, citing "
    "a structural report that found rust in several of its main supports.\n\n"
    "Engineers told the council that the bridge could carry cars for at least five more "
    "years, but that the weight of loaded trucks was speeding up the damage to the steel.\n\n"
    "Local haulers said the decision would add half an hour to many of their trips, and some "
    "asked for a delay until a temporary route through the industrial park is ready."
)


@pytest.mark.parametrize(
    "first",
    [
        "Bridge closed to trucks after rust report",
        "Bridge Closed to Trucks After Rust Report",
        "Stocks Fall Sharply",
        "Why is the council closing the bridge?",
        "“We will not wait”: haulers ask for a delay",
    ],
)
def test_headline_looking_first_lines_are_titles(first: str) -> None:
    assert headline(first + "\n\n" + BODY) == first
    assert headline("\n  " + first + "\n" + BODY) == first


@pytest.mark.parametrize(
    "first",
    [
        BODY.split("\n")[0],  # a sentence of prose, with a final period
        "The council met on Tuesday.",
        "Home News Sports Opinion Weather",  # a menu row
        "Skip to main content",
        "By Dana Whitfield",
        "March 3, 2024",
        "Sign up for our daily newsletter",
        "Local",  # too short
        "BREAKING NEWS FROM THE VALLEY",  # all caps: a kicker
        "the council and the bridge",  # not capitalised
    ],
)
def test_other_first_lines_are_not(first: str) -> None:
    assert headline(first + "\n\n" + BODY) is None


def test_single_line_text_has_no_headline() -> None:
    assert headline("Bridge closed to trucks after rust report") is None


def test_clean_stage_titles_a_text_article_from_its_first_line() -> None:
    title = "Bridge closed to trucks after rust report"
    raw = raw_from_item({"id": "t1", "text": title + "\n\n" + BODY})
    record = clean_record(raw)
    assert record["title"] == title
    assert "city council voted" in record["text"]
    given = raw_from_item({"id": "t2", "title": "Given title", "text": title + "\n\n" + BODY})
    assert clean_record(given)["title"] == "Given title"
    untitled = raw_from_item({"id": "t3", "text": BODY})
    assert clean_record(untitled)["title"] is None


_HTML_BODY = "<body><article><p>" + BODY.replace("\n\n", "</p><p>") + "</p></article></body></html>"


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            '<title>Bridge closed | Example News</title><meta property="og:title" '
            'content="Bridge closed to trucks after rust report">',
            "Bridge closed to trucks after rust report",
        ),
        (
            '<title>Bridge closed | Example News</title><script type="application/ld+json">'
            '{"@context": "https://schema.org", "@type": "NewsArticle", '
            '"headline": "Council shuts river bridge to trucks"}</script>',
            "Council shuts river bridge to trucks",
        ),
        ("<title>Haulers ask for a delay - Example News</title>", None),
        ("", None),
    ],
)
def test_page_title_is_trafilaturas_metadata_title(head: str, title: str | None) -> None:
    page = f"<html><head>{head}</head>{_HTML_BODY}"
    meta = trafilatura.extract_metadata(page)
    expected = meta.title if meta is not None else None
    if title is not None:
        assert expected == title
    tree = visible.load(page).tree
    assert tree is not None
    assert page_title(tree) == expected  # the title steps alone, on the shared parse
