"""Boilerplate cleaning: main-block selection, cue rules, exact offsets and bad input."""

from __future__ import annotations

import time

import pytest

from streams.nlp.boilerplate import Removed, clean_html, clean_text, visible_text
from streams.nlp.boilerplate.rules import classify
from streams.nlp.boilerplate.spans import build_cleaned, pieces_of
from streams.nlp.errors import InputError

LEDE = (
    "The city council voted on Tuesday to close the old river bridge to heavy trucks, "
    "citing a structural report that found rust in several of its main supports."
)
BODY = [
    "Engineers told the council that the bridge could carry cars for at least five more years, "
    "but that the weight of loaded trucks was speeding up the damage to the steel.",
    "Local haulers said the decision would add half an hour to many of their trips, and some "
    "asked for a delay until a temporary route through the industrial park is ready.",
    "The council said it would revisit the question in the spring, when the state is expected "
    "to announce whether it will help pay for a replacement.",
]
APPEAL = "Your support helps us keep local reporting free for everyone."
MENU = ["Home", "News", "Sports", "Opinion", "Weather", "Search"]


def noisy_page() -> str:
    parts = MENU + ["Bridge closed to trucks after report", "By Dana Whitfield", "March 3, 2024"]
    parts += [LEDE + " " + APPEAL, "(AP Photo/Sam Doe)", BODY[0], "Advertisement", BODY[1]]
    parts += [BODY[2], "Sign up for our daily newsletter", "Related: Council approves budget"]
    parts += ["Share this article", "Privacy Policy", "Contact us", "© 2024 Valley Times"]
    return "\n\n".join(parts)


def test_clean_text_keeps_article_and_drops_noise() -> None:
    text = noisy_page()
    out = clean_text(text)
    assert LEDE in out.text
    for para in BODY:
        assert para in out.text
    for junk in [APPEAL, "Advertisement", "Sign up", "Related:", "Home", "By Dana", "AP Photo"]:
        assert junk not in out.text


def test_removed_offsets_index_input_and_carry_reasons() -> None:
    text = noisy_page()
    out = clean_text(text)
    by_text = {text[r.start : r.end]: r.reason for r in out.removed}
    assert by_text[APPEAL] == "appeal"
    assert by_text["Advertisement"] == "ad"
    assert by_text["Sign up for our daily newsletter"] == "newsletter"
    assert by_text["(AP Photo/Sam Doe)"] == "caption"
    assert out.removed_chars == sum(r.end - r.start for r in out.removed)
    spans = sorted((r.start, r.end) for r in out.removed)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    # kept pieces are verbatim input
    for start, end in out.segments:
        assert text[start:end] in out.text


def test_appeal_inside_lede_paragraph_keeps_lede_sentence() -> None:
    text = "\n\n".join([LEDE + " " + APPEAL + " " + BODY[0], BODY[1], BODY[2]])
    out = clean_text(text)
    assert APPEAL not in out.text
    assert LEDE + " " + BODY[0] in out.text


@pytest.mark.parametrize(
    ("unit", "reason"),
    [
        ("Advertisement", "ad"),
        ("Support Now", "appeal"),
        ("Read more: How the bridge was built", "related"),
        ("(Getty Images)", "caption"),
        ("( AP )", "caption"),
        ("Chris Doe - Nov 19, 2019, 10:31 pm CST", "byline"),
        ("Leave a comment", "comments"),
        ("We use cookies to improve your experience.", "cookie"),
        ("Crews set a backfire near Chelan, Washington, on Thursday. ( AP )", "caption"),
        ("A nurse at a clinic in Manila. ( AP Photo/Jun Dela Cruz )", "caption"),
        ("Sign up for our Morning Trade Brief, delivered at 7 a.m.", "newsletter"),
        ("Share this on Facebook | Share on WhatsApp | Share on X", "share"),
    ],
)
def test_rules_match_boilerplate(unit: str, reason: str) -> None:
    assert classify(unit) == reason


@pytest.mark.parametrize(
    "sentence",
    [
        "By the end of the year, prices had risen by a third.",
        "More than 100 people were evacuated from the building.",
        "The game starts at 7:30 pm.",
        "See you in court, the lawyer told reporters.",
        "Thousands of residents signed up for the new ferry pass, officials said.",
        "She shared the photo on Facebook, where it drew 3,000 comments.",
        LEDE,
    ],
)
def test_rules_leave_article_sentences(sentence: str) -> None:
    assert classify(sentence) is None


