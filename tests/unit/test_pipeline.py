"""The stage entry points never raise: one bad input never takes its batch down."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson

from streams.messages.codec import encode
from streams.messages.dead_letters import Failure
from streams.messages.inputs import raw_from_item
from streams.messages.validation import validate
from tests.stagehelp import run

TEXT = (
    "Mayor Ana Ruiz of Denver, Colorado said on Monday that the city would hire 40 nurses. "
    '"We need them now," Ruiz said.'
)


def test_bad_payloads_become_failures_and_good_ones_pass() -> None:
    good = encode(raw_from_item({"id": "ok", "text": TEXT}))
    results = run("clean", [b"\xff", b'{"a": 1}', b"[]", good])
    assert [type(r) for r in results[:3]] == [Failure] * 3
    assert [r.error_class for r in results[:3]] == ["json", "schema", "schema"]
    assert isinstance(results[3], dict) and results[3]["article_id"] == "ok"


def test_an_article_that_fails_does_not_sink_the_batch() -> None:
    empty = raw_from_item({"id": "junk", "text": "x"}) | {"content": "\x00\x01\x02" * 50}
    good = raw_from_item({"id": "ok", "text": TEXT})
    results = run("clean", [encode(empty), encode(good)])
    assert isinstance(results[0], Failure) and results[0].error_class == "input"
    assert results[0].article_id == "junk"
    assert isinstance(results[1], dict)


def test_stages_chain_to_a_sink_record() -> None:
    (clean,) = run("clean", [encode(raw_from_item({"id": "ok", "text": TEXT}))])
    (enriched,) = run("extract", [encode(clean)])
    (geo,) = run("geotag", [encode(enriched)])
    validate("article.geo", geo)
    assert [s["name"] for s in geo["pipeline"]["stages"]] == ["clean", "extract", "geotag"]
    assert {"Ana Ruiz", "Denver", "Colorado"} <= {e["name"] for e in geo["entities"]}
    assert any(p["name"] == "Denver" and p["country_code"] == "US" for p in geo["places"])


def test_process_command_prints_one_valid_record_for_a_text_article() -> None:
    line = orjson.dumps({"id": "cli-1", "url": "https://n.example/a", "text": TEXT})
    done = subprocess.run(
        [sys.executable, "-m", "streams", "process", "-"],
        input=line + b"\n",
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    (out,) = done.stdout.splitlines()
    record = orjson.loads(out)
    validate("article.geo", record)
    assert record["entities"] and record["claims"] and record["places"]


def test_html_article_without_a_title_takes_the_pages_headline() -> None:
    html = (
        "<html><head><title>Ferry fares rise | Example News</title>"
        '<meta property="og:title" content="Ferry fares rise on the Sound"></head><body>'
        "<article><h1>Ferry fares rise on the Sound</h1><p>Fares on the state ferries will rise "
        "by 5 percent in June, officials in Seattle, Washington said on Tuesday.</p></article>"
        "</body></html>"
    )
    (clean,) = run("clean", [encode(raw_from_item({"id": "h", "html": html}))])
    assert clean["title"] == "Ferry fares rise on the Sound"
    (titled,) = run("clean", [encode(raw_from_item({"id": "t", "title": "Mine", "html": html}))])
    assert titled["title"] == "Mine"


def test_numpy_runs_one_blas_thread_unless_the_environment_says_otherwise() -> None:
    code = "import streams, numpy, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    for given, expected in ((None, "1"), ("2", "2")):
        extra = {} if given is None else {"OPENBLAS_NUM_THREADS": given}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env | extra, capture_output=True, text=True
        )
        assert done.stdout.strip() == expected, done.stderr
