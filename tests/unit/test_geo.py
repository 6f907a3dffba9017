"""Geotagging: gazetteer, recognition, resolution, focus and the eval's metrics (no broker)."""

from __future__ import annotations

import math
import re

import pytest

from streams.evals.geo import GazetteerCeiling, auc, haversine_km, match
from streams.nlp.geo import geotag as _geotag
from streams.nlp.geo import load_gazetteer
from streams.nlp.geo.names import norm
from streams.nlp.geo.tag import source_country
from tests.stagehelp import env_settings, gazetteer


def geotag(text: str, entities: list[dict], **options: object) -> tuple[list[dict], dict]:
    return _geotag(text, entities, gazetteer(), **options)  # type: ignore[arg-type]


def ent(eid: str, name: str, label: str, text: str, surface: str | None = None) -> dict:
    """An entity record with one mention per occurrence of ``surface`` (default: name)."""
    surface = surface or name
    mentions = [
        {"start": m.start(), "end": m.end(), "text": surface}
        for m in re.finditer(re.escape(surface), text)
    ]
    return {"id": eid, "name": name, "label": label, "mentions": mentions, "salience": 0.5}


def by_text(places: list[dict], surface: str) -> dict:
    return next(p for p in places if any(m["text"] == surface for m in p["mentions"]))


def km(p: dict, lat: float, lon: float) -> float:
    return haversine_km(p["lat"], p["lon"], lat, lon)


def test_norm_folds_accents_dots_and_articles() -> None:
    assert norm("São Paulo") == norm("Sao-Paulo") == "sao paulo"
    assert norm("the U.S.") == "us"


def test_golden_state_is_california() -> None:
    text = "Lawmakers in the Golden State passed a water bill on Monday."
    places, focus = geotag(text, [])
    ca = by_text(places, "Golden State")
    assert ca["name"] == "California"
    assert ca["feature"] == "admin1" and ca["country_code"] == "US"
    assert ca["geonameid"] == 5332921
    assert text[ca["mentions"][0]["start"] : ca["mentions"][0]["end"]] == "Golden State"
    assert focus["country_code"] == "US"


def test_washington_dc_parade_vs_washington_state_wildfire() -> None:
    parade = "Thousands lined the streets of Washington for the inauguration parade."
    places, _ = geotag(parade, [ent("e1", "Washington", "GPE", parade)])
    dc = by_text(places, "Washington")
    assert dc["feature"] == "city" and km(dc, 38.895, -77.036) < 30

    fire = "A wildfire in Washington state forced evacuations east of the Cascades."
    places, _ = geotag(fire, [ent("e1", "Washington", "GPE", fire)])
    wa = by_text(places, "Washington")
    assert wa["feature"] == "admin1" and wa["admin1"] == "Washington"
    assert km(wa, 47.5, -120.5) < 161


def test_paris_texas_is_not_paris_france() -> None:
    text = "She grew up in Paris, Texas, a small town near the Oklahoma line."
    places, _ = geotag(text, [ent("e1", "Paris", "GPE", text), ent("e2", "Texas", "GPE", text)])
    paris = by_text(places, "Paris")
    assert paris["country_code"] == "US" and paris["admin1"] == "Texas"
    assert km(paris, 33.66, -95.55) < 30
    texas = by_text(places, "Texas")
    assert texas["feature"] == "admin1"


def test_paris_alone_is_the_french_capital() -> None:
    text = "Talks resumed in Paris on Tuesday."
    places, focus = geotag(text, [ent("e1", "Paris", "GPE", text)])
    assert by_text(places, "Paris")["country_code"] == "FR"
    assert focus["place"] == "Paris" and focus["country_code"] == "FR"


def test_person_named_like_a_place_is_not_a_place() -> None:
    text = "Michael Jordan scored 40 points. Jordan said later that he was exhausted."
    ents = [ent("e1", "Michael Jordan", "PERSON", text)]
    # a model that also tags the bare surname as a country must not make it a place
    ents.append(
        {
            "id": "e2",
            "name": "Jordan",
            "label": "GPE",
            "salience": 0.1,
            "mentions": [{"start": 33, "end": 39, "text": "Jordan"}],
        }
    )
    assert text[33:39] == "Jordan"
    places, focus = geotag(text, ents)
    assert places == []
    assert focus == {"place": None, "country_code": None, "geonameid": None}


def test_organisation_names_are_not_scanned_for_places() -> None:
    text = "Shares of Truth Social rose while Washington Post reporters waited."
    ents = [ent("e1", "Truth Social", "ORG", text), ent("e2", "Washington Post", "ORG", text)]
    places, _ = geotag(text, ents)
    assert places == []


def test_demonyms_resolve_to_their_country_marked_as_demonym() -> None:
    text = "Turkish officials met Irish farmers."
    places, _ = geotag(text, [ent("e1", "Turkish", "NORP", text), ent("e2", "Irish", "NORP", text)])
    tr = by_text(places, "Turkish")
    assert tr["feature"] == "demonym" and tr["country_code"] == "TR"
    assert by_text(places, "Irish")["country_code"] == "IE"


def test_one_place_per_place_country_and_its_demonyms_merge() -> None:
    text = (
        "Britons queued at Dover as the UK tightened border checks. Many British drivers said "
        "the UK rules were confusing, and Britons abroad agreed."
    )
    ents = [
        ent("e1", "UK", "GPE", text),
        ent("e2", "Britons", "NORP", text),
        ent("e3", "British", "NORP", text),
    ]
    places, focus = geotag(text, ents)
    gids = [p["geonameid"] for p in places]
    assert len(gids) == len(set(gids))  # no two records for one place
    uk = by_text(places, "UK")
    assert uk is by_text(places, "Britons") is by_text(places, "British")
    assert uk["feature"] == "country" and uk["country_code"] == "GB"
    assert [m["text"] for m in uk["mentions"]] == ["Britons", "UK", "British", "UK", "Britons"]
    assert [m["text"] for m in uk["demonym_mentions"]] == ["Britons", "British", "Britons"]
    assert focus["country_code"] == "GB"


def test_one_place_per_place_whatever_the_surface_form() -> None:
    text = (
        "Flights to the United States resumed on Monday. US officials said American "
        "carriers would add routes, and the U.S. embassy confirmed it."
    )
    ents = [
        ent("e1", "United States", "GPE", text),
        ent("e2", "US", "GPE", text, "US officials"[:2]),
        ent("e3", "American", "NORP", text),
    ]
    places, _ = geotag(text, ents)
    us = [p for p in places if p["country_code"] == "US"]
    assert len(us) == 1 and us[0]["feature"] == "country"
    assert {m["text"] for m in us[0]["mentions"]} >= {"United States", "US", "American"}
    assert [m["text"] for m in us[0]["demonym_mentions"]] == ["American"]


def test_a_place_named_only_by_demonym_stays_a_demonym_record() -> None:
    text = "Kenyan runners won both races in Boston on Monday."
    places, _ = geotag(text, [ent("e1", "Kenyan", "NORP", text), ent("e2", "Boston", "GPE", text)])
    ke = by_text(places, "Kenyan")
    assert ke["feature"] == "demonym" and ke["demonym_mentions"] == ke["mentions"]
    assert "demonym_mentions" not in by_text(places, "Boston")


def _names(text: str, names: list[str]) -> list[dict]:
    return [ent(f"e{i}", n, "GPE", text) for i, n in enumerate(names, 1)]


def test_washington_in_a_list_of_cities_is_the_capital() -> None:
    text = (
        "Seattle rents rose 9 percent. Prices climbed fastest in big cities like Boston, "
        "Seattle and Washington, the report found."
    )
    places, _ = geotag(text, _names(text, ["Boston", "Seattle", "Washington"]))
    dc = by_text(places, "Washington")
    assert dc["feature"] == "city" and km(dc, 38.895, -77.036) < 30


def test_washington_in_a_list_of_states_is_the_state() -> None:
    cue = "Wildfires burned across the states of Oregon, Idaho and Washington this summer."
    bare = "Voters in Oregon, Idaho and Washington will decide on the measure in November."
    for text in (cue, bare):
        places, _ = geotag(text, _names(text, ["Oregon", "Idaho", "Washington"]))
        wa = by_text(places, "Washington")
        assert wa["feature"] == "admin1" and wa["admin1"] == "Washington", text


def test_a_cue_noun_picks_the_type_for_every_member_of_the_list() -> None:
    text = "Storms hit states like Georgia, Alabama and Florida on Tuesday."
    places, _ = geotag(text, _names(text, ["Georgia", "Alabama", "Florida"]))
    ga = by_text(places, "Georgia")
    assert ga["feature"] == "admin1" and ga["country_code"] == "US"


def test_paris_texas_is_a_container_not_a_list() -> None:
    text = "The fair in Paris, Texas drew 4,000 visitors."
    places, _ = geotag(text, _names(text, ["Paris", "Texas"]))
    assert by_text(places, "Paris")["admin1"] == "Texas"


def test_country_points_are_geonames_points_not_city_medians() -> None:
    text = "Exports from the United States and Germany grew."
    places, _ = geotag(text, [])
    assert km(by_text(places, "United States"), 39.76, -98.5) < 1
    assert km(by_text(places, "Germany"), 51.5, 10.5) < 1


