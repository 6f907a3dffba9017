"""Claim extraction on small news-style paragraphs (spaCy model, no broker)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from streams.evals.quotes import match_doc, names_match, score
from streams.nlp.claims import extract_claims
from streams.nlp.claims.numbers import parse_number, vague_value
from streams.nlp.claims.quotes import find_quote_spans
from streams.nlp.claims.worthiness import score as worthiness
from streams.nlp.model import load_nlp


def _entities(doc) -> list[dict]:
    """Entities in the sink shape, one per distinct surname-or-name (enough for these tests)."""
    by_key: dict[str, dict] = {}
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        key = ent.text.split()[-1] if ent.label_ == "PERSON" else ent.text
        e = by_key.setdefault(
            key,
            {
                "id": f"e{len(by_key) + 1}",
                "name": ent.text,
                "label": ent.label_,
                "mentions": [],
                "salience": 0.5,
            },
        )
        e["mentions"].append({"start": ent.start_char, "end": ent.end_char, "text": ent.text})
    return list(by_key.values())


def _run(text: str) -> tuple[list[dict], list[dict]]:
    doc = load_nlp()(text)
    ents = _entities(doc)
    return extract_claims(doc, ents), ents


def _entity_named(ents: list[dict], word: str) -> dict:
    return next(e for e in ents if word in e["name"])


def _parsed(
    words: list[str],
    spaces: list[bool],
    heads: list[int],
    deps: list[str],
    pos: list[str],
    tags: list[str],
    lemmas: list[str],
    ents: list[str],
) -> Doc:
    """A hand-built parse: the parser's mistake a test reproduces, whatever the model does."""
    return Doc(
        load_nlp().vocab,
        words=words,
        spaces=spaces,
        heads=heads,
        deps=deps,
        pos=pos,
        tags=tags,
        lemmas=lemmas,
        ents=ents,
    )


def _speech(claims: list[dict]) -> list[dict]:
    return [c for c in claims if c["kind"] in ("quote", "reported")]


def test_split_quote_is_one_claim_with_two_fragments() -> None:
    text = (
        "“We are going to build the wall,” Donald Trump said on Tuesday, "
        "“and Mexico is going to pay for it.”"
    )
    claims, ents = _run(text)
    quotes = _speech(claims)
    assert len(quotes) == 1
    q = quotes[0]
    assert q["kind"] == "quote"
    assert [text[f["start"] : f["end"]] for f in q["fragments"]] == [
        "“We are going to build the wall,”",
        "“and Mexico is going to pay for it.”",
    ]
    assert q["speaker_mention"]["text"] == "Donald Trump"
    assert q["speaker"]["entity_id"] == _entity_named(ents, "Trump")["id"]
    assert q["cue"] == "said"


def test_pronoun_speaker_resolves_to_earlier_person() -> None:
    text = (
        "Senator Elizabeth Warren spoke to supporters in Boston on Monday.\n\n"
        "“The system is rigged against working families,” she said."
    )
    claims, ents = _run(text)
    q = _speech(claims)[0]
    assert q["speaker_mention"]["text"] == "she"
    assert q["speaker"]["entity_id"] == _entity_named(ents, "Warren")["id"]


def test_role_noun_speaker_resolves_to_entity_introduced_with_that_role() -> None:
    text = (
        "President Barack Obama met Angela Merkel in Berlin. "
        "The president said the alliance had never been stronger."
    )
    claims, ents = _run(text)
    q = [c for c in _speech(claims) if c["cue"] == "said"][0]
    assert q["speaker_mention"]["text"].lower().endswith("president")
    assert q["speaker"]["entity_id"] == _entity_named(ents, "Obama")["id"]


def test_reported_speech_that_clause_with_numeric_claim() -> None:
    text = "Stephen Miller said that ICE would try to make at least 3,000 arrests a day."
    claims, ents = _run(text)
    rep = [c for c in claims if c["kind"] == "reported"]
    assert len(rep) == 1
    assert rep[0]["text"].startswith("that ICE would try")
    miller = _entity_named(ents, "Miller")["id"]
    assert rep[0]["speaker"]["entity_id"] == miller
    num = [c for c in claims if c["kind"] == "numeric"]
    assert len(num) == 1
    assert num[0]["quantity"] == {
        "value": 3000,
        "value_max": None,
        "unit": "arrests/day",
        "qualifier": "at least",
    }
    assert num[0]["speaker"]["entity_id"] == miller


def test_spelled_out_number_and_unnamed_source() -> None:
    claims, _ = _run("Organizers said five million demonstrators marched across the country.")
    num = [c for c in claims if c["kind"] == "numeric"][0]
    assert num["quantity"]["value"] == 5_000_000
    assert num["quantity"]["unit"] == "demonstrators"
    assert num["speaker_mention"]["text"] == "Organizers"
    # no entity in the record to point at: the group itself is the speaker
    assert num["speaker"] == {"entity_id": None, "name": "organizers", "role": "organizer"}


def _numeric(claims: list[dict]) -> dict:
    return {c["quantity"]["value"]: c for c in claims if c["kind"] == "numeric"}


