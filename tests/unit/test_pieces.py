"""A long article's model pass in pieces gives the same record wherever the pieces ran."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from typing import Any

import faust
from spacy.tokens import Doc

from streams import flow
from streams.kafka.agent import StageAgent
from streams.messages.codec import encode
from streams.messages.inputs import raw_from_item
from streams.nlp.model import load_nlp
from streams.nlp.pieces import PIECE_WORDS, assign, parse, pieces, to_bytes
from streams.stages.base import Result, execute
from streams.stages.extract import parse_share, spread
from tests.stagehelp import article, env_settings, run


def test_a_text_under_twice_the_piece_size_is_one_piece() -> None:
    text = article(8)
    assert len(text.split()) < 2 * PIECE_WORDS
    assert pieces(text) == [text]


def test_a_long_text_is_cut_after_paragraph_breaks_into_pieces_that_make_the_text() -> None:
    text = article(30, breaks=("\n\n", "\n\n  ", "\n\n\n"))
    found = pieces(text)
    assert len(found) >= 3
    assert "".join(found) == text
    for piece in found:
        assert len(piece.split()) >= PIECE_WORDS
    for piece in found[:-1]:
        assert piece.rstrip(" ").endswith("\n\n") or piece.endswith("\n\n\n")
        assert piece[-1].isspace()


def test_a_long_text_without_blank_lines_is_one_piece() -> None:
    text = article(30, breaks=(" ",))
    assert pieces(text) == [text]


def test_shares_take_every_piece_once_and_balance_the_words() -> None:
    plan = ["word " * n for n in (420, 410, 430, 400, 800)]
    found = assign(plan, 2)
    assert sorted(k for share in found for k in share) == list(range(5))
    loads = [sum(len(plan[k].split()) for k in share) for share in found]
    assert max(loads) == 1250  # not the 1,650 of every second piece (0, 2, 4)
    assert assign(plan, 1) == [[0, 1, 2, 3, 4]]


def _analysis(doc: Doc) -> list[tuple[Any, ...]]:
    return [
        (t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc
    ]


class Watched:
    """The pipeline, noting which texts it is asked to parse."""

    def __init__(self) -> None:
        self.nlp = load_nlp()
        self.vocab = self.nlp.vocab
        self.seen: list[str] = []

    def pipe(self, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
        for text in texts:
            self.seen.append(text)
            yield self.nlp(text)


def test_pieces_parsed_elsewhere_give_the_doc_parsed_here() -> None:
    nlp = load_nlp()
    text = article(24)
    plan = pieces(text)
    assert len(plan) >= 2
    elsewhere = {k: to_bytes(doc) for k, doc in enumerate(nlp.pipe(plan[1:]), start=1)}
    (here,) = parse(nlp, [text], batch_size=4)
    watched = Watched()
    (joined,) = parse(watched, [text], batch_size=4, parsed=[elsewhere])  # type: ignore[arg-type]
    assert watched.seen == plan[:1]  # only the piece nobody parsed ahead
    assert joined.text == here.text == text
    assert _analysis(joined) == _analysis(here)


def _comparable(results: list[Result]) -> list[Any]:
    out = []
    for result in results:
        assert isinstance(result, dict)
        out.append({k: v for k, v in result.items() if k != "pipeline"})
    return out


def _clean_payload(text: str, article_id: str) -> bytes:
    (clean,) = run("clean", [encode(raw_from_item({"id": article_id, "text": text}))])
    assert isinstance(clean, dict)
    return encode(clean)


def test_enrich_with_shares_done_ahead_gives_the_record_of_one_pass() -> None:
    settings = env_settings()
    stage = flow.stage("extract")
    payload = _clean_payload(article(24), "long-1")
    assert spread(payload)
    shares = [parse_share(payload, share, 2, settings) for share in range(2)]
    assert sorted(k for share in shares for k in share) == list(range(len(pieces(article(24)))))
    ahead = execute(stage, [payload], settings, [shares])
    alone = execute(stage, [payload], settings)
    assert _comparable(ahead) == _comparable(alone)
    assert any(e["name"] == "Maria Okafor" for e in ahead[0]["entities"])  # type: ignore[index]


def test_a_share_of_a_bad_payload_is_left_for_enrich_to_report() -> None:
    assert parse_share(b"\xff not json", 0, 2, env_settings()) == {}
    (failure,) = execute(flow.stage("extract"), [b"\xff not json"], env_settings(), [[{}, {}]])
    assert not isinstance(failure, dict) and failure.error_class == "json"


def agent_app() -> faust.App:
    return faust.App("pieces-test", broker="kafka://127.0.0.1:1")


def test_the_agent_spreads_a_long_article_over_its_nlp_processes() -> None:
    settings = env_settings().replace(nlp_processes=2)
    stage = flow.stage("extract")
    agent = StageAgent(agent_app(), stage, settings)
    long = _clean_payload(article(24), "long-2")
    short = _clean_payload(article(2), "short-2")
    assert not spread(short) and not spread(b"[1, 2]") and not spread(b"\xff" * 20_000)
    assert [agent._shares(p, free=2) for p in (short, long)] == [1, 2]
    assert agent._shares(long, free=1) == 1  # every process busy: not worth shipping pieces
    kept = StageAgent(agent_app(), stage, settings.replace(spread_long_articles=False))
    assert kept._shares(long, free=2) == 1
    try:
        results = asyncio.run(agent._call([short, long, short]))
    finally:
        agent._reset_pool()
    assert _comparable(results) == _comparable(execute(stage, [short, long, short], settings))
