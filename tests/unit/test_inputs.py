"""Input items -> raw messages: ids, validation, dead letters."""

from __future__ import annotations

import pytest

from streams.messages.inputs import Item, article_id, domain_of, raw_from_item, to_raw
from streams.messages.validation import validate
from streams.nlp.errors import InputError


def test_article_id_prefers_id_then_url_then_content() -> None:
    assert article_id({"id": " a-1 "}, "x") == "a-1"
    by_url = article_id({"url": "https://n.example/1"}, "x")
    assert by_url == article_id({"url": "https://n.example/1"}, "other content")
    assert article_id({}, "x") == article_id({}, "x") != article_id({}, "y")
    assert by_url != article_id({}, "x")


def test_domain_of_strips_www_and_case() -> None:
    assert domain_of("https://WWW.Example.com:8080/a?b") == "example.com"
    assert domain_of(None) is None
    assert domain_of("not a url") is None


def test_raw_message_is_schema_valid() -> None:
    raw = raw_from_item({"id": 7, "url": "https://n.example/x", "title": "T", "html": "<p>x</p>"})
    validate("article.raw", raw)
    assert raw["article_id"] == "7" and raw["format"] == "html"
    assert raw["source"] == {"url": "https://n.example/x", "domain": "n.example"}


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ([1, 2], "JSON object"),
        ({"title": "no body"}, "exactly one of"),
        ({"text": "a", "html": "<p>a</p>"}, "exactly one of"),
        ({"text": 42}, "must be a string"),
        ({"text": "   "}, "is empty"),
        ({"text": "x", "author": "me"}, "unknown fields"),
        ({"text": "x", "url": ["a"]}, "'url' must be a string"),
    ],
)
def test_bad_items_say_why(item: object, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        raw_from_item(item)


@pytest.mark.parametrize(
    ("payload", "kind", "error_class"),
    [
        (b"{not json", "jsonl", "json"),
        (b"\xff\xfe\x00garbage", "jsonl", "decode"),
        (b'{"text": 5}', "jsonl", "input"),
        (b"x" * 2000, "text", "oversize"),
    ],
)
def test_to_raw_dead_letters_carry_class_reason_and_payload(
    payload: bytes, kind: str, error_class: str
) -> None:
    outcome = to_raw(Item("in.jsonl:3", payload, kind), max_bytes=1000)
    assert outcome.raw is None and outcome.letter is not None
    letter = outcome.letter
    validate("dead_letter", letter)
    assert letter["error"]["class"] == error_class and letter["error"]["message"]
    assert letter["source_ref"] == "in.jsonl:3" and letter["stage"] == "ingest"
    if error_class == "oversize":
        assert letter["payload"] is None and letter["payload_bytes"] == 2000
    elif error_class == "decode":
        assert letter["payload_b64"]
    else:
        assert letter["payload"] == payload.decode()


def test_html_and_text_files_become_articles() -> None:
    html = to_raw(Item("a.html", b"<html><body><p>Hi</p></body></html>", "html"), 10_000)
    text = to_raw(Item("a.txt", "Caf\u00e9 news.".encode(), "text"), 10_000)
    assert html.raw is not None and html.raw["format"] == "html"
    assert text.raw is not None and text.raw["content"] == "Caf\u00e9 news."
