"""SourceMemory: per-domain repeated sentences are learned and cut with exact offsets."""

from __future__ import annotations

from streams.nlp.boilerplate import Cleaned, clean_text
from streams.nlp.source_memory import REASON, SourceMemory, normalise_domain

FOOTER = "Copyright 2024 Harbor Ledger Media Group and its licensors, reproduced with consent."
SIDEBAR = "The Harbor Ledger is proud to serve the river valley with local reporting"
TOPICS = [
    "the council vote on the new bridge tolls",
    "a late frost that damaged the apple orchards",
    "the reopening of the public library branch",
    "a dispute over parking fees at the ferry terminal",
    "the school board's plan to extend the bus routes",
]


def article(i: int, year: int = 2024) -> str:
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"Residents packed the hall on night {i} to argue about {topic}, which split the town.\n\n"
        f"{SIDEBAR}\n\n"
        f"Officials said a decision on {topic} would come after hearing number {i} next week.\n\n"
        f"{FOOTER}"
    )


def trained(min_articles: int = 5) -> tuple[dict, SourceMemory]:
    store: dict = {}
    memory = SourceMemory(store, min_articles=min_articles, half_life_days=30.0)
    for i in range(30):
        memory.observe("www.harborledger.example", f"hl-{i}", article(i), now=1_000.0 + i)
    return store, memory


def test_learned_lines_are_removed_from_next_article_of_same_source() -> None:
    _, memory = trained()
    text = article(99)
    cleaned = clean_text(text)
    assert SIDEBAR in cleaned.text
    out = memory.apply("harborledger.example", cleaned, now=2_000.0)
    assert SIDEBAR not in out.text
    assert "Copyright" not in out.text
    assert "Residents packed the hall on night 99" in out.text
    assert "hearing number 99" in out.text
    learned = [r for r in out.removed if r.reason == REASON]
    assert learned
    for r in learned:  # offsets index the original input
        assert text[r.start : r.end] in (SIDEBAR, FOOTER)
    assert out.removed_chars == sum(r.end - r.start for r in out.removed)


def test_other_source_keeps_a_resembling_sentence() -> None:
    _, memory = trained()
    text = (
        "The Harbor Ledger is proud to serve the river valley, its new owner told staff on "
        "Monday, announcing a sale that closes in March.\n\n" + article(5).split("\n\n")[0]
    )
    cleaned = clean_text(text)
    assert memory.apply("othernews.example", cleaned, now=2_000.0).text == cleaned.text
    same_source_variant = memory.apply("harborledger.example", cleaned, now=2_000.0)
    assert "its new owner told staff" in same_source_variant.text


def test_repeated_article_id_counts_once() -> None:
    store: dict = {}
    memory = SourceMemory(store, min_articles=3)
    for _ in range(10):
        memory.observe("a.example", "same-id", article(1), now=0.0)
    assert memory.count("a.example", SIDEBAR, now=0.0) == 1.0
    cleaned = clean_text(article(2))
    assert memory.apply("a.example", cleaned, now=0.0).text == cleaned.text


def test_counts_decay_with_half_life() -> None:
    store: dict = {}
    memory = SourceMemory(store, min_articles=5, half_life_days=1.0)
    for i in range(6):
        memory.observe("a.example", f"id{i}", article(i), now=0.0)
    assert memory.count("a.example", SIDEBAR, now=0.0) == 6.0
    later = 2 * 86_400.0
    assert abs(memory.count("a.example", SIDEBAR, now=later) - 1.5) < 1e-9
    cleaned = clean_text(article(7))
    assert SIDEBAR in memory.apply("a.example", cleaned, now=later).text


def test_store_values_are_json_serialisable() -> None:
    import json

    store, _ = trained()
    json.dumps(store)
    assert all(isinstance(k, str) for k in store)


def test_apply_without_segments_on_untouched_text() -> None:
    _, memory = trained()
    text = article(42)
    out = memory.apply("harborledger.example", Cleaned(text, [], 0), now=2_000.0)
    assert SIDEBAR not in out.text
    assert all(text[r.start : r.end] in (SIDEBAR, FOOTER) for r in out.removed)


def test_normalise_domain() -> None:
    assert normalise_domain("https://WWW.Example.com:443/path") == "example.com"


def test_republished_copies_do_not_teach_their_own_sentences() -> None:
    store: dict = {}
    memory = SourceMemory(store, min_articles=3, half_life_days=30.0)
    text = article(7)
    for i in range(10):  # the same story under ten ids: syndication, updates, re-ingests
        memory.observe("syndicated.example", f"copy-{i}", text, now=1_000.0 + i)
    cleaned = memory.apply("syndicated.example", clean_text(text), now=2_000.0)
    assert "Residents packed the hall on night 7" in cleaned.text
    assert not [r for r in cleaned.removed if r.reason == REASON]


def test_pipeline_learn_cuts_source_lines_and_passes_failures_through() -> None:
    from streams.messages.codec import encode
    from streams.messages.dead_letters import Failure
    from streams.messages.inputs import raw_from_item
    from streams.messages.validation import validate
    from streams.stages.clean import learn_one
    from tests.stagehelp import run

    letters = "Readers in the valley send letters to the editor by post and by email every weekday."

    def cleaned(i: int, text: str) -> dict:
        item = {"id": f"hl-{i}", "url": "https://harborledger.example/a", "text": text}
        (result,) = run("clean", [encode(raw_from_item(item))])
        return result

    memory = SourceMemory({}, min_articles=5, half_life_days=30.0)
    for i in range(10):
        learn_one(cleaned(i, f"{letters}\n\n{article(i)}"), memory, now=1_000.0)
    kept = learn_one(cleaned(50, f"{letters}\n\n{article(50)}"), memory, now=1_001.0)
    assert letters not in kept["text"] and "hearing number 50" in kept["text"]
    validate("article.clean", kept)
    failure = Failure("input", "no article text found", "hl-51")
    assert learn_one(failure, memory, now=1_001.0) is failure
