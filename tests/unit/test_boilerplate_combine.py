"""The HTML paragraph combiner: shipped weights, features, and the page it cleans.
The page is made up for the tests."""

from __future__ import annotations

import json

import pytest

from streams.nlp.boilerplate import clean_html, combine, visible_text

STORY = [
    "The regional water board approved a plan on Thursday to replace the pumping station "
    "that serves the northern valley, after two breakdowns last summer left farms without "
    "irrigation for most of a week.",
    "The new station will cost about 14 million dollars and should be running by the end of "
    "next year, the board said, with most of the money coming from a state infrastructure "
    "fund and the rest from a small rise in water fees.",
    "Farmers who spoke at the meeting welcomed the decision but asked the board to keep the "
    "old pumps in working order until the new ones are tested, since the harvest season "
    "starts in August.",
    '"We must make sure our farms never go dry again," said Maria Olsen, who chairs the board.',
]
APPEAL = (
    "We keep our reporting free for everyone, with no paywall. Our newsroom depends on "
    "readers who chip in, so please support our journalism today."
)
COMMENT = (
    "I have lived in the valley for forty years and the pumps have failed every other summer, "
    "so I will believe it when I see it working."
)


def page_html() -> str:
    paras = "".join(f"<p>{p}</p>" for p in STORY[:2])
    paras += f"<p>{APPEAL}</p>" + "".join(f"<p>{p}</p>" for p in STORY[2:])
    return (
        "<html><head><title>Board approves new pumping station</title></head><body>"
        "<nav class='site-nav'><a href='/'>Home</a> <a href='/news'>News</a> "
        "<a href='/sports'>Sports</a> <a href='/login'>Sign in</a></nav>"
        "<main><article class='story'><h1>Board approves new pumping station</h1>"
        f"{paras}</article></main>"
        "<section class='comments'><h3>Comments</h3>"
        f"<div class='comment'><p>{COMMENT}</p></div></section>"
        "<footer class='site-footer'><p>© 2026 Valley Courier. All rights reserved.</p>"
        "</footer></body></html>"
    )


