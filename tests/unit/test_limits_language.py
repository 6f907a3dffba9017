"""Bounded cost (streams.nlp.limits through the extract stage), the language of every article
(French read by its own model, Japanese passed through without English NLP) and the article id
in every ingest dead letter. The articles are made up here."""

from __future__ import annotations

import orjson
import pytest

from streams import flow
from streams.inprocess import process_items
from streams.messages.codec import encode
from streams.messages.dead_letters import Failure
from streams.messages.inputs import Item, raw_from_item, to_raw
from streams.messages.validation import validate
from streams.nlp.limits import analysis_cut, boundary_before
from streams.settings import load
from streams.stages.base import execute
from streams.stages.clean import clean_record

PROSE = (
    "The city council voted on Tuesday to close the old river bridge to heavy trucks, citing "
    "a structural report that found rust in several of its main supports, said Mayor Ana Ruiz "
    "of Denver, Colorado.\n\n"
)
FRENCH = (
    "Le président Emmanuel Macron a rencontré mardi à Lyon le maire de Marseille pour discuter "
    "du financement des transports publics dans le sud de la France.\n\n"
    "Selon le gouvernement, l'accord prévoit la construction de deux nouvelles lignes de tramway "
    "d'ici à 2030. Les syndicats ont salué une décision attendue depuis longtemps, tandis que "
    "l'opposition a dénoncé un coût trop élevé pour les contribuables de la région."
)
JAPANESE = (
    "東京都は月曜日、大地震に備えた新しい防災計画を発表した。計画では、避難所の数を増やし、"
    "食料と飲料水の備蓄を三日分から七日分に拡大する。\n\n"
    "知事は記者会見で、都民一人ひとりが日頃から備えることが大切だと述べた。"
    "専門家は、古い木造住宅が多い地域での火災対策が今後の課題だと指摘している。"
)


def limits(**changes: int) -> dict[str, int]:
    base = {"max_chars": 80_000, "max_tokens": 12_000, "max_numbers": 1000, "max_quotes": 300}
    return base | changes


# --- limits -------------------------------------------------------------------------------------


def test_news_sized_article_is_not_cut() -> None:
    assert analysis_cut(PROSE * 100, **limits()) is None  # about 3,000 words


@pytest.mark.parametrize(
    ("text", "changes", "reason"),
    [
        (PROSE * 50, {"max_chars": 2000}, "NEWSSTREAM_MAX_TEXT_CHARS"),
        (PROSE * 50, {"max_tokens": 300}, "NEWSSTREAM_MAX_TOKENS"),
        ("It cost 1,000,000 dollars. " * 500, {"max_numbers": 40}, "NEWSSTREAM_MAX_NUMBERS"),
        ('"We will build it," she said. ' * 500, {"max_quotes": 20}, "NEWSSTREAM_MAX_QUOTES"),
    ],
)
def test_each_limit_cuts_at_a_boundary_and_names_itself(
    text: str, changes: dict[str, int], reason: str
) -> None:
    cut = analysis_cut(text, **limits(**changes))
    assert cut is not None and reason in cut.reason
    assert 0 < cut.at < len(text)
    assert text[: cut.at].rstrip().endswith((".", '"')), text[cut.at - 20 : cut.at + 5]


def test_boundary_prefers_paragraph_then_sentence_then_space() -> None:
    text = "One. Two.\n\nThree is here. Four is there and more"
    assert boundary_before(text, 14) == 9  # the paragraph break
    assert boundary_before(text, len(text) - 2) == 9  # a paragraph break wins within 5,000
    one = "Three is here. Four is there and more"
    assert boundary_before(one, len(one) - 2) == len("Three is here.")  # then a sentence end
    assert boundary_before("four words in here", 16) == len("four words in")  # then a space
    assert boundary_before("x" * 100, 50) == 50  # nothing to cut at: a hard cut


