"""The stories clustering and trends, pure: made-up articles, a dict for the table."""

from __future__ import annotations

import random
from typing import Any

from streams.nlp.stories import Stories, Trends, features, windows
from streams.nlp.stories.index import same_number

WIRE = (
    "Officials in the coastal town of Port Maren said on Tuesday that floodwaters from the "
    "Kessel River had forced 4,200 residents from their homes after three days of heavy rain. "
    "Mayor Ilse Vandorn told reporters that emergency shelters at the Port Maren sports hall "
    "and two schools were full and that the regional government had sent forty boats. "
    "The Kessel River rose 2.3 metres above its normal level overnight, the highest since "
    "records began, according to the national weather office. Rail services between Port "
    "Maren and Lindholt were suspended and the coastal road was closed near the old harbour. "
    "Farmers upstream reported losing livestock, and the insurance association estimated "
    "damage at 120 million euros. More rain is expected on Thursday."
)
BOILER = {
    "a.example": "Subscribe to the Daily A for more local news. Follow us on social media.",
    "b.example": "All rights reserved. B Herald newsroom, contact the editors.",
    "c.example": "Reporting by wire staff; editing by the C Times desk. Read more stories.",
}
TOPICS = [
    "The city council approved a new budget for public libraries and parks",
    "A local football club signed a young striker from the southern league",
    "Scientists described a new species of beetle found in a mountain forest",
    "The central bank kept interest rates unchanged at its monthly meeting",
    "A museum opened an exhibition of medieval manuscripts and maps",
    "Engineers began repairs on the old suspension bridge across the bay",
]


def record(
    aid: str,
    domain: str,
    text: str,
    title: str = "",
    entities: list[str] = (),  # type: ignore[assignment]
    places: list[str] = (),  # type: ignore[assignment]
    numbers: list[tuple[float, str | None, str]] = (),  # type: ignore[assignment]
    at: str = "2026-03-03T10:00:00Z",
) -> dict[str, Any]:
    return {
        "article_id": aid,
        "source": {"domain": domain},
        "title": title,
        "published_at": at,
        "ingested_at": at,
        "text": text,
        "entities": [
            {"id": f"e{i}", "name": n, "salience": 1 - i / 10} for i, n in enumerate(entities)
        ],
        "places": [{"name": p, "feature": "city"} for p in places],
        "claims": [
            {"kind": "numeric", "text": t, "quantity": {"value": v, "unit": u}}
            for v, u, t in numbers
        ],
    }


def wire(aid: str, domain: str, edit: int = 0, at: str = "2026-03-03T10:00:00Z") -> dict:
    text = WIRE.replace("forty boats", "40 boats") if edit else WIRE
    if edit > 1:
        text = text.replace("More rain is expected on Thursday.", "")
    return record(
        aid,
        domain,
        f"{text}\n\n{BOILER[domain]}",
        title="Floods force thousands from homes in Port Maren",
        entities=["Ilse Vandorn", "Kessel River", "Port Maren"],
        places=["Port Maren", "Lindholt"],
        numbers=[(4200, None, "forced 4,200 residents from their homes")],
        at=at,
    )


def unrelated(i: int) -> dict[str, Any]:
    rng = random.Random(i)
    topic = TOPICS[i % len(TOPICS)]
    words = topic.split()
    body = " ".join(
        rng.choice(words + ["today", "officials", "said", "new", "plan"]) for _ in range(80)
    )
    return record(
        f"u{i}",
        f"site{i}.example",
        f"{topic} number {i}. {body}",
        title=f"{topic} ({i})",
        entities=[f"Person {i}", f"Org {i % 3}"],
        places=[f"Town {i}"],
    )


def test_wire_copies_join_one_story_and_unrelated_do_not() -> None:
    stories = Stories({})
    ids = {}
    arts = [wire("w1", "a.example"), *[unrelated(i) for i in range(15)]]
    arts += [wire("w2", "b.example", edit=1), *[unrelated(i) for i in range(15, 30)]]
    arts += [wire("w3", "c.example", edit=2, at="2026-03-03T09:00:00Z")]
    for art in arts:
        story, new = stories.add(features(art))
        assert new
        ids[art["article_id"]] = story["id"]
    assert ids["w1"] == ids["w2"] == ids["w3"]
    story = stories.table[f"story:{ids['w1']}"]
    assert set(story["articles"]) == {"w1", "w2", "w3"}
    assert set(story["sources"]) == {"a.example", "b.example", "c.example"}
    assert len({ids[f"u{i}"] for i in range(30)}) == 30
    assert ids["w1"] not in {ids[f"u{i}"] for i in range(30)}
    # Numbers that spread: the 4,200 first said by c.example (the earliest published).
    (number,) = story["numbers"]
    assert number["first"]["source"] == "c.example"
    assert {w["source"] for w in number["repeated_by"]} == {"a.example", "b.example"}