def test_two_numbers_two_sources_officials_and_volunteers() -> None:
    text = (
        "Mayor Dana Whitfield toured the shelters on Sunday. Officials said about 4,000 people "
        "were evacuated, while volunteers put the number at closer to 9,000."
    )
    claims, _ = _run(text)
    num = _numeric(claims)
    assert num[4000]["speaker"] == {"entity_id": None, "name": "officials", "role": "official"}
    assert num[9000]["speaker"] == {"entity_id": None, "name": "volunteers", "role": "volunteer"}
    assert num[9000]["speaker_mention"]["text"] == "volunteers"
    assert num[9000]["cue"] == "put"


def test_a_headline_line_is_its_own_sentence() -> None:
    """A line without a full stop before a blank line (a scraped page's headline) ends there:
    the lede's claims do not carry it."""
    text = (
        "Harbour towns brace for a record tide\n\nOfficials said about 300 boats were moved "
        "inland on Monday.\n\nNew sea wall\n\nThe council said the wall would cost $2 million."
    )
    doc = load_nlp()(text)
    assert [s.text.strip() for s in doc.sents][:2] == [
        "Harbour towns brace for a record tide",
        "Officials said about 300 boats were moved inland on Monday.",
    ]
    claims, _ = _run(text)
    assert claims
    for claim in claims:
        assert "Harbour" not in claim["text"] and "sea wall" not in claim["text"]


def test_role_speakers_never_fall_back_to_an_unrelated_entity() -> None:
    text = (
        "Senator Marcus Bell opened the hearing in Dayton. Police said 14 people were arrested, "
        "and organisers said 25,000 people marched. The ministry said repairs would cost $2 "
        "million."
    )
    claims, ents = _run(text)
    bell = _entity_named(ents, "Bell")["id"]
    assert all(c["speaker"] is None or c["speaker"]["entity_id"] != bell for c in claims)
    num = _numeric(claims)
    assert num[14]["speaker"]["role"] == "police" and num[14]["speaker"]["entity_id"] is None
    assert num[25000]["speaker"]["name"] == "organisers"
    assert num[2_000_000]["speaker"] == {"entity_id": None, "name": "ministry", "role": "ministry"}
    reported = [c for c in _speech(claims) if c["speaker"]]
    assert {c["speaker"]["name"] for c in reported} >= {"police", "organisers", "ministry"}


def test_role_speaker_of_a_quote_and_a_role_that_names_an_entity() -> None:
    text = (
        '"We will rebuild every home," a spokeswoman for the county said. '
        "President Alma Reyes visited on Friday. The president said the damage was severe."
    )
    claims, ents = _run(text)
    quote = next(c for c in claims if c["kind"] == "quote")
    assert quote["speaker"] == {"entity_id": None, "name": "spokeswoman", "role": "spokeswoman"}
    said = next(c for c in _speech(claims) if "damage" in c["text"])
    assert said["speaker"]["entity_id"] == _entity_named(ents, "Reyes")["id"]


def test_according_to_gives_source_and_content() -> None:
    text = "According to the Pentagon, the strike destroyed two bridges near Mosul."
    claims, ents = _run(text)
    rep = _speech(claims)[0]
    assert rep["cue"] == "according to"
    assert rep["text"] == "the strike destroyed two bridges near Mosul"
    assert "Pentagon" in rep["speaker_mention"]["text"]


def test_sentence_without_claim_yields_none() -> None:
    claims, _ = _run("The river was calm under a grey sky as the ferry left the harbour.")
    assert claims == []