def test_place_records_have_the_sink_shape() -> None:
    text = "Flooding hit Kenya and Uganda; Kenya asked for help."
    ents = [ent("e1", "Kenya", "GPE", text), ent("e2", "Uganda", "GPE", text)]
    places, focus = geotag(text, ents)
    keys = {
        "name",
        "geonameid",
        "lat",
        "lon",
        "country_code",
        "admin1",
        "feature",
        "mentions",
        "confidence",
    }
    for p in places:
        assert set(p) == keys
        assert 0.0 <= p["confidence"] <= 1.0
        for m in p["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
    assert len(by_text(places, "Kenya")["mentions"]) == 2
    assert focus["country_code"] == "KE"


def test_source_domain_country() -> None:
    assert source_country("www.bbc.co.uk") == "GB"
    assert source_country("lemonde.fr") == "FR"
    assert source_country("nytimes.com") is None
    assert source_country(None) is None


def test_gazetteer_is_cached_per_process() -> None:
    assert load_gazetteer(env_settings().cache) is gazetteer()


# ------------------------------------------------------------------ eval metrics


def test_match_exact_then_overlap_and_ignore_spans() -> None:
    gold = [{"start": 0, "end": 5}, {"start": 10, "end": 20}]
    pred = [{"start": 0, "end": 5}, {"start": 12, "end": 25}, {"start": 40, "end": 45}]
    res = match(gold, pred, [{"start": 41, "end": 44}])
    assert (res["exact_tp"], res["exact_fp"], res["exact_fn"]) == (1, 1, 1)
    assert (res["overlap_tp"], res["overlap_fp"], res["overlap_fn"]) == (2, 0, 0)


def test_overlap_match_prefers_largest_overlap() -> None:
    gold = [{"start": 0, "end": 10}]
    pred = [{"start": 8, "end": 12}, {"start": 1, "end": 9}]
    res = match(gold, pred, [])
    assert res["pairs"][0][0] is pred[1]


def test_ceiling_takes_the_nearest_point_a_name_can_mean() -> None:
    paris_texas = {"start": 0, "end": 5, "name": "Paris", "lat": 33.66, "lon": -95.56}
    unknown = {"start": 10, "end": 19, "name": "Zqxvwelde", "lat": 10.0, "lon": 10.0}
    given = {"start": 10, "end": 19, "lat": 10.5, "lon": 10.0}
    ceiling = GazetteerCeiling()
    near, missing = ceiling.predict([paris_texas, unknown], [])
    assert haversine_km(near["lat"], near["lon"], 33.66, -95.56) < 20  # not Paris, France
    assert missing["lat"] is None
    _, predicted = ceiling.predict([paris_texas, unknown], [given])
    assert (predicted["lat"], predicted["lon"]) == (10.5, 10.0)  # what the project gave


def test_auc_and_haversine() -> None:
    assert auc([0.0, 0.0]) == 0.0
    assert auc([20039.0, 20039.0]) == pytest.approx(math.log(20040) / math.log(20039))
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)


def test_ap_state_abbreviation_needs_its_dot() -> None:
    text = "The crash happened near Fulton, Mo., on Friday. Miss Daisy was not involved."
    ents = [ent("e1", "Fulton", "GPE", text), ent("e2", "Mo", "GPE", text)]
    places, _ = geotag(text, ents)
    mo = by_text(places, "Mo.")
    assert mo["name"] == "Missouri" and mo["feature"] == "admin1"
    fulton = by_text(places, "Fulton")
    assert fulton["admin1"] == "Missouri"
    assert not any(m["text"].startswith("Miss") for p in places for m in p["mentions"])


def test_place_opening_an_institution_name_is_embedded() -> None:
    from streams.nlp.geo.tag import tag_mentions

    text = "The Ohio Department of Health said the Washington Post had it wrong."
    ents = [
        ent("e1", "Ohio Department of Health", "ORG", text),
        ent("e2", "Washington Post", "ORG", text),
    ]
    tagged = tag_mentions(text, ents, gazetteer())
    assert [(m.text, m.source) for m, _ in tagged] == [("Ohio", "embedded")]
    places, _ = geotag(text, ents)
    assert by_text(places, "Ohio")["confidence"] <= 0.6


def test_one_word_person_that_is_a_big_town_becomes_a_place() -> None:
    text = "A Gainesville restaurant was robbed on Sunday, Alachua County deputies said."
    ents = [ent("e1", "Gainesville", "PERSON", text), ent("e2", "Alachua County", "GPE", text)]
    places, _ = geotag(text, ents)
    gv = by_text(places, "Gainesville")
    assert gv["country_code"] == "US" and gv["admin1"] == "Florida"


def test_regions_are_recognised_but_not_turned_into_villages() -> None:
    from streams.nlp.geo.tag import tag_mentions

    text = "Oil prices rose on tension in the Gulf."
    tagged = tag_mentions(text, [ent("e1", "the Gulf", "LOC", text)], gazetteer())
    assert [(m.text, r) for m, r in tagged] == [("Gulf", None)]
    assert geotag(text, [ent("e1", "the Gulf", "LOC", text)])[0] == []


def test_a_local_institution_misread_as_a_person_names_its_town() -> None:
    text = "Alexandria Police said the suspect fled north through Virginia on Monday."
    ents = [ent("e1", "Alexandria Police", "PERSON", text), ent("e2", "Virginia", "GPE", text)]
    places, _ = geotag(text, ents)
    alexandria = by_text(places, "Alexandria")
    assert alexandria["country_code"] == "US" and alexandria["admin1"] == "Virginia"