def test_a_replayed_article_does_not_count_twice() -> None:
    stories = Stories({})
    stories.add(features(wire("w1", "a.example")))
    before, _ = stories.add(features(wire("w2", "b.example")))
    again, new = stories.add(features(wire("w2", "b.example")))
    assert not new
    assert again == before
    assert again["sources"] == {"a.example": 1, "b.example": 1}
    assert len(again["numbers"][0]["repeated_by"]) == 1


def test_a_story_written_before_its_lookup_key_is_not_added_twice() -> None:
    table: dict[str, Any] = {}
    stories = Stories(table)
    stories.add(features(wire("w1", "a.example")))
    story, _ = stories.add(features(wire("w2", "b.example")))
    del table["article:w2"]  # a crash between the two writes
    again, new = stories.add(features(wire("w2", "b.example")))
    assert not new and again["sources"] == story["sources"]
    assert table["article:w2"] == story["id"]


def test_articles_far_apart_in_time_start_new_stories() -> None:
    stories = Stories({}, window_s=3 * 86400)
    first, _ = stories.add(features(wire("w1", "a.example")))
    later, _ = stories.add(features(wire("w2", "b.example", at="2026-03-20T10:00:00Z")))
    assert first["id"] != later["id"]


def test_same_number_tolerance_unit_and_subject() -> None:
    a = {"value": 4200.0, "unit": None, "subject": ["residents", "homes", "forced"]}
    assert same_number(a, a | {"value": 4250.0})
    assert not same_number(a, a | {"value": 4500.0})
    assert not same_number(a, a | {"unit": "usd"})
    assert not same_number(a, a | {"subject": ["goals", "season"]})


def test_trends_count_distinct_sources_per_window_and_rise() -> None:
    table: dict[str, Any] = {}
    trends = Trends(table, windows(3600, 900), history=3)
    now = features(wire("w1", "a.example"))["at"]
    out = trends.observe(features(wire("w1", "a.example")), now)
    assert {t["window"]["type"] for t in out} == {"tumbling", "hopping"}
    assert trends.observe(features(wire("w1b", "a.example")), now) == []  # same source
    out = trends.observe(features(wire("w2", "b.example")), now)
    tumbling = [t for t in out if t["window"]["type"] == "tumbling" and t["name"] == "port maren"]
    (entity, place) = sorted(tumbling, key=lambda t: t["kind"])
    assert entity["sources"] == 2 and entity["previous"] == [0, 0, 0] and entity["rising"]
    assert place["kind"] == "place"
    hopping = [t for t in out if t["window"]["type"] == "hopping" and t["kind"] == "entity"]
    assert len({t["window"]["start"] for t in hopping}) == 4  # 1h windows every 15 min
    kept = len(table)
    assert trends.expire(now + 30 * 86400) == kept and not table


def test_the_stage_in_process_publishes_valid_story_and_trend_records() -> None:
    from streams import flow
    from streams.messages.validation import schema_id, validate
    from streams.settings import load

    pipeline = {"version": "t", "stages": []}
    sink = [
        wire(aid, domain) | {"schema": schema_id("article.geo"), "pipeline": pipeline}
        for aid, domain in (("w1", "a.example"), ("w2", "b.example"), ("w1", "a.example"))
    ]
    stage = flow.stage("stories")
    table: dict[str, Any] = {}
    # The stage's own run and post hooks (execute would also validate the made-up input).
    outs = stage.post(stage.run(sink, load()), table, load())  # type: ignore[misc]
    stories = [o for o in outs if isinstance(o, dict)]
    assert [s["update"]["new"] for s in stories] == [True, True, False]
    assert stories[1]["story_id"] == stories[2]["story_id"] and stories[2]["size"] == 2
    for story in stories:
        side = story.pop("_side", [])
        validate("story", story)
        for trend in side:
            validate("trend", trend["value"])


def test_cli_helpers() -> None:
    from streams.cli.stories import current_trends, duration_s

    assert [duration_s(d) for d in ("90", "15m", "1h", "2d")] == [90, 900, 3600, 172800]
    table: dict[str, Any] = {}
    trends = Trends(table, windows(3600, 900))
    feat = features(wire("w1", "a.example"))
    records = trends.observe(feat, feat["at"]) + trends.observe(
        features(wire("w2", "b.example")), feat["at"]
    )
    latest = {t["key"]: t for t in records}
    start, top = current_trends(latest, 3600, "tumbling", 3)
    assert start and len(top) == 3 and all(t["sources"] == 2 for t in top)