def test_ids_in_text_order_and_speakers_point_at_entities() -> None:
    text = (
        "Hillary Clinton said the plan would cost $2 billion. “It is a bad deal,” "
        "Bernie Sanders said, adding that voters deserved better."
    )
    claims, ents = _run(text)
    ids = {e["id"] for e in ents}
    assert [c["id"] for c in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    starts = [c["span"]["start"] for c in claims]
    assert starts == sorted(starts)
    assert all(c["speaker"]["entity_id"] in ids for c in claims if c["speaker"])
    money = [c for c in claims if c["kind"] == "numeric"][0]
    assert money["quantity"]["value"] == 2_000_000_000 and money["quantity"]["unit"] == "USD"


def test_quote_spanning_paragraphs_is_one_span() -> None:
    text = "He said: “First paragraph of the quote.\n\n“Second paragraph ends here.”\n\nDone."
    spans = find_quote_spans(text)
    assert spans == [(9, text.index("here.”") + 6)]


def test_markup_attribute_is_not_a_quote() -> None:
    assert find_quote_spans('<tweet author="someone">Hi</tweet>') == []


@pytest.mark.parametrize(
    "s,v",
    [
        ("3,000", 3000),
        ("five million", 5e6),
        ("2.5 billion", 2.5e9),
        ("twenty-five", 25),
        ("a dozen", 12),
    ],
)
def test_parse_number(s: str, v: float) -> None:
    assert parse_number(s) == v


def test_check_worthiness_ranks_numbers_and_named_sources_over_opinion() -> None:
    fact = worthiness(
        "Unemployment fell to 4 percent, the lowest in a decade", "numeric", None, True, True, True
    )
    opinion = worthiness("I think it is a great day", "quote", "speech", False, False, False)
    belief = worthiness(
        "the economy will improve next year", "reported", "belief", True, True, False
    )
    statement = worthiness(
        "the economy will improve next year", "reported", "speech", True, True, False
    )
    assert 0.0 <= opinion < belief < statement < fact <= 1.0


def test_scoring_matches_readme_rule() -> None:
    gold = [
        {
            "id": "d",
            "text": "x" * 50,
            "quotes": [
                {
                    "quote": {"start": 0, "end": 10},
                    "speaker": {"start": 20, "end": 25},
                    "speaker_name": "Mr. Smith",
                },
                {
                    "quote": {"start": 30, "end": 40},
                    "speaker": {"start": 41, "end": 43},
                    "speaker_name": "he",
                },
            ],
        }
    ]
    preds = {
        "d": [
            {"quote": {"start": 5, "end": 12}, "speaker": None, "speaker_name": "Smith"},
            {"quote": {"start": 35, "end": 45}, "speaker": None, "speaker_name": "He said"},
        ]
    }
    assert match_doc(gold[0]["quotes"], preds["d"]) == {0: 0, 1: 1}
    res = score(gold, preds)
    assert res["quote_f1"] == 1.0
    assert res["speaker_accuracy"] == 0.5  # pronoun names never match by name
    assert names_match("Sen. Warren's", "warren") and not names_match("he", "He said")


def test_mixed_quote_inside_reported_clause_is_one_claim() -> None:
    text = "Mayor Ann Cole said the new bridge was “a disaster waiting to happen” for the city."
    claims, ents = _run(text)
    speech = _speech(claims)
    assert len(speech) == 1
    assert speech[0]["kind"] == "quote"
    assert speech[0]["text"].startswith("the new bridge was “a disaster")
    assert speech[0]["speaker"]["entity_id"] == _entity_named(ents, "Cole")["id"]


def test_headline_speaker_colon_content() -> None:
    text = "Senator Marco Rubio: The Tax Plan Will Create Jobs\n\nMore text follows here."
    claims, _ = _run(text)
    speech = _speech(claims)
    assert speech and speech[0]["cue"] == ":"
    assert speech[0]["text"] == "The Tax Plan Will Create Jobs"
    assert "Rubio" in speech[0]["speaker_mention"]["text"]


def test_vague_quantities_are_lower_bounds_not_values() -> None:
    text = (
        "Hundreds of residents fled the valley overnight, dozens of homes burned, and tens of "
        "thousands of people lost power, the utility said. Crews restored 1,200 lines."
    )
    claims, _ = _run(text)
    quantities = [c["quantity"] for c in claims if c["kind"] == "numeric"]
    vague = {q["qualifier"]: q for q in quantities if q.get("vague")}
    assert vague["hundreds"] == {
        "value": 200,
        "value_max": None,
        "unit": "residents",
        "qualifier": "hundreds",
        "vague": True,
    }
    assert vague["dozens"]["value"] == 24 and vague["dozens"]["unit"] == "homes"
    assert vague["tens of thousands"]["value"] == 20_000
    assert vague["tens of thousands"]["unit"] == "people"
    assert all(q["value"] != 100 for q in quantities)
    stated = [q for q in quantities if not q.get("vague")]
    assert [q["value"] for q in stated] == [1200] and "vague" not in stated[0]


@pytest.mark.parametrize(
    ("phrase", "bound"),
    [
        ("Hundreds", 200),
        ("thousands", 2000),
        ("hundreds of thousands", 200_000),
        ("several hundred", 200),
        ("millions", 2_000_000),
        ("300", None),
        ("hundred", None),
    ],
)
def test_vague_value(phrase: str, bound: float | None) -> None:
    hit = vague_value(phrase)
    assert (hit[0] if hit else None) == bound


def test_expression_verbs_take_their_object_as_content() -> None:
    text = (
        "Mayor Linda Ortez expressed doubts about the new stadium deal on Monday. "
        "The council members mocked the proposal during a long session."
    )
    claims, _ = _run(text)
    speech = _speech(claims)
    bodies = [c["text"] for c in speech]
    assert any(b.startswith("doubts about the new stadium deal") for b in bodies)
    assert any(b == "the proposal" for b in bodies)
    first = next(c for c in speech if c["text"].startswith("doubts"))
    assert first["speaker_mention"]["text"] == "Linda Ortez"


def test_object_of_a_non_person_subject_is_no_claim() -> None:
    claims, _ = _run("The storm raised the river by two metres overnight.")
    assert _speech(claims) == []


def test_declined_to_comment_is_reported() -> None:
    claims, _ = _run("A spokesman for Harlow Mining declined to comment on the lawsuit.")
    speech = _speech(claims)
    assert len(speech) == 1
    assert speech[0]["text"].startswith("to comment on the lawsuit")
    assert speech[0]["speaker_mention"]["text"] == "A spokesman"


def test_in_a_poll_sources_the_clause() -> None:
    text = "In a new survey, most residents of Brackton would pay more for a rail link."
    claims, _ = _run(text)
    poll = [c for c in _speech(claims) if c["cue"] == "In"]
    assert len(poll) == 1
    assert poll[0]["text"] == "most residents of Brackton would pay more for a rail link"
    assert poll[0]["speaker_mention"]["text"].endswith("survey")


def test_in_the_polls_and_in_a_statement_with_a_cue_verb() -> None:
    # a standing in "the polls" is no source; with its own cue verb the verb's subject is
    claims, _ = _run("Senator Ada Moss leads in the polls across the state.")
    assert _speech(claims) == []
    claims, _ = _run("In a statement, Ada Moss said the plant would close in May.")
    speech = _speech(claims)
    assert len(speech) == 1
    assert speech[0]["speaker_mention"]["text"] == "Ada Moss"


def test_part_of_a_group_is_a_source() -> None:
    claims, _ = _run("Two of the senators endorsed the water bill on Friday.")
    speech = _speech(claims)
    assert len(speech) == 1
    assert speech[0]["text"] == "the water bill"
    assert speech[0]["speaker_mention"]["text"] == "Two"


def test_part_of_a_thing_is_no_source() -> None:
    claims, _ = _run("Two of the bridges raised the toll on Friday.")
    assert _speech(claims) == []


def test_show_and_warn_take_their_object_when_nothing_else_is_said() -> None:
    text = (
        "The latest figures show Mayor Ortez with a wide lead in the east of the city. "
        "The governor warned the county against further cuts."
    )
    claims, _ = _run(text)
    bodies = [c["text"] for c in _speech(claims)]
    assert "Mayor Ortez with a wide lead in the east of the city" in bodies
    assert "the county against further cuts" in bodies


def test_told_reporters_alone_is_no_claim() -> None:
    claims, _ = _run("The minister told reporters at the airport.")
    assert _speech(claims) == []


def test_topic_verbs_with_their_preposition() -> None:
    claims, _ = _run("Councillor Rita Vance voted against the parking levy in June.")
    speech = _speech(claims)
    assert [c["text"] for c in speech] == ["the parking levy"]
    assert speech[0]["cue"] == "voted against"
    claims, _ = _run("The river voted nothing and flowed against the dam.")
    assert _speech(claims) == []


def test_passive_stance_with_agent() -> None:
    claims, _ = _run("The harbour plan was backed by Mayor John Harris and the port union.")
    speech = _speech(claims)
    assert len(speech) == 1
    assert speech[0]["text"] == "The harbour plan"
    assert speech[0]["speaker_mention"]["text"] == "John Harris"
    claims, _ = _run("The harbour plan was backed on Monday.")
    assert _speech(claims) == []


def test_nominal_attribution_decision_and_stance() -> None:
    claims, _ = _run("Parents criticised Harris's decision to close the library.")
    speech = _speech(claims)
    assert any(c["text"] == "to close the library" for c in speech)
    claims, _ = _run("The decision to close the library came late.")
    assert _speech(claims) == []


def test_title_case_quotes_are_names_not_speech() -> None:
    text = (
        "The actor, who starred in “The Silent Harbor,” visited the school on Monday.\n\n"
        "“We Will Rebuild This Town,” the mayor said."
    )
    claims, _ = _run(text)
    bodies = [c["text"] for c in _speech(claims)]
    assert not any("Silent Harbor" in b for b in bodies)
    assert any("We Will Rebuild This Town" in b for b in bodies)  # five words: a sentence
    claims, _ = _run("“Absolutely,” the mayor said.")
    assert len(_speech(claims)) == 1


def test_participle_adjective_cue_and_clause_on_the_copula() -> None:
    claims, _ = _run("Many farmers are convinced that the dam will fail.")
    speech = _speech(claims)
    assert [c["text"] for c in speech] == ["that the dam will fail"]
    assert speech[0]["speaker_mention"]["text"] == "Many farmers"
    claims, _ = _run("The bridge was painted blue last year.")
    assert _speech(claims) == []


def test_opening_mark_typed_for_a_closing_one() -> None:
    text = "“The budget is a mess for the whole county,“ said Rita Vance, the treasurer."
    assert find_quote_spans(text) == [(0, text.index("said") - 1)]
    claims, _ = _run(text)
    assert _speech(claims)[0]["speaker_mention"]["text"] == "Rita Vance"


def test_document_speaks_for_whoever_issued_it() -> None:
    claims, _ = _run("His office put out a statement saying the plant would stay open.")
    speech = [c for c in _speech(claims) if c["cue"] == "saying"]
    assert len(speech) == 1
    assert speech[0]["speaker_mention"]["text"] == "His office"


def test_in_a_video_the_speaker_is_the_person_in_it() -> None:
    claims, _ = _run("In a video, Senator Ada Moss listed the new clinics of the county.")
    speech = [c for c in _speech(claims) if c["cue"] == "In"]
    assert len(speech) == 1
    assert "Moss" in speech[0]["speaker_mention"]["text"]


def test_impressions_with_seem_and_appear() -> None:
    claims, _ = _run("The mayor seemed irritated by the question.")
    speech = _speech(claims)
    assert len(speech) == 1 and speech[0]["text"].startswith("The mayor seemed irritated")
    assert speech[0]["speaker_mention"]["text"] == "The mayor" and speech[0]["cue"] == "seemed"
    claims, _ = _run("Nothing about the new plan seems credible to me.")
    speech = _speech(claims)
    assert speech[0]["speaker_mention"]["text"] == "me"
    assert "to me" not in speech[0]["text"]


def test_no_impression_without_complement_or_inside_a_report() -> None:
    claims, _ = _run("The mayor looked at the map for a long time.")
    assert _speech(claims) == []
    claims, _ = _run("Rita Vance said the plan seemed dead.")
    assert [c["cue"] for c in _speech(claims)] == ["said"]


def test_as_aside_reports_the_main_clause() -> None:
    claims, _ = _run("As Rita Vance noted, the county has no money for the bridge.")
    speech = [c for c in _speech(claims) if c["cue"] == "noted"]
    assert len(speech) == 1
    assert speech[0]["text"] == "the county has no money for the bridge"
    assert speech[0]["speaker_mention"]["text"] == "Rita Vance"
    claims, _ = _run("As the river rose, the county closed the bridge.")
    assert _speech(claims) == []


def test_share_of_voters_is_a_source() -> None:
    claims, _ = _run("Among voters, 41 percent support the new mayor.")
    speech = [c for c in _speech(claims) if c["cue"] == "support"]
    assert len(speech) == 1 and speech[0]["text"] == "the new mayor"
    claims, _ = _run("Prices rose 41 percent last year.")
    assert _speech(claims) == []


def test_continue_to_is_no_speech() -> None:
    claims, _ = _run("Rita Vance continues to run the bakery on Main Street.")
    assert _speech(claims) == []


def test_wh_clause_after_a_speech_verb() -> None:
    claims, _ = _run("Council members have not said when they would vote on the levy.")
    speech = _speech(claims)
    assert [c["text"] for c in speech] == ["when they would vote on the levy"]
    claims, _ = _run("The council met when the levy was due.")
    assert _speech(claims) == []


def test_split_quote_across_a_long_speaker_description() -> None:
    text = (
        "“The budget is a mess,” said Maria Lopez, a retired schoolteacher from Ohio who has "
        "volunteered for three campaigns and now runs a food bank in Columbus. "
        "“Nobody in Washington seems to care.”"
    )
    quotes = _speech(_run(text)[0])
    assert len(quotes) == 1
    assert [text[f["start"] : f["end"]] for f in quotes[0]["fragments"]] == [
        "“The budget is a mess,”",
        "“Nobody in Washington seems to care.”",
    ]
    assert quotes[0]["speaker_mention"]["text"] == "Maria Lopez"
    # another quotation in between: the two are not joined
    text = (
        "“The budget is a mess,” said Maria Lopez, who once called the mayor “a clown” at a "
        "meeting in Columbus. “Nobody in Washington seems to care.”"
    )
    quotes = _speech(_run(text)[0])
    assert "“The budget is a mess,”" in [q["text"] for q in quotes]
    assert not any(q.get("fragments") for q in quotes)


def test_reported_clause_ending_in_a_quote_takes_its_closing_mark() -> None:
    # the parser leaves the closing mark (and the stop inside it) out of the clause
    text = 'The senator said the plan was "dead on arrival." Her aides disagreed.'
    speech = _speech(_run(text)[0])
    assert [c["text"] for c in speech] == ['the plan was "dead on arrival."']
    assert speech[0]["kind"] == "quote" and speech[0]["cue"] == "said"
    # a clause followed by a separate quotation is not widened into it
    text = 'Officials said the bridge would reopen in May. "We are confident," the mayor added.'
    speech = _speech(_run(text)[0])
    assert [c["text"] for c in speech] == [
        "the bridge would reopen in May",
        '"We are confident,"',
    ]


def test_what_a_verb_says_of_its_object_is_content() -> None:
    claims, _ = _run("Obama called the attack an act of terror.")
    assert [c["text"] for c in _speech(claims)] == ["the attack an act of terror"]
    claims, _ = _run("She sees the trade deal as a threat to farmers.")
    assert [c["text"] for c in _speech(claims)] == ["the trade deal as a threat to farmers"]
    # an "as" clause (a time, not a predicate) stays out
    claims, _ = _run("The governor signed the bill as protesters gathered outside.")
    assert [c["text"] for c in _speech(claims)] == ["the bill"]


def test_attribution_content_stays_in_the_cues_paragraph() -> None:
    text = (
        "“Normally,” she said, “you have two candidates that are competent to do the job.”\n\n"
        '"We have not seen anything like this before.\n'
        'Norman Ornstein, scholar, on Donald Trump."'
    )
    speech = _speech(_run(text)[0])
    said = [c for c in speech if c["cue"] == "said"]
    assert len(said) == 1 and "\n" not in said[0]["text"]
    assert said[0]["text"].startswith("“Normally,”")
    assert said[0]["text"].endswith("to do the job.”")
    text = "The economy, she said, is weak\nand wages are falling."
    speech = _speech(_run(text)[0])
    assert [c["text"] for c in speech] == ["The economy, she said, is weak"]


def test_quote_after_the_attribution_sentence_goes_on_with_its_speaker() -> None:
    text = (
        "“Rates will rise soon,” said Dana Webb, an economist at a bank. "
        "“The members keep hinting at it.” Webb added that the bank wants to move before the "
        "election."
    )
    speech = _speech(_run(text)[0])
    assert [text[f["start"] : f["end"]] for f in speech[0]["fragments"]] == [
        "“Rates will rise soon,”",
        "“The members keep hinting at it.”",
    ]
    assert speech[0]["cue"] == "said" and speech[0]["speaker_mention"]["text"] == "Dana Webb"
    # another sentence in between: the second quote is not joined to the first
    text = (
        "“Rates will rise soon,” said Dana Webb, an economist at a bank. Later, the chairman "
        "spoke. “The members keep hinting at it.” Webb added that the bank wants to move."
    )
    speech = _speech(_run(text)[0])
    assert [c["text"] for c in speech][:2] == [
        "“Rates will rise soon,”",
        "“The members keep hinting at it.”",
    ]


def test_a_stance_verbs_infinitive_is_its_content() -> None:
    claims, _ = _run("Both candidates sought to appeal to younger voters.")
    assert [c["text"] for c in _speech(claims)] == ["to appeal to younger voters"]
    claims, _ = _run("She offered to resign.")
    assert [c["text"] for c in _speech(claims)] == ["to resign"]
    # a bill is no source
    claims, _ = _run("The new bill seeks to raise sanctions.")
    assert _speech(claims) == []


def test_decisions_aims_and_stances_on_a_clause() -> None:
    claims, _ = _run("The council decided to delay the vote.")
    assert [c["text"] for c in _speech(claims)] == ["to delay the vote"]
    claims, _ = _run("The campaign aims to register new voters.")
    assert [c["text"] for c in _speech(claims)] == ["to register new voters"]
    claims, _ = _run("Many voters see that the economy is improving.")
    assert [c["text"] for c in _speech(claims)] == ["that the economy is improving"]
    claims, _ = _run("Rain decided the match.")
    assert _speech(claims) == []


def test_a_reflexive_object_is_content_only_with_a_predicate() -> None:
    claims, _ = _run("The senator found himself in a difficult spot.")
    assert _speech(claims) == []
    claims, _ = _run("She described herself as a centrist.")
    assert [c["text"] for c in _speech(claims)] == ["herself as a centrist"]


def test_no_cue_inside_a_markup_tag() -> None:
    text = (
        "Several candidates posted messages:\n\n"
        '<tweet pic="" author="JaneDoe" timestamp="1449075600" tweet_id="6721">'
        "Praying for the victims tonight.</tweet>."
    )
    assert [c["cue"] for c in _speech(_run(text)[0])] == ["posted"]
    claims, _ = _run("Jane Doe tweet a message of sympathy.")
    assert [c["cue"] for c in _speech(claims)] == ["tweet"]


def test_money_as_a_stance_object_is_a_transaction() -> None:
    for text in (
        "The senator raised $2 million in March.",
        "The campaign raised money from small donors.",
    ):
        assert _speech(_run(text)[0]) == []
    claims, _ = _run("The senator raised questions about the deal.")
    assert [c["text"] for c in _speech(claims)] == ["questions about the deal"]


def test_topic_verb_object_with_what_is_said_of_it() -> None:
    claims, _ = _run("The governor referred to the protesters as his friends.")
    assert [c["text"] for c in _speech(claims)] == ["the protesters as his friends"]
    claims, _ = _run("The senator talked about taxes as the crowd cheered.")
    assert [c["text"] for c in _speech(claims)] == ["taxes"]


def test_reported_clause_running_into_a_quote_is_one_mixed_quote() -> None:
    text = 'Ms. Gray said she sent every voter the same text: "Do you feel the bern?"'
    speech = _speech(_run(text)[0])
    assert [c["text"] for c in speech] == [
        'she sent every voter the same text: "Do you feel the bern?"'
    ]
    assert speech[0]["kind"] == "quote" and speech[0]["cue"] == "said"
    text = 'The mayor said the plan had failed. "We tried," her deputy added.'
    speech = _speech(_run(text)[0])
    assert [c["text"] for c in speech] == ["the plan had failed", '"We tried,"']


def test_impression_with_a_stance_adjective_the_parser_calls_a_predicate() -> None:
    claims, _ = _run("Ms. Kelly seemed certain to leave.")
    assert [c["text"] for c in _speech(claims)] == ["Ms. Kelly seemed certain to leave"]
    # an adjective complement the adjective cue reads stays with it
    claims, _ = _run("The mayor appeared pleased with the vote.")
    speech = _speech(claims)
    assert [c["text"] for c in speech] == ["the vote"]
    assert speech[0]["speaker_mention"]["text"] == "The mayor"


def test_the_topic_of_a_question_is_content() -> None:
    claims, _ = _run("Asked about the tax plan, the governor said nothing.")
    assert [c["text"] for c in _speech(claims)] == ["about the tax plan"]
    claims, _ = _run("Reporters asked the mayor about the budget.")
    assert [c["text"] for c in _speech(claims)] == ["the mayor about the budget"]
    # "about" after another speech verb is no question
    claims, _ = _run("The mayor warned about the weather.")
    assert _speech(claims) == []


def test_quotes_eval_reads_parses_it_wrote(tmp_path, monkeypatch, capsys) -> None:
    import argparse
    import json

    from streams.evals import quotes as quotes_eval

    recs = [
        {"id": "a", "text": '"We will win," Jane Roe said.', "quotes": []},
        {"id": "b", "text": "The mayor said the bridge would reopen.", "quotes": []},
    ]
    data = tmp_path / "bench.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    parser = argparse.ArgumentParser()
    quotes_eval.add_arguments(parser)
    args = parser.parse_args(
        ["--data", str(data), "--json", "--parses", str(tmp_path / "parses.spacy")]
    )
    assert quotes_eval.run(args) == 0
    first = capsys.readouterr().out.splitlines()[-1]
    assert (tmp_path / "parses.spacy").exists()

    def no_parsing(*a, **k):
        raise AssertionError("spaCy ran although the parses were on disk")

    monkeypatch.setattr(load_nlp(), "pipe", no_parsing)
    assert quotes_eval.run(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == first


def test_an_attribution_inside_another_is_not_a_claim_of_its_own() -> None:
    claims, _ = _run("Officials said the mayor wants to raise taxes next year.")
    speech = _speech(claims)
    assert [c["text"] for c in speech] == ["the mayor wants to raise taxes next year"]
    assert speech[0]["speaker_mention"]["text"] == "Officials"


def test_a_reported_clause_in_the_attribution_does_not_part_a_split_quote() -> None:
    text = (
        "“The bridge will not open this year,” said Jane Roe, using a phrase the mayor "
        "coined to describe the project. “Nobody should expect miracles.”"
    )
    claims, _ = _run(text)
    quotes = [c for c in _speech(claims) if c["kind"] == "quote"]
    assert len(quotes) == 1
    assert [text[f["start"] : f["end"]] for f in quotes[0]["fragments"]] == [
        "“The bridge will not open this year,”",
        "“Nobody should expect miracles.”",
    ]
    assert quotes[0]["speaker_mention"]["text"] == "Jane Roe"


def test_a_speaker_the_parser_hangs_elsewhere_is_the_name_before_the_description() -> None:
    # the parser makes "Jane Roe" a conjunct of "Ohio": said has no subject
    claims, _ = _run(
        "In Ohio, Jane Roe, a teacher who has lived in the town for decades, said the "
        "school would close."
    )
    speech = _speech(claims)
    assert [c["text"] for c in speech] == ["the school would close"]
    assert speech[0]["speaker_mention"]["text"] == "Jane Roe"


def test_a_cue_after_an_adjective_takes_the_subject_of_the_copula() -> None:
    claims, _ = _run("The mayor was quick to point out that the budget had grown.")
    speech = _speech(claims)
    assert [c["text"] for c in speech] == ["that the budget had grown"]
    assert speech[0]["speaker_mention"]["text"] == "The mayor"


def test_a_participle_on_a_noun_that_cannot_speak_goes_with_the_clause_subject() -> None:
    for text, speaker in (
        ("The protesters waved signs calling the mayor a liar.", "The protesters"),
        (
            "The governor has fought with the union for years, at one point calling its "
            "leader a crook.",
            "The governor",
        ),
    ):
        claims, _ = _run(text)
        assert [c["speaker_mention"]["text"] for c in _speech(claims)] == [speaker]


def test_a_speech_verb_the_parser_hangs_on_the_quote_takes_the_name_before_it() -> None:
    # '“We will win,” Chief Jane Roe said. “Nobody can stop us.”' parsed as the model
    # sometimes does: "said" a conjunct of the quote's "win", so its subject is the quote's
    # "We"; the speaker is the name right before the verb, and the quotes are one claim
    words = "“ We will win , ” Chief Jane Roe said . “ Nobody can stop us . ”".split()
    spaces = [False, True, True, False, False, True, True, True, True, False, True]
    spaces += [False, True, True, True, False, False, False]
    heads = [3, 3, 3, 3, 3, 3, 8, 8, 3, 3, 3, 14, 14, 14, 14, 14, 14, 14]
    deps = "punct nsubj aux ROOT punct punct compound compound dep conj punct".split()
    deps += "punct nsubj aux ROOT dobj punct punct".split()
    pos = "PUNCT PRON AUX VERB PUNCT PUNCT PROPN PROPN PROPN VERB PUNCT".split()
    pos += "PUNCT PRON AUX VERB PRON PUNCT PUNCT".split()
    tags = "`` PRP MD VB , '' NNP NNP NNP VBD .".split() + "`` NN MD VB PRP . ''".split()
    lemmas = "“ we will win , ” Chief Jane Roe say .".split() + "“ nobody can stop we . ”".split()
    ents = ["O"] * 7 + ["B-PERSON", "I-PERSON"] + ["O"] * 9
    doc = _parsed(words, spaces, heads, deps, pos, tags, lemmas, ents)
    ent = doc.ents[0]
    mention = {"start": ent.start_char, "end": ent.end_char, "text": ent.text}
    entities = [
        {"id": "e1", "name": "Jane Roe", "label": "PERSON", "salience": 1.0, "mentions": [mention]}
    ]
    quotes = _speech(extract_claims(doc, entities))
    assert len(quotes) == 1
    assert quotes[0]["cue"] == "said"
    assert quotes[0]["speaker_mention"]["text"] == "Jane Roe"
    assert [doc.text[f["start"] : f["end"]] for f in quotes[0]["fragments"]] == [
        "“We will win,”",
        "“Nobody can stop us.”",
    ]


def test_verbs_of_exclaiming_and_pleading_report_quotes() -> None:
    for text, cue, speaker in (
        ("“Go vote,” the mayor implored. “Every ballot counts.”", "implored", "the mayor"),
        ("“Four more years!” the crowd chanted.", "chanted", "the crowd"),
    ):
        quotes = _speech(_run(text)[0])
        assert [(q["cue"], q["speaker_mention"]["text"]) for q in quotes] == [(cue, speaker)]


def test_a_complement_across_a_paragraph_break_is_not_the_content() -> None:
    # 'Trees soak up carbon, Jane Roe said.\n\nThe firm plans to plant more.' with the next
    # paragraph's clause hung on "said" as a second complement, nearer than the first
    words = "Trees soak up carbon , Jane Roe said .".split() + ["\n\n"]
    words += "The firm plans to plant more .".split()
    spaces = [True, True, True, False, True, True, True, False, False, False]
    spaces += [True, True, True, True, True, False, False]
    heads = [1, 7, 1, 1, 7, 6, 7, 7, 7, 8, 11, 12, 7, 14, 12, 14, 12]
    deps = "nsubj ccomp prt dobj punct compound nsubj ROOT punct dep".split()
    deps += "det nsubj ccomp aux xcomp dobj punct".split()
    pos = "NOUN VERB ADP NOUN PUNCT PROPN PROPN VERB PUNCT SPACE".split()
    pos += "DET NOUN VERB PART VERB ADJ PUNCT".split()
    tags = "NNS VBP RP NN , NNP NNP VBD . _SP DT NN VBZ TO VB JJR .".split()
    lemmas = "tree soak up carbon , Jane Roe say . \n\n the firm plan to plant more .".split(" ")
    lemmas[9] = "\n\n"
    ents = ["O"] * 5 + ["B-PERSON", "I-PERSON"] + ["O"] * 10
    doc = _parsed(words, spaces, heads, deps, pos, tags, lemmas, ents)
    said = [c for c in _speech(extract_claims(doc, [])) if c["cue"] == "said"]
    assert [c["text"] for c in said] == ["Trees soak up carbon"]
    assert said[0]["speaker_mention"]["text"] == "Jane Roe"


def test_a_title_case_headline_with_a_cue_verb_is_an_attribution() -> None:
    text = "Governor Jane Roe Slams State Budget Cuts\n\nThe governor spoke in the capital."
    speech = _speech(_run(text)[0])
    assert [(c["cue"], c["text"], c["speaker_mention"]["text"]) for c in speech] == [
        ("Slams", "State Budget Cuts", "Jane Roe")
    ]
    # a headline without a cue verb is nothing
    assert _speech(_run("Markets Rise As Oil Prices Fall Again\n\nStocks rose.")[0]) == []


def test_a_cue_less_quote_takes_the_subject_of_the_verb_it_hangs_on() -> None:
    """'Jane Roe faulted Tom Smith for his "reckless spending habits"': the quote is Roe's
    words, not those of the nearest name (Smith)."""
    text = 'Mayor Jane Roe faulted Tom Smith for his "reckless spending habits" on Monday.'
    claims, _ = _run(text)
    quote = next(c for c in claims if c["kind"] == "quote")
    assert quote["speaker_mention"] is not None
    assert "Roe" in quote["speaker_mention"]["text"]


def test_a_quote_after_a_paragraph_ending_in_a_colon_takes_its_cue_and_source() -> None:
    """'Jane Roe told the council: / "..."': the quote opening the next paragraph is hers."""
    text = (
        "Mayor Jane Roe spoke after the vote. Later, she told the council:\n\n"
        '"We will rebuild the bridge by spring, and Tom Smith will pay for it."'
    )
    claims, _ = _run(text)
    quote = next(c for c in claims if c["kind"] == "quote")
    assert quote["speaker_mention"] is not None
    assert quote["speaker_mention"]["text"] == "she"
    assert quote["cue"] == "told"


def test_an_impression_without_a_listener_has_its_person_like_subject_as_source() -> None:
    """'Jane Roe seemed irritated by the delay': the impression is hers (no 'to me')."""
    claims, _ = _run("Mayor Jane Roe seemed irritated by the long delay at the bridge.")
    rep = next(c for c in claims if c["kind"] == "reported")
    assert rep["cue"] == "seemed"
    assert rep["speaker_mention"] is not None
    assert "Roe" in rep["speaker_mention"]["text"]


def test_a_short_quote_nobody_says_is_a_scare_quote() -> None:
    """'the so-called "pivot"': one or two quoted words with no cue and no speaker near."""
    claims, _ = _run('The so-called "pivot" never came, and the campaign stalled in the spring.')
    assert [c for c in claims if c["kind"] == "quote"] == []
    claims, _ = _run('Mayor Jane Roe said the bridge was "simply unsafe" on Monday.')
    assert [c["cue"] for c in claims if c["kind"] == "quote"] == ["said"]
