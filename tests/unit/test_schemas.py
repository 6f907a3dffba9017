"""The schema files themselves, and the pipeline's output against them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from streams.inprocess import process_items
from streams.messages.inputs import discover, raw_from_item, read_items
from streams.messages.validation import (
    FILES,
    SCHEMA_DIR,
    SchemaError,
    registry,
    schema,
    schema_id,
    validate,
    validator,
)
from streams.resources import data_dir
from streams.settings import load

ARTICLE_KINDS = ["article.raw", "article.clean", "article.enriched", "article.geo"]
# Each kind's own top-level fields (besides ``schema``), in pipeline order: a later kind has
# all the fields of the earlier ones.
OWN_FIELDS = {
    "article.raw": {"format", "content"},
    "article.clean": {"text", "boilerplate", "pipeline"},
    "article.enriched": {"entities", "claims"},
    "article.geo": {"places", "focus", "content_hash"},
}
HEADER = {"article_id", "source", "title", "published_at", "ingested_at"}


@pytest.fixture(scope="module")
def sink_records() -> list[dict[str, Any]]:
    sample = data_dir("sample")
    results = list(process_items(read_items(discover([str(sample)])), load()))
    records = [r for r, _ in results if r is not None]
    assert len(records) == len(results) >= 13
    return records


@pytest.fixture(scope="module")
def messages(sink_records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One valid message of every article kind, the later stages' cut down from a sink record."""
    geo = sink_records[0]
    enriched = {k: v for k, v in geo.items() if k not in OWN_FIELDS["article.geo"]}
    clean = {k: v for k, v in enriched.items() if k not in OWN_FIELDS["article.enriched"]}
    return {
        "article.raw": raw_from_item(
            {"id": "a", "text": "Some news.", "url": "https://n.example/x"}
        ),
        "article.clean": clean | {"schema": schema_id("article.clean")},
        "article.enriched": enriched | {"schema": schema_id("article.enriched")},
        "article.geo": geo,
    }


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.parametrize("kind", sorted(FILES))
def test_schema_files_are_valid_and_versioned(kind: str) -> None:
    document = schema(kind)
    jsonschema_rs.meta.validate(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"https://newsstream.dev/schemas/{FILES[kind]}"
    assert document["properties"]["schema"]["const"] == schema_id(kind)
    assert FILES[kind].endswith(".v1.json") and (SCHEMA_DIR / FILES[kind]).exists()
    # Unknown top-level fields are refused.
    assert False in (document.get("additionalProperties"), document.get("unevaluatedProperties"))


@pytest.mark.parametrize("kind", sorted(FILES))
def test_refs_resolve_locally(kind: str) -> None:
    document = schema(kind)
    resolver = registry().resolver(document["$id"])
    for ref in _refs(document):
        # Relative to the file (a sibling file or a fragment), so the files also work from disk.
        assert not ref.startswith(("http:", "https:", "/")), ref
        assert ref.split("#")[0] in ("", *FILES.values()), ref
        assert isinstance(resolver.lookup(ref).contents, dict), ref
    validator(kind)  # compiles offline from the shipped files


def test_unknown_refs_are_not_fetched() -> None:
    resolver = registry().resolver(schema("article.geo")["$id"])
    for ref in ("article.missing.v1.json", "https://example.com/schema.json"):
        with pytest.raises(jsonschema_rs.ReferencingError):
            resolver.lookup(ref)


def test_each_schema_defines_only_its_own_fields() -> None:
    """article.geo extends article.enriched, which extends article.clean, which uses the
    article header of article.raw: no field is defined twice, and no ``schema`` const leaks."""
    for kind in ARTICLE_KINDS:
        assert set(schema(kind)["properties"]) - {"schema"} <= OWN_FIELDS[kind]
    assert set(schema("article.raw")["$defs"]["header"]["properties"]) == HEADER
    extends = {
        "article.clean": "article.raw.v1.json#/$defs/header",
        "article.enriched": "article.clean.v1.json#/$defs/record",
        "article.geo": "article.enriched.v1.json#/$defs/record",
    }
    for kind, base in extends.items():
        document = schema(kind)
        shape = document["$defs"].get("record", document)
        assert {"$ref": base} in shape["allOf"]
    for base in ("article.raw.v1.json#/$defs/header", *extends.values()):
        name, pointer = base.split("#")
        shape = registry().resolver(f"https://newsstream.dev/schemas/{name}").lookup(f"#{pointer}")
        assert "schema" not in shape.contents["properties"]
        assert not {"additionalProperties", "unevaluatedProperties"} & set(shape.contents)


def test_validation_names_the_field() -> None:
    raw = raw_from_item({"id": "a", "text": "Some news."}) | {"article_id": 5}
    with pytest.raises(SchemaError, match="article_id"):
        validate("article.raw", raw)
    with pytest.raises(SchemaError, match="ingested_at"):
        validate("article.raw", raw | {"article_id": "a", "ingested_at": "yesterday"})


def test_every_kind_validates_its_own_messages_only(messages: dict[str, dict[str, Any]]) -> None:
    for kind, message in messages.items():
        validate(kind, message)
        for other in ARTICLE_KINDS:
            if other != kind:
                with pytest.raises(SchemaError):
                    validate(other, message)
                # Not even with the other kind's ``schema`` value: the fields differ too.
                with pytest.raises(SchemaError):
                    validate(other, message | {"schema": schema_id(other)})


def test_fields_of_later_kinds_are_refused(messages: dict[str, dict[str, Any]]) -> None:
    clean, enriched = messages["article.clean"], messages["article.enriched"]
    with pytest.raises(SchemaError, match="'extra' was unexpected"):
        validate("article.clean", clean | {"extra": 1})
    with pytest.raises(SchemaError, match="'entities' was unexpected"):
        validate("article.clean", clean | {"entities": enriched["entities"]})
    with pytest.raises(SchemaError, match="'places' was unexpected"):
        validate("article.enriched", enriched | {"places": []})
    with pytest.raises(SchemaError, match="'extra' was unexpected"):
        validate("article.geo", messages["article.geo"] | {"extra": 1})


def test_missing_or_bad_fields_are_named(messages: dict[str, dict[str, Any]]) -> None:
    geo = messages["article.geo"]
    without_places = {k: v for k, v in geo.items() if k != "places"}
    with pytest.raises(SchemaError, match='"places" is a required property'):
        validate("article.geo", without_places)
    without_text = {k: v for k, v in geo.items() if k != "text"}
    with pytest.raises(SchemaError, match='"text" is a required property'):
        validate("article.geo", without_text)
    with pytest.raises(SchemaError, match="^source: "):
        validate("article.geo", geo | {"source": {"url": None}})
    bad_entity = geo["entities"][0] | {"salience": 2}
    with pytest.raises(SchemaError, match="^entities/0/salience: "):
        validate("article.geo", geo | {"entities": [bad_entity, *geo["entities"][1:]]})
    with pytest.raises(SchemaError, match='^schema: "newsstream.article.geo/v1" was expected'):
        validate("article.geo", geo | {"schema": schema_id("article.enriched")})


def test_sample_corpus_gives_valid_filled_sink_records(
    sink_records: list[dict[str, Any]],
) -> None:
    records = sink_records
    for record in records:
        validate("article.geo", record)
        ids = {e["id"] for e in record["entities"]}
        for claim in record["claims"]:
            speaker = claim["speaker"]
            if speaker is not None and speaker["entity_id"] is not None:
                assert speaker["entity_id"] in ids
            elif speaker is not None:  # a role or group speaker: no entity, its role instead
                assert speaker["role"] and speaker["name"]
        for item in record["entities"] + record["places"]:
            for m in item["mentions"]:
                assert record["text"][m["start"] : m["end"]] == m["text"]
    assert all(r["entities"] and r["claims"] and r["places"] for r in records)
    assert any(c["kind"] == "numeric" for r in records for c in r["claims"])
    assert any(c["speaker"] for r in records for c in r["claims"] if c["kind"] == "quote")
