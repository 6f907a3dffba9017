"""Entity extraction: document-level consistency on small hand-written news texts."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from streams.nlp.entities import extract_entities
from streams.nlp.entities.normalize import norm_key
from streams.nlp.model import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _check_offsets(doc, ents):
    for e in ents:
        for m in e["mentions"]:
            assert doc.text[m["start"] : m["end"]] == m["text"]


def test_trump_is_one_person_with_all_mentions(nlp):
    text = (
        "President Donald Trump said on Monday that tariffs would stay. "
        "Trump told reporters in Washington that the economy was strong. "
        "Critics said Trump's plan would raise prices for families."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    people = [e for e in ents if "Trump" in e["name"]]
    assert len(people) == 1
    trump = people[0]
    assert trump["name"] == "Donald Trump"
    assert trump["label"] == "PERSON"
    assert [m["text"] for m in trump["mentions"]] == ["Donald Trump", "Trump", "Trump"]
    assert trump["mentions"][0]["start"] == text.index("Donald")
    assert trump["mentions"][2]["start"] == text.index("Trump's")


def test_quote_fragment_title_case_is_not_an_entity(nlp):
    text = (
        'Senator Maria Lopez said the campaign would rely on its "Voter Base" and '
        'described the rally as "A Great Night For Everyone". '
        "Lopez spoke in Denver on Tuesday."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    names = {e["name"] for e in ents}
    assert not any("Voter" in n or "Base" in n for n in names)
    assert not any("Night" in n for n in names)
    lopez = [e for e in ents if e["name"] == "Maria Lopez"]
    assert len(lopez) == 1 and len(lopez[0]["mentions"]) == 2


def test_acronym_linked_to_expansion(nlp):
    text = (
        "Agents from U.S. Immigration and Customs Enforcement (ICE) detained two men in Texas. "
        "ICE did not respond to a request for comment."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    ice = [e for e in ents if any(m["text"] == "ICE" for m in e["mentions"])]
    assert len(ice) == 1
    assert ice[0]["name"] == "U.S. Immigration and Customs Enforcement"
    assert len(ice[0]["mentions"]) == 3


def test_possessive_stripped_and_ids_sorted(nlp):
    text = "Elon Musk's company Tesla reported record sales in China. Musk thanked workers."
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    assert [e["id"] for e in ents] == [f"e{i}" for i in range(1, len(ents) + 1)]
    firsts = [e["mentions"][0]["start"] for e in ents]
    assert firsts == sorted(firsts)
    musk = [e for e in ents if e["name"] == "Elon Musk"]
    assert musk and all("'s" not in m["text"] for m in musk[0]["mentions"])
    assert all(0.0 <= e["salience"] <= 1.0 for e in ents)


def test_publisher_credit_dropped_but_story_mention_kept(nlp):
    text = (
        "LONDON (Reuters) - The Bank of England raised interest rates on Thursday.\n"
        "Governor Andrew Bailey said inflation was too high.\n"
        "Reporting by Jane Doe; editing by Reuters staff"
    )
    doc = nlp(text)
    ents = extract_entities(doc, publisher="Reuters")
    _check_offsets(doc, ents)
    assert not any(e["name"] == "Reuters" for e in ents)
    assert any(e["name"] == "Bank of England" and e["label"] == "ORG" for e in ents)


def test_norm_key_collapses_punctuation_variants():
    assert norm_key("U.S.") == norm_key("US")
    assert norm_key("The Fed") == "fed"
    assert norm_key("AL-AIN") == norm_key("Al Ain")


def _by_mention(ents, text):
    """The entity that has a mention with exactly this text."""
    hits = [e for e in ents if any(m["text"] == text for m in e["mentions"])]
    assert len(hits) == 1, (text, ents)
    return hits[0]


def test_results_table_names_teams_and_lineup_names_players(nlp):
    text = (
        "SOCCER - ENGLISH LEAGUE RESULTS .\n"
        "LONDON 1997-03-01\n"
        "Results of matches played on Saturday :\n"
        "Hartfield 2 Brookside Rovers 1\n"
        "Hartfield : 1 - Tom Ashby , 4 - Lee Carver , 9 - Sam Doyle .\n"
        "Hartfield 20 12 5 3 40 20 41\n"
    )
    doc = nlp(text)
    ents = extract_entities(doc, title=text.split("\n", 1)[0])
    _check_offsets(doc, ents)
    assert _by_mention(ents, "Hartfield")["label"] == "ORG"
    assert _by_mention(ents, "Brookside Rovers")["label"] == "ORG"
    for player in ("Tom Ashby", "Lee Carver", "Sam Doyle"):
        assert _by_mention(ents, player)["label"] == "PERSON"
    assert _by_mention(ents, "LONDON")["label"] == "GPE"
    hartfield = _by_mention(ents, "Hartfield")
    assert len(hartfield["mentions"]) == 3


def test_country_in_results_line_stays_a_place(nlp):
    text = "Japan beat Syria in Tokyo on Friday .\nJapan 2 Syria 1\n"
    doc = nlp(text)
    ents = extract_entities(doc)
    assert _by_mention(ents, "Japan")["label"] == "GPE"


def test_span_split_at_separators_and_numbers(nlp):
    text = "Group standings :\nOlympiakos ( Greece ) 9 4 5 13\n"
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    for e in ents:
        for m in e["mentions"]:
            assert "(" not in m["text"] and not any(c.isdigit() for c in m["text"]), m
    assert _by_mention(ents, "Olympiakos")["label"] == "ORG"
    assert _by_mention(ents, "Greece")["label"] == "GPE"


def test_all_caps_headline_needs_confirmation_in_body(nlp):
    title = "STOCKS SLIDE AS BANKS STUMBLE ON RATE FEARS"
    text = title + "\nShares in Barclays fell on Monday in London .\n"
    doc = nlp(text)
    ents = extract_entities(doc, title=title)
    _check_offsets(doc, ents)
    assert all(m["start"] >= len(title) for e in ents for m in e["mentions"])
    assert _by_mention(ents, "London")["label"] == "GPE"


def test_headline_mention_found_when_body_confirms(nlp):
    title = "FRANCE AND GERMANY SIGN TRADE PACT"
    text = title + "\nFrance and Germany signed a trade pact in Berlin on Tuesday .\n"
    doc = nlp(text)
    ents = extract_entities(doc, title=title)
    france = _by_mention(ents, "France")
    assert [m["text"] for m in france["mentions"]] == ["FRANCE", "France"]
    assert france["name"] == "France"


def test_hyphenated_compound_covers_whole_word(nlp):
    text = "The Soviet-led alliance collapsed, said historians in Moscow."
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    texts = [m["text"] for e in ents for m in e["mentions"]]
    assert "Soviet-led" in texts and "Soviet" not in texts
    assert _by_mention(ents, "Soviet-led")["name"] == "Soviet"


def test_salience_prefers_title_and_frequent_entity(nlp):
    title = "Apple opens new store"
    text = (
        "Apple opens new store\n"
        "Apple opened a store in Berlin on Monday. Apple said the store would employ "
        "200 people. A spokesman for Samsung declined to comment. Apple shares rose."
    )
    doc = nlp(text)
    ents = extract_entities(doc, title=title)
    apple = _by_mention(ents, "Apple")
    others = [e for e in ents if e is not apple]
    assert others and all(apple["salience"] > e["salience"] for e in others)


def test_all_caps_names_are_softened_for_joins():
    from streams.nlp.entities.linking import soften_caps

    assert soften_caps("LONDON") == "London"
    assert soften_caps("NY GIANTS") == "NY Giants"
    assert soften_caps("USA") == "USA"


def test_alias_file_names_frequent_entities(nlp):
    text = "The U.S. economy grew. Officials in the United States said growth would slow."
    doc = nlp(text)
    ents = extract_entities(doc)
    us = _by_mention(ents, "U.S.")
    assert us["name"] == "United States"
    assert [m["text"] for m in us["mentions"]] == ["U.S.", "United States"]


def test_name_inside_quoted_speech_is_kept(nlp):
    text = (
        "\u201cI talked to Jerome Powell this morning,\u201d the senator told reporters. "
        "The senator called the plan a \u201cSilent Tax On Families\u201d."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    assert _by_mention(ents, "Jerome Powell")["label"] == "PERSON"
    assert not any("Tax" in e["name"] or "Families" in e["name"] for e in ents)


def test_publisher_given_as_domain(nlp):
    from streams.nlp.entities.publisher import domain_label

    assert domain_label("www.bbc.co.uk") == "bbc"
    assert domain_label("edition.cnn.com") == "cnn"
    assert domain_label("Reuters") is None
    text = (
        "WASHINGTON (Reuters) - The Senate passed the bill on Friday, "
        "Reuters reported citing two aides.\n"
        "Reporting by Jane Doe; Editing by Reuters staff"
    )
    doc = nlp(text)
    ents = extract_entities(doc, publisher="reuters.com")
    _check_offsets(doc, ents)
    reuters = [m for e in ents for m in e["mentions"] if m["text"] == "Reuters"]
    # The dateline and credit mentions go; the one in the story stays.
    assert [m["start"] for m in reuters] == [text.index("Reuters reported")]


def test_initial_shape_and_inner_possessive(nlp):
    text = (
        "The county backed Dwight D. Eisenhower in 1952, according to Dave Leip\u2019s Atlas "
        "of elections.\nNEW YORK is where the atlas is sold."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    assert _by_mention(ents, "Dwight D. Eisenhower")["label"] == "PERSON"
    assert not any("\u2019s" in m["text"] for e in ents for m in e["mentions"])


def test_name_after_a_title_is_a_person_even_when_the_model_misses_it(nlp):
    text = (
        "Mayor Ana Ruiz of Denver said the city would hire 40 nurses. "
        '"We need them now," Ruiz said.'
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    ruiz = [e for e in ents if e["name"] == "Ana Ruiz"]
    assert len(ruiz) == 1 and ruiz[0]["label"] == "PERSON"
    assert [m["text"] for m in ruiz[0]["mentions"]] == ["Ana Ruiz", "Ruiz"]


def test_title_case_rhetoric_in_a_quoted_post_is_not_an_entity(nlp):
    text = (
        'Senator Ray Dalton posted on Sunday: "We will protect our Great Farmers, end the '
        'Open Borders Agenda and bring back Factory Jobs to Ohio!" His rival, Maria Chen, '
        'called the post "Fake News from a Failed Career Politician."'
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    names = {e["name"] for e in ents}
    assert not names & {"Great Farmers", "Open Borders Agenda", "Factory Jobs", "Fake News"}
    assert {"Ray Dalton", "Maria Chen", "Ohio"} <= names


def test_real_names_inside_the_same_rhetoric_stay(nlp):
    text = (
        'The former governor told a rally in Reno: "Crooked Hank Morrow and the Deep State '
        "want to take our Great Truckers to court, but I met Nora Patel at the White House "
        'and we will win!"'
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    names = {e["name"]: e["label"] for e in ents}
    assert "Deep State" not in names and "Great Truckers" not in names
    assert any("Hank Morrow" in n for n in names)  # the name stays (its epithet may too)
    assert names.get("Nora Patel") == "PERSON"
    assert "White House" in names


def test_an_epithet_before_a_known_name_is_trimmed(nlp):
    text = (
        'The candidate told a crowd in Erie: "Crooked Joe Biden and his Fake News friends '
        'will lose!" The crowd cheered.'
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    names = {e["name"]: e["label"] for e in ents}
    assert names.get("Joe Biden") == "PERSON" and "Fake News" not in names


def _fema(ents):
    return [e for e in ents if any(m["text"] == "FEMA" for m in e["mentions"])]


def test_acronym_without_parentheses_joins_its_long_form(nlp):
    text = (
        "The Federal Emergency Management Agency sent 200 staff to Louisiana on Monday. "
        "FEMA teams began clearing roads, and FEMA said more help was coming."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    fema = _fema(ents)
    assert len(fema) == 1 and fema[0]["label"] == "ORG"
    assert fema[0]["name"] == "Federal Emergency Management Agency"
    assert [m["text"] for m in fema[0]["mentions"]].count("FEMA") == 2


def test_span_cut_short_by_the_model_is_repaired_from_the_acronym(nlp, monkeypatch):
    import streams.nlp.entities as entities

    real = entities.model_mentions

    def cut_short(doc):  # the model stops at "Federal Emergency" and misses the first FEMA
        out, dropped = [], False
        for s, e, label in real(doc):
            if doc[s:e].text.endswith("Management Agency"):
                e -= 2
            if doc[s:e].text == "FEMA" and not dropped:
                dropped = True
                continue
            out.append((s, e, label))
        assert dropped
        return out

    monkeypatch.setattr(entities, "model_mentions", cut_short)
    text = (
        "Staff from the Federal Emergency Management Agency reached Baton Rouge on Monday. "
        "FEMA teams began clearing roads, and FEMA said more help was coming."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    assert not any(e["name"] == "Federal Emergency" for e in ents)
    fema = _fema(ents)
    assert len(fema) == 1 and fema[0]["name"] == "Federal Emergency Management Agency"
    assert [m["text"] for m in fema[0]["mentions"]] == [
        "Federal Emergency Management Agency",
        "FEMA",
        "FEMA",
    ]


def _forced(nlp, text: str, spans: list[tuple[str, str]]):
    """A parsed doc whose entities are set by hand: (surface, label), first occurrences."""
    from spacy.tokens import Span

    doc = nlp(text)
    ents = []
    for surface, label in spans:
        start = text.index(surface)
        span = doc.char_span(start, start + len(surface))
        ents.append(Span(doc, span.start, span.end, label=label))
    doc.ents = ents
    return doc


def test_a_known_place_after_in_is_a_place_whatever_the_model_read(nlp):
    doc = _forced(
        nlp,
        "Delegates met at a party congress in Sibiu on Saturday.",
        [("Sibiu", "PERSON")],
    )
    ents = extract_entities(doc)
    assert [(e["name"], e["label"]) for e in ents] == [("Sibiu", "GPE")]
    # no preposition, a possessive or a longer name: the model's reading stays
    for text, surface, label in [
        ("Lincoln scored twice on Saturday.", "Lincoln", "PERSON"),
        ("The striker scored twice in Everton's win.", "Everton", "ORG"),
    ]:
        ents = extract_entities(_forced(nlp, text, [(surface, label)]))
        assert [(e["name"], e["label"]) for e in ents] == [(surface, label)]


def test_a_sports_ground_is_a_facility(nlp):
    text = "The final was played at the Melbourne Cricket Ground on Sunday."
    ents = extract_entities(_forced(nlp, text, [("Melbourne Cricket Ground", "ORG")]))
    assert [(e["name"], e["label"]) for e in ents] == [("Melbourne Cricket Ground", "FAC")]
    # a company whose name only contains a venue word stays a company
    text = "Ground Control Systems signed a supply deal on Monday."
    ents = extract_entities(_forced(nlp, text, [("Ground Control Systems", "ORG")]))
    assert [(e["name"], e["label"]) for e in ents] == [("Ground Control Systems", "ORG")]


def test_a_persons_surname_read_as_a_place_stays_the_person(nlp):
    # the model reads the surname once as the person and often as the town of that name
    text = (
        "Elizabeth Fairfield, a Lebanon woman, was charged on Monday. Fairfield said little. "
        "Fairfield denied the charges. Lawyers for Fairfield asked for a delay. "
        "Fairfield was in jail. Fairfield could face 98 years. Fairfield declined to plead."
    )
    doc = _forced(nlp, text, [("Elizabeth Fairfield", "PERSON"), ("Lebanon", "GPE")])
    spans = list(doc.ents)
    starts = [k for k in range(len(text)) if text.startswith("Fairfield", k)][1:]
    for n, k in enumerate(starts):
        sp = doc.char_span(k, k + len("Fairfield"))
        spans.append(Span(doc, sp.start, sp.end, label="PERSON" if n == 0 else "GPE"))
    doc.ents = sorted(spans, key=lambda e: e.start)
    ents = extract_entities(doc)
    person = next(e for e in ents if e["name"] == "Elizabeth Fairfield")
    assert person["label"] == "PERSON" and len(person["mentions"]) == 7
    assert ("Lebanon", "GPE") in [(e["name"], e["label"]) for e in ents]


def test_a_score_or_bowling_figure_is_cut_off_a_name(nlp):
    # the model reads "surname + figures" in a scorecard as a law or a product
    text = "Bowling : Okafor 9-1-41-3 , Lindqvist 7-0-28-1 .\nOkafor took three wickets."
    doc = _forced(nlp, text, [("Okafor 9-1-41-3", "LAW"), ("Lindqvist 7-0-28-1", "PRODUCT")])
    spans = list(doc.ents)
    k = text.rindex("Okafor")
    sp = doc.char_span(k, k + len("Okafor"))
    doc.ents = [*spans, Span(doc, sp.start, sp.end, label="PERSON")]
    texts = {m["text"] for e in extract_entities(doc) for m in e["mentions"]}
    assert "Okafor" in texts and "Lindqvist" in texts
    assert not any(any(c.isdigit() for c in t) for t in texts)
    # a number that is part of a product or event name stays in it
    text = "The airline ordered the Airbus A320 and flew fans to Super Bowl 50 in California."
    doc = _forced(nlp, text, [("Airbus A320", "PRODUCT"), ("Super Bowl 50", "EVENT")])
    names = {e["name"] for e in extract_entities(doc)}
    assert {"Airbus A320", "Super Bowl 50"} <= names


def test_a_table_caption_is_not_an_entity(nlp):
    text = (
        "Rovers 2 United 1\nHalftime 1-0\nAttendance : 21,000\n"
        "Extras ( lb-3 w-1 ) 4\nRovers moved up to third place."
    )
    doc = _forced(
        nlp, text, [("Halftime", "PERSON"), ("Attendance", "PERSON"), ("Extras", "PERSON")]
    )
    names = {e["name"] for e in extract_entities(doc)}
    assert not names & {"Halftime", "Attendance", "Extras"}
    # a caption word inside a longer name is no caption
    text = "Total Energies raised its dividend, Total Energies said on Friday."
    doc = _forced(nlp, text, [("Total Energies", "ORG")])
    assert "Total Energies" in {e["name"] for e in extract_entities(doc)}


def test_a_name_that_is_also_a_common_word_stays(nlp):
    # companies and parties are named with common words the same article may use in lower case
    for text, name, label in [
        ("Shell reported higher profits. A shell hit a school, officials said.", "Shell", "ORG"),
        ("Labour won the seat. Labour promised to fix the labour market.", "Labour", "ORG"),
        ("Turkey raised rates, days before farmers sold turkey at record prices.", "Turkey", "GPE"),
    ]:
        doc = _forced(nlp, text, [(name, label)])
        assert name in {e["name"] for e in extract_entities(doc)}, text
    # a surname joined to the full name stays even if the article uses the word in lower case
    text = "Justin Rose won the title on Sunday. Rose said the rose garden was his favourite hole."
    doc = _forced(nlp, text, [("Justin Rose", "PERSON")])
    k = text.index("Rose said")
    sp = doc.char_span(k, k + 4)
    doc.ents = [*doc.ents, Span(doc, sp.start, sp.end, label="PERSON")]
    rose = next(e for e in extract_entities(doc) if e["name"] == "Justin Rose")
    assert len(rose["mentions"]) == 2


def test_a_nationality_before_a_persons_name_is_no_part_of_it(nlp):
    text = "Kenyan Daniel Komen won the race, ahead of Briton Rob Denmark."
    doc = _forced(nlp, text, [("Kenyan Daniel Komen", "PERSON"), ("Briton Rob Denmark", "PERSON")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert {("Daniel Komen", "PERSON"), ("Rob Denmark", "PERSON"), ("Kenyan", "NORP")} <= got
    # a two-word name that starts with a nationality word is the name ("Dane Cook")
    text = "Dane Cook sold out the arena on Friday."
    doc = _forced(nlp, text, [("Dane Cook", "PERSON")])
    assert ("Dane Cook", "PERSON") in {(e["name"], e["label"]) for e in extract_entities(doc)}


def test_a_ranked_competitor_from_a_nation_is_a_person(nlp):
    text = "Leading scores :\n204 Tomas Ekdahl ( Sweden ) 68 66 70\n205 Rafael Ochoa 70 65 70\n"
    doc = _forced(nlp, text, [("Tomas Ekdahl", "ORG"), ("Sweden", "GPE")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert ("Tomas Ekdahl", "PERSON") in got and ("Sweden", "GPE") in got
    # without a nation in brackets the model's organisation stays one
    text = "Team standings :\n1. Nordic Cycling Team 10:02:33\n2. Rafael Ochoa 10:02:41\n"
    doc = _forced(nlp, text, [("Nordic Cycling Team", "ORG")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert ("Nordic Cycling Team", "ORG") in got


def test_a_nation_with_a_roman_numeral_is_a_crew(nlp):
    text = (
        "Two-man bobsleigh results :\n1. Norway II ( Arne Dahl , Per Lund ) 1:45.10\n"
        "2. USA III ( Tom Reed , Sam Cole ) 1:45.22\nNorway won the title."
    )
    doc = _forced(nlp, text, [("Norway", "GPE")])
    k = text.rindex("Norway")
    sp = doc.char_span(k, k + len("Norway"))
    doc.ents = [*doc.ents, Span(doc, sp.start, sp.end, label="GPE")]
    got = {(m["text"], e["label"]) for e in extract_entities(doc) for m in e["mentions"]}
    assert ("Norway II", "ORG") in got and ("USA III", "ORG") in got
    assert ("Norway", "GPE") in got  # the country itself stays a place
    # the pronoun after a country is no numeral
    text = "When I lived in Italy I learned the language."
    doc = _forced(nlp, text, [("Italy", "GPE")])
    assert ("Italy", "GPE") in {(e["name"], e["label"]) for e in extract_entities(doc)}


def test_a_name_in_brackets_after_a_person_is_the_affiliation(nlp):
    text = (
        "Top scorers : 9 - Dario Rossi ( Westport ) , Kofi Mensah ( Ghana ) .\nRossi scored twice."
    )
    doc = _forced(
        nlp,
        text,
        [
            ("Dario Rossi", "PERSON"),
            ("Westport", "GPE"),
            ("Kofi Mensah", "PERSON"),
            ("Ghana", "GPE"),
        ],
    )
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert ("Westport", "ORG") in got  # the player's club
    assert ("Ghana", "GPE") in got  # a country stays a place
    # a US state after a politician's name stays a place; no bracket, no affiliation
    text = "Senator Mary Holt ( Ohio ) met Dan Ruiz in Westport on Monday."
    doc = _forced(
        nlp,
        text,
        [("Mary Holt", "PERSON"), ("Ohio", "GPE"), ("Dan Ruiz", "PERSON"), ("Westport", "GPE")],
    )
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert ("Ohio", "GPE") in got and ("Westport", "GPE") in got


def test_names_in_brackets_after_a_team_are_its_members(nlp):
    text = "Doubles final : Norway II ( Arne Dahlberg , Per Lundqvist ) 1:45.10 ."
    doc = _forced(nlp, text, [("Arne Dahlberg", "ORG")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert ("Arne Dahlberg", "PERSON") in got and ("Per Lundqvist", "PERSON") in got
    # places in brackets after a company are no members
    text = "Nordwind Logistics ( New York , Los Angeles ) raised prices on Monday."
    doc = _forced(nlp, text, [("Nordwind Logistics", "ORG")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert not any(lab == "PERSON" for _, lab in got)


def test_a_capitalised_name_ending_in_cup_is_a_competition(nlp):
    text = "PACIFIC CUP DRAW MADE .\nFiji will meet Tonga in the Pacific Cup next year."
    doc = _forced(nlp, text, [("Fiji", "GPE"), ("Tonga", "GPE")])
    got = {(m["text"], e["label"]) for e in extract_entities(doc) for m in e["mentions"]}
    assert ("Pacific Cup", "EVENT") in got and ("PACIFIC CUP", "EVENT") in got
    # a lower-case cup is a cup, and a sentence's first word is not pulled into the name
    text = "She lifted the cup. Fiji won the Cup on Sunday."
    doc = _forced(nlp, text, [("Fiji", "GPE")])
    got = {(m["text"], e["label"]) for e in extract_entities(doc) for m in e["mentions"]}
    assert not any("cup" in t.lower() for t, _ in got)


def test_a_one_word_place_stays_beside_its_common_word(nlp):
    # a one-word place stays even where the article writes the word in lower case
    text = "The City approved the budget on Monday. The city council meets again in May."
    doc = _forced(nlp, text, [("City", "GPE")])
    assert ("City", "GPE") in {(e["name"], e["label"]) for e in extract_entities(doc)}


def test_a_given_name_before_a_surname_votes_person(nlp):
    # the model reads a person it does not know as an organisation or a place
    for text, name, label in [
        ("Loretta Blakesley beat the top seed in straight games.", "Loretta Blakesley", "ORG"),
        ("The title went to Wendell Okonjo on Sunday.", "Wendell Okonjo", "GPE"),
        ("Gwendolyn R. Tasker was named chief executive.", "Gwendolyn R. Tasker", "ORG"),
    ]:
        ents = extract_entities(_forced(nlp, text, [(name, label)]))
        assert [(e["name"], e["label"]) for e in ents] == [(name, "PERSON")], text
    # companies, parties and places whose first word is also a given name keep their label
    for text, name, label in [
        ("Morgan Stanley raised its forecast on Monday.", "Morgan Stanley", "ORG"),
        ("The Christian Democrats lost two seats.", "Christian Democrats", "ORG"),
        ("Crews reached Virginia Beach at dawn.", "Virginia Beach", "GPE"),
        ("The Max Planck Institute hired ten chemists.", "Max Planck Institute", "ORG"),
        ("Young Boys won the Swiss title.", "Young Boys", "ORG"),
    ]:
        ents = extract_entities(_forced(nlp, text, [(name, label)]))
        # "Swiss" is a nationality (NORP) of its own
        assert [(e["name"], e["label"]) for e in ents if e["label"] != "NORP"] == [(name, label)], (
            text
        )
    # the vote is worth about one mention: two mentions read as an organisation still win
    text = "Dean Witter cut fees. Analysts said Dean Witter would gain clients."
    doc = nlp(text)
    spans = []
    for k in (text.index("Dean"), text.rindex("Dean")):
        sp = doc.char_span(k, k + len("Dean Witter"))
        spans.append(Span(doc, sp.start, sp.end, label="ORG"))
    doc.ents = spans
    assert [(e["name"], e["label"]) for e in extract_entities(doc)] == [("Dean Witter", "ORG")]


def test_a_bare_surname_read_as_an_unknown_place_joins_the_person(nlp):
    text = (
        "Loretta Blakesley won the race on Sunday. Blakesley led from the start, "
        "and Blakesley said the wind had helped."
    )
    doc = _forced(nlp, text, [("Loretta Blakesley", "PERSON")])
    spans = list(doc.ents)
    for k in [k for k in range(len(text)) if text.startswith("Blakesley", k)][1:]:
        sp = doc.char_span(k, k + len("Blakesley"))
        spans.append(Span(doc, sp.start, sp.end, label="GPE"))
    doc.ents = sorted(spans, key=lambda e: e.start)
    ents = extract_entities(doc)
    assert [(e["name"], e["label"], len(e["mentions"])) for e in ents] == [
        ("Loretta Blakesley", "PERSON", 3)
    ]
    # a known place named twice stays the place ("Jordan" is not Michael Jordan)
    text = "Michael Jordan visited Jordan on Monday. Jordan welcomed the visit."
    doc = _forced(nlp, text, [("Michael Jordan", "PERSON")])
    spans = list(doc.ents)
    for k in [k for k in range(len(text)) if text.startswith("Jordan", k)][1:]:
        sp = doc.char_span(k, k + len("Jordan"))
        spans.append(Span(doc, sp.start, sp.end, label="GPE"))
    doc.ents = sorted(spans, key=lambda e: e.start)
    labels = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert labels == {("Michael Jordan", "PERSON"), ("Jordan", "GPE")}


def test_commodities_and_grades_in_a_market_table_are_no_entities(nlp):
    text = (
        "Grain stocks in thousand tonnes :\nWheat 512.4 498.1\nBarley 120.3 99.7\n"
        "Slaughter Heifers - Select and Choice 2-3 68.50 .\nTraders said demand was firm."
    )
    doc = _forced(
        nlp,
        text,
        [
            ("Wheat", "ORG"),
            ("Barley", "ORG"),
            ("Slaughter Heifers", "PERSON"),
            ("Select", "PERSON"),
            ("Choice", "ORG"),
        ],
    )
    assert extract_entities(doc) == []
    # names that contain such a word, and a town of that name, stay
    for text, name, label in [
        ("Choice Hotels raised its forecast on Tuesday.", "Choice Hotels", "ORG"),
        ("Floods cut roads in Rye, New York, on Monday.", "Rye", "GPE"),
        ("Corn Products International cut 200 jobs.", "Corn Products International", "ORG"),
    ]:
        ents = extract_entities(_forced(nlp, text, [(name, label)]))
        assert (name, label) in [(e["name"], e["label"]) for e in ents], text


def test_a_leading_scorers_line_names_people_and_their_clubs(nlp):
    text = (
        "Leading scorers after Sunday 's matches :\n"
        "11 - Tomasz Wierzbicki ( Harbour Rovers ) , Kelvin Otieno ( Norbridge )\n"
        "8 - Osric Penhallow ( Norbridge )\n"
    )
    # the model reads one scorer as a place and misses another
    doc = _forced(
        nlp,
        text,
        [("Tomasz Wierzbicki", "GPE"), ("Harbour Rovers", "ORG"), ("Norbridge", "GPE")],
    )
    labels = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert {
        ("Tomasz Wierzbicki", "PERSON"),
        ("Kelvin Otieno", "PERSON"),
        ("Osric Penhallow", "PERSON"),
        ("Harbour Rovers", "ORG"),
        ("Norbridge", "ORG"),
    } <= labels
    # one name and bracket with no count is no list: "Bank of England ( BoE )"
    text = "Figures came later.\nBank of England ( BoE )\n"
    doc = _forced(nlp, text, [("Bank of England", "ORG")])
    assert ("Bank of England", "ORG") in {(e["name"], e["label"]) for e in extract_entities(doc)}


def test_a_headline_name_repeated_in_the_body_is_kept(nlp):
    text = (
        "NTSB opens inquiry into runway collision\n"
        "Investigators arrived on Monday , a spokesman said .\n"
        "The report will be published by the NTSB next year .\n"
    )
    title = text.split("\n", 1)[0]
    # the model reads the acronym in the headline only
    doc = _forced(nlp, text, [("NTSB", "ORG")])
    ents = extract_entities(doc, title=title)
    assert [[m["text"] for m in e["mentions"]] for e in ents] == [["NTSB", "NTSB"]]
    # a headline phrase whose words recur only in lower case or first in a sentence is dropped
    text = "Storm Warning Lifted\nStorm crews went home as the storm warning ended .\n"
    doc = _forced(nlp, text, [("Storm Warning", "PERSON")])
    assert extract_entities(doc, title=text.split("\n", 1)[0]) == []


def test_a_dateline_alone_on_its_line_names_places(nlp):
    text = (
        "Farm bank to cut jobs .\nPEORIA , Ill .\n1996-12-06\n"
        "The bank said on Friday it would cut 40 jobs .\n"
    )
    doc = nlp(text)
    doc.ents = []  # the model misses both
    labels = {(m["text"], e["label"]) for e in extract_entities(doc) for m in e["mentions"]}
    assert {("PEORIA", "GPE"), ("Ill", "GPE")} <= labels
    # a line that is no dateline: a list of names in normal case, or a single word
    text = "Farm bank to cut jobs .\nSmith , Jones .\nBANK .\nThe bank said it would cut jobs .\n"
    doc = nlp(text)
    doc.ents = []
    assert extract_entities(doc) == []


def test_a_line_of_fixtures_names_teams(nlp):
    text = (
        "Results of weekend matches :\n"
        "Postponed : Harbour Rovers v Kelso Athletic ( to Tuesday ) , Dunmore v Port\n"
        "Glenby , Ardwick Town v Lisburn ( both now play on\nJanuary 4 )\n"
    )
    # the model reads some clubs as people or places and misses others
    doc = _forced(nlp, text, [("Dunmore", "PERSON"), ("Lisburn", "GPE")])
    labels = {(m["text"], e["label"]) for e in extract_entities(doc) for m in e["mentions"]}
    for team in ("Harbour Rovers", "Kelso Athletic", "Dunmore", "Port", "Ardwick Town", "Lisburn"):
        assert (team, "ORG") in labels, team
    assert not any(text == "Postponed" for text, _ in labels)
    # a sentence that mentions a match is no fixture list: the model's reading stays
    text = "Rovers v Kelso , the manager said on Friday , decides the title in Kelso .\n"
    doc = _forced(nlp, text, [("Kelso", "GPE")])
    assert ("Kelso", "GPE") in [(e["name"], e["label"]) for e in extract_entities(doc)]


def test_a_division_or_group_heading_is_no_entity(nlp):
    text = "Division one\nRovers 2 United 1\nGroup\nCity 0 Town 0\n"
    doc = _forced(nlp, text, [("Division", "ORG"), ("Group", "ORG")])
    names = {e["name"] for e in extract_entities(doc)}
    assert not names & {"Division", "Group"}
    # a longer name with the word stays
    text = "Virgin Group said on Monday it would sell its stake.\n"
    doc = _forced(nlp, text, [("Virgin Group", "ORG")])
    assert "Virgin Group" in {e["name"] for e in extract_entities(doc)}


def test_an_untagged_country_name_is_a_place(nlp):
    # the model left the country untagged; the name alone is enough
    text = "The envoy met Karl Brenner of Austria on Tuesday. Ghana and France sent observers."
    doc = _forced(nlp, text, [("Karl Brenner", "PERSON")])
    got = {(m["text"], e["label"]) for e in extract_entities(doc) for m in e["mentions"]}
    assert {("Austria", "GPE"), ("Ghana", "GPE"), ("France", "GPE")} <= got
    # a country inside a longer capitalised name, or a given name, is left alone
    text = "She lives on Kenya Road. Jordan scored twice for the visitors."
    doc = _forced(nlp, text, [])
    got = {m["text"] for e in extract_entities(doc) for m in e["mentions"]}
    assert "Kenya" not in got and "Jordan" not in got


def test_an_untagged_nationality_word_is_a_norp(nlp):
    text = "The visitors were led by Peruvian Tomas Ruiz. The Peruvian side lost."
    doc = _forced(nlp, text, [("Tomas Ruiz", "PERSON")])
    got = {(m["text"], e["label"]) for e in extract_entities(doc) for m in e["mentions"]}
    assert ("Peruvian", "NORP") in got
    # not when it opens a longer capitalised name the model missed
    text = "Shares of Peruvian Mining Holdings rose on Monday."
    doc = _forced(nlp, text, [])
    got = {m["text"] for e in extract_entities(doc) for m in e["mentions"]}
    assert "Peruvian" not in got


def test_a_name_after_town_of_is_a_place(nlp):
    # any name after "the town of"; a known city right after "port city"
    text = "Aid trucks reached the town of Mubende. Ships queued in the port city Hamburg."
    doc = _forced(nlp, text, [("Mubende", "ORG"), ("Hamburg", "PERSON")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert ("Mubende", "GPE") in got and ("Hamburg", "GPE") in got
    # an unknown name right after the word is not a place: "the city Council"
    text = "Members of the city Council voted on Monday."
    doc = _forced(nlp, text, [("Council", "ORG")])
    assert ("Council", "ORG") in {(e["name"], e["label"]) for e in extract_entities(doc)}


def test_a_known_place_listed_after_in_is_a_place(nlp):
    text = "Fog closed the airports in Leeds , Hull and York on Friday."
    doc = _forced(nlp, text, [("Leeds", "GPE"), ("Hull", "ORG"), ("York", "PERSON")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert {("Hull", "GPE"), ("York", "GPE")} <= got
    # the list must open with a known place right after the cue
    text = "In January , Lincoln and Douglas met for a debate."
    doc = _forced(nlp, text, [("Lincoln", "PERSON"), ("Douglas", "PERSON")])
    got = {(e["name"], e["label"]) for e in extract_entities(doc)}
    assert ("Lincoln", "PERSON") in got