def test_search_rules_share_the_word_boundary_without_changing_matches() -> None:
    """The anywhere-in-unit rules check their shared leading \\b once; a pattern whose
    boundary covers only its first branch keeps its own place."""
    import json
    import re

    from streams.nlp.boilerplate import rules

    assert rules._has_top_level_bar(r"\bfoo|bar")
    assert rules._has_top_level_bar(r"\b(?:a|b)c|d")
    for pattern in (r"\b(foo|bar)", r"\b[|]x", r"\b[]|]x", r"\b[^]|]x", r"\b\|x", r"\b[\]|]x"):
        assert not rules._has_top_level_bar(pattern)
    mixed = [r"\bfoo|bar", r"\bbaz\b", r"^qux"]
    shared = re.compile(rules._search_pattern(mixed))
    plain = re.compile("|".join(f"(?:{p})" for p in mixed))
    units = ["xbar", "foo", "xfoo", "a baz", "abaz", "qux", "a qux", "bazooka", "nothing"]
    assert [bool(shared.search(u)) for u in units] == [bool(plain.search(u)) for u in units]
    data = json.loads(rules.RULES_FILE.read_text(encoding="utf-8"))
    for item in data["rules"]:
        for pattern in item["patterns"]:  # reordering the patterns renumbers their groups
            assert not re.search(r"\\[1-9]|\(\?P=", pattern), pattern


def test_control_characters_counted_on_bytes_as_by_a_regex() -> None:
    import re

    from streams.nlp.boilerplate import guards

    control = re.compile("[\x00-\x08\x0e-\x1f]")
    for sample in ("plain text\n\twith tabs\r\n", "a\x01b\x1f\x0b\x0c é ü 中\udc80\x08", ""):
        assert guards._count_control(sample) == len(control.findall(sample))


def test_build_cleaned_seams_and_roundtrip() -> None:
    src = "Alpha one. Beta two. Gamma three.\nDelta line\n\nEpsilon para."
    beta = src.index("Beta")
    delta = src.index("Delta")
    out = build_cleaned(src, [Removed(beta, beta + 9, "x"), Removed(delta, delta + 10, "y")])
    assert out.text == "Alpha one. Gamma three.\n\nEpsilon para."
    pieces, seps = pieces_of(out)
    assert [src[o : o + len(t)] for o, t in pieces] == [t for _, t in pieces]
    assert seps == [" ", "\n\n"]


def page_html() -> str:
    body = "".join(f"<p>{p}</p>" for p in [LEDE, *BODY])
    nav = "".join(f"<li><a href='/{m}'>{m}</a></li>" for m in MENU)
    return (
        "<html><head><title>t</title><script>var x=1;</script></head><body>"
        f"<nav><ul>{nav}</ul></nav><article><h1>Bridge closed to trucks</h1>{body}"
        f"<figure><img src='a.jpg'><figcaption>The bridge. (AP Photo/Sam Doe)</figcaption></figure>"
        "</article><aside><h3>Related</h3><ul><li><a href='/x'>Council approves budget</a></li>"
        "</ul></aside><footer>© 2024 Valley Times. All rights reserved.</footer></body></html>"
    )


def test_clean_html_extracts_article() -> None:
    markup = page_html()
    out = clean_html(markup, url="https://valley.example/news/bridge")
    assert LEDE in out.text
    assert BODY[2] in out.text
    assert "var x" not in out.text
    assert "All rights reserved" not in out.text
    assert "Opinion" not in out.text
    page = visible_text(markup)
    for r in out.removed:  # offsets index the visible text
        assert 0 <= r.start < r.end <= len(page)
        assert page[r.start : r.end].strip()


@pytest.mark.parametrize(
    "bad",
    ["", "   \n\n ", "\x00\x01\x02binary\x00" * 50, "caf\ufffd \ufffd\ufffd " * 200],
)
def test_bad_text_input_raises(bad: str) -> None:
    with pytest.raises(InputError):
        clean_text(bad)


def test_text_without_prose_raises() -> None:
    with pytest.raises(InputError):
        clean_text("\n\n".join(MENU))


def test_bad_html_input_raises_fast() -> None:
    with pytest.raises(InputError):
        clean_html("")
    with pytest.raises(InputError):
        clean_html("<html><body><script>only()</script></body></html>")
    deep = "<div>" * 5000 + "deep text here" + "</div>" * 5000
    t0 = time.perf_counter()
    with pytest.raises(InputError):
        clean_html(deep)
    assert time.perf_counter() - t0 < 5


def test_huge_html_bounded_time() -> None:
    huge = "<html><body>" + "<p>word " * 2_500_000 + "</body></html>"  # ~20 MB
    t0 = time.perf_counter()
    with pytest.raises(InputError):
        clean_html(huge)
    assert time.perf_counter() - t0 < 5


