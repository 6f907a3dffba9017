"""Replay's pure parts: content_hash stability, pipeline.version, the offset range of a time
window, the source filter, the checkpoint record and diff's per-article comparison."""

from __future__ import annotations

import copy
import datetime as dt

from streams.kafka.diff import Report, compare, diff_records, render
from streams.kafka.replay import (
    Checkpoint,
    parse_time,
    range_offsets,
    source_of,
    to_millis,
    wanted,
)
from streams.nlp import model
from streams.settings import load
from streams.stages import versioning
from streams.stages.versioning import content_hash, pipeline_version


def record(**changes: object) -> dict:
    base = {
        "article_id": "a1",
        "title": "Bridge",
        "source": {"domain": "news.example.com", "url": "https://news.example.com/a"},
        "ingested_at": "2026-01-02T03:04:05.000Z",
        "text": "Ada Brooks of Boston spoke.",
        "boilerplate": {"removed_chars": 0, "removed": [], "kept": [{"start": 0, "end": 27}]},
        "entities": [{"id": "e1", "name": "Ada Brooks", "label": "PERSON", "mentions": []}],
        "claims": [],
        "places": [{"name": "Boston", "feature": "city", "country_code": "US"}],
        "focus": {"place": "Boston", "country_code": "US", "geonameid": 1},
        "pipeline": {"version": "v1", "stages": [{"name": "clean", "at": "t0", "ms": 1.0}]},
    }
    return base | changes


def test_content_hash_covers_derived_fields_only() -> None:
    one = record()
    assert content_hash(one) == content_hash(copy.deepcopy(one))
    assert content_hash(one).startswith("sha256:") and len(content_hash(one)) == 71
    # Timings, timestamps, version and header fields do not count...
    later = record(
        pipeline={"version": "v2", "stages": [{"name": "clean", "at": "t9", "ms": 7.5}]},
        ingested_at="2027-01-01T00:00:00.000Z",
        title="Another title",
    )
    assert content_hash(later) == content_hash(one)
    # ...key order does not either; every derived field does.
    assert content_hash(dict(reversed(list(one.items())))) == content_hash(one)
    for name, value in [
        ("text", "Ada Brooks spoke."),
        ("entities", []),
        ("claims", [{"id": "c1"}]),
        ("places", []),
        ("focus", {"place": None, "country_code": None, "geonameid": None}),
        ("boilerplate", {"removed_chars": 1, "removed": [], "kept": []}),
    ]:
        assert content_hash(record(**{name: value})) != content_hash(one), name


def test_pipeline_version_is_code_version_plus_fingerprint() -> None:
    settings = load().replace(pipeline_version="")
    version = pipeline_version(settings)
    assert version.startswith("0.1.0+") and len(version.split("+")[1]) == 10
    assert pipeline_version(settings.replace(pipeline_version="bumped")) == "bumped"
    assert set(versioning.MODELS) == set(model.MODELS.values())


def test_range_offsets_of_a_time_window() -> None:
    ends = {0: 10, 1: 5, 2: 0}
    # offsets_for_times: the first offset at or after the time, None when nothing is as recent
    assert range_offsets({0: 3, 1: None, 2: None}, ends) == {0: 3, 1: 5, 2: 0}
    assert range_offsets({0: 12, 1: 0}, ends) == {0: 10, 1: 0, 2: 0}


def test_times_and_source_filter() -> None:
    assert parse_time("2026-01-02T03:04:05Z") == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert parse_time("2026-01-02T03:04:05") == parse_time("2026-01-02T03:04:05+00:00")
    assert parse_time(None) is None and to_millis(None) is None
    assert to_millis(parse_time("1970-01-01T00:00:01Z")) == 1000
    value = {"source": {"domain": "www.News.Example.com"}}
    assert source_of(value) == "news.example.com" and source_of(None) == ""
    assert wanted(value, []) and wanted(value, ["news.example.com"])
    assert wanted(value, ["example.com"])  # a subdomain of a given source
    assert not wanted(value, ["other.example.com"]) and not wanted({"x": 1}, ["example.com"])


def test_checkpoint_round_trip() -> None:
    cp = Checkpoint(
        id="r1", since="2026-01-01T00:00:00+00:00", until=None, from_stage="clean",
        sources=[], to=None, version="v", rate=None, input="articles.raw",
        starts={0: 2, 1: 0}, ends={0: 10, 1: 4}, positions={0: 6, 1: 0},
    )  # fmt: skip
    again = Checkpoint.from_json(cp.to_json())
    assert again == cp and again.total == 12 and again.remaining == 8


def test_diff_names_what_changed() -> None:
    a = record()
    b = record(
        text="Ada Brooks of Paris spoke.",
        places=[{"name": "Paris", "feature": "city", "country_code": "FR"}],
        entities=[*a["entities"], {"name": "Paris", "label": "GPE"}],
        pipeline={"version": "v2", "stages": []},
    )
    one = compare(a, b)
    assert one.text_changed and one.changed
    assert one.added["places"] == ["Paris (city, FR)"]
    assert one.removed["places"] == ["Boston (city, US)"]
    assert one.added["entities"] == ["Paris (GPE)"] and not one.removed["entities"]
    report = diff_records(
        Report("live", "shadow"),
        {"a1": a, "a2": record(article_id="a2"), "a3": record(article_id="a3")},
        {"a1": b, "a2": record(article_id="a2", pipeline={"version": "v2", "stages": []})},
    )
    assert (report.compared, report.changed, report.unchanged) == (2, 1, 1)
    assert (report.only_a, report.only_b, report.text_changed) == (1, 0, 1)
    text = render(report)
    assert "places    + Paris (city, FR)" in text and "places    - Boston (city, US)" in text
    assert "compared 2, changed 1, unchanged 1" in text