def test_shipped_model_matches_the_feature_list() -> None:
    data = json.loads(combine.MODEL_FILE.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == combine.FEATURES
    assert len(data["weights"]) == len(combine.FEATURES)
    assert data["cross_validated_sh4_f1"]  # the figure reported is the cross-validated one
    assert combine.load_model() is not None


def test_every_paragraph_gets_one_feature_row() -> None:
    found = combine.analyse(page_html(), "https://valley.example/news/pumps")
    assert len(found.rows) == len(found.spans) == len(found.removals)
    assert all(len(row) == len(combine.FEATURES) for row in found.rows)


def test_combined_cleaning_keeps_the_story_and_drops_furniture() -> None:
    markup = page_html()
    out = clean_html(markup, url="https://valley.example/news/pumps")
    for para in STORY:
        assert para in out.text
    for junk in (APPEAL, COMMENT, "Sign in", "All rights reserved"):
        assert junk not in out.text
    page = visible_text(markup)
    for r in out.removed:
        assert 0 <= r.start < r.end <= len(page) and r.reason
    assert "appeal" in {r.reason for r in out.removed}


def test_without_a_model_trafilatura_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(combine, "load_model", lambda: None)
    out = clean_html(page_html(), url="https://valley.example/news/pumps")
    assert STORY[0] in out.text


def test_decide_gives_the_verdicts_of_the_full_rows() -> None:
    """The rules and cues run only where the model could keep a paragraph; the verdicts and
    removals are those of scoring every full row."""
    model = combine.load_model()
    assert model is not None
    url = "https://valley.example/news/pumps"
    full = combine.analyse(page_html(), url)
    fast = combine.decide(page_html(), url, model)
    assert (fast.page, fast.spans) == (full.page, full.spans)
    expected = [
        rem if model.probability(row) >= model.threshold else None
        for row, rem in zip(full.rows, full.removals, strict=True)
    ]
    assert fast.kept == expected
    assert any(k is None for k in fast.kept) and any(k is not None for k in fast.kept)


def test_the_ceiling_bounds_every_row_score() -> None:
    """decide drops a paragraph unseen when its ceiling is below the threshold: the ceiling
    is at least the score of its full row, for the shipped weights and for the same weights
    with every sign flipped (each bounded feature then takes its other end)."""
    model = combine.load_model()
    assert model is not None
    full = combine.analyse(page_html(), "https://valley.example/news/pumps")
    ev = combine.gather(page_html(), "https://valley.example/news/pumps")
    rows = combine._Rows(ev.page, ev.spans, ev.covs, ev.stops, ev.headings, ev.tokens)
    for weights in (model.weights, tuple(-w for w in model.weights)):
        ceilings = rows.ceilings(weights)
        for k, row in enumerate(full.rows):
            score = sum(w * x for w, x in zip(weights, row, strict=True))
            assert score <= ceilings[k] + 1e-9


def test_readability_on_the_shared_tree_matches_readability_on_the_markup() -> None:
    from streams.nlp.boilerplate import extractors, visible

    markup = page_html().replace("<footer", "<div hidden>Hidden teaser text</div><footer")
    parsed = visible.load(markup)
    assert extractors.extract_readability(parsed.root) == extractors.extract_readability(markup)
    assert "Hidden teaser text" not in extractors.extract_readability(markup)


def test_classify_memo_follows_the_rule_set(monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from streams.nlp.boilerplate import rules

    unit = "The pumps raised 3 questions about the budget."
    assert rules.classify(unit) is None
    edited = (rules.Rule("edited", False, 400, re.compile(r"raised \d+ q")), *rules.load_rules())
    monkeypatch.setattr(rules, "load_rules", lambda path=None: edited)
    assert rules.classify(unit) == "edited"


def test_trafilatura_compares_with_the_given_readability_article() -> None:
    from streams.nlp.boilerplate import extractors, visible

    markup = page_html()
    parsed = visible.load(markup)
    visible.render(parsed.root)
    article = extractors.readability_tree(parsed.root)
    assert article is not None
    own = extractors.extract_trafilatura(parsed.tree, None)
    given = extractors.extract_trafilatura(parsed.tree, None, article)
    assert given == own  # same page, same choice: trafilatura's own extraction
    assert STORY[0] in given
    assert getattr(extractors._GIVEN, "body", None) is None  # used once, never left behind
    # the caller's tree is left as readability found it: hidden elements stay
    hidden = visible.load(markup.replace("<footer", "<div hidden>Hidden teaser</div><footer"))
    extractors.readability_tree(hidden.root)
    assert "Hidden teaser" in hidden.root.text_content()


def test_the_readability_hook_is_for_the_installed_trafilatura() -> None:
    import trafilatura

    from streams.nlp.boilerplate import extractors

    # When this fails, trafilatura was upgraded: re-check the hook against its
    # core._extract_and_compare and external.compare_extraction, then move HOOKED_TRAFILATURA.
    assert trafilatura.__version__ == extractors.HOOKED_TRAFILATURA


def test_another_trafilatura_release_runs_unhooked(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    from streams.nlp.boilerplate import extractors, visible

    parsed = visible.load(page_html())
    article = extractors.readability_tree(parsed.root)
    assert article is not None
    monkeypatch.setattr(trafilatura, "__version__", "9.9.9")
    monkeypatch.setattr(extractors, "_install_readability_hook", lambda: pytest.fail("hooked"))
    assert STORY[0] in extractors.extract_trafilatura(parsed.tree, None, article)


def test_the_parse_gives_lxml_html_element_classes() -> None:
    """visible.load has trafilatura's parser pick element classes with lxml's own lookup:
    the classes are those of lxml.html's (Python) lookup, form controls included."""
    from lxml import html

    from streams.nlp.boilerplate import visible

    markup = (
        "<html><body><div><p>Text <a href='/x'>link</a></p><form><label>Name</label>"
        "<input name='q'><select><option>a</option></select><textarea>t</textarea></form>"
        "<g:plusone></g:plusone></div></body></html>"
    )
    root = visible.load(markup).root
    table = html.HtmlElementClassLookup._default_element_classes
    assert {"form", "input", "select", "textarea", "label"} <= set(table)
    elements = list(root.iter())
    assert len(elements) > 10
    for el in elements:
        assert type(el) is table.get(el.tag.lower(), html.HtmlElement)


def test_trafilatura_spending_the_tree_gives_the_same_text() -> None:
    """With ``spend``, trafilatura works on the caller's tree instead of copies of it (the
    one it loads, the one it cleans): the same text, and the caller's tree is what
    trafilatura changed."""
    from streams.nlp.boilerplate import extractors, visible

    copied, spent = visible.load(page_html()), visible.load(page_html())
    assert COMMENT in visible.render(spent.root)
    article = extractors.readability_tree(copied.root)
    assert article is not None
    own = extractors.extract_trafilatura(copied.tree, None, article)
    article = extractors.readability_tree(spent.root)
    assert article is not None
    assert extractors.extract_trafilatura(spent.tree, None, article, spend=True) == own
    assert visible.render(copied.root) == visible_text(page_html())  # left as it was
    assert COMMENT not in visible.render(spent.root)  # trafilatura pruned the comments
    assert spent.root.find(".//nav") is None  # and cleaned the page itself, not a copy


def test_context_is_the_mean_of_the_neighbours() -> None:
    cov = [1.0, 0.0, 0.5, 0.25, 1 / 3, 0.7]
    assert combine._context([]) == []
    assert combine._context([0.4]) == [0.0]
    assert combine._context([0.4, 0.6], 2) == [0.6, 0.4]
    near = [cov[1], (1.0 + 0.5) / 2, (0.0 + 0.25) / 2, (0.5 + 1 / 3) / 2, (0.25 + 0.7) / 2]
    assert combine._context(cov) == [*near, 1 / 3]
    two = combine._context(cov, 2)
    assert two[0] == (0.0 + 0.5) / 2 and two[1] == (1.0 + 0.5 + 0.25) / 3
    assert two[2] == (1.0 + 0.0 + 0.25 + 1 / 3) / 4
    assert two[5] == (0.25 + 1 / 3) / 2


def test_fast_clean_is_readabilitys_clean() -> None:
    """extractors._fast_clean gives the string readability-lxml's regex ``clean`` gives."""
    import random
    import re

    from streams.nlp.boilerplate import extractors

    def clean(text: str) -> str:  # readability-lxml 0.9's clean
        text = re.sub(r"\s{255,}", " " * 255, text)
        text = re.sub(r"\s*\n\s*", "\n", text)
        text = re.sub(r"\t|[ \t]{2,}", " ", text)
        return text.strip()

    texts = [
        "",
        " Board  approves\tplan \n\n  for the\r\n pumps ",
        "\t  \tcost\u00a0\u2003\n\x0b14 million\n",
        "a" + " \n" * 200 + "\t" * 80 + "b",
        "Home" + " " * 300 + "News\n",
        "\n",
    ]
    rng = random.Random(7)
    chars = [" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\x0b", "\x85", "w", "é"]
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts += [" " * rng.randint(240, 270) + "\n\t" * rng.randint(0, 5) + "x" for _ in range(50)]
    for text in texts:
        assert extractors._fast_clean(text) == clean(text), repr(text)