# ---------------------------------------------------------------- trained text model

TEASERS = [
    "Ferry operator cancels winter timetable",
    "School roof repairs finish early",
    "Police appeal after break-in at marina",
    "Local bakery wins regional award",
]


def test_text_model_drops_a_related_list_after_the_body() -> None:
    page = "\n\n".join([*MENU, LEDE, *BODY, "More from News", *TEASERS, "Copy link"])
    cleaned = clean_text(page)
    assert LEDE in cleaned.text and all(p in cleaned.text for p in BODY)
    assert not any(t in cleaned.text for t in TEASERS)
    assert {page[r.start : r.end] for r in cleaned.removed} >= set(TEASERS)


def test_text_model_falls_back_to_the_main_block_when_it_keeps_nothing() -> None:
    from streams.nlp.boilerplate import text
    from streams.nlp.boilerplate.logistic import Model

    found = text.analyse("\n\n".join([*MENU, LEDE, *BODY]))
    never = Model(tuple(-50.0 if i == 0 else 0.0 for i in range(len(text.TEXT_FEATURES))), 0.5)
    assert text.keep(found, never) == text.keep(found, None)
    assert sum(text.keep(found, None)) == 1 + len(BODY)


def test_article_run_keeps_one_block_of_the_model_probabilities() -> None:
    from streams.nlp.boilerplate.text import article_run

    # A teaser the model half-believes, cut off from the body by menu lines it rules out;
    # the body with a subhead (0.3) and a photo credit (0.1) inside; a far paragraph it is
    # sure of, after a long footer.
    probs = [0.6, 0.05, 0.05, 0.05, 0.8, 0.3, 0.9, 0.1, 0.85, 0.02, 0.02, 0.95]
    sizes = [200, 60, 60, 60, 400, 30, 350, 40, 300, 900, 900, 250]
    kept = article_run(probs, sizes, 0.5)
    assert kept == [False, False, False, False, True, True, True, False, True, False, False, True]


def test_article_run_keeps_nothing_when_the_model_believes_nothing() -> None:
    from streams.nlp.boilerplate.text import article_run

    assert not any(article_run([0.1, 0.4, 0.3], [100, 200, 50], 0.5))


def test_alignment_needs_are_sets_unless_an_ngram_repeats() -> None:
    from collections import Counter

    from streams.nlp.boilerplate import align

    once = align.word_grams("the council met on monday night".split())
    assert align.needs(once) == set(once)
    twice = align.word_grams("go team go team go team".split())
    assert align.needs(twice) == Counter(twice)
    bag = align.ngram_bag("the council met on monday to vote")
    assert align._coverage(once, bag) == 2 / 3
    assert align._coverage(twice, align.ngram_bag("go team go team")) == 1 / 3


@pytest.mark.parametrize(
    "line",
    [
        "{ 14 comments… read them below or add one }",
        "(No comments)",
        "No comments:",
        "50 of 212 comments loaded",
    ],
)
def test_comment_thread_headers_in_other_wordings(line: str) -> None:
    from streams.nlp.boilerplate.rules import is_comments_start

    assert is_comments_start(line)


@pytest.mark.parametrize("line", ["No comment was made.", "One reply to the mayor came late."])
def test_comment_thread_headers_leave_prose(line: str) -> None:
    from streams.nlp.boilerplate.rules import is_comments_start

    assert not is_comments_start(line)


def test_comments_after_a_braced_comment_count_are_demoted() -> None:
    body = (
        "The town council of Millbrook voted on Tuesday to repair the old stone bridge over "
        "the river, which has been closed to trucks since the spring floods damaged its "
        "piers and left a crack along the eastern arch."
    )
    comment = (
        "I have crossed that bridge every morning for twenty years and I think it is about "
        "time that the council did something about it, so well done to all of them here."
    )
    text = "\n\n".join([body] * 4 + ["{ 3 comments… read them below or add one }", comment])
    from streams.nlp.boilerplate import text as text_mod

    found = text_mod.analyse(text)
    assert found.last == 4  # the max-sum block ends before the header, not after the comment


def test_a_bracketed_count_or_credit_is_no_sentence_end() -> None:
    from streams.nlp.boilerplate import text as text_mod

    text = (
        "Harbour ferry returns after a long winter break (214)\n\n"
        "The old ferry sails again (Image: Harbour Trust)\n\n"
        "The ferry returned to the harbour on Monday, its captain said. (She was right.)\n\n"
        "“It is good to be back on the water,” said the captain."
    )
    blocks = text_mod.analyse(text).blocks
    assert [b.terminal for b in blocks] == [False, False, True, True]