def test_a_commonwealths_attorney_misread_as_a_person_leaves_the_town_a_place() -> None:
    # "Lynchburg Commonwealth" read as a person's name does not make "Lynchburg" a person's word
    text = (
        "A Lynchburg grand jury indicted the man on Monday, "
        "Lynchburg Commonwealth's Attorney Bethany Harrison said in Virginia."
    )
    town = text.index("Lynchburg")
    office = text.index("Lynchburg Commonwealth")
    ents = [
        {
            "id": "e1",
            "name": "Lynchburg",
            "label": "PERSON",
            "mentions": [{"start": town, "end": town + 9, "text": "Lynchburg"}],
            "salience": 0.5,
        },
        {
            "id": "e2",
            "name": "Lynchburg Commonwealth",
            "label": "PERSON",
            "mentions": [{"start": office, "end": office + 22, "text": "Lynchburg Commonwealth"}],
            "salience": 0.5,
        },
        ent("e3", "Virginia", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    lynchburg = by_text(places, "Lynchburg")
    assert lynchburg["admin1"] == "Virginia"
    assert {m["start"] for m in lynchburg["mentions"]} >= {town}


def test_a_town_inside_a_longer_name_is_named_by_its_own_name() -> None:
    # "Fort" is an alternate name of Augusta, Maine; "Fort Hood" is no Augusta
    text = "Soldiers at Fort Hood were vaccinated first."
    places, _ = geotag(text, [ent("e1", "Fort Hood", "GPE", text)])
    assert all(p["name"] != "Augusta" for p in places)
    text = "The Dublin City Council met on Monday in Ohio."
    ents = [ent("e1", "Dublin City Council", "ORG", text), ent("e2", "Ohio", "GPE", text)]
    assert by_text(geotag(text, ents)[0], "Dublin")["admin1"] == "Ohio"


def test_bare_quebec_is_the_province_and_quebec_city_the_city() -> None:
    text = "Montreal mayors asked the Quebec government for help; Quebec City agreed."
    ents = [ent("e2", "Quebec City", "GPE", text), ent("e1", "Quebec", "GPE", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Quebec")["feature"] == "admin1"
    assert by_text(places, "Quebec City")["feature"] == "city"


def test_a_direction_before_a_country_is_part_of_the_country_not_a_division() -> None:
    # "southern Mexico" is the south of the country, not the State of Mexico; "upstate New
    # York" and "the state of Mexico" still ask for the division
    text = "Migrants camped in southern Mexico while storms hit upstate New York."
    ents = [ent("e1", "Mexico", "GPE", text), ent("e2", "New York", "GPE", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Mexico")["feature"] == "country"
    assert by_text(places, "New York")["feature"] == "admin1"
    text = "Flooding hit the state of Mexico near the capital."
    places, _ = geotag(text, [ent("e1", "Mexico", "GPE", text)])
    assert by_text(places, "Mexico")["feature"] == "admin1"


def test_a_list_of_states_is_not_a_town_and_its_state() -> None:
    text = "Cases were found in Georgia, Oklahoma, Pennsylvania and California."
    places, _ = geotag(text, [])
    assert [p["feature"] for p in places] == ["admin1"] * 4  # not Oklahoma, Pennsylvania (town)
    text = "Flights link Springfield, Illinois and Columbus, Ohio."
    ents = [ent(f"e{i}", n, "GPE", text) for i, n in enumerate(["Springfield", "Columbus"])]
    places, _ = geotag(text, ents)
    assert by_text(places, "Springfield")["admin1"] == "Illinois"
    assert by_text(places, "Columbus")["admin1"] == "Ohio"


def test_a_sea_or_physical_region_gets_its_natural_earth_point() -> None:
    text = "Migrants crossed the Mediterranean while drought spread across the Sahel."
    ents = [ent("e1", "Mediterranean", "LOC", text), ent("e2", "the Sahel", "LOC", text, "Sahel")]
    places, _ = geotag(text, ents)
    med, sahel = by_text(places, "Mediterranean"), by_text(places, "Sahel")
    assert med["feature"] == "region" and med["geonameid"] is None and med["country_code"] is None
    assert km(med, 35.0, 18.0) < 161  # the middle of the sea, not a coast town
    assert sahel["feature"] == "region" and 5 < sahel["lat"] < 20


def test_a_place_entity_the_gazetteer_lacks_that_natural_earth_names_is_that_region() -> None:
    text = "Bird flu reached farms in Jutland and boats on Lake Pontchartrain."
    ents = [ent("e1", "Jutland", "LOC", text), ent("e2", "Lake Pontchartrain", "LOC", text)]
    places, _ = geotag(text, ents)
    assert km(by_text(places, "Jutland"), 56.0, 9.2) < 100
    assert km(by_text(places, "Lake Pontchartrain"), 30.2, -90.1) < 50


def test_a_region_split_into_compass_divisions_is_placed_at_their_middle() -> None:
    # North, South, West, Central and East Darfur are first-level divisions; Darfur is not
    text = "Aid convoys reached Darfur after the ceasefire."
    places, _ = geotag(text, [ent("e1", "Darfur", "GPE", text)])
    darfur = by_text(places, "Darfur")
    assert darfur["feature"] == "region" and km(darfur, 13.0, 24.5) < 161


def test_divisions_are_at_their_geonames_points_not_their_towns() -> None:
    # Ontario's and Alberta's towns crowd their south; the box of their towns lay ~300 km off
    text = "Wildfires burned across Ontario and Alberta as Hawaii braced for a storm."
    places, _ = geotag(text, [])
    assert km(by_text(places, "Ontario"), 49.25014, -84.49983) < 1
    assert km(by_text(places, "Alberta"), 52.28333, -117.46900) < 1
    assert km(by_text(places, "Hawaii"), 20.75028, -156.50028) < 1  # not on Oahu


def test_small_town_in_a_name_needs_a_nearby_place_to_confirm_it() -> None:
    near = "The Haslett Rotary Club met in Lansing on Monday."
    ents = [ent("e1", "Haslett Rotary Club", "ORG", near), ent("e2", "Lansing", "GPE", near)]
    places, _ = geotag(near, ents)
    haslett = by_text(places, "Haslett")
    assert haslett["admin1"] == "Michigan" and km(haslett, 42.747, -84.401) < 20

    far = "The Haslett Rotary Club met in Paris on Monday."
    ents = [ent("e1", "Haslett Rotary Club", "ORG", far), ent("e2", "Paris", "GPE", far)]
    places, _ = geotag(far, ents)
    assert [p["name"] for p in places] == ["Paris"]


def test_a_town_and_its_named_county_pick_each_other() -> None:
    text = "Deputies in Walker County arrested a man near Huntsville on Friday."
    ents = [ent("e1", "Walker County", "GPE", text), ent("e2", "Huntsville", "GPE", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Huntsville")["admin1"] == "Texas"
    assert by_text(places, "Walker County")["admin1"] == "Texas"
    # without the county, the bigger Huntsville (Alabama) wins
    alone = "A man was arrested near Huntsville on Friday."
    places, _ = geotag(alone, [ent("e1", "Huntsville", "GPE", alone)])
    assert by_text(places, "Huntsville")["admin1"] == "Alabama"


def test_long_lists_of_names_stay_linear() -> None:
    import time

    text = "Springfield, Paris and Foo Bar Quux. " * 3000
    t0 = time.perf_counter()
    places, _ = geotag(text, [])
    assert time.perf_counter() - t0 < 20  # ~1 s on a quiet laptop; quadratic code took minutes
    assert {p["name"] for p in places} >= {"Paris"}


def test_focus_follows_the_dateline_not_a_menu_line() -> None:
    text = (
        "News | England | Scotland | Wales | World\n"
        "SOFIA, Bulgaria (Reuters) - Bulgaria's parliament approved a new budget on Friday "
        "after weeks of protests in the capital.\n"
        "Lawmakers in Sofia voted 130 to 95 for the plan, which raises pensions.\n"
        "Related: England fans clash with police in Manchester | England squad named\n"
    )
    places, focus = geotag(text, [])
    assert focus["place"] == "Sofia" and focus["country_code"] == "BG"
    assert any(p["name"] == "England" for p in places)  # found, but not the focus


def test_focus_ignores_a_related_links_line() -> None:
    text = (
        "Boat crash injures four off Fort Lauderdale\n"
        "Four people were hurt when two boats collided near the Fort Lauderdale inlet on "
        "Sunday afternoon, the Coast Guard said.\n"
        "Rescuers took the injured to a hospital in Fort Lauderdale, officials said.\n"
        "More from Atlanta: Atlanta traffic | Atlanta weather | Atlanta schools | Atlanta jobs\n"
        "Read more: Atlanta police arrest suspect in Atlanta shooting\n"
    )
    ents = [ent("e1", "Fort Lauderdale", "GPE", text), ent("e2", "Atlanta", "GPE", text)]
    _, focus = geotag(text, ents)
    assert focus["place"] == "Fort Lauderdale"


def test_focus_headline_place_beats_a_place_named_once_in_passing() -> None:
    text = (
        "Floods cut roads in Cork\n"
        "Heavy rain closed roads across the county on Tuesday, and council crews worked "
        "through the night.\n"
        "A similar storm hit Dublin last year, but Cork saw the worst of it this time, the "
        "council said.\n"
        "Dublin and Galway were spared.\n"
    )
    ents = [ent("e1", n, "GPE", text) for n in ("Cork", "Dublin", "Galway")]
    _, focus = geotag(text, ents)
    assert focus["place"] == "Cork" and focus["country_code"] == "IE"


def test_focus_uses_the_title_when_the_text_does_not_start_with_it() -> None:
    text = (
        "Officials said the water was safe to drink again. Residents of Flint and of "
        "Detroit had waited weeks, and Lansing sent inspectors to Flint on Monday."
    )
    ents = [ent("e1", n, "GPE", text) for n in ("Flint", "Detroit", "Lansing")]
    _, plain = geotag(text, ents)
    _, titled = geotag(text, ents, title="Detroit lifts its boil-water notice")
    assert titled["place"] == "Detroit"
    assert plain["place"] == "Flint"


def test_country_inside_an_agency_name_beats_a_village_reading() -> None:
    text = "Samples went to the U.S. Centers for Disease Control and Prevention on Monday."
    ents = [ent("e1", "U.S. Centers for Disease Control and Prevention", "ORG", text)]
    places, _ = geotag(text, ents)
    us = by_text(places, "U.S.")
    assert us["country_code"] == "US" and us["feature"] == "country"


def test_party_tag_names_the_politicians_home_town() -> None:
    text = (
        "State Sen. Wade Horton, D-Charleston, said the bill would pass. "
        "Rep. Ann Lee, R-Mo., agreed."
    )
    ents = [ent("e1", "Wade Horton", "PERSON", text), ent("e2", "D-Charleston", "ORG", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Charleston")["country_code"] == "US"
    assert by_text(places, "Mo.")["name"] == "Missouri"


def test_bare_gaza_is_the_palestinian_gaza() -> None:
    text = "Aid trucks crossed into Gaza on Tuesday, the United Nations said."
    places, _ = geotag(text, [ent("e1", "Gaza", "GPE", text)])
    assert by_text(places, "Gaza")["country_code"] == "PS"


def test_names_before_plural_counties_are_counties() -> None:
    text = "Growth has slowed in places like Jackson and Barrow counties, planners in Georgia said."
    ents = [ent("e1", "Jackson", "PERSON", text), ent("e2", "Georgia", "GPE", text)]
    places, _ = geotag(text, ents)
    for name in ("Jackson", "Barrow"):
        county = by_text(places, name)
        assert county["feature"] == "admin2" and county["admin1"] == "Georgia"


def test_names_listed_after_counties_and_a_colon_are_counties() -> None:
    text = (
        "Flu cases rose in four Georgia counties: Hall, Forsyth, Dawson and Lumpkin. "
        "Jobless rates in neighbouring counties were: Hamilton, 6 percent; Clinton, 9 percent; "
        "Boone County, 5 percent, and Tipton, 8 percent, the Indiana agency said."
    )
    ents = [ent("e1", "Georgia", "GPE", text), ent("e2", "Indiana", "GPE", text)]
    places, _ = geotag(text, ents)
    for name in ("Hall", "Forsyth", "Dawson", "Lumpkin"):
        county = by_text(places, name)
        assert county["feature"] == "admin2" and county["admin1"] == "Georgia"
    for name in ("Hamilton", "Clinton", "Tipton"):
        county = by_text(places, name)
        assert county["feature"] == "admin2" and county["admin1"] == "Indiana"
    assert by_text(places, "Boone County")["admin1"] == "Indiana"
    # the counties of one list lie in one state: only Indiana has a Hendricks County
    text = "Home sales rose in Hamilton and Hendricks counties last month."
    places, _ = geotag(text, [])
    assert by_text(places, "Hamilton")["admin1"] == "Indiana"
    # no colon list: "Clinton" stays a person
    text = "Two counties voted, said Clinton: the others wait."
    places, _ = geotag(text, [ent("e1", "Clinton", "PERSON", text)])
    assert places == []


def test_joint_hyphenated_names_are_two_places_but_real_hyphenated_names_stay() -> None:
    text = "The council toured the Paris-Henry County Heritage Center in Tennessee on Friday."
    ents = [ent("e1", "Paris-Henry County", "GPE", text), ent("e2", "Tennessee", "GPE", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Paris")["admin1"] == "Tennessee"
    assert by_text(places, "Henry County")["feature"] == "admin2"
    text = "Aid reached Guinea-Bissau on Monday."
    places, _ = geotag(text, [ent("e1", "Guinea-Bissau", "GPE", text)])
    assert by_text(places, "Guinea-Bissau")["country_code"] == "GW"


def test_english_names_of_russian_republics() -> None:
    text = "Clashes in Dagestan and Ingushetia left four dead, Dagestani police said."
    places, _ = geotag(text, [])
    dag = by_text(places, "Dagestan")
    assert dag["country_code"] == "RU" and dag["feature"] == "admin1"
    assert by_text(places, "Dagestani") is dag
    assert by_text(places, "Ingushetia")["country_code"] == "RU"


def test_person_or_organisation_span_in_place_context_is_a_place() -> None:
    # a multi-word town read as a person, before a residents' noun
    crash = "Police said a Goose Creek man was hurt when his truck left the road on Friday."
    places, _ = geotag(crash, [ent("e1", "Goose Creek", "PERSON", crash)])
    gc = by_text(places, "Goose Creek")
    assert gc["admin1"] == "South Carolina"
    # a town read as an organisation, after "in"
    fest = "The spring festival opened on Saturday in Rock Hill, with music and food stalls."
    places, _ = geotag(fest, [ent("e1", "Rock Hill", "ORG", fest)])
    assert by_text(places, "Rock Hill")["admin1"] == "South Carolina"
    # a town before the state that holds it
    moved = "Inmates were moved to Chowchilla, Calif., last year after the fire."
    places, _ = geotag(moved, [ent("e1", "Chowchilla", "PERSON", moved)])
    assert by_text(places, "Chowchilla")["admin1"] == "California"


def test_a_name_listed_beside_sure_places_is_a_place() -> None:
    tour = "The band will play Hamburg, Dinkelsbühl and Munich next month."
    ents = [
        ent("e1", "Hamburg", "GPE", tour),
        ent("e2", "Dinkelsbühl", "ORG", tour),
        ent("e3", "Munich", "GPE", tour),
    ]
    places, _ = geotag(tour, ents)
    assert by_text(places, "Dinkelsbühl")["country_code"] == "DE"


def test_place_context_does_not_turn_people_and_clubs_into_places() -> None:
    # a man named like a town: one "from Welch" among person readings stays the man
    story = (
        "Welch said he had lost everything. Police said Welch was hurt. "
        "A letter from Welch was read out in court."
    )
    places, _ = geotag(story, [ent("e1", "Welch", "PERSON", story)])
    assert not any(m["text"] == "Welch" for p in places for m in p["mentions"])
    # a club named after a town stays a club (a possessive), and a span the model cut short
    # is no place ("Rock Hill" of "Rock Hill Savings")
    report = "The striker scored twice in Everton's win. Deposits in Rock Hill Savings rose."
    ents = [ent("e1", "Everton", "ORG", report, "Everton's"), ent("e2", "Rock Hill", "ORG", report)]
    places, _ = geotag(report, ents)
    assert not any(m["text"] in ("Everton", "Rock Hill") for p in places for m in p["mentions"])
    # people listed beside a place are not places ("Helen, Clarence and Irene of Boston")
    family = "Relatives of Helen, Clarence and Irene gathered in Boston, Denver and Dallas."
    ents = [
        ent("e1", "Helen", "PERSON", family),
        ent("e2", "Clarence", "PERSON", family),
        ent("e3", "Irene", "PERSON", family),
    ]
    places, _ = geotag(family, ents)
    assert not any(m["text"] == "Clarence" for p in places for m in p["mentions"])


def test_a_town_opening_its_police_or_council_name_is_that_town() -> None:
    # a small town, and a town whose name is also a person's, open their own police's name
    story = (
        "The Hopkinton Police Department said two homes were burglarized. "
        "Officers of the Jackson Police Department helped."
    )
    ents = [
        ent("e1", "Hopkinton Police Department", "ORG", story),
        ent("e2", "Jackson Police Department", "ORG", story),
    ]
    places, _ = geotag(story, ents)
    assert by_text(places, "Hopkinton")["country_code"] == "US"
    assert by_text(places, "Jackson")["country_code"] == "US"
    # a state whose name is also a few foreign divisions' still opens its agencies' names
    patrol = "Troopers from the Florida Highway Patrol closed the road."
    places, _ = geotag(patrol, [ent("e1", "Florida Highway Patrol", "ORG", patrol)])
    assert by_text(places, "Florida")["feature"] == "admin1"
    # no civic word, no place: a company named after a person
    firm = "Jackson Hewitt Tax Service opened a new office on Monday."
    places, _ = geotag(firm, [ent("e1", "Jackson Hewitt Tax Service", "ORG", firm)])
    assert places == []


def test_a_county_named_without_its_suffix_is_that_county() -> None:
    text = "Henrico police are looking for a missing woman."
    places, _ = geotag(text, [ent("e1", "Henrico", "GPE", text)])
    henrico = by_text(places, "Henrico")
    assert henrico["feature"] == "admin2" and henrico["admin1"] == "Virginia"
    # an ocean and a river keep their own reading (none), never a county of the same name
    text = "Storms over the Atlantic pushed the Red River past flood stage."
    ents = [ent("e1", "Atlantic", "LOC", text), ent("e2", "Red River", "LOC", text)]
    places, _ = geotag(text, ents)
    assert not any("County" in p["name"] for p in places)


def test_canadian_province_abbreviations_but_not_the_era() -> None:
    text = "Snow closed roads across B.C. on Monday, and in Barrie, Ont., schools shut."
    places, _ = geotag(text, [])
    assert by_text(places, "B.C.")["name"] == "British Columbia"
    assert by_text(places, "Ont.")["name"] == "Ontario"
    era = "The temple was built around 500 B.C. by the city's first rulers."
    places, _ = geotag(era, [])
    assert places == []


def test_demonyms_inside_hyphenated_compounds() -> None:
    text = "The Cypriot-flagged ship left port as Israeli-Egyptian talks resumed."
    ents = [
        ent("e1", "Cypriot-flagged", "NORP", text),
        ent("e2", "Israeli-Egyptian", "NORP", text),
    ]
    places, _ = geotag(text, ents)
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got == {"Cypriot": "CY", "Israeli": "IL", "Egyptian": "EG"}
    # a compound with no demonym in it names no place
    text = "Fans of the Coca-Cola brand queued."
    places, _ = geotag(text, [ent("e1", "Coca-Cola", "NORP", text)])
    assert places == []


def test_a_county_without_its_suffix_opening_its_court_is_that_county() -> None:
    text = "The Henrico Circuit Court sentenced the man to ten years on Tuesday."
    places, _ = geotag(text, [ent("e1", "Henrico Circuit Court", "ORG", text)])
    henrico = by_text(places, "Henrico")
    assert henrico["feature"] == "admin2" and henrico["admin1"] == "Virginia"
    # a town of >= 10,000 of that name keeps its court; a university is no county office
    text = "The Richmond Circuit Court heard the case, a Baylor University study said."
    ents = [
        ent("e1", "Richmond Circuit Court", "ORG", text),
        ent("e2", "Baylor University", "ORG", text),
    ]
    places, _ = geotag(text, ents)
    assert all(p["feature"] != "admin2" for p in places)


def test_a_township_the_gazetteer_lacks_lies_in_the_articles_town() -> None:
    text = (
        "Xenia police said the stolen truck was found in Sugarcreek Township on Sunday, and "
        "Xenia officers returned it to its owner in Ohio."
    )
    ents = [
        ent("e1", "Xenia", "GPE", text),
        ent("e2", "Sugarcreek Township", "GPE", text),
        ent("e3", "Ohio", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    township = by_text(places, "Sugarcreek Township")
    assert township["admin1"] == "Ohio" and km(township, 39.68, -83.93) < 30
    # with no town in the article it stays unplaced
    text = "Trustees in Sugarcreek Township voted on Monday."
    places, _ = geotag(text, [ent("e1", "Sugarcreek Township", "GPE", text)])
    assert places == []


def test_a_town_opening_its_police_or_mayor_is_that_town_even_at_a_sentence_start() -> None:
    text = "Gatlinburg Police Chief Randy Brackins said the cabins were evacuated overnight."
    places, _ = geotag(text, [])
    gatlinburg = by_text(places, "Gatlinburg")
    assert gatlinburg["admin1"] == "Tennessee" and gatlinburg["feature"] == "city"
    # after a sentence that ends in a capitalised word, which the capitalised run crosses
    text = "The cabins burned on Sunday. Pigeon Forge Police Chief Richard Catlett said so."
    assert by_text(geotag(text, [])[0], "Pigeon Forge")["admin1"] == "Tennessee"
    # a title before "Mayor" and a common word before "Police" are no towns
    text = "Vice Mayor Ann Lee said Airport Police closed the road."
    assert geotag(text, [])[0] == []


def test_twin_towns_joined_by_a_hyphen_in_a_name_are_both_places() -> None:
    text = (
        "The Champaign-Urbana Mass Transit District added buses, and flights at the "
        "Raleigh-Durham International Airport resumed; Martin-Marietta Materials said nothing."
    )
    ents = [
        ent("e1", "Champaign-Urbana Mass Transit District", "ORG", text),
        ent("e2", "Raleigh-Durham International Airport", "FAC", text),
        ent("e3", "Martin-Marietta Materials", "ORG", text),
    ]
    places, _ = geotag(text, ents)
    assert by_text(places, "Champaign")["admin1"] == "Illinois"
    assert by_text(places, "Urbana")["admin1"] == "Illinois"
    assert by_text(places, "Raleigh")["admin1"] == "North Carolina"
    assert by_text(places, "Durham")["admin1"] == "North Carolina"
    assert not any(m["text"] in ("Martin", "Marietta") for p in places for m in p["mentions"])


def test_party_tags_name_counties_and_stop_listed_towns() -> None:
    text = (
        "The bill's sponsors are Brent Boggs, D-Braxton, Clif Moore, D-McDowell, and "
        "Hugh Leatherman, R-Florence, said a spokesman."
    )
    places, _ = geotag(text, [])
    assert by_text(places, "Braxton")["name"] == "Braxton County"
    assert by_text(places, "McDowell")["name"] == "McDowell County"
    assert by_text(places, "Florence")["country_code"] == "US"


def test_place_context_after_residents_of_and_before_police() -> None:
    text = "Residents of Huntsville will need a burning permit, the Huntsville council said."
    places, _ = geotag(text, [ent("e1", "Huntsville", "ORG", text)])
    assert by_text(places, "Huntsville")["country_code"] == "US"
    text = "Officers said the call came from a house close to Cowley police station."
    places, _ = geotag(text, [ent("e1", "Cowley", "PERSON", text)])
    assert by_text(places, "Cowley")["country_code"] == "GB"


def test_a_town_name_inside_a_longer_capitalised_name_needs_confirmation() -> None:
    text = "Veterans exposed to Agent Orange met the golfer Brooke Henderson on Monday."
    places, _ = geotag(text, [])
    assert places == []
    # an institution word after the town does not make it part of another name
    text = "A low-emission car pilot was launched by Richmond Council on Monday."
    places, _ = geotag(text, [])
    assert by_text(places, "Richmond")["feature"] == "city"


def test_everyday_words_and_brands_in_names_are_no_towns() -> None:
    text = (
        "Superior Court Judge Ann Lee told the Federal Aviation Authority that the "
        "1995 Honda Accord was towed on St. Patrick's Day."
    )
    ents = [
        ent("e1", "Superior Court", "ORG", text),
        ent("e2", "Federal Aviation Authority", "ORG", text),
        ent("e3", "Honda Accord", "PRODUCT", text),
    ]
    places, _ = geotag(text, ents)
    assert places == []


def test_country_abbreviations_of_the_koreas_and_china() -> None:
    text = "Talks between the DPRK and the ROK resumed, a PRC envoy said."
    places, _ = geotag(text, [])
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got == {"DPRK": "KP", "ROK": "KR", "PRC": "CN"}


def test_nearby_readings_of_two_towns_pick_each_other() -> None:
    # alone, each name takes its largest namesake (Columbus, Ohio; Colfax County, New Mexico);
    # together their Nebraska readings, a few km apart, support each other
    text = (
        "A Columbus man was hurt Sunday when his pickup left the road. Deputies of the "
        "Colfax County Sheriff's Office said the crash happened west of Richland."
    )
    ents = [
        ent("e1", "Columbus", "GPE", text),
        ent("e2", "Colfax County", "GPE", text),
        ent("e3", "Richland", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    assert by_text(places, "Columbus")["admin1"] == "Nebraska"
    assert by_text(places, "Colfax County")["admin1"] == "Nebraska"
    alone = "The Columbus city council met on Tuesday."
    places, _ = geotag(alone, [ent("e1", "Columbus", "GPE", alone)])
    assert by_text(places, "Columbus")["admin1"] == "Ohio"
    # a big city with a far-off namesake is not pulled away by a small town's readings
    text = "Flights from London to Boston resumed on Monday."
    ents = [ent("e1", "London", "GPE", text), ent("e2", "Boston", "GPE", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "London")["country_code"] == "GB"


def test_the_town_a_news_domain_names() -> None:
    from streams.nlp.geo.tag import source_towns

    def towns(domain: str) -> set[tuple[str, str | None]]:
        return {(c.name, c.admin1) for c in source_towns(domain, gazetteer())}  # type: ignore[arg-type]

    assert ("Bowling Green", "Kentucky") in towns("www.bowlinggreentimes.com")
    assert ("Cambridge", "England") in towns("www.cambridge-news.co.uk")
    assert {n for n, _ in towns("www.kansascity.com")} == {"Kansas City"}
    assert towns("www.nytimes.com") == set() and towns("www.bbc.co.uk") == set()
    assert towns("www.dailynews.com") == set() and towns("") == set()


def test_the_publishers_town_places_a_small_town_near_it() -> None:
    text = "A fire destroyed a barn near Franklin on Friday, the Franklin fire chief said."
    ents = [ent("e1", "Franklin", "GPE", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Franklin")["admin1"] == "Tennessee"  # the biggest Franklin
    places, _ = geotag(text, ents, source_domain="www.bowlinggreentimes.com")
    assert by_text(places, "Franklin")["admin1"] == "Kentucky"  # 30 km from Bowling Green
    # a domain town no other name of the article lies near says nothing
    paris = "Talks resumed in Paris on Tuesday."
    places, _ = geotag(paris, [ent("e1", "Paris", "GPE", paris)], source_domain="parisherald.com")
    assert by_text(places, "Paris")["country_code"] == "FR"


def test_a_wire_dateline_inside_the_text_names_its_place() -> None:
    text = (
        "Markets rallied on Monday after the jobs report. By Jane Roe, Associated Press "
        "BOISE, Idaho (AP) — A wildfire closed two highways, and a second fire burned near "
        "the NCAA (AP) office, officials said."
    )
    places, _ = geotag(text, [])
    boise = by_text(places, "BOISE")
    assert boise["admin1"] == "Idaho" and km(boise, 43.61, -116.2) < 30
    assert by_text(places, "Idaho")["feature"] == "admin1"
    assert not any(m["text"] == "NCAA" for p in places for m in p["mentions"])


def test_curated_demonyms_of_provinces_and_peoples() -> None:
    text = "Ontarians will pay less for hydro, while Sinhalese voters backed the president."
    ents = [ent("e1", "Ontarians", "NORP", text), ent("e2", "Sinhalese", "NORP", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Ontarians")["name"] == "Ontario"
    assert by_text(places, "Sinhalese")["country_code"] == "LK"


def test_a_town_name_before_a_street_word_is_a_street_in_the_articles_town() -> None:
    text = (
        "Developers want to build a clinic on Richmond Street in London, Ontario. "
        "London council rejected the plan on Tuesday."
    )
    ents = [
        ent("e1", "Richmond", "GPE", text),
        ent("e2", "London", "GPE", text),
        ent("e3", "Ontario", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    assert not any(p["name"] == "Richmond" for p in places)
    street = by_text(places, "Richmond Street")
    assert street["name"] == "London" and street["admin1"] == "Ontario"
    # without a street word the town stays
    text = "Richmond police arrested a man on Friday."
    places, _ = geotag(text, [ent("e1", "Richmond", "GPE", text)])
    assert by_text(places, "Richmond")["name"] == "Richmond"


def test_a_mention_cut_short_of_a_longer_place_name_takes_it() -> None:
    text = "Flooding closed roads in Henry County, Tennessee, on Monday."
    ents = [ent("e1", "Henry", "GPE", text), ent("e2", "Tennessee", "GPE", text)]
    places, _ = geotag(text, ents)
    county = by_text(places, "Henry County")
    assert county["feature"] == "admin2" and county["admin1"] == "Tennessee"
    # a state keeps its span before a word that would make a town's name
    text = "Farmers across the Missouri Valley expect a late harvest."
    places, _ = geotag(text, [ent("e1", "Missouri", "GPE", text)])
    assert by_text(places, "Missouri")["feature"] == "admin1"


def test_a_place_entity_before_plural_counties_is_the_county() -> None:
    text = "Volunteers planted oaks along the river in Anderson and Cherokee counties this spring."
    places, _ = geotag(text, _names(text, ["Anderson", "Cherokee"]))
    anderson = by_text(places, "Anderson")
    assert anderson["feature"] == "admin2", anderson


def test_a_county_named_in_full_is_a_place_whatever_the_entity_label() -> None:
    text = "Kim Lee, the 2010 Walker County Fair Queen, toured schools in Walker County all week."
    first = text.index("Walker County Fair Queen")
    last = text.rindex("Walker County")
    entities = [
        {
            "id": "e1",
            "name": "Walker County Fair Queen",
            "label": "EVENT",
            "mentions": [{"start": first, "end": first + 24, "text": text[first : first + 24]}],
        },
        {
            "id": "e2",
            "name": "Walker County",
            "label": "EVENT",
            "mentions": [{"start": last, "end": last + 13, "text": "Walker County"}],
        },
    ]
    places, _ = geotag(text, entities)
    walker = by_text(places, "Walker County")
    assert walker["feature"] == "admin2"
    assert {m["start"] for m in walker["mentions"]} == {first, last}


def test_a_town_too_small_for_the_gazetteer_takes_its_named_state() -> None:
    # no Greenwood of the gazetteer lies in West Virginia: the state, not Greenwood, Indiana
    text = "The man was held in the county jail in Greenwood, W. Va., on a parole violation."
    places, _ = geotag(text, _names(text, ["Greenwood", "W. Va."]))
    town = by_text(places, "Greenwood")
    assert town["feature"] == "admin1" and town["admin1"] == "West Virginia"
    # a later bare mention is the same town, not the namesake it would take alone (Maine)
    text = "The jail in Scarborough, W. Va., is full. He grew up in Scarborough."
    places, _ = geotag(text, _names(text, ["Scarborough", "W. Va."]))
    town = by_text(places, "Scarborough")
    assert [m["text"] for m in town["mentions"]].count("Scarborough") == 2
    # a known town in the named state keeps it; a list or a state's name is no container
    text = "The fair in Paris, Texas drew 4,000 visitors."
    places, _ = geotag(text, _names(text, ["Paris", "Texas"]))
    assert by_text(places, "Paris")["feature"] == "city"
    text = "The mine lies near the Indiana, Ill., border."
    places, _ = geotag(text, _names(text, ["Indiana", "Ill."]))
    assert by_text(places, "Indiana")["admin1"] == "Indiana"


def test_a_metropolitan_area_names_its_big_city() -> None:
    text = "Metro Denver officials said the Greater Denver Area added 40,000 jobs."
    entities = [
        ent("e1", "Metro Denver", "ORG", text),
        ent("e2", "the Greater Denver Area", "GPE", text, "Greater Denver Area"),
    ]
    places, _ = geotag(text, entities)
    denver = by_text(places, "Denver")
    assert denver["admin1"] == "Colorado"
    assert {m["text"] for m in denver["mentions"]} == {"Denver", "Greater Denver Area"}
    # a small town's name after "Metro" is no metropolitan area
    text = "Metro Goldwyn signed the actor."
    places, _ = geotag(text, [ent("e1", "Metro Goldwyn", "ORG", text)])
    assert places == []


def test_a_country_code_written_with_a_currency_sign_is_no_place() -> None:
    text = (
        "The charity raised US$12 million last year and pledged $US 3 billion more, "
        "while a meal in Kenya costs US $4. The US team arrived on Monday."
    )
    places, _ = geotag(text, [])
    got = sorted(m["text"] for p in places for m in p["mentions"])
    assert got == ["Kenya", "US"]
    us = by_text(places, "US")
    assert us["mentions"][0]["start"] == text.index("The US") + 4


def test_a_country_named_by_its_long_official_name_is_one_toponym() -> None:
    text = (
        "Aid workers flew from the United Republic of Tanzania to the Democratic Republic "
        "of the Congo, and later to the Democratic Republic of Congo's eastern border."
    )
    ents = [
        ent("e1", "Tanzania", "GPE", text),  # the model cut the names short
        ent("e2", "Congo", "GPE", text, "the Congo"),
        ent("e3", "Democratic Republic of Congo", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got == {
        "United Republic of Tanzania": "TZ",
        "Democratic Republic of the Congo": "CD",
        "Democratic Republic of Congo": "CD",
    }


def test_a_plural_common_noun_is_no_town_and_the_country_after_it_is_found() -> None:
    text = (
        "Staff of Bright Futures Villages Malawi said the clinic in Lilongwe reopened, "
        "and birds returned to the Pelican Islands reserve."
    )
    ents = [
        ent("e1", "Villages Malawi", "LOC", text),  # the model's cut of the charity's name
        ent("e2", "Lilongwe", "GPE", text),
        ent("e3", "Pelican Islands", "LOC", text),
    ]
    places, _ = geotag(text, ents)
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got == {"Malawi": "MW", "Lilongwe": "MW"}


def test_a_name_that_attributes_a_quote_is_a_person_not_a_town() -> None:
    text = (
        '"We reopened the mill in June," Harlow said. Harlow, who moved from Boston, runs it '
        'with her son. "Prices rose," Lowell says.'
    )
    ents = [
        ent("e1", "Harlow", "PERSON", text),
        ent("e2", "Boston", "GPE", text),
        ent("e3", "Lowell", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    assert {m["text"] for p in places for m in p["mentions"]} == {"Boston"}


def test_holidays_and_a_metro_system_are_no_towns() -> None:
    text = (
        "Crews in Orlando worked over Christmas to reopen the Metro station, Metro Police "
        "said, and the line runs again by Easter."
    )
    ents = [
        ent("e1", "Orlando", "GPE", text),
        ent("e2", "Metro", "FAC", text, "Metro station"),
        ent("e3", "Metro Police", "ORG", text),
    ]
    ents[1]["mentions"][0]["end"] -= len(" station")
    ents[1]["mentions"][0]["text"] = "Metro"
    places, _ = geotag(text, ents)
    assert {m["text"] for p in places for m in p["mentions"]} == {"Orlando"}


def test_a_big_town_the_model_read_as_a_product_is_a_place() -> None:
    text = "The two suspects were arrested in Chattanooga on Tuesday, the sheriff said."
    ents = [ent("e1", "Chattanooga", "PRODUCT", text)]
    places, _ = geotag(text, ents)
    town = by_text(places, "Chattanooga")
    assert town["country_code"] == "US" and km(town, 35.05, -85.31) < 30


def test_a_town_and_a_water_or_land_form_word_is_one_toponym() -> None:
    text = "Smoke drifted over the Modesto Valley on Sunday and ash fell on Modesto Bay."
    ents = [
        ent("e1", "Modesto Valley", "LOC", text),
        ent("e2", "Modesto Bay", "LOC", text),
    ]
    places, _ = geotag(text, ents)
    got = sorted(m["text"] for p in places for m in p["mentions"])
    assert got == ["Modesto Bay", "Modesto Valley"]
    assert km(by_text(places, "Modesto Valley"), 37.64, -120.99) < 30


def test_a_demonym_the_model_read_as_a_product_is_a_demonym() -> None:
    text = "Three Chadian soldiers were hurt near the border, a Chadian officer said."
    ents = [ent("e1", "Chadian", "PRODUCT", text)]
    places, _ = geotag(text, ents)
    assert [(p["country_code"], len(p["mentions"])) for p in places] == [("TD", 2)]
    assert places[0]["feature"] == "demonym"


def test_a_country_cut_in_two_at_its_and_is_one_toponym() -> None:
    text = "Officials from Trinidad and Tobago and Antigua and Barbuda met in Geneva."
    ents = [
        ent(f"e{i}", n, "GPE", text)
        for i, n in enumerate(["Trinidad", "Tobago", "Antigua", "Barbuda", "Geneva"])
    ]
    places, _ = geotag(text, ents)
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got == {"Trinidad and Tobago": "TT", "Antigua and Barbuda": "AG", "Geneva": "CH"}


def test_short_and_hyphenated_news_forms_of_countries() -> None:
    text = "Doctors from Bosnia flew to Congo-Brazzaville, then to Congo-Kinshasa."
    ents = [ent(f"e{i}", n, "GPE", text) for i, n in enumerate(["Bosnia", "Congo-Brazzaville"])]
    ents.append(ent("e3", "Congo-Kinshasa", "GPE", text))
    places, _ = geotag(text, ents)
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got == {"Bosnia": "BA", "Congo-Brazzaville": "CG", "Congo-Kinshasa": "CD"}


def test_a_later_storys_dateline_names_its_place_by_its_own_name() -> None:
    text = (
        "Bridge repairs begin. DAYTON — Crews closed one lane on Monday, the city said. "
        "BOISE — The council voted to raise parking fees. UPDATE: The vote was delayed."
    )
    places, _ = geotag(text, [])
    boise = by_text(places, "BOISE")
    assert boise["admin1"] == "Idaho" and km(boise, 43.61, -116.2) < 30
    assert by_text(places, "DAYTON")["country_code"] == "US"
    assert not any(m["text"] == "UPDATE" for p in places for m in p["mentions"])


def test_the_canadian_press_form_of_new_brunswick() -> None:
    text = "A barn burned near Sussex, N.B. on Sunday, firefighters said."
    places, _ = geotag(text, [ent("e1", "Sussex", "GPE", text)])
    nb = by_text(places, "N.B.")
    assert nb["name"] == "New Brunswick" and nb["feature"] == "admin1"


def test_a_firms_dotted_initials_are_no_place() -> None:
    text = "The law firm Harlow & Finch, P.A. filed the suit in Miami, where the U.S. agency sits."
    ents = [ent("e1", "P.A.", "GPE", text), ent("e2", "Miami", "GPE", text)]
    ents.append(ent("e3", "U.S.", "GPE", text))
    places, _ = geotag(text, ents)
    got = sorted(m["text"] for p in places for m in p["mentions"])
    assert got == ["Miami", "U.S."]


def test_a_saints_name_in_the_possessive_is_a_parish_or_school() -> None:
    text = (
        "Pupils of St. Michael's Catholic School and St. Mary's toured St. Paul, Minnesota, "
        "on Monday, and St. Paul's mayor greeted them."
    )
    ents = [ent("e1", "St. Michael", "GPE", text), ent("e2", "St. Mary", "GPE", text)]
    ents.append(ent("e3", "St. Paul", "GPE", text))
    places, _ = geotag(text, ents)
    got = sorted(m["text"] for p in places for m in p["mentions"])
    assert got == ["Minnesota", "St. Paul", "St. Paul"]


def test_a_qualified_people_holds_no_demonym_of_its_last_word() -> None:
    text = (
        "Central American migrants and Native Americans marched to the Central African "
        "Republic embassy; American officials watched."
    )
    ents = [
        ent("e1", "Central American", "NORP", text),
        ent("e2", "Native Americans", "NORP", text),
        ent("e3", "Central African Republic", "NORP", text),
    ]
    places, _ = geotag(text, ents)
    got = sorted(m["text"] for p in places for m in p["mentions"])
    assert got == ["American", "Central African Republic", "Central American"]
    assert by_text(places, "Central American")["name"] == "Central America"


def test_a_person_reading_after_island_of_or_province_of_is_the_place() -> None:
    text = "A ferry sank off the island of Bohol, and the province of Cebu sent boats."
    ents = [ent("e1", "Bohol", "PERSON", text), ent("e2", "Cebu", "PERSON", text)]
    places, _ = geotag(text, ents)
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got == {"Bohol": "PH", "Cebu": "PH"}


def test_a_sentence_opening_preposition_is_a_place_cue() -> None:
    text = "The plant closed last year. In Rock Hill, a bakery reopened on Friday."
    places, _ = geotag(text, [ent("e1", "Rock Hill", "PERSON", text)])
    rock_hill = by_text(places, "Rock Hill")
    assert rock_hill["country_code"] == "US"


def test_a_demonym_the_model_read_as_a_person_is_a_demonym() -> None:
    text = "A Slovak engineer led the team, and the Slovak design won the prize."
    places, _ = geotag(text, [ent("e1", "Slovak", "PERSON", text)])
    assert [(p["country_code"], len(p["mentions"])) for p in places] == [("SK", 2)]


def test_a_town_opening_a_facilitys_name_needs_a_street_or_institution_word() -> None:
    text = "Shoppers queued at the Coronado Meat Market, and the Medford Town Hall stayed shut."
    ents = [
        ent("e1", "Coronado Meat Market", "FAC", text),
        ent("e2", "Medford Town Hall", "FAC", text),
    ]
    places, _ = geotag(text, ents)
    got = sorted(m["text"] for p in places for m in p["mentions"])
    assert got == ["Medford"]


def test_a_town_opening_a_location_name_needs_a_street_or_institution_word() -> None:
    grill = "Diners left the Medford Seafood Grill early on Friday."
    places, _ = geotag(grill, [ent("e1", "Medford Seafood Grill", "LOC", grill)])
    assert places == []
    street = "The owner lives at 12 Medford St. these days."
    places, _ = geotag(street, [ent("e1", "Medford St.", "LOC", street)])
    assert [m["text"] for p in places for m in p["mentions"]] == ["Medford"]


def test_a_town_opening_a_gpe_reading_the_gazetteer_lacks_needs_a_cue_word() -> None:
    club = "Their side beat Medford Rovers on Saturday."
    places, _ = geotag(club, [ent("e1", "Medford Rovers", "GPE", club)])
    assert places == []
    council = "Officers from Medford Borough joined the search."
    places, _ = geotag(council, [ent("e1", "Medford Borough", "GPE", council)])
    assert [m["text"] for p in places for m in p["mentions"]] == ["Medford"]


def test_regions_of_countries_and_states_sit_at_their_members_mean_point() -> None:
    text = "Unrest in the Middle East and North Africa worried buyers on the West Coast."
    ents = [
        ent("e1", "Middle East", "LOC", text),
        ent("e2", "North Africa", "LOC", text),
        ent("e3", "West Coast", "LOC", text),
    ]
    places, _ = geotag(text, ents)
    assert km(by_text(places, "Middle East"), 29.0, 43.0) < 300  # between Cairo and Tehran
    assert km(by_text(places, "North Africa"), 27.0, 10.0) < 500
    assert km(by_text(places, "West Coast"), 43.0, -120.0) < 300  # California to Washington


def test_an_ocean_sits_at_its_natural_earth_point_and_adjectives_are_not_oceans() -> None:
    text = "A storm crossed the Atlantic. Shops in mid-Atlantic states and on Pacific Avenue shut."
    places, _ = geotag(text, [ent("e1", "Atlantic", "LOC", text)])
    assert [m["text"] for p in places for m in p["mentions"]] == ["Atlantic"]
    assert places[0]["name"] == "Atlantic Ocean"


def test_a_breakaway_region_and_its_demonym_are_one_place() -> None:
    text = "South Ossetian officials said South Ossetia would hold a vote."
    ents = [ent("e1", "South Ossetian", "NORP", text), ent("e2", "South Ossetia", "GPE", text)]
    places, _ = geotag(text, ents)
    assert len(places) == 1
    assert km(places[0], 42.3, 44.0) < 100
    assert {m["text"] for m in places[0]["mentions"]} == {"South Ossetian", "South Ossetia"}


def test_the_planet_is_no_place() -> None:
    text = "The probe left Houston and will return to Earth in May, far above the Earth's poles."
    ents = [
        ent("e1", "Houston", "GPE", text),
        ent("e2", "Earth", "LOC", text),
        ent("e3", "Earth", "LOC", text, "the Earth's"),
    ]
    places, _ = geotag(text, ents)
    assert {m["text"] for p in places for m in p["mentions"]} == {"Houston"}


def test_a_parliament_after_the_is_no_town_of_its_name() -> None:
    text = (
        "The bill went from Moscow to the Duma on Monday. Shelling hit Duma, east of Damascus, "
        "on the same day."
    )
    ents = [
        ent("e1", "Moscow", "GPE", text),
        ent("e2", "Duma", "PERSON", text),
        ent("e3", "Damascus", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    duma = [m for p in places for m in p["mentions"] if m["text"] == "Duma"]
    assert [text[m["start"] - 4 : m["start"]] for m in duma] == ["hit "]


def test_the_americas_sit_between_their_countries() -> None:
    text = "The virus spread through the Americas before it reached Spain."
    ents = [ent("e1", "Americas", "LOC", text), ent("e2", "Spain", "GPE", text)]
    places, _ = geotag(text, ents)
    americas = by_text(places, "Americas")
    assert 0.0 < americas["lat"] < 30.0 and -95.0 < americas["lon"] < -55.0


def test_a_name_before_based_is_a_place_even_in_a_persons_reading() -> None:
    text = "The Kent-based crew beat a Boston team, said Anna Moss Ohio-based coach."
    ents = [
        ent("e1", "Kent-based", "PERSON", text),
        ent("e2", "Boston", "GPE", text),
        ent("e3", "Anna Moss Ohio-based", "PERSON", text),
    ]
    places, _ = geotag(text, ents)
    assert {m["text"] for p in places for m in p["mentions"]} == {"Kent", "Boston", "Ohio"}


def test_a_month_before_a_days_number_is_a_date() -> None:
    text = "Crews in Ely worked until March 31, and the road through March opens on May 2nd."
    ents = [ent("e1", "Ely", "GPE", text), ent("e2", "March", "GPE", text)]
    ents.append(ent("e3", "May", "GPE", text))
    places, _ = geotag(text, ents)
    found = [(m["text"], m["start"]) for p in places for m in p["mentions"]]
    assert sorted(found) == [("Ely", 9), ("March", text.index("March opens"))]


def test_a_mention_without_its_names_first_word_takes_it() -> None:
    text = "Aid reached camps near Goz Beida in Chad. The Boise Fire Department sent two crews."
    ents = [
        ent("e1", "Beida", "GPE", text),
        ent("e2", "Chad", "GPE", text),
        ent("e3", "Boise", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    assert {m["text"] for p in places for m in p["mentions"]} == {"Goz Beida", "Chad", "Boise"}
    assert km(by_text(places, "Goz Beida"), 12.2, 21.4) < 30


def test_a_mention_takes_the_rest_of_its_name_over_a_lower_case_particle() -> None:
    text = "Rain hit Rio Grande do Sul, and traders in Dar es Salaam met the Texas Rangers."
    ents = [
        ent("e1", "Rio Grande", "GPE", text),
        ent("e2", "Dar", "GPE", text),
        ent("e3", "Texas", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    found = {m["text"] for p in places for m in p["mentions"]}
    assert found == {"Rio Grande do Sul", "Dar es Salaam", "Texas"}


def test_a_demonym_that_names_a_language_is_no_place() -> None:
    text = (
        "Nuri, who only speaks Dutch, landed in Boston. The leaflets were printed in Dutch; a "
        "Dutch immersion class opened, and Dutch farmers came."
    )
    ents = [ent("e1", "Dutch", "NORP", text), ent("e2", "Boston", "GPE", text)]
    places, _ = geotag(text, ents)
    found = [(m["text"], m["start"]) for p in places for m in p["mentions"]]
    assert sorted(found) == [("Boston", text.index("Boston")), ("Dutch", text.index("Dutch f"))]


def test_a_country_takes_the_rest_of_a_longer_countrys_name() -> None:
    text = "Storms hit the U.S. Virgin Islands, and Michigan Center schools shut."
    ents = [ent("e1", "U.S.", "GPE", text), ent("e2", "Michigan", "GPE", text)]
    places, _ = geotag(text, ents)
    found = {m["text"] for p in places for m in p["mentions"]}
    assert found == {"U.S. Virgin Islands", "Michigan"}
    assert by_text(places, "U.S. Virgin Islands")["country_code"] == "VI"


def test_country_pairs_joined_by_a_hyphen_after_capitals_or_a_dot() -> None:
    # the model reads a pair of countries as one place: each is a place ("EU-UK", "U.S.-Mexico")
    text = "Envoys met before the EU-UK talks and the U.S.-Mexico summit in Geneva."
    ents = [ent("e1", "EU-UK", "GPE", text), ent("e2", "U.S.-Mexico", "GPE", text)]
    places, _ = geotag(text, ents)
    got = {m["text"]: p["country_code"] for p in places for m in p["mentions"]}
    assert got["UK"] == "GB" and got["U.S."] == "US" and got["Mexico"] == "MX"
    # a one-letter party tag is no pair: "D-Ohio" gives Ohio, not a place called "D"
    text = "Sen. Mary Hale, D-Ohio, voted no."
    places, _ = geotag(text, [ent("e1", "D-Ohio", "GPE", text)])
    assert not any(m["text"] == "D" for p in places for m in p["mentions"])


def test_a_countrys_official_name_read_as_an_organisation_is_that_country() -> None:
    text = "Talks with the Democratic People's Republic of Korea resumed on Monday in Beijing."
    org = "Democratic People's Republic of Korea"
    places, _ = geotag(text, [ent("e1", org, "ORG", text)])
    nk = by_text(places, org)
    assert nk["country_code"] == "KP"
    assert not any(p["country_code"] == "KR" for p in places)


def test_englands_metropolitan_and_split_counties_are_places() -> None:
    text = (
        "Officers from West Yorkshire and Greater Manchester joined the search, which later "
        "moved to a farm in Northamptonshire, then to a village in East Yorkshire."
    )
    names = ["West Yorkshire", "Greater Manchester", "Northamptonshire", "East Yorkshire"]
    ents = [ent(f"e{i}", n, "GPE", text) for i, n in enumerate(names)]
    places, _ = geotag(text, ents)
    for name in names:
        p = by_text(places, name)
        assert p["country_code"] == "GB" and p["admin1"] == "England", name
    assert km(by_text(places, "West Yorkshire"), 53.8, -1.55) < 50  # near Leeds
    assert km(by_text(places, "Greater Manchester"), 53.48, -2.24) < 30  # Manchester


def test_a_party_tag_with_a_states_dotted_initials() -> None:
    text = "Sen. Ann Pike, D-W. Va., and Rep. Tom Hale, R-S.C., backed the bridge bill."
    places, _ = geotag(text, [])
    assert by_text(places, "W. Va.")["name"] == "West Virginia"
    assert by_text(places, "S.C.")["name"] == "South Carolina"
    assert not any(m["text"] == "Va." for p in places for m in p["mentions"])


def test_the_city_of_a_name_asks_for_the_town() -> None:
    text = "Aid trucks reached the city of Puebla on Monday, officials said."
    places, _ = geotag(text, [ent("e1", "Puebla", "GPE", text)])
    assert by_text(places, "Puebla")["feature"] == "city"
    text = "Aid trucks reached Puebla on Monday, officials said."
    places, _ = geotag(text, [ent("e1", "Puebla", "GPE", text)])
    assert by_text(places, "Puebla")["country_code"] == "MX"


def test_europes_compass_regions_have_their_members_point() -> None:
    text = "Storms swept across Central Europe and Northern Europe, and then the Baltic states."
    names = ["Central Europe", "Northern Europe", "Baltic states"]
    places, _ = geotag(text, [ent(f"e{i}", n, "LOC", text) for i, n in enumerate(names)])
    for name in names:
        assert by_text(places, name)["feature"] == "region", name
    assert km(by_text(places, "Central Europe"), 49.5, 15.0) < 300
    assert km(by_text(places, "Baltic states"), 57.0, 24.5) < 200
    assert not any(p["name"] == "Europe" for p in places)


def test_a_disease_named_after_a_place_is_no_place() -> None:
    text = (
        "Doctors compared the outbreak with the Asian flu of 1957 and with Lyme disease, "
        "while the Ohio flu season peaked early and Ohio flu cases rose."
    )
    ents = [ent("e1", "Asian", "NORP", text), ent("e2", "Lyme", "GPE", text)]
    ents.append(ent("e3", "Ohio", "GPE", text))
    places, _ = geotag(text, ents)
    got = [m["text"] for p in places for m in p["mentions"]]
    assert got == ["Ohio", "Ohio"]


def test_a_name_after_a_family_word_is_a_person() -> None:
    text = (
        "The couple moved to Tulsa last year. Her son Marion and his wife, Florence, run a "
        "bakery there with their daughter, Paris, and family in Canada."
    )
    names = ["Tulsa", "Marion", "Florence", "Paris", "Canada"]
    places, _ = geotag(text, [ent(f"e{i}", n, "GPE", text) for i, n in enumerate(names)])
    got = {m["text"] for p in places for m in p["mentions"]}
    assert got == {"Tulsa", "Canada"}


def test_the_place_inside_a_flu_strains_name_is_no_place() -> None:
    text = "The vaccine covers an A/Ohio/12/2019-like virus; cases rose in Ohio in March."
    places, _ = geotag(text, [ent("e1", "Ohio", "GPE", text)])
    ohio = by_text(places, "Ohio")
    assert [m["start"] for m in ohio["mentions"]] == [text.rindex("Ohio")]


def test_plain_spellings_of_letters_without_accents_find_the_town() -> None:
    assert norm("Puławy") == "pulawy" and norm("Østfold") == "ostfold"
    assert norm("Doğubayazıt") == "dogubayazit"
    text = "Vets in Dogubayazit and Pulawy culled poultry after the outbreak."
    ents = [ent("e1", "Dogubayazit", "GPE", text), ent("e2", "Pulawy", "GPE", text)]
    places, _ = geotag(text, ents)
    assert by_text(places, "Dogubayazit")["country_code"] == "TR"
    assert by_text(places, "Pulawy")["country_code"] == "PL"
    # a village spelt with such a letter (Bełk, ~3,000 inhabitants) has no plain-spelt name,
    # as small towns have no alternate names: "Belk" read as a place is no Polish village
    text = "New Belk stores will open next spring, the retailer said."
    places, _ = geotag(text, [ent("e1", "Belk", "GPE", text)])
    assert places == []


def test_an_airport_named_alone_is_the_city_it_serves() -> None:
    text = "Fog grounded flights at Heathrow and Schiphol on Tuesday morning."
    places, _ = geotag(text, [])
    assert by_text(places, "Heathrow")["country_code"] == "GB"
    assert km(by_text(places, "Heathrow"), 51.47, -0.45) < 50
    assert km(by_text(places, "Schiphol"), 52.31, 4.76) < 30


def test_a_small_division_sharing_an_everyday_word_needs_an_entity() -> None:
    text = "Pool operators met Michael Brandt in Ohio to talk about Grad rockets."
    places, _ = geotag(text, [])
    assert [p["name"] for p in places] == ["Ohio"]


def test_a_name_joined_to_a_water_word_names_the_water_body_whole() -> None:
    text = "Barges idled on the Ohio River, and the road near Lake Vermont flooded."
    places, _ = geotag(text, [ent("e1", "Vermont", "GPE", text)])
    surfaces = sorted(m["text"] for p in places for m in p["mentions"])
    assert surfaces == ["Lake Vermont", "Ohio River"]
    assert by_text(places, "Ohio River")["name"] == "Ohio"


def test_a_list_of_countries_ending_in_and_the_is_no_container() -> None:
    text = "Travel warnings came from China, Japan, and the Netherlands on Monday."
    places, _ = geotag(text, [])
    assert by_text(places, "China")["feature"] == "country"
    assert by_text(places, "China")["country_code"] == "CN"


def test_a_name_after_island_of_is_the_island_not_a_namesake_town() -> None:
    text = "Floods hit the Indonesian island of Java, and Java's ports closed."
    places, _ = geotag(text, [ent("e1", "Java", "PERSON", text)])
    java = by_text(places, "Java")
    assert java["feature"] == "region" and java["country_code"] is None
    assert km(java, -7.3, 110.0) < 161


def test_the_word_before_a_mention_is_read_whole_by_one_pattern() -> None:
    # _water ("Lake Vermont") and _earlier ("Goz Beida") share one pattern: the capitalised
    # word right before a mention, whole, whatever window it is searched in
    from streams.nlp.geo.recognise import _PREV_CAPITAL

    text = "near Lake Vermont, by McLake Vermont, at St.Lake Vermont"
    hit = _PREV_CAPITAL.search(text, 0, text.index("Vermont"))
    assert hit is not None and hit.group(1) == "Lake" and hit.start() == 5
    second = text.index("Vermont", text.index("McLake"))
    assert _PREV_CAPITAL.search(text, second - 5, second) is None  # "Lake" is part of "McLake"
    third = text.rindex("Vermont")
    assert _PREV_CAPITAL.search(text, third - 5, third) is None  # "St.Lake" is no word


def test_a_town_before_one_of_the_articles_surnames_is_a_first_name() -> None:
    text = (
        "Police arrested Dale Brandt on Friday. Marion Brandt, his sister, was not charged. "
        "The pair live in Marion, Ohio, near Kazakhstan Brandt's old farm."
    )
    ents = [
        ent("e1", "Dale Brandt", "PERSON", text),
        ent("e2", "Marion", "GPE", text),
        ent("e3", "Ohio", "GPE", text),
        ent("e4", "Kazakhstan", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    marion = [m["start"] for p in places for m in p["mentions"] if m["text"] == "Marion"]
    assert marion == [text.index("Marion, Ohio")]
    assert by_text(places, "Ohio")["feature"] == "admin1"
    assert by_text(places, "Kazakhstan")["feature"] == "country"  # a country's name stays


def test_a_sentence_opening_town_before_a_residents_noun_is_a_place() -> None:
    text = "Zanesville residents rally for a new library. As police watched. Urbana students sang."
    places, _ = geotag(text, [])
    assert sorted(p["name"] for p in places) == ["Urbana", "Zanesville"]
    assert by_text(places, "Zanesville")["admin1"] == "Ohio"
    quiet = "Zanesville rallies for a new library."  # no residents' noun, no place
    assert geotag(quiet, [])[0] == []


def test_a_demonym_right_after_another_name_is_a_people_not_a_country() -> None:
    text = "Leaders of the Denver Italian community met American Indians in Vermont."
    ents = [
        ent("e1", "Denver", "GPE", text),
        ent("e2", "Italian", "NORP", text),
        ent("e3", "American", "NORP", text),
        ent("e4", "Indians", "NORP", text),
        ent("e5", "Vermont", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    surfaces = sorted(m["text"] for p in places for m in p["mentions"])
    assert surfaces == ["American", "Denver", "Vermont"]  # no Italy, no India
    assert by_text(places, "American")["country_code"] == "US"


def test_an_opening_dateline_without_a_dash_names_its_place() -> None:
    text = "ZANESVILLE The Latest on the library vote: the board met on Monday."
    places, _ = geotag(text, [])
    assert [p["name"] for p in places] == ["Zanesville"]
    pair = "DENVER & BOULDER,, APRIL 3, 2019 -- Trails reopened."
    assert sorted(p["name"] for p in geotag(pair, [])[0]) == ["Boulder", "Denver"]
    # capitals before a lower-case word are a headline's acronym, not a dateline
    assert geotag("NICE to tidy the parks, the board said.", [])[0] == []


def test_a_township_no_entity_covers_is_found_with_its_dot() -> None:
    text = (
        "Xenia police said voters in Harmony Twp., Liberty Township and Xenia met in Ohio. "
        "The Township board agreed."
    )
    ents = [
        ent("e1", "Xenia", "GPE", text),
        ent("e2", "Harmony Twp", "GPE", text),  # the model's span drops the dot
        ent("e3", "Ohio", "GPE", text),
    ]
    places, _ = geotag(text, ents)
    surfaces = sorted(m["text"] for p in places for m in p["mentions"])
    assert "Harmony Twp." in surfaces
    assert "Liberty Township" in surfaces
    assert not any("The Township" in s for s in surfaces)


@pytest.mark.parametrize(
    ("word", "civic"),
    [
        ("Mayor's", True),
        ("Mayor\u2019s", True),
        ("Councils", True),
        ("Selectmen", True),
        ("Townships'", True),
        ("Moss", False),
        ("Bass", False),
        ("Mayoral", False),
    ],
)
def test_a_civic_word_is_read_through_a_possessive_or_plural_only(word: str, civic: bool) -> None:
    """Only a possessive or plural ending is set aside: "Moss" is not "mo" + "ss"."""
    from streams.nlp.geo.recognise import _context_words, _is_civic

    assert _is_civic(word, _context_words()["civic"]) is civic
