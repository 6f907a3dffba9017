"""The schema files themselves, and the pipeline's output against them."""

from __future__ import annotations

import jsonschema_rs
import pytest

from streams.inprocess import process_items
from streams.messages.inputs import discover, read_items
from streams.messages.validation import FILES, SCHEMA_DIR, SchemaError, schema, schema_id, validate
from streams.resources import data_dir
from streams.settings import load


@pytest.mark.parametrize("kind", sorted(FILES))
def test_schema_files_are_valid_and_versioned(kind: str) -> None:
    document = schema(kind)
    jsonschema_rs.meta.validate(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["properties"]["schema"]["const"] == schema_id(kind)
    assert FILES[kind].endswith(".v1.json") and (SCHEMA_DIR / FILES[kind]).exists()


def test_validation_names_the_field() -> None:
    from streams.messages.inputs import raw_from_item

    raw = raw_from_item({"id": "a", "text": "Some news."}) | {"article_id": 5}
    with pytest.raises(SchemaError, match="article_id"):
        validate("article.raw", raw)
    with pytest.raises(SchemaError, match="ingested_at"):
        validate("article.raw", raw | {"article_id": "a", "ingested_at": "yesterday"})


def test_sample_corpus_gives_valid_filled_sink_records() -> None:
    sample = data_dir("sample")
    results = list(process_items(read_items(discover([str(sample)])), load()))
    records = [r for r, _ in results if r is not None]
    assert len(records) == len(results) >= 13
    for record in records:
        validate("article.geo", record)
        ids = {e["id"] for e in record["entities"]}
        for claim in record["claims"]:
            if claim["speaker"] is not None:
                assert claim["speaker"]["entity_id"] in ids
        for item in record["entities"] + record["places"]:
            for m in item["mentions"]:
                assert record["text"][m["start"] : m["end"]] == m["text"]
    assert all(r["entities"] and r["claims"] and r["places"] for r in records)
    assert any(c["kind"] == "numeric" for r in records for c in r["claims"])
    assert any(c["speaker"] for r in records for c in r["claims"] if c["kind"] == "quote")