def _clean_payload(text: str, article_id: str = "a1") -> bytes:
    raw = raw_from_item({"id": article_id, "url": "https://news.example.com/a", "text": PROSE})
    record = clean_record(raw)
    record["text"] = text
    return encode(record)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"max_numbers": 30}, "NEWSSTREAM_MAX_NUMBERS"),
        ({"max_entities": 12}, "NEWSSTREAM_MAX_ENTITIES"),
        ({"max_tokens": 200}, "NEWSSTREAM_MAX_TOKENS"),
    ],
)
def test_extract_records_the_cut_and_keeps_offsets_inside_it(
    changes: dict[str, int], reason: str
) -> None:
    text = "".join(
        f"Mayor Ana Ruiz of Denver said on day {k} that {k * 100} trucks crossed the bridge.\n\n"
        for k in range(60)
    )
    settings = load().replace(**changes)
    (enriched,) = execute(flow.stage("extract"), [_clean_payload(text)], settings)
    assert not isinstance(enriched, Failure), enriched
    validate("article.enriched", enriched)
    cut = enriched["truncated"]
    assert reason in cut["reason"] and text[: cut["at"]].endswith(".")
    assert enriched["text"] == text  # the text stays whole; the analysis stopped at `at`
    for entity in enriched["entities"]:
        for mention in entity["mentions"]:
            assert mention["end"] <= cut["at"]
            assert text[mention["start"] : mention["end"]] == mention["text"]
    (tagged,) = execute(flow.stage("geotag"), [encode(enriched)], settings)
    assert all(m["end"] <= cut["at"] for p in tagged["places"] for m in p["mentions"])


# --- language -----------------------------------------------------------------------------------


def _run(items: list[Item], **changes: str) -> list[tuple[dict | None, dict | None]]:
    return list(process_items(items, load().replace(**changes)))


def test_french_and_japanese_articles_reach_the_sink_with_their_language() -> None:
    items = [
        Item("t:1", orjson.dumps({"id": "fr-1", "text": FRENCH}), "jsonl"),
        Item("t:2", orjson.dumps({"id": "ja-1", "text": JAPANESE}), "jsonl"),
        Item("t:3", orjson.dumps({"id": "en-1", "text": PROSE}), "jsonl"),
    ]
    (fr, fr_letter), (ja, ja_letter), (en, _) = _run(items)
    assert fr_letter is None and ja_letter is None, (fr_letter, ja_letter)
    assert fr["language"]["code"] == "fr" and fr["language"]["score"] > 0.9
    assert ja["language"]["code"] == "ja" and ja["language"]["score"] > 0.9
    assert en["language"]["code"] == "en" and "nlp" not in en
    # French: entities and places from fr_core_news_sm, no claims
    names = {(e["name"], e["label"]) for e in fr["entities"]}
    assert ("Emmanuel Macron", "PERSON") in names and ("Lyon", "LOC") in names
    assert {"Lyon", "Marseille"} <= {p["name"] for p in fr["places"]}
    assert fr["nlp"]["model"] == "fr_core_news_sm" and fr["nlp"]["skipped"] == ["claims"]
    # Japanese: cleaned, no English NLP, and the record says why
    assert "防災計画" in ja["text"]
    assert ja["entities"] == [] and ja["claims"] == [] and ja["places"] == []
    assert ja["nlp"]["model"] is None and "'ja'" in ja["nlp"]["reason"]


def test_other_languages_can_be_dead_lettered_by_name() -> None:
    items = [Item("t:2", orjson.dumps({"id": "ja-1", "text": JAPANESE}), "jsonl")]
    ((record, letter),) = _run(items, other_languages="dlq")
    assert record is None and letter["article_id"] == "ja-1"
    assert letter["error"]["class"] == "language" and "'ja'" in letter["error"]["message"]
    validate("dead_letter", letter)


# --- ids in ingest dead letters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"id": "h1", "html": 5}', "h1"),
        (b'{"id": 7, "title": {"a": 1}, "text": "words here"}', "7"),
        (b'{"id": "empty", "text": "   "}', "empty"),
        (b'{"id": "nobody", "title": "t"}', "nobody"),
        (b'{"id": "extra", "text": "a", "evil": 1}', "extra"),
        (b'{"id": "cut", "text": "abc', "cut"),  # not JSON: read from the start of the line
        (b'{"title": "x", "id": "late", "text": "abc\xff"}', "late"),  # not UTF-8
    ],
)
def test_ingest_dead_letters_name_the_article(line: bytes, expected: str) -> None:
    outcome = to_raw(Item("feed.jsonl:3", line, "jsonl"), max_bytes=1 << 20)
    assert outcome.letter is not None
    assert outcome.letter["article_id"] == expected
    assert outcome.letter["source_ref"] == "feed.jsonl:3"


def test_oversize_dead_letter_names_the_article_and_where_it_is() -> None:
    line = orjson.dumps({"id": "huge-1", "url": "https://x.example/a", "text": "word " * 5000})
    outcome = to_raw(Item("feed.jsonl:9", line, "jsonl"), max_bytes=2048)
    letter = outcome.letter
    assert letter is not None and letter["error"]["class"] == "oversize"
    assert letter["article_id"] == "huge-1" and letter["source_ref"] == "feed.jsonl:9"
    assert letter["payload"] is None and letter["payload_bytes"] == len(line)
