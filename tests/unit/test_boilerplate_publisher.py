"""Publisher blocks in scraped text: appeals in the publisher's own voice wherever they sit,
navigation, live labels, app and newsletter prompts, consent text, share rows and inline
credits. Every article here is made up for the tests."""

from __future__ import annotations

import pytest

from streams.nlp.boilerplate import clean_text
from streams.nlp.boilerplate.publisher import credit_spans, is_appeal_block

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
    "Board members said they would publish a timetable for the works in the coming weeks "
    "and hold a second public meeting before construction begins.",
]
QUOTE = (
    '"We must make sure our farms never go dry again, and we will support our growers '
    'through the works," said Maria Olsen, who chairs the board.'
)
REPORTED = (
    "We will not raise fees again before the station is finished, the board's treasurer told "
    "the meeting, adding that our region's growers had paid enough."
)

APPEALS = {
    "membership": (
        "We believe everyone deserves to know what is happening in their valley. That is why "
        "we keep our reporting open to all, with no paywall. But our journalism costs money "
        "to produce, and we rely on readers like you. Join thousands of others and become a "
        "supporter today."
    ),
    "no-paywall": (
        "Why is there no paywall on this site? Because we think local news should be free "
        "for everyone. Our newsroom is funded by readers who chip in what they can, and "
        "that keeps our coverage independent."
    ),
    "donation": (
        "Our small team spends weeks on stories like this one. If our work matters to you, "
        "please give what you can so we can keep going next year."
    ),
    "nonprofit": (
        "We are a nonprofit newsroom. Every gift from our readers, large or small, pays for "
        "the reporting we publish, and we could not do it without them."
    ),
}


def page(*parts: str) -> str:
    return "\n\n".join(parts)


def removed_reasons(text: str) -> dict[str, str]:
    out = clean_text(text)
    for r in out.removed:
        assert 0 <= r.start < r.end <= len(text) and r.reason
    return {text[r.start : r.end]: r.reason for r in out.removed}


@pytest.mark.parametrize("name", sorted(APPEALS))
@pytest.mark.parametrize("where", ["top", "middle", "bottom"])
def test_first_person_plural_appeals_go_wherever_they_sit(name: str, where: str) -> None:
    appeal = APPEALS[name]
    parts = list(STORY)
    at = {"top": 0, "middle": 2, "bottom": len(parts)}[where]
    parts.insert(at, appeal)
    text = page(*parts)
    out = clean_text(text)
    assert appeal not in out.text
    for para in STORY:
        assert para in out.text
    assert removed_reasons(text).get(appeal) in {"appeal", "outside-main"}
    if where == "middle":
        assert removed_reasons(text)[appeal] == "appeal"


def test_appeal_sentences_glued_to_a_story_paragraph_go_alone() -> None:
    glued = STORY[1] + " We rely on readers like you to fund our journalism, so please support us."
    text = page(STORY[0], glued, STORY[2], STORY[3])
    out = clean_text(text)
    assert STORY[1] in out.text
    assert "fund our journalism" not in out.text


def test_quotes_in_the_first_person_plural_stay() -> None:
    text = page(STORY[0], QUOTE, STORY[1], REPORTED, STORY[2], STORY[3])
    out = clean_text(text)
    assert QUOTE in out.text
    assert REPORTED in out.text
    assert not is_appeal_block(QUOTE)
    assert not is_appeal_block(REPORTED)


def test_an_opinion_paragraph_with_we_is_not_an_appeal() -> None:
    opinion = (
        "We should ask ourselves why our valley waited so long. We knew the pumps were old, "
        "and we chose to spend the money elsewhere."
    )
    assert not is_appeal_block(opinion)
    assert opinion in clean_text(page(STORY[0], opinion, *STORY[1:])).text


def test_site_navigation_at_the_start_goes() -> None:
    nav = [
        "Skip to main content",
        "Skip to navigation",
        "Sign in | Subscribe",
        "Home",
        "News",
        "Local",
        "Sports",
        "Opinion",
        "Search",
    ]
    text = page(*nav, *STORY)
    out = clean_text(text)
    assert out.text.startswith(STORY[0])
    reasons = removed_reasons(text)
    assert reasons["Skip to navigation"] in {"nav", "outside-main"}
    assert reasons["Sign in | Subscribe"] in {"nav", "outside-main"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Live", "live"),
        ("Live updates", "live"),
        ("Breaking news", "live"),
        ("Follow our live coverage of the flood", "live"),
        ("Get the app", "app"),
        ("Download our free news app", "app"),
        ("Never miss an update", "app"),
        ("Turn on notifications", "app"),
        ("Sign up for our morning newsletter", "newsletter"),
        ("We use cookies to give you the best experience on our site.", "cookie"),
        ("Manage consent", "cookie"),
        ("Accept all cookies", "cookie"),
        ("Share on Facebook Share on Twitter Email", "share"),
        ("Facebook Twitter Email Print", "share"),
    ],
)
def test_prompts_labels_consent_and_share_rows_between_paragraphs_go(
    line: str, reason: str
) -> None:
    text = page(STORY[0], STORY[1], line, STORY[2], STORY[3])
    out = clean_text(text)
    assert line not in out.text
    assert removed_reasons(text)[line] == reason
    for para in STORY:
        assert para in out.text


def test_inline_photo_credits_go_and_the_sentence_stays() -> None:
    credit = "(Photo by Jonas Berg/Valley Courier)"
    para = (
        "Workers inspect the old pumps at the northern station " + credit + " on Thursday, "
        "a day before the board's vote."
    )
    text = page(STORY[0], para, *STORY[1:])
    out = clean_text(text)
    assert credit not in out.text
    assert "Workers inspect the old pumps at the northern station on Thursday" in out.text
    assert removed_reasons(text)[" " + credit] == "caption"


def test_a_dateline_agency_tag_is_not_a_credit() -> None:
    lede = "RIVERTON (AP) — " + STORY[0]
    assert credit_spans(lede, 0, len(lede)) == []
    assert lede in clean_text(page(lede, *STORY[1:])).text
