"""The stories clustering and trends, pure: made-up articles, a dict for the table."""

from __future__ import annotations

import random
from typing import Any

from streams.nlp.stories import Stories, Trends, features
from streams.nlp.stories.index import same_number
from streams.nlp.stories.trends import latest_window, score, window

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


HOUR = 3600


def mention(aid: str, source: str, name: str = "port maren", at: str = "2026-03-03T10:20:00Z"):
    return {
        "schema": "newsstream.mention/v1",
        "key": f"entity:{name}",
        "kind": "entity",
        "name": name,
        "article_id": aid,
        "story_id": "s1",
        "source": source,
        "at": at,
    }


def test_rising_means_more_sources_than_the_previous_windows() -> None:
    assert score(4, [0, 0, 0]) == (4.0, True)
    assert score(1, [0, 0, 0])[1] is False  # one source is not a trend
    steady, rising = score(5, [5, 5, 5])
    assert steady == 0.0 and not rising  # frequent, not rising
    assert score(3, [4, 1, 1])[1] is False  # not above the busiest previous window
    falling, _ = score(1, [6, 6, 6])
    assert falling < 0


def test_tumbling_windows_count_distinct_sources_once() -> None:
    table: dict[Any, Any] = {}
    trends = Trends(table, window(HOUR, 0, 7 * 86400), history=3)
    (first,) = trends.observe(mention("a1", "a.example"))
    assert first["window"] == {
        "type": "tumbling",
        "size_s": HOUR,
        "hop_s": HOUR,
        "start": "2026-03-03T10:00:00Z",
        "end": "2026-03-03T11:00:00Z",
    }
    assert first["sources"] == 1 and not first["rising"]
    # The same article again (a replay) or another article of the same source: no change.
    assert trends.observe(mention("a1", "a.example"))[0]["sources"] == 1
    assert trends.observe(mention("a2", "a.example"))[0]["sources"] == 1
    (second,) = trends.observe(mention("b1", "b.example"))
    assert second["sources"] == 2 and second["previous"] == [0, 0, 0] and second["rising"]
    assert second["domains"] == ["a.example", "b.example"]
    # Faust's windowed-table layout: (key, (start, end)) -> the window's sources.
    ((key, (start, end)),) = table
    assert key == "entity:port maren" and end - start < HOUR


def test_a_late_mention_counts_in_its_own_window_and_previous_windows_rise() -> None:
    table: dict[Any, Any] = {}
    trends = Trends(table, window(HOUR, 0, 7 * 86400), history=3)
    for n, hour in enumerate((7, 8, 9)):  # one source an hour for three hours
        trends.observe(mention(f"x{n}", "a.example", at=f"2026-03-03T0{hour}:30:00Z"))
    for n, src in enumerate(("a", "b", "c", "d")):  # then four in the fourth
        (now,) = trends.observe(mention(f"y{n}", f"{src}.example"))
    assert now["sources"] == 4 and now["previous"] == [1, 1, 1]
    assert now["rising"] and now["score"] == round(3 / 2**0.5, 4)
    # A late article (published at 08:10, arriving now) joins the 08:00 window, not 10:00.
    (late,) = trends.observe(mention("z1", "e.example", at="2026-03-03T08:10:00Z"))
    assert late["window"]["start"] == "2026-03-03T08:00:00Z" and late["sources"] == 2
    assert late["previous"] == [1, 0, 0]
    (again,) = trends.observe(mention("y9", "f.example"))
    assert again["sources"] == 5 and again["previous"] == [1, 2, 1]


def test_hopping_windows_and_the_window_to_show() -> None:
    table: dict[Any, Any] = {}
    trends = Trends(table, window(HOUR, 900, 7 * 86400), history=3)
    first = trends.observe(mention("a1", "a.example"))
    # 1h windows every 15 min: four hold 10:20; the latest (10:15) first, then the others.
    starts = [t["window"]["start"][11:16] for t in first]
    assert starts[0] == "10:15" and sorted(starts) == ["09:30", "09:45", "10:00", "10:15"]
    assert all(t["window"]["type"] == "hopping" and t["window"]["hop_s"] == 900 for t in first)
    # The same source again changes no window: only the current one is re-published.
    assert [t["window"]["start"][11:16] for t in trends.observe(mention("a2", "a.example"))] == [
        "10:15"
    ]
    second = trends.observe(mention("b1", "b.example"))
    assert len(second) == 4 and all(t["sources"] == 2 for t in second)
    # Previous windows are whole windows before (09:15, 08:15, 07:15 for 10:15).
    assert second[0]["previous"] == [0, 0, 0]
    latest = {t["key"]: t for t in first + second}
    start, top = latest_window(list(latest.values()))
    assert start == "2026-03-03T09:30:00Z"  # the window covering the last hour
    assert top[0]["sources"] == 2
    assert latest_window(list(latest.values()), 900) == (None, [])
    # Faust drops windows after expires; the tumbling window kind when hop >= size.
    assert window(HOUR, HOUR, 60).expires == 60
    assert Trends({}, window(HOUR, 0, 60)).type == "tumbling"


def test_the_stages_in_process_publish_valid_stories_mentions_and_trends() -> None:
    from streams import flow
    from streams.messages.validation import schema_id, validate
    from streams.settings import load

    pipeline = {"version": "t", "stages": []}
    sink = [
        wire(aid, domain) | {"schema": schema_id("article.geo"), "pipeline": pipeline}
        for aid, domain in (("w1", "a.example"), ("w2", "b.example"), ("w1", "a.example"))
    ]
    stage = flow.stage("stories")
    assert stage.side == flow.stage("trends").input
    table: dict[str, Any] = {}
    # The stage's own run and post hooks (execute would also validate the made-up input).
    outs = stage.post(stage.run(sink, load()), table, load())  # type: ignore[misc]
    stories = [o for o in outs if isinstance(o, dict)]
    assert [s["update"]["new"] for s in stories] == [True, True, False]
    assert stories[1]["story_id"] == stories[2]["story_id"] and stories[2]["size"] == 2
    sides = [story.pop("_side", []) for story in stories]
    for story in stories:
        validate("story", story)
    # Mentions of new articles only (the replayed w1 sends none), at the article's time.
    assert [len(side) for side in sides] == [5, 5, 0]
    mentions = [m for side in sides for m in side]
    for m in mentions:
        validate("mention", m["value"])
        assert m["key"] == m["value"]["key"]
        assert m["timestamp"] == features(wire("w1", "a.example"))["at"]
    assert {m["key"] for m in mentions} >= {"entity:port maren", "place:lindholt"}
    # The trends stage counts them (execute, as its agent runs it, then its post hook).
    from streams.messages.codec import encode
    from streams.stages.base import execute

    trends = flow.stage("trends")
    windowed: dict[Any, Any] = {}
    done = execute(trends, [encode(m["value"]) for m in mentions], load())
    outs = trends.post(done, windowed, load())  # type: ignore[misc]
    assert all(isinstance(o, dict) for o in outs)
    records = [o for o in outs if isinstance(o, dict)]
    for record in records:
        for side in record.pop("_side", []):
            validate("trend", side["value"])
        validate("trend", record)
    last = [r for r in records if r["name"] == "port maren" and r["kind"] == "entity"][-1]
    assert last["sources"] == 2 and last["rising"]


def test_cli_helpers() -> None:
    from streams.cli.stories import duration_s

    assert [duration_s(d) for d in ("90", "15m", "1h", "2d")] == [90, 900, 3600, 172800]
